/**
 * What the cluster coordinator's paths (write, read, range, batch) share:
 * this node's identity, the ring and liveness as gossip sees them, the
 * replica client and the hint seam. ClusterCoordinator builds one from its
 * options and hands it to each path.
 */
import type { Clock } from '../clock/clock.js';
import type { EndpointId } from '../net/payloads.js';
import type { TokenRing } from '../ring/token-ring.js';
import type { ReplicationOptions } from '../schema/table.js';
import type { Partition } from '../storage/model.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { ReadRepairCounters } from './metrics.js';
import type { ReplicaState } from './read-core.js';
import type { ReplicaClient } from './replica-client.js';

/**
 * The hinted-handoff seam: called for each replica that was down or did not
 * acknowledge a write in time, once per partition it missed. It resolves to
 * true once the hint is durably stored (ANY waits for that), false when the
 * hint was refused (e.g. past max_hint_window).
 */
export type HintSink = (target: EndpointId, partition: Partition) => boolean | Promise<boolean>;

export interface CoordinatorContext {
  /** This node's internode endpoint, as the ring names it. */
  self: EndpointId;
  /** This node's datacenter: LOCAL_* levels count replicas here. */
  localDc: string;
  /** The current ring; read once per request, so a request finishes on the ring it started on. */
  ring: () => TokenRing;
  /**
   * The pending replicas of a token while the ring changes (src/ring/pending.ts):
   * writes go to them too and wait for one more ack each. Absent: none.
   */
  pendingReplicas?: (replication: ReplicationOptions, token: bigint) => readonly EndpointId[];
  dcOf: (endpoint: EndpointId) => string;
  /** Gossip's verdict; this node itself always counts as alive. */
  isAlive: (endpoint: EndpointId) => boolean;
  settings: Settings;
  clock: Clock;
  log: Logger;
  replicas: ReplicaClient;
  onHint: HintSink | undefined;
  /** Read repair counts for netstats; absent in contexts that do not report them. */
  readRepair?: ReadRepairCounters;
}

/** The coordinator's view of some replicas: this node always counts as alive. */
export function replicaStates(ctx: CoordinatorContext, endpoints: readonly EndpointId[]): ReplicaState[] {
  return endpoints.map((endpoint) => ({ endpoint, dc: ctx.dcOf(endpoint), alive: endpoint === ctx.self || ctx.isAlive(endpoint) }));
}
