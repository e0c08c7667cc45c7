/**
 * The chaos workload: several clients, each pinned to one node (so every
 * node coordinates, including the one cut off or paused), each with its own
 * seeded choices, doing one operation at a time on a small key set so reads
 * race writes. Writes carry unique values and unique client-side timestamps
 * from one generator shared by every client, so the checker can order any
 * two writes by timestamp and name the write a read saw.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import type { Client } from '../../../src/client/index.js';
import { MonotonicTimestampGenerator } from '../../../src/client/index.js';
import { SystemClock } from '../../../src/clock/clock.js';
import { sleep } from '../harness.js';
import type { HistoryRecorder, Observed } from './history.js';
import { describeError, outcomeOfError } from './outcome.js';
import { Prng } from './prng.js';

export const KEYSPACE = 'chaos';
export const TABLE = 'kv';

export interface WorkloadClient {
  client: Client;
  /** The node it is pinned to. */
  node: number;
}

export interface WorkloadOptions {
  seed: number;
  clients: WorkloadClient[];
  keys: number;
  writeLevel: ConsistencyName;
  readLevel: ConsistencyName;
  /** Share of operations that are reads, 0..1. */
  readShare: number;
  /** Operations per second over all clients, at most. */
  opsPerSecond: number;
  recorder: HistoryRecorder;
  /** Whether the run should stop; checked between operations. */
  done: () => boolean;
}

export const WRITE_CQL = `INSERT INTO ${KEYSPACE}.${TABLE} (k, v) VALUES (?, ?)`;
export const READ_CQL = `SELECT v, writetime(v) AS wt FROM ${KEYSPACE}.${TABLE} WHERE k = ?`;

export async function runWorkload(options: WorkloadOptions): Promise<void> {
  const timestamps = new MonotonicTimestampGenerator(new SystemClock());
  const intervalMs = (options.clients.length * 1000) / options.opsPerSecond;
  await Promise.all(options.clients.map((c, i) => runClient(options, c, i, timestamps, intervalMs)));
}

async function runClient(options: WorkloadOptions, { client, node }: WorkloadClient, index: number, timestamps: MonotonicTimestampGenerator, intervalMs: number): Promise<void> {
  const rng = Prng.derive(options.seed, index);
  const { recorder } = options;
  let seq = 0;
  while (!options.done()) {
    const key = rng.int(0, options.keys - 1);
    const isRead = rng.next() < options.readShare;
    const id = recorder.id();
    const startMs = recorder.now();
    if (isRead) {
      try {
        const rs = await client.execute(READ_CQL, [key], { consistency: options.readLevel, prepare: true });
        const row = rs.rows[0];
        const observed: Observed | null = row && row['v'] !== null ? { value: String(row['v']), timestampUs: Number(row['wt']) } : null;
        recorder.record({ kind: 'read', id, client: index, node, key, startMs, endMs: recorder.now(), outcome: 'ok', observed });
      } catch (err) {
        recorder.record({ kind: 'read', id, client: index, node, key, startMs, endMs: recorder.now(), outcome: outcomeOfError(err), error: describeError(err) });
      }
    } else {
      const value = `c${index}-${seq++}`;
      const timestampUs = timestamps.next();
      try {
        await client.execute(WRITE_CQL, [key, value], { consistency: options.writeLevel, prepare: true, timestamp: timestampUs });
        recorder.record({ kind: 'write', id, client: index, node, key, value, timestampUs, startMs, endMs: recorder.now(), outcome: 'ok' });
      } catch (err) {
        recorder.record({ kind: 'write', id, client: index, node, key, value, timestampUs, startMs, endMs: recorder.now(), outcome: outcomeOfError(err), error: describeError(err) });
      }
    }
    // Pace each client to its share of the rate, with jitter so clients drift against each other.
    const restMs = intervalMs * (0.5 + rng.next()) - (recorder.now() - startMs);
    if (restMs > 0) await sleep(restMs);
  }
}
