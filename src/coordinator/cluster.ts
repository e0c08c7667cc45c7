/**
 * ClusterCoordinator: the Coordinator of a node in a cluster. Any node
 * coordinates any request: it finds the natural replicas of each key on the
 * current ring, checks the level against the live ones (Unavailable before
 * anything is sent), fans out over messaging (or straight into its own
 * storage when it is a replica itself) and counts answers with the pure
 * trackers of src/ring. The paths live one per file: write-path.ts,
 * batch-path.ts, read-path.ts, range-path.ts; replica.ts is the other end.
 * See docs/coordinator.md.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { MessagingService } from '../net/messaging.js';
import { assertReadableLevel, assertWritableLevel } from '../ring/consistency.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import { UnavailableError, WriteTimeoutError } from '../util/errors.js';
import type { Tracer } from '../util/tracing.js';
import { writeLoggedBatch } from './batch-path.js';
import type { Coordinator, KeyspaceWrites, RangeReadCommand, WriteType } from './coordinator.js';
import type { CoordinatorContext, HintSink } from './context.js';
import { CoordinatorMetrics } from './metrics.js';
import { scanRange } from './range-path.js';
import type { ReadRepairMode } from './read-core.js';
import { planRead, readPartition } from './read-path.js';
import { ReplicaClient, type ReplicaEngine } from './replica-client.js';
import { executeWrites, planWrites } from './write-path.js';

export type { HintSink } from './context.js';

/** What a coordinator's context takes from its options as they are. */
type ContextOptions = Pick<CoordinatorContext, 'self' | 'localDc' | 'ring' | 'pendingReplicas' | 'dcOf' | 'isAlive' | 'settings' | 'clock' | 'log'>;

export interface ClusterCoordinatorOptions extends ContextOptions {
  messaging: MessagingService;
  /** This node's storage, for the local replica fast path and its own batchlog. */
  engine: ReplicaEngine;
  /** The hinted-handoff seam; without it, ANY behaves as ONE. */
  onHint?: HintSink;
  /** A table's read_repair option; BLOCKING when not given. */
  readRepairOf?: (tableId: string) => ReadRepairMode;
  metrics?: CoordinatorMetrics;
}

export class ClusterCoordinator implements Coordinator {
  readonly metrics: CoordinatorMetrics;
  private readonly ctx: CoordinatorContext;
  private readonly readRepairOf: (tableId: string) => ReadRepairMode;
  private batchSeq = 0;

  constructor(options: ClusterCoordinatorOptions) {
    const { messaging, engine, onHint, readRepairOf, metrics, ...context } = options;
    this.metrics = metrics ?? new CoordinatorMetrics();
    this.readRepairOf = readRepairOf ?? (() => 'BLOCKING');
    this.ctx = {
      ...context,
      replicas: new ReplicaClient(options.self, messaging, engine),
      onHint,
      readRepair: this.metrics.readRepair,
    };
  }

  async write(keyspace: KeyspaceMetadata, partitions: Partition[], consistency: ConsistencyName, writeType: WriteType, trace?: Tracer): Promise<void> {
    if (writeType === 'BATCH') return this.writeLoggedBatch([{ keyspace, partitions }], consistency, trace);
    assertWritableLevel(consistency);
    if (partitions.length === 0) return;
    await executeWrites(this.ctx, keyspace, planWrites(this.ctx, keyspace, partitions, consistency, trace), consistency, writeType, trace);
  }

  /**
   * Every logged batch, within one keyspace or across several. One that
   * touches a single partition is applied as one mutation, atomic without a
   * batchlog; any other goes through one batchlog entry (batch-path.ts).
   */
  async writeLoggedBatch(writes: KeyspaceWrites[], consistency: ConsistencyName, trace?: Tracer): Promise<void> {
    assertWritableLevel(consistency);
    // Every keyspace's replicas are checked (Unavailable) before anything is logged or sent.
    const planned = writes
      .filter((w) => w.partitions.length > 0)
      .map((w) => ({ ...w, groups: planWrites(this.ctx, w.keyspace, w.partitions, consistency, trace) }));
    const [only] = planned;
    if (planned.length === 1 && only!.partitions.length === 1) {
      await executeWrites(this.ctx, only!.keyspace, only!.groups, consistency, 'BATCH', trace);
    } else if (planned.length > 0) {
      await writeLoggedBatch(this.ctx, planned, consistency, this.nextBatchId(), trace);
    }
  }

  async read(keyspace: KeyspaceMetadata, layout: TableLayout, commands: ReadCommand[], consistency: ConsistencyName, trace?: Tracer): Promise<(Partition | undefined)[]> {
    assertReadableLevel(consistency);
    // Every command's availability is checked before any replica is asked.
    const contacts = commands.map((c) => planRead(this.ctx, keyspace, c.token, consistency));
    const mode = this.readRepairOf(layout.id);
    return Promise.all(commands.map((c, i) => readPartition(this.ctx, keyspace, layout, c, consistency, contacts[i]!, mode, trace)));
  }

  async scan(keyspace: KeyspaceMetadata, layout: TableLayout, command: RangeReadCommand, consistency: ConsistencyName, trace?: Tracer): Promise<Partition[]> {
    assertReadableLevel(consistency);
    return scanRange(this.ctx, keyspace, layout, command, consistency, this.readRepairOf(layout.id), trace);
  }

  /**
   * TRUNCATE goes to every node of the ring, as in Cassandra, so all must be
   * alive (Unavailable at ALL otherwise); one that does not answer in
   * truncate_request_timeout makes it a WriteTimeout at ALL.
   */
  async truncate(_keyspace: KeyspaceMetadata, tableId: string, trace?: Tracer): Promise<void> {
    const endpoints = this.ctx.ring().endpoints().map((e) => e.id);
    trace?.event(`Truncating on every node: ${endpoints.map((e) => `/${e}`).join(', ')}`);
    const alive = endpoints.filter((e) => e === this.ctx.self || this.ctx.isAlive(e));
    if (alive.length < endpoints.length) throw new UnavailableError('ALL', endpoints.length, alive.length);
    let received = 0;
    const timeoutMs = this.ctx.settings.truncate_request_timeout;
    const results = await Promise.allSettled(endpoints.map((e) => this.ctx.replicas.truncate(e, tableId, timeoutMs).then(() => received++)));
    if (results.some((r) => r.status === 'rejected')) throw new WriteTimeoutError('ALL', received, endpoints.length, 'SIMPLE');
  }

  private nextBatchId(): string {
    // Time first, so stored entries list oldest first; the endpoint and a counter keep ids unique across nodes.
    return `${String(this.ctx.clock.nowUs()).padStart(17, '0')}-${this.ctx.self}-${this.batchSeq++}`;
  }
}
