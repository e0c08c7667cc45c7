/**
 * Range scans across the ring. The requested token range is cut at the
 * ring's tokens into pieces each wholly owned by one replica set; pieces are
 * scanned in token order, each at the level: full data from blockFor live
 * replicas (closest first), merged through reconcile, stale replicas
 * repaired before the page is returned. A page stops at limitPartitions.
 *
 * Paging within a piece: a replica that returned as many partitions as were
 * asked for may hold more beyond its last one, so the merged answer is only
 * complete up to the earliest such last partition; the piece continues from
 * there.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { EndpointId, RangeReadRequest } from '../net/payloads.js';
import { assureLiveReplicas } from '../ring/consistency.js';
import { replicasAt } from '../ring/replication.js';
import { RING_SIZE, type TokenRing } from '../ring/token-ring.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition, TableLayout, TokenRange } from '../storage/model.js';
import { ReadTimeoutError } from '../util/errors.js';
import type { Tracer } from '../util/tracing.js';
import type { RangeReadCommand } from './coordinator.js';
import { replicaStates, type CoordinatorContext } from './context.js';
import { orderByProximity, readContacts, responseDigest, type ReadRepairMode } from './read-core.js';
import { mergeAnswers, repairBlocking } from './read-path.js';
import { Rendezvous } from './rendezvous.js';

export interface RangePiece {
  range: TokenRange;
  /** Index of the ring token whose replica set holds this piece. */
  ringIndex: number;
}

/** Clockwise distance from `start` to `token`, in (0, RING_SIZE]: `start` itself is a full turn away. */
function distance(start: bigint, token: bigint): bigint {
  const d = (((token - start) % RING_SIZE) + RING_SIZE) % RING_SIZE;
  return d === 0n ? RING_SIZE : d;
}

/** Cuts (start, end] at every ring token inside it, in token order from start. Pure. */
export function splitByRing(ring: TokenRing, range: TokenRange): RangePiece[] {
  const span = distance(range.start, range.end);
  const cuts = [...new Set(ring.sortedTokens())]
    .filter((t) => distance(range.start, t) < span)
    .sort((a, b) => (distance(range.start, a) < distance(range.start, b) ? -1 : 1));
  const bounds = [range.start, ...cuts, range.end];
  const pieces: RangePiece[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    pieces.push({ range: { start: bounds[i]!, end: bounds[i + 1]! }, ringIndex: ring.primaryIndexOf(bounds[i + 1]!) });
  }
  return pieces;
}

/** Orders partitions by ring position from `start`: clockwise token distance, then key bytes (storage's order). */
function comparePosition(start: bigint, a: { token: bigint; key: Buffer }, b: { token: bigint; key: Buffer }): number {
  const da = distance(start, a.token);
  const db = distance(start, b.token);
  return da !== db ? (da < db ? -1 : 1) : Buffer.compare(a.key, b.key);
}

export async function scanRange(
  ctx: CoordinatorContext,
  keyspace: KeyspaceMetadata,
  layout: TableLayout,
  command: RangeReadCommand,
  level: ConsistencyName,
  readRepair: ReadRepairMode,
  trace?: Tracer,
): Promise<Partition[]> {
  const ring = ctx.ring();
  const pieces = splitByRing(ring, command.range);
  trace?.event(`Submitting range requests on ${pieces.length} range${pieces.length === 1 ? '' : 's'}`);
  // Every piece's availability is checked before anything is sent.
  const contactsByPiece = pieces.map((piece) => {
    const states = orderByProximity(replicaStates(ctx, replicasAt(ring, keyspace.replication, piece.ringIndex)), ctx.self, ctx.localDc);
    assureLiveReplicas(level, keyspace.replication, ctx.localDc, states, (s) => s.alive, (s) => s.dc);
    return readContacts(level, keyspace.replication, ctx.localDc, states);
  });
  const out: Partition[] = [];
  const afterDistance = command.after ? distance(command.range.start, command.after.token) : 0n;
  for (let i = 0; i < pieces.length && out.length < command.limitPartitions; i++) {
    const piece = pieces[i]!;
    // The first piece starts at the range's start, a distance of 0 rather than a full turn.
    const startDistance = i === 0 ? 0n : distance(command.range.start, piece.range.start);
    const endDistance = distance(command.range.start, piece.range.end);
    // Pieces wholly before the paging position were returned on earlier pages.
    if (command.after && endDistance < afterDistance) continue;
    let after = command.after && startDistance < afterDistance ? command.after : undefined;
    for (;;) {
      const remaining = command.limitPartitions - out.length;
      const page = await scanPiece(ctx, layout, piece.range, after, remaining, command, level, contactsByPiece[i]!, readRepair, trace);
      out.push(...page.partitions);
      if (!page.more || out.length >= command.limitPartitions) break;
      after = page.partitions[page.partitions.length - 1]!;
    }
  }
  return out;
}

interface PiecePage {
  partitions: Partition[];
  /** Whether the piece may hold partitions past the last returned one. */
  more: boolean;
}

async function scanPiece(
  ctx: CoordinatorContext,
  layout: TableLayout,
  range: TokenRange,
  after: { token: bigint; key: Buffer } | undefined,
  limit: number,
  command: RangeReadCommand,
  level: ConsistencyName,
  contacts: EndpointId[],
  readRepair: ReadRepairMode,
  trace: Tracer | undefined,
): Promise<PiecePage> {
  const request: RangeReadRequest = { tableId: command.tableId, range, limitPartitions: limit, withStatic: command.withStatic };
  if (after) request.after = { token: after.token, key: after.key };
  const timeoutMs = ctx.settings.range_request_timeout;
  const answers = new Map<EndpointId, Partition[]>();
  let failed = 0;
  const gathered = new Rendezvous<void>(ctx.clock, timeoutMs, (timedOut) => {
    if (answers.size === contacts.length) return { value: undefined };
    if (timedOut || answers.size + failed === contacts.length) return { error: new ReadTimeoutError(level, answers.size, contacts.length, answers.size > 0) };
    return undefined;
  });
  for (const endpoint of contacts) {
    ctx.replicas.rangeRead(endpoint, request, timeoutMs, trace).then(
      (partitions) => (answers.set(endpoint, partitions), gathered.poke()),
      () => (failed++, gathered.poke()),
    );
  }
  await gathered.result;

  const position = (a: { token: bigint; key: Buffer }, b: { token: bigint; key: Buffer }) => comparePosition(range.start, a, b);
  // Complete only up to the earliest last partition of any replica that filled its limit.
  let cutoff: Partition | undefined;
  for (const partitions of answers.values()) {
    if (partitions.length < limit) continue;
    const last = partitions[partitions.length - 1]!;
    if (!cutoff || position(last, cutoff) < 0) cutoff = last;
  }
  const merged = new Map<string, Partition>();
  for (const partitions of answers.values()) {
    for (const p of partitions) {
      if (cutoff && position(p, cutoff) > 0) continue;
      const id = p.key.toString('hex');
      merged.set(id, mergeAnswers(layout, merged.get(id) ?? null, p)!);
    }
  }
  const result = [...merged.values()].sort(position).slice(0, limit);
  if (trace && contacts.length > 1) trace.event(`Merged ${result.length} partition${result.length === 1 ? '' : 's'} from ${answers.size} replicas`);
  await repairRange(ctx, layout, level, contacts, answers, result, readRepair, trace);
  return { partitions: result, more: cutoff !== undefined };
}

/** Sends each contacted replica the merged partitions it lacked or held older, and waits as a read repair does. */
async function repairRange(
  ctx: CoordinatorContext,
  layout: TableLayout,
  level: ConsistencyName,
  contacts: EndpointId[],
  answers: Map<EndpointId, Partition[]>,
  result: Partition[],
  readRepair: ReadRepairMode,
  trace: Tracer | undefined,
): Promise<void> {
  const asOfS = ctx.clock.nowS();
  const missing = new Map<EndpointId, Partition[]>();
  for (const [endpoint, partitions] of answers) {
    const held = new Map(partitions.map((p) => [p.key.toString('hex'), p]));
    const lacking = result.filter((p) => {
      const mine = held.get(p.key.toString('hex'));
      return !mine || !responseDigest(layout, mine, asOfS).equals(responseDigest(layout, p, asOfS));
    });
    if (lacking.length > 0) missing.set(endpoint, lacking);
  }
  if (missing.size === 0) return;
  if (ctx.readRepair) ctx.readRepair.attempted++;
  trace?.event(`Range mismatch: ${[...missing.keys()].map((e) => `/${e}`).join(', ')} lacked or held older data`);
  await repairBlocking(ctx, level, contacts.length, [...answers.keys()], [...missing.keys()], result, readRepair, (e) => missing.get(e)!, trace);
}
