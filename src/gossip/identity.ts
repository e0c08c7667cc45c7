/**
 * What a node keeps across restarts so that the cluster recognises it: its
 * host id, its tokens, and the generation of its last start. They live in the
 * storage engine's meta entries (the role of Cassandra's system.local), under
 * `local/...` keys.
 *
 * A restarted node keeps its host id and tokens, so it owns the same ranges
 * and hints meant for it still find it; its generation strictly increases,
 * so peers recognise the restart and take its new state whole.
 */
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import { decodeTokens, encodeTokens } from './endpoint-state.js';

/** The meta half of the storage engine's interface, which is all identity needs. */
export interface MetaStore {
  getMeta(key: string): Promise<Buffer | undefined>;
  putMeta(key: string, value: Buffer): Promise<void>;
}

export const GENERATION_KEY = 'local/generation';
export const HOST_ID_KEY = 'local/host_id';
export const TOKENS_KEY = 'local/tokens';
/** Internode endpoints of every peer this node has known (the role of Cassandra's system.peers). */
export const PEERS_KEY = 'local/peers';

export interface LocalIdentity {
  hostId: string;
  tokens: bigint[];
  /** True when the tokens were allocated now rather than loaded (a first start). */
  allocated: boolean;
}

/**
 * The generation for this start: the current time in seconds, or one more
 * than the last start's when the clock has not moved past it (a restart within
 * the same second, or a clock stepped back), persisted before it is used.
 */
export async function nextGeneration(store: MetaStore, clock: Clock): Promise<number> {
  const stored = await store.getMeta(GENERATION_KEY);
  const previous = stored ? Number(stored.toString('utf8')) : 0;
  const generation = Math.max(clock.nowS(), previous + 1);
  await store.putMeta(GENERATION_KEY, Buffer.from(String(generation), 'utf8'));
  return generation;
}

/** A random (version 4) UUID drawn from `random`, so a seeded source gives reproducible ids in tests. */
export function randomUuid(random: RandomSource): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function loadOrCreateHostId(store: MetaStore, random: RandomSource): Promise<string> {
  const stored = await store.getMeta(HOST_ID_KEY);
  if (stored) return stored.toString('utf8');
  const hostId = randomUuid(random);
  await store.putMeta(HOST_ID_KEY, Buffer.from(hostId, 'utf8'));
  return hostId;
}

/** The persisted tokens, or an empty list before the node first joined. */
export async function loadTokens(store: MetaStore): Promise<bigint[]> {
  const stored = await store.getMeta(TOKENS_KEY);
  return stored ? decodeTokens(stored.toString('utf8')) : [];
}

/** The peers this node knew before it stopped, so a restart can gossip with them before anyone contacts it. */
export async function loadPeers(store: MetaStore): Promise<string[]> {
  const stored = await store.getMeta(PEERS_KEY);
  if (!stored) return [];
  const peers: unknown = JSON.parse(stored.toString('utf8'));
  return Array.isArray(peers) ? peers.filter((p): p is string => typeof p === 'string') : [];
}

export async function savePeers(store: MetaStore, peers: readonly string[]): Promise<void> {
  await store.putMeta(PEERS_KEY, Buffer.from(JSON.stringify([...peers].sort()), 'utf8'));
}

export async function saveTokens(store: MetaStore, tokens: readonly bigint[]): Promise<void> {
  await store.putMeta(TOKENS_KEY, Buffer.from(encodeTokens(tokens), 'utf8'));
}

/**
 * The host id and tokens this node had before, or new ones on a first
 * start: `allocateTokens` is called only then (typically src/ring's
 * allocateTokens over the ring gossip has learned), and its tokens are saved
 * before they are returned.
 */
export async function loadOrCreateIdentity(
  store: MetaStore,
  random: RandomSource,
  allocateTokens: () => bigint[] | Promise<bigint[]>,
): Promise<LocalIdentity> {
  const hostId = await loadOrCreateHostId(store, random);
  const tokens = await loadTokens(store);
  if (tokens.length > 0) return { hostId, tokens, allocated: false };
  const fresh = await allocateTokens();
  await saveTokens(store, fresh);
  return { hostId, tokens: [...fresh], allocated: true };
}

/** Where a node is in joining and leaving the ring (the role of Cassandra's system.local bootstrapped column). */
export const BOOTSTRAP_KEY = 'local/bootstrap';

/**
 * IN_PROGRESS: the node chose its tokens and is streaming; a restart resumes
 * the bootstrap with the same tokens. COMPLETED: it joined. DECOMMISSIONED:
 * it left the ring and refuses to start again on this data. REMOVED: peers
 * said it had been removed (removenode) while it was down; it refuses to
 * start again on this data too. A node that has
 * tokens but no state joined before the state was kept, so it counts as
 * COMPLETED.
 */
export type BootstrapState = 'IN_PROGRESS' | 'COMPLETED' | 'DECOMMISSIONED' | 'REMOVED';

export async function loadBootstrapState(store: MetaStore): Promise<BootstrapState | undefined> {
  const stored = (await store.getMeta(BOOTSTRAP_KEY))?.toString('utf8');
  return stored === 'IN_PROGRESS' || stored === 'COMPLETED' || stored === 'DECOMMISSIONED' || stored === 'REMOVED' ? stored : undefined;
}

export async function saveBootstrapState(store: MetaStore, state: BootstrapState): Promise<void> {
  await store.putMeta(BOOTSTRAP_KEY, Buffer.from(state, 'utf8'));
}
