/**
 * Choosing a new node's tokens. A node that already has tokens keeps them
 * (they are persisted with its host id). A new node first listens to gossip
 * until it has heard of another member of the ring, or for a few gossip
 * rounds when nobody answers, so it can pick tokens that split the existing
 * ranges evenly; the first node of a cluster picks evenly spaced tokens.
 */
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import { seedEndpoint } from '../gossip/gossiper.js';
import { allocateTokens } from '../ring/tokens.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { RingView } from './ring-view.js';

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
  const { self, ringView, settings, clock, log } = options;
  const peers = settings.seeds.map((s) => seedEndpoint(s, settings.storage_port)).filter((s) => s !== self);
  if (peers.length > 0) {
    const deadlineMs = clock.nowMs() + RING_DISCOVERY_ROUNDS * settings.gossip_interval;
    while (ringView.current().isEmpty() && clock.nowMs() < deadlineMs) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.max(10, settings.gossip_interval / 5)));
    }
  }
  const ring = ringView.current();
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
