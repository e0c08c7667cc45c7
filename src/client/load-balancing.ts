/**
 * The order in which a request tries hosts (its query plan), as the
 * DataStax drivers' TokenAwarePolicy wrapping DCAwareRoundRobinPolicy
 * build it, kept pure so it is tested with tables:
 *
 * 1. the live replicas of the request's partition in the local datacenter,
 *    when the driver could compute them (token-aware routing), rotated so
 *    load spreads over the replicas;
 * 2. every other live host of the local datacenter, round robin;
 * 3. for levels that are not datacenter-local, the live hosts of the other
 *    datacenters, so they serve only when every local host has failed.
 *
 * A host whose datacenter is not known yet (a contact point before
 * discovery) counts as local, as does every host when no local
 * datacenter is set.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import { isDatacenterLocal } from '../ring/consistency.js';

export interface PlanHost {
  /** 'host:port', as the driver connects to it. */
  address: string;
  dc: string | undefined;
  up: boolean;
}

export interface PlanRequest<H extends PlanHost> {
  /** Every host the driver knows, in a stable order. */
  hosts: readonly H[];
  localDc: string | undefined;
  consistency: ConsistencyName;
  /** Addresses of the partition's replicas (primary first), when the request is routable. */
  replicas?: readonly string[];
  /** Advances by one per request; chooses where each round robin starts. */
  rotation: number;
}

/**
 * The hosts to try, in order; hosts that are down are left out. Every request
 * asks, so it walks the few replicas and the host list once each rather than
 * building sets and maps.
 */
export function queryPlan<H extends PlanHost>(request: PlanRequest<H>): H[] {
  const { hosts, localDc, rotation } = request;
  const replicaAddresses = request.replicas ?? [];
  const isLocal = (h: PlanHost) => localDc === undefined || h.dc === undefined || h.dc === localDc;
  // Replicas keep the ring's order (primary first) before the rotation spreads the load.
  const replicas: H[] = [];
  for (const address of replicaAddresses) {
    const host = hosts.find((h) => h.address === address);
    if (host !== undefined && host.up && isLocal(host) && !replicas.includes(host)) replicas.push(host);
  }
  const otherLocal: H[] = [];
  const remote: H[] = [];
  for (const h of hosts) {
    if (!h.up) continue;
    if (!isLocal(h)) remote.push(h);
    else if (!replicaAddresses.includes(h.address)) otherLocal.push(h);
  }
  const plan = rotate(replicas, rotation);
  plan.push(...rotate(otherLocal, rotation));
  if (!isDatacenterLocal(request.consistency)) plan.push(...rotate(remote, rotation));
  return plan;
}

function rotate<T>(items: T[], by: number): T[] {
  if (items.length <= 1) return items;
  const start = ((by % items.length) + items.length) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
