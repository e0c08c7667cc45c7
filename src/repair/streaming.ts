/**
 * Streaming for topology changes: moving the data of the ranges whose
 * replicas change (src/ring/pending.ts's movements) to the replicas gaining
 * them, for a bootstrap, a decommission or a removenode.
 *
 * A write acknowledged at QUORUM may be missing from any one replica, so a
 * gaining replica must not copy one source: it takes the range from every
 * live current replica and merges the versions with reconcile. That is
 * exactly what a repair session does among the replicas it is given, so each
 * range is one repair session (session.ts) over the gaining replicas and the
 * live current ones, with a Merkle tree of a single leaf: a gaining replica
 * usually holds nothing of the range, so finer trees would only cost time.
 * Every partition of the range is listed as a digest by every replica; one
 * copy of each distinct version is fetched, merged, and streamed in batches of
 * repair_stream_batch_partitions to each replica whose version differs.
 * Sources also receive what they lacked, which does no harm.
 *
 * Progress (ranges done, bytes, partitions) is kept in a StreamProgress that
 * `sibyltool netstats` reads while the streams run.
 */
import type { Clock } from '../clock/clock.js';
import type { EndpointId } from '../net/payloads.js';
import { quorumFor } from '../ring/consistency.js';
import type { RangeMovement } from '../ring/pending.js';
import { tableLayout, type KeyspaceMetadata, type TableMetadata } from '../schema/table.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { formatRange } from './service.js';
import { repairRange, type RepairMessaging } from './session.js';

/** One leaf per range: see the file comment. */
const STREAM_MERKLE_DEPTH = 0;

export interface StreamTask {
  keyspace: KeyspaceMetadata;
  tables: TableMetadata[];
  movements: RangeMovement[];
}

/** What a streaming operation has done so far, for netstats. */
export class StreamProgress {
  rangesTotal = 0;
  rangesDone = 0;
  bytes = 0;
  partitions = 0;
  /** Endpoints data is received from or sent to. */
  readonly peers = new Set<EndpointId>();

  constructor(readonly startedAtMs: number) {}

  /** Bytes per second since the start. */
  rate(nowMs: number): number {
    const seconds = Math.max(0.001, (nowMs - this.startedAtMs) / 1000);
    return this.bytes / seconds;
  }
}

export interface StreamOptions {
  messaging: RepairMessaging;
  isAlive: (endpoint: EndpointId) => boolean;
  settings: Settings;
  clock: Clock;
  log: Logger;
  /** Stream only to these gaining replicas (a bootstrap streams to itself only); absent: to every gaining one. */
  onlyTo?: EndpointId;
  /** An endpoint never streamed from (the dead node removenode takes out). */
  exclude?: EndpointId;
  /** Checked before each range: true stops the streaming early (removenode force). */
  stopped?: () => boolean;
}

/** Counts the ranges the tasks will stream, so progress knows its total before the first one. */
export function rangesToStream(tasks: readonly StreamTask[], onlyTo?: EndpointId): number {
  return tasks.reduce((n, t) => n + t.movements.filter((m) => gainersOf(m, onlyTo).length > 0).length, 0);
}

/**
 * Streams every task's movements, range after range; fails with a message
 * naming the range and the endpoint when a replica needed is down or dies.
 */
export async function streamRanges(options: StreamOptions, tasks: readonly StreamTask[], progress: StreamProgress): Promise<void> {
  const { settings, clock } = options;
  progress.rangesTotal = rangesToStream(tasks, options.onlyTo);
  for (const task of tasks) {
    for (const movement of task.movements) {
      const gainers = gainersOf(movement, options.onlyTo);
      if (gainers.length === 0) continue;
      if (options.stopped?.()) return;
      const sources = sourcesOf(movement, options);
      const down = gainers.find((ep) => !options.isAlive(ep));
      if (down) throw new Error(`cannot stream ${task.keyspace.name} ${formatRange(movement.range)} to ${down}: it is down`);
      const replicas = [...gainers, ...sources.filter((ep) => !gainers.includes(ep))];
      for (const ep of replicas) progress.peers.add(ep);
      for (const table of task.tables) {
        try {
          const result = await repairRange(options.messaging, {
            table: tableLayout(table),
            range: movement.range,
            replicas,
            depth: STREAM_MERKLE_DEPTH,
            asOfS: clock.nowS(),
            preview: false,
            batchPartitions: Math.max(1, settings.repair_stream_batch_partitions),
          });
          progress.bytes += result.bytesStreamed;
          progress.partitions += result.partitionsStreamed;
        } catch (err) {
          throw new Error(`streaming ${table.keyspace}.${table.name} ${formatRange(movement.range)} from ${sources.join(', ')} failed: ${(err as Error).message}`);
        }
      }
      progress.rangesDone++;
    }
  }
}

function gainersOf(movement: RangeMovement, onlyTo: EndpointId | undefined): EndpointId[] {
  return onlyTo === undefined ? movement.gaining : movement.gaining.filter((ep) => ep === onlyTo);
}

/**
 * The live current replicas to take the range from. A QUORUM write reached
 * at least a quorum of them, so it is on some live one as long as fewer than
 * a quorum are down; with more down, acknowledged writes could be missed, and
 * the stream fails instead.
 */
function sourcesOf(movement: RangeMovement, options: StreamOptions): EndpointId[] {
  const n = movement.current.length;
  const live = movement.current.filter((ep) => ep !== options.exclude && options.isAlive(ep));
  const needed = n - quorumFor(n) + 1;
  if (live.length < needed) {
    const down = movement.current.filter((ep) => !live.includes(ep));
    throw new Error(
      `cannot stream ${formatRange(movement.range)}: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down, and at least ${needed} of its ` +
        `${n} replicas (${movement.current.join(', ')}) must be live so that no acknowledged write is missed`,
    );
  }
  return live;
}
