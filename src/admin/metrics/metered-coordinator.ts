/**
 * Coordinator latencies and stage counters (nodetool's proxyhistograms and
 * tpstats). MeteredCoordinator wraps whichever Coordinator the node runs,
 * single node or cluster, and times every operation into ProxyMetrics, so
 * measuring lives in one place and the coordinators stay about data.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import type { Clock } from '../../clock/clock.js';
import type { Coordinator, KeyspaceWrites, RangeReadCommand, WriteType } from '../../coordinator/coordinator.js';
import type { KeyspaceMetadata } from '../../schema/table.js';
import type { Partition, ReadCommand, TableLayout } from '../../storage/model.js';
import { ReadTimeoutError, UnavailableError, WriteTimeoutError } from '../../util/errors.js';
import type { Tracer } from '../../util/tracing.js';
import type { PoolStats } from '../node-view.js';
import { LatencyHistogram } from './latency-histogram.js';

/** One kind of coordinator work: its latency histogram, how many are running, and how many failed, by kind. */
export class OperationMeter {
  readonly latency = new LatencyHistogram();
  active = 0;
  /** Every failure; unavailables and timeouts are also counted on their own. */
  failed = 0;
  unavailables = 0;
  timeouts = 0;

  async time<T>(clock: Clock, run: () => Promise<T>): Promise<T> {
    const startUs = clock.nowUs();
    this.active++;
    try {
      return await run();
    } catch (err) {
      this.failed++;
      if (err instanceof UnavailableError) this.unavailables++;
      else if (err instanceof WriteTimeoutError || err instanceof ReadTimeoutError) this.timeouts++;
      throw err;
    } finally {
      this.active--;
      this.latency.record(clock.nowUs() - startUs);
    }
  }
}

export class ProxyMetrics {
  readonly read = new OperationMeter();
  readonly write = new OperationMeter();
  readonly range = new OperationMeter();

  /** Stages named as Cassandra's: reads (by key and by range) and mutations. */
  pools(): PoolStats[] {
    const pool = (name: string, meters: OperationMeter[]): PoolStats => ({
      name,
      active: meters.reduce((n, m) => n + m.active, 0),
      pending: 0,
      completed: meters.reduce((n, m) => n + m.latency.count, 0),
      blocked: 0,
      allTimeBlocked: 0,
    });
    return [pool('MutationStage', [this.write]), pool('ReadStage', [this.read, this.range])];
  }
}

export class MeteredCoordinator implements Coordinator {
  constructor(
    private readonly inner: Coordinator,
    private readonly metrics: ProxyMetrics,
    private readonly clock: Clock,
  ) {}

  write(keyspace: KeyspaceMetadata, partitions: Partition[], consistency: ConsistencyName, writeType: WriteType, trace?: Tracer): Promise<void> {
    return this.metrics.write.time(this.clock, () => this.inner.write(keyspace, partitions, consistency, writeType, trace));
  }

  writeLoggedBatch(writes: KeyspaceWrites[], consistency: ConsistencyName, trace?: Tracer): Promise<void> {
    return this.metrics.write.time(this.clock, () => this.inner.writeLoggedBatch(writes, consistency, trace));
  }

  read(
    keyspace: KeyspaceMetadata,
    layout: TableLayout,
    commands: ReadCommand[],
    consistency: ConsistencyName,
    trace?: Tracer,
  ): Promise<(Partition | undefined)[]> {
    return this.metrics.read.time(this.clock, () => this.inner.read(keyspace, layout, commands, consistency, trace));
  }

  scan(keyspace: KeyspaceMetadata, layout: TableLayout, command: RangeReadCommand, consistency: ConsistencyName, trace?: Tracer): Promise<Partition[]> {
    return this.metrics.range.time(this.clock, () => this.inner.scan(keyspace, layout, command, consistency, trace));
  }

  truncate(keyspace: KeyspaceMetadata, tableId: string, trace?: Tracer): Promise<void> {
    return this.inner.truncate(keyspace, tableId, trace);
  }
}
