/**
 * One chaos run: start a cluster, run the seeded workload while the seeded
 * nemesis injects faults, heal and repair, read the final state, check the
 * history, and report. run.ts is its command line; test/fault/chaos.test.ts
 * runs a short fixed-seed version in CI.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import { checkHistory, readsSeeAcknowledgedWrites, type CheckReport, type Violation } from './checker.js';
import { ChaosCluster } from './cluster.js';
import { formatOperation, HistoryRecorder, type Operation, type Outcome } from './history.js';
import { describePlan, planNemesis, runNemesis, type FaultKind } from './nemesis.js';
import { runWorkload, type WorkloadClient } from './workload.js';

export interface ChaosOptions {
  seed: number;
  workloadMs: number;
  writeLevel: ConsistencyName;
  readLevel: ConsistencyName;
  nodes: number;
  keys: number;
  nemesis: FaultKind[];
  /** Clients pinned to each node. */
  clientsPerNode: number;
  opsPerSecond: number;
  readShare: number;
  portOffset?: number;
  /** Keep the nodes' folders and logs even when the run passes. */
  keep?: boolean;
  log: (line: string) => void;
}

export interface ChaosResult {
  seed: number;
  passed: boolean;
  rf: number;
  staleReadsChecked: boolean;
  operations: Record<'write' | 'read', Record<Outcome, number>>;
  /** Operations that did not succeed, by outcome and error class, e.g. 'failed UnavailableError'. */
  errors: Record<string, number>;
  faults: Record<string, number>;
  check: CheckReport;
  replicasIdentical: boolean;
  replicaDetail: string;
  /** Where the nodes' logs are, when kept. */
  keptIn?: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  const rf = Math.min(3, options.nodes);
  const plan = planNemesis(options.seed, options.nemesis, options.nodes, options.workloadMs);
  log(`seed ${options.seed}: ${options.nodes} nodes, RF ${rf}, ${options.keys} keys, writes at ${options.writeLevel}, reads at ${options.readLevel}, ` +
    `${(options.workloadMs / 60_000).toFixed(2)} min; nemesis plan: ${describePlan(plan)}`);
  const cluster = new ChaosCluster(options.nodes, rf, plan.skew, options.portOffset);
  let passed = false;
  try {
    await cluster.start();
    const clients: WorkloadClient[] = [];
    for (const node of cluster.indexes) {
      for (let i = 0; i < options.clientsPerNode; i++) clients.push({ client: await cluster.workloadClient(node), node });
    }
    const origin = performance.now();
    const nowMs = () => performance.now() - origin;
    const recorder = new HistoryRecorder(nowMs);
    let aborted = false;
    const workload = runWorkload({
      seed: options.seed,
      clients,
      keys: options.keys,
      writeLevel: options.writeLevel,
      readLevel: options.readLevel,
      readShare: options.readShare,
      opsPerSecond: options.opsPerSecond,
      recorder,
      done: () => aborted || nowMs() >= options.workloadMs,
    });
    let injected: Map<string, number>;
    try {
      injected = await runNemesis(cluster.fault, plan, 0, nowMs, log);
    } catch (err) {
      // The nemesis could not break or heal a node: stop the clients before giving up on the run.
      aborted = true;
      await workload;
      throw err;
    }
    await workload;
    log(`workload done: ${recorder.operations.length} operations; healing`);
    await cluster.heal();
    log('healed; waiting for hints, then repairing every node');
    await cluster.converge(log);
    const finalState = await cluster.finalState(options.keys);
    const replicas = await cluster.replicasIdentical(options.keys);
    const staleReadsChecked = readsSeeAcknowledgedWrites(options.writeLevel, options.readLevel, rf);
    const check = checkHistory(recorder.operations, { staleReadsAreViolations: staleReadsChecked, finalState });
    passed = check.violations.length === 0 && replicas.identical;
    const faults: Record<string, number> = Object.fromEntries(injected);
    if (plan.skew) faults['skew'] = 1;
    return {
      seed: options.seed,
      passed,
      rf,
      staleReadsChecked,
      operations: countOutcomes(recorder.operations),
      errors: countErrors(recorder.operations),
      faults,
      check,
      replicasIdentical: replicas.identical,
      replicaDetail: replicas.detail,
      ...(options.keep || !passed ? { keptIn: cluster.fault.root } : {}),
    };
  } finally {
    await cluster.destroy(options.keep === true || !passed);
  }
}

function countOutcomes(ops: readonly Operation[]): ChaosResult['operations'] {
  const zero = (): Record<Outcome, number> => ({ ok: 0, failed: 0, unknown: 0 });
  const counts = { write: zero(), read: zero() };
  for (const op of ops) counts[op.kind][op.outcome]++;
  return counts;
}

function countErrors(ops: readonly Operation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of ops) {
    if (op.outcome === 'ok') continue;
    const name = `${op.outcome} ${op.kind} ${op.error?.split(':')[0] ?? 'Error'}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The run's summary, and for each violation (at most `maxViolations`) the shortest history that shows it. */
export function formatResult(result: ChaosResult, maxViolations = 5): string {
  const ops = result.operations;
  const total = (o: Record<Outcome, number>) => o.ok + o.failed + o.unknown;
  const lines = [
    `seed: ${result.seed}`,
    `operations: ${total(ops.write) + total(ops.read)} (writes ${total(ops.write)}: ${ops.write.ok} ok, ${ops.write.failed} failed, ${ops.write.unknown} unknown; ` +
      `reads ${total(ops.read)}: ${ops.read.ok} ok, ${ops.read.failed} failed, ${ops.read.unknown} unknown)`,
    `errors: ${Object.entries(result.errors).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `faults injected: ${Object.entries(result.faults).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `stale reads: ${result.check.staleReads} of ${result.check.okReads} (${result.check.staleReadPercent.toFixed(2)}%)` +
      (result.staleReadsChecked ? ', must be 0 (W + R > N)' : ', measured only (W + R <= N or a sloppy write level)'),
    `lost acknowledged writes: ${result.check.lostWrites}`,
    `phantom reads: ${result.check.phantomReads}`,
    `replicas identical after repair: ${result.replicasIdentical ? 'yes' : 'NO'}`,
  ];
  if (!result.replicasIdentical) lines.push(result.replicaDetail);
  const shown = result.check.violations.slice(0, maxViolations);
  for (const v of shown) lines.push('', formatViolation(result.seed, v));
  if (result.check.violations.length > shown.length) lines.push('', `... and ${result.check.violations.length - shown.length} more violations`);
  lines.push('', result.passed ? 'PASSED' : `FAILED (replay with --seed ${result.seed})`);
  if (result.keptIn) lines.push(`node folders and logs kept in ${result.keptIn}`);
  return lines.join('\n') + '\n';
}

export function formatViolation(seed: number, v: Violation): string {
  return [`${v.kind} (seed ${seed}): ${v.message}`, ...v.evidence.map((op) => `  ${formatOperation(op)}`)].join('\n');
}
