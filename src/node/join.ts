/**
 * Joining the ring at start-up. A node that already joined keeps its tokens
 * (they are persisted with its host id) and starts NORMAL. A new node first
 * listens to gossip until it has heard of another member of the ring, or for
 * a few gossip rounds when nobody answers, so it can pick tokens that split
 * the existing ranges evenly; the first node of a cluster, which must be one
 * of its seeds (or have none), picks evenly spaced tokens. Then a new node that is not a seed, joining a ring that has
 * members, bootstraps (topology.ts): it streams its ranges before it turns
 * NORMAL. A node restarted in the middle of its bootstrap resumes it with the
 * tokens it chose; a decommissioned node refuses to start.
 */
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import type { NodeStatus } from '../gossip/endpoint-state.js';
import { seedEndpoint, type Gossiper } from '../gossip/gossiper.js';
import { loadBootstrapState, loadTokens, saveBootstrapState, type MetaStore } from '../gossip/identity.js';
import { allocateTokens } from '../ring/tokens.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { RingView } from './ring-view.js';
import { RingJoinError } from './topology.js';

/** Gossip rounds a new node listens for the ring before choosing tokens without it. */
const RING_DISCOVERY_ROUNDS = 5;

export async function chooseTokens(options: {
  self: string;
  ringView: RingView;
  settings: Settings;
  clock: Clock;
  random: RandomSource;
  log: Logger;
}): Promise<bigint[]> {
  const { self, ringView, settings, log } = options;
  await discoverRing(options);
  const ring = ringView.current();
  // Only a seed may found a cluster: a new node that heard of no ring from its seeds would start one of its own
  // beside the real one (a typo in seeds, or the seed not started yet), whose tokens then collide when they meet.
  const seeds = settings.seeds.map((s) => seedEndpoint(s, settings.storage_port));
  if (ring.isEmpty() && seeds.length > 0 && !seeds.includes(self)) {
    throw new RingJoinError(
      `Unable to gossip with any peers: no seed (${seeds.join(', ')}) showed this node a ring to join within ` +
        `${RING_DISCOVERY_ROUNDS} gossip rounds; start a seed first, or list this node among the seeds to start a new cluster`,
    );
  }
  const tokens = allocateTokens({
    ring,
    numTokens: settings.num_tokens,
    dc: settings.dc,
    random: options.random,
    replicationFactor: settings.allocate_tokens_for_local_replication_factor,
  });
  log.info(`Chose ${tokens.length} tokens (num_tokens) ${ring.isEmpty() ? 'as the first node of the ring' : `balanced against ${ring.endpoints().length} other node(s)`}`);
  return tokens;
}

/** Waits until gossip has shown this node a member of the ring, or for a few rounds when it has peers to hear from. */
async function discoverRing(options: { self: string; ringView: RingView; settings: Settings; clock: Clock }): Promise<void> {
  const { self, ringView, settings, clock } = options;
  const peers = settings.seeds.map((s) => seedEndpoint(s, settings.storage_port)).filter((s) => s !== self);
  if (peers.length === 0) return;
  const deadlineMs = clock.nowMs() + RING_DISCOVERY_ROUNDS * settings.gossip_interval;
  while (ringView.current().isEmpty() && clock.nowMs() < deadlineMs) {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.max(10, settings.gossip_interval / 5)));
  }
}

/** What gossip starts with: the tokens and status of a node that joined before, or none and BOOT. */
export interface StartState {
  tokens: bigint[];
  status: NodeStatus;
  /** Tokens chosen by a bootstrap that did not finish. */
  resumeTokens: bigint[];
}

export async function startState(store: MetaStore): Promise<StartState> {
  const tokens = await loadTokens(store);
  const state = await loadBootstrapState(store);
  if (state === 'DECOMMISSIONED') {
    throw new RingJoinError('This node was decommissioned and will not rejoin the ring; to add it again as a new node, clear its data_directory first');
  }
  if (state === 'REMOVED') {
    throw new RingJoinError('This node was removed from the ring (removenode) and will not rejoin it; to add it again as a new node, clear its data_directory first');
  }
  if (tokens.length > 0 && state !== 'IN_PROGRESS') return { tokens, status: 'NORMAL', resumeTokens: [] };
  return { tokens: [], status: 'BOOT', resumeTokens: tokens };
}

/**
 * Finishes joining for a node that started BOOT: chooses its tokens (or takes
 * the ones of a bootstrap it resumes), and either publishes them and turns
 * NORMAL at once, or returns them to be bootstrapped with (topology.ts) when
 * the node must stream: auto_bootstrap is on, it is not a seed, and the ring
 * has members.
 */
export async function joinRing(options: {
  self: string;
  gossip: Pick<Gossiper, 'setTokens' | 'updateLocal'>;
  store: MetaStore;
  ringView: RingView;
  settings: Settings;
  clock: Clock;
  random: RandomSource;
  log: Logger;
  resumeTokens: bigint[];
}): Promise<bigint[] | undefined> {
  const { self, gossip, store, ringView, settings, log } = options;
  let tokens = options.resumeTokens;
  if (tokens.length > 0) {
    log.info(`Resuming the bootstrap that did not finish, with the ${tokens.length} tokens chosen then`);
    await discoverRing(options);
  } else {
    tokens = await chooseTokens(options);
  }
  const isSeed = settings.seeds.some((s) => seedEndpoint(s, settings.storage_port) === self);
  if (settings.auto_bootstrap && !isSeed && !ringView.current().isEmpty()) return tokens;
  if (!ringView.current().isEmpty()) {
    log.info(isSeed ? 'Not bootstrapping: this node is a seed' : 'Not bootstrapping: auto_bootstrap is false; run repair to fill this node');
  }
  await gossip.setTokens(tokens);
  await saveBootstrapState(store, 'COMPLETED');
  gossip.updateLocal('STATUS', 'NORMAL');
  return undefined;
}
