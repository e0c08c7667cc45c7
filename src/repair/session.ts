/**
 * One repair session: one table over one token range, across every replica
 * of that range (this node included).
 *
 *   1. Every replica builds a Merkle tree of the range, hashing its
 *      partitions as of the same time (the session's asOfS).
 *   2. The trees are compared; only leaves whose hashes differ go further.
 *   3. Every replica lists the partitions of those sub-ranges as digests, so
 *      the session learns exactly which partitions disagree and which replica
 *      holds which version.
 *   4. One replica per distinct version hands that version over; the versions
 *      are merged with reconcile (mergePartitions), and the result is streamed
 *      to each replica whose version differs from it, which applies it through
 *      reconcile. Data therefore flows in every direction a difference needs.
 *
 * Building the trees reads the data; everything after reads and moves only
 * what differs, so the cost of a session past step 1 grows with the
 * divergence, not with the size of the data. Writes that arrive meanwhile are
 * harmless: anything streamed merges with them through reconcile.
 *
 * A replica that stops answering (a request timing out, or its connection
 * failing) fails the session with EndpointDiedError; nothing waits forever,
 * because every request carries repair_request_timeout.
 */
import type { MessagingService } from '../net/messaging.js';
import { MessageTimeoutError, PeerUnreachableError } from '../net/errors.js';
import type { EndpointId, PartitionDigestEntry, RepairResume } from '../net/payloads.js';
import { encodePartitionCanonical, partitionDigest } from '../storage/digest.js';
import type { Partition, TableLayout, TokenRange } from '../storage/model.js';
import { mergePartitions } from '../storage/partition.js';
import { difference, leafRanges, MerkleTree } from './merkle.js';

export type RepairMessaging = Pick<MessagingService, 'request'>;

export interface RangeRepairRequest {
  table: TableLayout;
  range: TokenRange;
  replicas: readonly EndpointId[];
  depth: number;
  asOfS: number;
  /** Report what differs without streaming it. */
  preview: boolean;
  /** Partitions one listing, fetch or stream message carries at most (repair_stream_batch_partitions). */
  batchPartitions: number;
}

export interface RangeRepairResult {
  /** Merkle roots per replica (hex), as built at the start of the session. */
  roots: Record<EndpointId, string>;
  /** Token sub-ranges whose Merkle leaves differ. */
  divergentRanges: TokenRange[];
  /** Partitions some replica lacks or holds another version of. */
  partitionsOutOfSync: number;
  /** Rows of those partitions (the most any replica holds of each). */
  rowsOutOfSync: number;
  /** Partitions applied on replicas that lacked them. */
  partitionsStreamed: number;
  /** Canonical bytes of the partitions moved: fetched from a replica, then streamed to the ones lacking them. */
  bytesStreamed: number;
  /** Partitions the first replica hashed into its tree. */
  partitionsHashed: number;
}

/** A replica stopped answering during a session. */
export class EndpointDiedError extends Error {
  override readonly name = 'EndpointDiedError';
  constructor(
    readonly endpoint: EndpointId,
    readonly reason: string,
  ) {
    super(`endpoint ${endpoint} died`);
  }
}

interface Versions {
  token: bigint;
  key: Buffer;
  byReplica: Map<EndpointId, PartitionDigestEntry>;
}

export async function repairRange(messaging: RepairMessaging, request: RangeRepairRequest): Promise<RangeRepairResult> {
  const { table, range, replicas, depth, asOfS } = request;
  const trees = await Promise.all(
    replicas.map(async (ep) => MerkleTree.fromWire(await ask(ep, () => messaging.request(ep, 'REPAIR_MERKLE_TREE', { tableId: table.id, range, depth, asOfS })))),
  );
  const roots: Record<EndpointId, string> = {};
  replicas.forEach((ep, i) => (roots[ep] = trees[i]!.root().toString('hex')));
  const result: RangeRepairResult = {
    roots,
    divergentRanges: [],
    partitionsOutOfSync: 0,
    rowsOutOfSync: 0,
    partitionsStreamed: 0,
    bytesStreamed: 0,
    partitionsHashed: trees[0]?.partitionCount() ?? 0,
  };
  const leaves = new Set<number>();
  for (const tree of trees.slice(1)) for (const leaf of difference(trees[0]!, tree)) leaves.add(leaf);
  if (leaves.size === 0) return result;
  result.divergentRanges = leafRanges(trees[0]!, [...leaves]);

  const versions = await listVersions(messaging, request, result.divergentRanges);
  const divergent = [...versions.values()].filter((v) => !allAgree(v, replicas));
  result.partitionsOutOfSync = divergent.length;
  for (const v of divergent) result.rowsOutOfSync += Math.max(...[...v.byReplica.values()].map((e) => e.rows));
  if (request.preview) return result;

  for (let i = 0; i < divergent.length; i += request.batchPartitions) {
    await syncBatch(messaging, request, divergent.slice(i, i + request.batchPartitions), result);
  }
  return result;
}

/** Every replica's digest of every partition in the divergent sub-ranges, keyed by partition. */
async function listVersions(messaging: RepairMessaging, request: RangeRepairRequest, ranges: TokenRange[]): Promise<Map<string, Versions>> {
  const versions = new Map<string, Versions>();
  await Promise.all(
    request.replicas.map(async (ep) => {
      let resume: RepairResume | undefined;
      do {
        const page = await ask(ep, () =>
          messaging.request(ep, 'REPAIR_DIGESTS', {
            tableId: request.table.id,
            ranges,
            asOfS: request.asOfS,
            limitPartitions: request.batchPartitions,
            ...(resume ? { resume } : {}),
          }),
        );
        for (const entry of page.entries) {
          const id = `${entry.token}:${entry.key.toString('hex')}`;
          let v = versions.get(id);
          if (!v) versions.set(id, (v = { token: entry.token, key: entry.key, byReplica: new Map() }));
          v.byReplica.set(ep, entry);
        }
        resume = page.resume;
      } while (resume);
    }),
  );
  return versions;
}

function allAgree(v: Versions, replicas: readonly EndpointId[]): boolean {
  const first = v.byReplica.get(replicas[0]!);
  return first !== undefined && replicas.every((ep) => v.byReplica.get(ep)?.digest.equals(first.digest));
}

/** Fetches one copy of each distinct version, merges them, and streams the merge to every replica whose version differs. */
async function syncBatch(messaging: RepairMessaging, request: RangeRepairRequest, batch: Versions[], result: RangeRepairResult): Promise<void> {
  const { table } = request;
  const fetchFrom = new Map<EndpointId, { token: bigint; key: Buffer }[]>();
  for (const v of batch) {
    const seen = new Set<string>();
    for (const [ep, entry] of v.byReplica) {
      const digest = entry.digest.toString('hex');
      if (seen.has(digest)) continue;
      seen.add(digest);
      pushTo(fetchFrom, ep, { token: v.token, key: v.key });
    }
  }
  const merged = new Map<string, Partition>();
  await Promise.all(
    [...fetchFrom].map(async ([ep, keys]) => {
      const { partitions } = await ask(ep, () => messaging.request(ep, 'REPAIR_FETCH', { tableId: table.id, keys }));
      for (const p of partitions) {
        result.bytesStreamed += encodePartitionCanonical(p).length;
        const id = `${p.token}:${p.key.toString('hex')}`;
        const other = merged.get(id);
        merged.set(id, other ? mergePartitions(table, other, p) : p);
      }
    }),
  );
  const streamTo = new Map<EndpointId, Partition[]>();
  for (const v of batch) {
    const p = merged.get(`${v.token}:${v.key.toString('hex')}`);
    if (!p) continue; // Purged or truncated between listing and fetching: nothing left to spread.
    const digest = partitionDigest(table, p, request.asOfS);
    for (const ep of request.replicas) {
      if (v.byReplica.get(ep)?.digest.equals(digest)) continue;
      pushTo(streamTo, ep, p);
    }
  }
  await Promise.all(
    [...streamTo].map(async ([ep, partitions]) => {
      await ask(ep, () => messaging.request(ep, 'REPAIR_STREAM', { partitions }));
      result.partitionsStreamed += partitions.length;
      for (const p of partitions) result.bytesStreamed += encodePartitionCanonical(p).length;
    }),
  );
}

function pushTo<T>(lists: Map<EndpointId, T[]>, ep: EndpointId, item: T): void {
  const list = lists.get(ep);
  if (list) list.push(item);
  else lists.set(ep, [item]);
}

/** Runs one request to `ep`, turning a timeout or a lost connection into EndpointDiedError. */
async function ask<T>(ep: EndpointId, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof MessageTimeoutError || err instanceof PeerUnreachableError) throw new EndpointDiedError(ep, err.message);
    throw err;
  }
}
