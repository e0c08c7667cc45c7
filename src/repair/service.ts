/**
 * RepairService: runs `sibyltool repair` on this node. A repair job is one
 * request from an operator; it repairs keyspace after keyspace, each as a
 * numbered repair command (nodetool's "repair command #N"), range after range
 * (job threads: 1), every table of the command in each range's session.
 *
 * A job runs in the background; its progress is a list of lines the admin
 * command `repair-status` hands out from an offset, so sibyltool can print
 * them as they come by polling. The finished commands are recorded in the
 * repair history (history.ts). Incremental repair is not supported: every
 * run is a full repair, whatever the operator asked.
 */
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import type { EndpointId } from '../net/payloads.js';
import { totalReplicationFactor } from '../ring/consistency.js';
import type { TokenRing } from '../ring/token-ring.js';
import { tableLayout, type KeyspaceMetadata, type TableMetadata } from '../schema/table.js';
import type { TokenRange } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { recordRepair, repairHistory, type HistoryStore, type RepairRecord } from './history.js';
import { MERKLE_DEPTH_MAX } from './merkle.js';
import { buildMerkleTree, type RepairEngine } from './replica.js';
import { rangesToRepair, type ReplicatedRange } from './ranges.js';
import { repairRange, type RepairMessaging } from './session.js';

export interface RepairSchema {
  keyspace(name: string): KeyspaceMetadata | undefined;
  keyspaces(): KeyspaceMetadata[];
  tables(keyspace: string): TableMetadata[];
}

export interface RepairServiceOptions {
  self: EndpointId;
  messaging: RepairMessaging;
  /** This node's storage: scanned for its own Merkle roots, and the meta namespace the history lives in. */
  engine: RepairEngine & HistoryStore;
  schema: RepairSchema;
  ring: () => TokenRing;
  isAlive: (endpoint: EndpointId) => boolean;
  settings: Settings;
  clock: Clock;
  random: RandomSource;
  log: Logger;
}

export interface RepairOptions {
  /** Absent: every keyspace that is not a system keyspace. */
  keyspace?: string;
  /** Absent or empty: every table of the keyspace. */
  tables?: string[];
  primaryRange?: boolean;
  /** Repair only tokens in (startToken, endToken]. */
  startToken?: bigint;
  endToken?: bigint;
  preview?: boolean;
}

export interface MerkleRootAnswer {
  /** Hex of the tree's root hash. */
  root: string;
  partitions: number;
  cells: number;
  depth: number;
  asOfS: number;
}

export interface ProgressLine {
  atMs: number;
  text: string;
}

export interface RepairTotals {
  rangesOutOfSync: number;
  partitionsOutOfSync: number;
  rowsOutOfSync: number;
  partitionsStreamed: number;
  bytesStreamed: number;
}

export interface RepairJobStatus {
  job: number;
  lines: ProgressLine[];
  /** The offset to ask from next. */
  next: number;
  done: boolean;
  succeeded: boolean;
  /** Ranges done over ranges to do, 0..1. */
  progress: number;
  totals: RepairTotals;
  /** The failure, when the job failed. */
  error?: string;
}

/** Finished jobs kept for `repair-status`; older ones are forgotten (their history stays). */
const JOBS_KEPT = 32;

interface Job {
  id: number;
  lines: ProgressLine[];
  done: boolean;
  succeeded: boolean;
  rangesTotal: number;
  rangesDone: number;
  totals: RepairTotals;
  error?: string;
}

interface CommandPlan {
  keyspace: KeyspaceMetadata;
  tables: TableMetadata[];
  ranges: ReplicatedRange[];
}

export class RepairService {
  private readonly jobs = new Map<number, Job>();
  private nextJob = 1;
  private nextCommand = 1;
  private readonly running = new Set<Promise<void>>();
  /** Sessions under way, by session id: what `sibyltool netstats` lists. */
  private readonly active = new Map<string, string>();

  constructor(private readonly options: RepairServiceOptions) {}

  /** Validates the options, starts the job in the background and returns its number. */
  start(request: RepairOptions): { job: number } {
    const depth = this.options.settings.repair_merkle_depth;
    if (!Number.isInteger(depth) || depth < 0 || depth > MERKLE_DEPTH_MAX) {
      throw new InvalidRequestError(`repair_merkle_depth is ${depth}; it must be an integer from 0 to ${MERKLE_DEPTH_MAX}`);
    }
    if ((request.startToken === undefined) !== (request.endToken === undefined)) {
      throw new InvalidRequestError('repair: -st and -et must be given together');
    }
    // (t, t] would be read as the whole ring; Cassandra refuses it rather than repair everything.
    if (request.startToken !== undefined && request.startToken === request.endToken) {
      throw new InvalidRequestError('Start and end tokens must be different.');
    }
    const plans = this.plan(request);
    const job: Job = {
      id: this.nextJob++,
      lines: [],
      done: false,
      succeeded: false,
      rangesTotal: plans.reduce((n, p) => n + p.ranges.length, 0),
      rangesDone: 0,
      totals: { rangesOutOfSync: 0, partitionsOutOfSync: 0, rowsOutOfSync: 0, partitionsStreamed: 0, bytesStreamed: 0 },
    };
    this.jobs.set(job.id, job);
    for (const old of this.jobs.keys()) if (this.jobs.size > JOBS_KEPT && this.jobs.get(old)!.done) this.jobs.delete(old);
    const run = this.run(job, plans, request).catch((err: unknown) => {
      this.options.log.error(`repair job ${job.id} failed unexpectedly: ${String(err)}`);
      job.error ??= String(err);
      job.done = true;
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return { job: job.id };
  }

  /** Progress lines of `job` from offset `from` on. */
  status(job: number, from: number): RepairJobStatus {
    const j = this.jobs.get(job);
    if (!j) throw new InvalidRequestError(`no repair job ${job} on this node`);
    const lines = j.lines.slice(Math.max(0, from));
    return {
      job,
      lines,
      next: j.lines.length,
      done: j.done,
      succeeded: j.succeeded,
      progress: j.rangesTotal === 0 ? 1 : j.rangesDone / j.rangesTotal,
      totals: { ...j.totals },
      ...(j.error !== undefined ? { error: j.error } : {}),
    };
  }

  history(): Promise<RepairRecord[]> {
    return repairHistory(this.options.engine);
  }

  /**
   * This node's own Merkle root of a table over a range (the whole ring by
   * default), hashed as of `asOfS`: replicas holding the same data give the
   * same root, which is how tests and operators check that repair converged.
   */
  async merkleRoot(table: TableMetadata, range: TokenRange, asOfS: number, depth = this.options.settings.repair_merkle_depth): Promise<MerkleRootAnswer> {
    const { tree, cells } = await buildMerkleTree(this.options.engine, tableLayout(table), range, depth, asOfS, this.options.settings.repair_merkle_build_parallelism);
    return { root: tree.root().toString('hex'), partitions: tree.partitionCount(), cells, depth, asOfS };
  }

  /** One line per repair session under way, for `sibyltool netstats`. */
  streamingLines(): string[] {
    return [...this.active.values()];
  }

  /** Waits for running jobs to end (the node stops after them). */
  async drain(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private plan(request: RepairOptions): CommandPlan[] {
    const { schema, self } = this.options;
    let keyspaces: KeyspaceMetadata[];
    if (request.keyspace !== undefined) {
      const ks = schema.keyspace(request.keyspace);
      if (!ks) throw new InvalidRequestError(`Keyspace ${request.keyspace} does not exist`);
      keyspaces = [ks];
    } else {
      keyspaces = schema.keyspaces().filter((k) => !k.name.startsWith('system'));
    }
    const subRange = request.startToken !== undefined && request.endToken !== undefined ? { start: request.startToken, end: request.endToken } : undefined;
    return keyspaces.map((keyspace) => {
      const all = schema.tables(keyspace.name);
      const wanted = request.tables ?? [];
      for (const name of wanted) {
        if (!all.some((t) => t.name === name)) throw new InvalidRequestError(`Unknown table ${keyspace.name}.${name}`);
      }
      const tables = wanted.length === 0 ? all : all.filter((t) => wanted.includes(t.name));
      const single = totalReplicationFactor(keyspace.replication) < 2;
      const ranges = single ? [] : rangesToRepair(this.options.ring(), keyspace.replication, self, {
        primaryRange: request.primaryRange ?? false,
        ...(subRange ? { subRange } : {}),
      });
      // A range this node does not replicate would otherwise "complete successfully" having compared nothing.
      if (subRange && ranges.length === 0 && !single) throw new InvalidRequestError(`Nothing to repair for ${formatRange(subRange)} in ${keyspace.name} - aborting`);
      return { keyspace, tables, ranges };
    });
  }

  private say(job: Job, text: string): void {
    job.lines.push({ atMs: this.options.clock.nowMs(), text });
    this.options.log.info(text);
  }

  private async run(job: Job, plans: CommandPlan[], request: RepairOptions): Promise<void> {
    let failed = false;
    for (const plan of plans) {
      if (!(await this.runCommand(job, plan, request))) {
        failed = true;
        break;
      }
    }
    job.succeeded = !failed;
    job.done = true;
  }

  /** One keyspace: returns whether it succeeded. */
  private async runCommand(job: Job, plan: CommandPlan, request: RepairOptions): Promise<boolean> {
    const { clock, settings } = this.options;
    // One copy has nothing to be compared with: Cassandra starts no repair command for it, and neither does this.
    if (totalReplicationFactor(plan.keyspace.replication) < 2) {
      this.say(job, `Replication factor is 1. No repair is needed for keyspace '${plan.keyspace.name}'`);
      return true;
    }
    const command = this.nextCommand++;
    const id = this.uuid();
    const startedAtMs = clock.nowMs();
    const preview = request.preview ?? false;
    const tableNames = plan.tables.map((t) => t.name);
    this.say(
      job,
      `Starting repair command #${command} (${id}), repairing keyspace ${plan.keyspace.name} with repair options ` +
        `(parallelism: parallel, primary range: ${request.primaryRange ?? false}, incremental: false, job threads: 1, ` +
        `ColumnFamilies: [${tableNames.join(', ')}], dataCenters: [], hosts: [], previewKind: ${preview ? 'ALL' : 'NONE'}, ` +
        `# of ranges: ${plan.ranges.length}, pull repair: false)`,
    );
    const asOfS = clock.nowS();
    const before = { ...job.totals };
    let error: string | undefined;
    for (const { range, replicas } of plan.ranges) {
      const session = this.uuid();
      const rangeText = `[${formatRange(range)}]`;
      try {
        const down = replicas.find((ep) => ep !== this.options.self && !this.options.isAlive(ep));
        if (down) throw new Error(`endpoint ${down} is down`);
        for (const table of plan.tables) {
          this.active.set(session, `Repair session ${session} ${table.keyspace}.${table.name} ${formatRange(range)} with ${replicas.join(', ')}`);
          const result = await repairRange(this.options.messaging, {
            table: tableLayout(table),
            range,
            replicas,
            depth: settings.repair_merkle_depth,
            asOfS,
            preview,
            batchPartitions: Math.max(1, settings.repair_stream_batch_partitions),
          });
          if (result.partitionsOutOfSync > 0 || result.divergentRanges.length > 0) {
            job.totals.rangesOutOfSync++;
            job.totals.partitionsOutOfSync += result.partitionsOutOfSync;
            job.totals.rowsOutOfSync += result.rowsOutOfSync;
            job.totals.partitionsStreamed += result.partitionsStreamed;
            job.totals.bytesStreamed += result.bytesStreamed;
            this.say(
              job,
              preview
                ? `${table.keyspace}.${table.name} ${formatRange(range)}: ${result.divergentRanges.length} sub-ranges out of sync among ${replicas.join(', ')}; ` +
                    `${result.partitionsOutOfSync} partitions (${result.rowsOutOfSync} rows) differ`
                : `${table.keyspace}.${table.name} ${formatRange(range)}: ${result.divergentRanges.length} sub-ranges out of sync among ${replicas.join(', ')}; ` +
                    `streamed ${result.partitionsStreamed} partitions (${result.rowsOutOfSync} rows, ${result.bytesStreamed} bytes)`,
            );
          }
        }
        this.active.delete(session);
        job.rangesDone++;
        this.say(job, `Repair session ${session} for range ${rangeText} finished (progress: ${Math.floor((job.rangesDone / Math.max(1, job.rangesTotal)) * 100)}%)`);
      } catch (err) {
        this.active.delete(session);
        const reason = (err as Error).message ?? String(err);
        error = `Repair session ${session} for range ${rangeText} failed: ${reason}`;
        this.say(job, `Repair session ${session} for range ${rangeText} failed with error ${reason}`);
        break;
      }
    }
    const finishedAtMs = clock.nowMs();
    const seconds = Math.round((finishedAtMs - startedAtMs) / 1000);
    const totals = job.totals;
    if (error === undefined) {
      if (preview) {
        this.say(
          job,
          totals.partitionsOutOfSync === before.partitionsOutOfSync
            ? 'Previewed data was in sync'
            : `Previewed data was out of sync: ${totals.rangesOutOfSync - before.rangesOutOfSync} ranges, ` +
                `${totals.partitionsOutOfSync - before.partitionsOutOfSync} partitions (${totals.rowsOutOfSync - before.rowsOutOfSync} rows) would be streamed`,
        );
      }
      this.say(job, 'Repair completed successfully');
      this.say(job, `Repair command #${command} finished in ${seconds} second${seconds === 1 ? '' : 's'}`);
    } else {
      job.error = error;
      this.say(job, `Repair command #${command} failed with error ${error}`);
      this.say(job, `Repair command #${command} finished with error`);
    }
    await recordRepair(this.options.engine, {
      id,
      command,
      keyspace: plan.keyspace.name,
      tables: tableNames,
      ranges: plan.ranges.map((r) => formatRange(r.range)),
      startedAtMs,
      finishedAtMs,
      status: error !== undefined ? 'FAILED' : preview ? 'PREVIEW' : 'SUCCESS',
      bytesStreamed: totals.bytesStreamed - before.bytesStreamed,
      rowsRepaired: preview ? 0 : totals.rowsOutOfSync - before.rowsOutOfSync,
      partitionsOutOfSync: totals.partitionsOutOfSync - before.partitionsOutOfSync,
      ...(error !== undefined ? { error } : {}),
    }).catch((err: unknown) => this.options.log.error(`recording repair command #${command} failed: ${String(err)}`));
    return error === undefined;
  }

  private uuid(): string {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(this.options.random() * 256);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** '(start,end]', as Cassandra prints a token range. */
export function formatRange(range: TokenRange): string {
  return `(${range.start},${range.end}]`;
}
