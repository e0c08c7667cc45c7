/**
 * Whom one gossip round talks to, by Cassandra's rules (Gossiper.GossipTask):
 *
 * 1. One random live peer, if any.
 * 2. One random unreachable peer, with probability
 *    unreachable / (live + 1), so a dead peer that came back is found
 *    without flooding dead peers in a big cluster.
 * 3. One random seed, when the live peer was not a seed or fewer peers are
 *    live than there are seeds: always when no peer is live (that is how a
 *    node joins), otherwise with probability seeds / (live + unreachable).
 *    Seeds are where news converges, which keeps the cluster from
 *    splitting into groups that never hear of each other.
 *
 * Pure: randomness comes in as a function.
 */
import type { RandomSource } from '../clock/random.js';
import type { EndpointId } from '../net/payloads.js';

export interface PeerSelectionInput {
  self: EndpointId;
  live: readonly EndpointId[];
  unreachable: readonly EndpointId[];
  seeds: readonly EndpointId[];
  random: RandomSource;
}

export function pickOne<T>(items: readonly T[], random: RandomSource): T | undefined {
  if (items.length === 0) return undefined;
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))];
}

/** The peers to send this round's SYN to, in order, without repeats. */
export function chooseGossipTargets(input: PeerSelectionInput): EndpointId[] {
  const { self, random } = input;
  const live = input.live.filter((e) => e !== self);
  const unreachable = input.unreachable.filter((e) => e !== self);
  const seeds = input.seeds.filter((e) => e !== self);
  const targets: EndpointId[] = [];

  const livePeer = pickOne(live, random);
  if (livePeer !== undefined) targets.push(livePeer);
  const gossipedToSeed = livePeer !== undefined && seeds.includes(livePeer);

  if (unreachable.length > 0 && random() < unreachable.length / (live.length + 1)) {
    const peer = pickOne(unreachable, random)!;
    if (!targets.includes(peer)) targets.push(peer);
  }

  if (seeds.length > 0 && (!gossipedToSeed || live.length < seeds.length)) {
    const always = live.length === 0;
    if (always || random() <= seeds.length / (live.length + unreachable.length)) {
      const seed = pickOne(seeds, random)!;
      if (!targets.includes(seed)) targets.push(seed);
    }
  }
  return targets;
}
