/**
 * What gossip knows about one endpoint, and the pure rules of Cassandra's
 * three-way exchange over it.
 *
 * Every node owns exactly one EndpointState: its heartbeat (a generation
 * fixed at process start and a version bumped every round) and a set of
 * application states (STATUS, TOKENS, DC, ...), each stamped with a version
 * drawn from the same per-node counter as the heartbeat. Because one counter
 * stamps everything, "the highest version I hold for endpoint E" summarises
 * all I know of E in a single number, which is what a digest carries.
 *
 * The exchange (docs/gossip.md):
 * 1. SYN: A sends a digest (endpoint, generation, maxVersion) for every
 *    endpoint it knows.
 * 2. ACK: B answers with the state A lacks (`examineDigests`) and asks for
 *    the endpoints where A is ahead.
 * 3. ACK2: A sends what B asked for (`answerRequests`).
 * Both sides then merge what they received (`classifyRemote`, `newerStates`).
 */
import type { EndpointId, EndpointStateWire, GossipDigest, VersionedValue } from '../net/payloads.js';

export type { EndpointId, EndpointStateWire, GossipDigest, VersionedValue };

/** The application states every node publishes, named as Cassandra's ApplicationState. */
export const APPLICATION_STATES = [
  'STATUS',
  'TOKENS',
  'DC',
  'RACK',
  'SCHEMA',
  'LOAD',
  'HOST_ID',
  'NATIVE_ADDRESS',
  'RELEASE_VERSION',
  'WALL_CLOCK_MS',
] as const;

export type ApplicationStateKey = (typeof APPLICATION_STATES)[number];

/**
 * STATUS values. BOOT is a node joining (streaming before it owns its
 * tokens), LEAVING one decommissioning, LEFT one gone for good, SHUTDOWN one
 * stopped on purpose that will likely come back. REMOVING is a dead node that
 * `sibyltool removenode` is taking out of the ring: another node publishes
 * it on the dead node's behalf (Gossiper.advertiseStatus), then LEFT.
 */
export type NodeStatus = 'NORMAL' | 'BOOT' | 'LEAVING' | 'LEFT' | 'SHUTDOWN' | 'REMOVING';

export interface HeartbeatState {
  /** Seconds since the epoch when the node's process started; strictly increasing across restarts. */
  generation: number;
  /** Bumped every gossip round and with every local application-state change. */
  version: number;
}

/**
 * One endpoint's state. States are keyed by string rather than by
 * ApplicationStateKey so that a key published by a newer node is kept and
 * passed on by an older one.
 */
export interface EndpointState {
  heartbeat: HeartbeatState;
  states: Record<string, VersionedValue>;
}

/**
 * A generation further ahead of our own clock than this is refused as
 * corrupt, as Cassandra's MAX_GENERATION_DIFFERENCE (one year) does.
 */
export const MAX_GENERATION_DIFFERENCE_S = 86_400 * 365;

/** The highest version anywhere in the state: what a digest advertises. */
export function maxVersion(state: EndpointState): number {
  let max = state.heartbeat.version;
  for (const value of Object.values(state.states)) if (value.version > max) max = value.version;
  return max;
}

export function digestOf(endpoint: EndpointId, state: EndpointState): GossipDigest {
  return { endpoint, generation: state.heartbeat.generation, maxVersion: maxVersion(state) };
}

export function digestsOf(endpoints: ReadonlyMap<EndpointId, EndpointState>): GossipDigest[] {
  return [...endpoints].map(([endpoint, state]) => digestOf(endpoint, state));
}

export function toWire(state: EndpointState): EndpointStateWire {
  return { generation: state.heartbeat.generation, heartbeatVersion: state.heartbeat.version, states: { ...state.states } };
}

export function fromWire(wire: EndpointStateWire): EndpointState {
  return { heartbeat: { generation: wire.generation, version: wire.heartbeatVersion }, states: { ...wire.states } };
}

/**
 * The part of `state` newer than `version`, or undefined when nothing is.
 * The heartbeat always travels with any newer state, as in Cassandra's
 * getStateForVersionBiggerThan, so the receiver learns the sender is alive.
 */
export function stateNewerThan(state: EndpointState | undefined, version: number): EndpointStateWire | undefined {
  if (!state) return undefined;
  const states: Record<string, VersionedValue> = {};
  let any = state.heartbeat.version > version;
  for (const [key, value] of Object.entries(state.states)) {
    if (value.version > version) {
      states[key] = value;
      any = true;
    }
  }
  if (!any) return undefined;
  return { generation: state.heartbeat.generation, heartbeatVersion: state.heartbeat.version, states };
}

/**
 * The receiver's side of a SYN (Cassandra's examineGossiper): for each
 * digest, send what the sender lacks, or ask for what we lack.
 *
 * - Same generation and version: nothing to do.
 * - Sender's generation newer (or endpoint unknown to us): ask for all of it.
 * - Our generation newer: send all of ours.
 * - Same generation: the side with the higher version gives the other the
 *   states above the other's version.
 */
export function examineDigests(
  local: ReadonlyMap<EndpointId, EndpointState>,
  digests: readonly GossipDigest[],
): { requests: GossipDigest[]; states: Record<EndpointId, EndpointStateWire> } {
  const requests: GossipDigest[] = [];
  const states: Record<EndpointId, EndpointStateWire> = {};
  for (const digest of digests) {
    const mine = local.get(digest.endpoint);
    if (!mine) {
      requests.push({ endpoint: digest.endpoint, generation: digest.generation, maxVersion: 0 });
      continue;
    }
    const myGeneration = mine.heartbeat.generation;
    const myMax = maxVersion(mine);
    if (digest.generation > myGeneration) {
      requests.push({ endpoint: digest.endpoint, generation: digest.generation, maxVersion: 0 });
    } else if (digest.generation < myGeneration) {
      states[digest.endpoint] = toWire(mine);
    } else if (digest.maxVersion > myMax) {
      requests.push({ endpoint: digest.endpoint, generation: digest.generation, maxVersion: myMax });
    } else if (digest.maxVersion < myMax) {
      const delta = stateNewerThan(mine, digest.maxVersion);
      if (delta) states[digest.endpoint] = delta;
    }
  }
  return { requests, states };
}

/**
 * The SYN sender's side of an ACK: the states the peer asked for, each
 * newer than the version the peer said it holds. When our generation differs
 * from the one the peer asked about, the peer's version means nothing for
 * ours, so all of our state goes.
 */
export function answerRequests(
  local: ReadonlyMap<EndpointId, EndpointState>,
  requests: readonly GossipDigest[],
): Record<EndpointId, EndpointStateWire> {
  const states: Record<EndpointId, EndpointStateWire> = {};
  for (const request of requests) {
    const mine = local.get(request.endpoint);
    if (!mine) continue;
    const since = mine.heartbeat.generation === request.generation ? request.maxVersion : 0;
    const delta = stateNewerThan(mine, since);
    if (delta) states[request.endpoint] = delta;
  }
  return states;
}

/**
 * How a received state relates to ours (Cassandra's applyStateLocally):
 * - `new`: we did not know the endpoint; take the state whole.
 * - `restart`: a newer generation; the endpoint restarted, replace ours.
 * - `update`: the same generation; merge newer heartbeat and states.
 * - `stale`: an older generation; ignore it.
 * - `bad-generation`: a generation implausibly far in the future; ignore it and warn.
 */
export type RemoteClass = 'new' | 'restart' | 'update' | 'stale' | 'bad-generation';

export function classifyRemote(local: EndpointState | undefined, remote: EndpointStateWire, nowS: number): RemoteClass {
  if (remote.generation > nowS + MAX_GENERATION_DIFFERENCE_S) return 'bad-generation';
  if (!local) return 'new';
  if (remote.generation > local.heartbeat.generation) return 'restart';
  if (remote.generation < local.heartbeat.generation) return 'stale';
  return 'update';
}

/** The remote states newer than ours, key by key (same generation assumed). */
export function newerStates(local: EndpointState, remote: EndpointStateWire): [string, VersionedValue][] {
  const out: [string, VersionedValue][] = [];
  for (const [key, value] of Object.entries(remote.states)) {
    const mine = local.states[key];
    if (!mine || mine.version < value.version) out.push([key, value]);
  }
  return out.sort((a, b) => a[1].version - b[1].version);
}

/** A STATUS under which a node is never marked alive: it left, it announced its shutdown, or it is being removed. */
export function isDeadStatus(status: string | undefined): boolean {
  return status === 'LEFT' || status === 'SHUTDOWN' || status === 'REMOVING';
}

export function statusOf(state: EndpointState): string | undefined {
  return state.states['STATUS']?.value;
}

/** TOKENS travel as one string of decimal tokens joined by commas. */
export function encodeTokens(tokens: readonly bigint[]): string {
  return tokens.map((t) => t.toString()).join(',');
}

export function decodeTokens(value: string | undefined): bigint[] {
  if (!value) return [];
  return value.split(',').map((t) => BigInt(t));
}
