/**
 * Cluster benchmark, in one run:
 *  (a) the raw bound of this machine (test/bench/raw-bound.ts): quorum writes
 *      and reads over three bare replica processes, 64 in flight;
 *  (b) QUORUM writes to a 3-node RF=3 Sibyl cluster from the stress runner
 *      (src/tools/stress) through the real driver, 64 in flight;
 *  (c) QUORUM reads of the same keys, 64 in flight;
 *  (d) p99 of writes and of reads at half the peak rate measured in (b), (c),
 *      open loop, next to the raw bound's p99 open loop at half its own peak
 *      and at Sibyl's half-peak rate: the latency this machine gives a quorum
 *      round trip that does no work. Each open-loop run reports its CPU per
 *      operation, which grows as the rate falls and fewer requests share
 *      each event-loop turn and socket write.
 * Sibyl runs first, so the raw bound can then be offered Sibyl's rates. Prints each figure and the ratios to the bounds, and the CPU per operation
 * the 50% targets leave on this machine's cores next to what Sibyl (nodes
 * and driver) and the bound spend. Nothing here is asserted.
 *
 *   npm run bench:cluster [-- --ops 50000] [--profile DIR]
 *
 * `--profile DIR` runs the Sibyl nodes under `node --cpu-prof` and leaves
 * one .cpuprofile per node in DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SystemClock } from '../../src/clock/clock.js';
import { Client } from '../../src/client/index.js';
import { parseStressOptions } from '../../src/tools/stress/options.js';
import { runWorkload } from '../../src/tools/stress/runner.js';
import { createSchema } from '../../src/tools/stress/schema.js';
import { createWorkload, keyBytes, valueBytes } from '../../src/tools/stress/workload.js';
import { withCpu } from './cpu.js';
import { runAtRate, type RateResult } from './rate.js';
import { startRawCluster } from './raw-bound.js';
import { startSibylCluster } from './sibyl-cluster.js';
import { runPhase, type PhaseResult } from './stats.js';

const IN_FLIGHT = 64;
const VALUE_BYTES = 64;
/** The fraction of each raw bound Sibyl's QUORUM rate must reach. */
const TARGET = 0.5;
/** Ports no default cluster uses, so the benchmark can run beside one. */
const PORTS = { nativePort: 19342, storagePort: 17300, rawPort: 17400 };

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** One measured phase: throughput, latency, and the CPU it cost per operation on the servers and in this client. */
interface Figure {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverUsPerOp: number;
  clientUsPerOp: number;
}

function line(name: string, f: Figure): string {
  return (
    `${name.padEnd(46)} ${Math.round(f.opsPerSec).toString().padStart(8)} ops/s  p50 ${f.p50Ms.toFixed(2).padStart(7)} ms  ` +
    `p99 ${f.p99Ms.toFixed(2).padStart(7)} ms  CPU/op servers ${Math.round(f.serverUsPerOp).toString().padStart(5)} µs, client ${Math.round(f.clientUsPerOp).toString().padStart(4)} µs`
  );
}

async function measurePhase(pids: readonly number[], ops: number, run: () => Promise<PhaseResult>): Promise<Figure> {
  const { result, serverUsPerOp, clientUsPerOp } = await withCpu(pids, ops, run);
  return { opsPerSec: result.opsPerSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms, serverUsPerOp, clientUsPerOp };
}

/** An open-loop run at a fixed rate, with the CPU it cost per operation. */
type AtRate = RateResult & { serverUsPerOp: number; clientUsPerOp: number };

/**
 * Runs `op` open loop at `opsPerSec` for five seconds' worth of operations (at
 * least 1000). Below the peak fewer requests share each event-loop turn and
 * socket write, so the CPU per operation is reported too.
 */
async function atRate(pids: readonly number[], opsPerSec: number, op: (i: number) => Promise<unknown>): Promise<AtRate> {
  const ops = Math.max(1000, Math.round(opsPerSec) * 5);
  const { result, serverUsPerOp, clientUsPerOp } = await withCpu(pids, ops, () => runAtRate(ops, opsPerSec, op));
  return Object.assign(result, { serverUsPerOp, clientUsPerOp });
}

interface RawFigures {
  write: Figure;
  read: Figure;
  /** Open loop at half the raw bound's own peaks. */
  halfWrite: AtRate;
  halfRead: AtRate;
  /** Open loop at the rates of Sibyl's half-peak runs: the same offered load. */
  sibylHalfWrite: AtRate;
  sibylHalfRead: AtRate;
}

async function rawBounds(dir: string, ops: number, sibylHalf: { write: number; read: number }): Promise<RawFigures> {
  const raw = await startRawCluster(dir, PORTS.rawPort);
  try {
    const value = Buffer.alloc(VALUE_BYTES, 7);
    const write = (i: number) => raw.request('w', keyBytes(i % ops), value);
    const read = (i: number) => raw.request('r', keyBytes(i % ops));
    await runPhase('raw warm-up', 5000, IN_FLIGHT, write);
    const peakWrite = await measurePhase(raw.pids, ops, () => runPhase('raw quorum write', ops, IN_FLIGHT, write));
    const peakRead = await measurePhase(raw.pids, ops, () => runPhase('raw quorum read', ops, IN_FLIGHT, read));
    return {
      write: peakWrite,
      read: peakRead,
      halfWrite: await atRate(raw.pids, peakWrite.opsPerSec / 2, write),
      halfRead: await atRate(raw.pids, peakRead.opsPerSec / 2, read),
      sibylHalfWrite: await atRate(raw.pids, sibylHalf.write, write),
      sibylHalfRead: await atRate(raw.pids, sibylHalf.read, read),
    };
  } finally {
    await raw.close();
  }
}

interface SibylFigures {
  write: Figure;
  read: Figure;
  halfWrite: AtRate;
  halfRead: AtRate;
  errors: number;
}

async function sibylFigures(dir: string, ops: number, nodeArgs: string[]): Promise<SibylFigures> {
  const clock = new SystemClock();
  const cluster = await startSibylCluster(dir, PORTS, nodeArgs);
  const hosts = cluster.hosts.join(',');
  const options = (command: string) => parseStressOptions([command, '-n', String(ops), '--keys', String(ops), '--cl', 'QUORUM', '--rf', '3', '--hosts', hosts, '--concurrency', String(IN_FLIGHT), '--value-size', String(VALUE_BYTES)]);
  const writeOptions = options('write');
  const client = new Client({ contactPoints: cluster.hosts, consistency: 'QUORUM', clock });
  const quiet = { progress: () => {}, firstError: (e: string) => console.error(`error: ${e}`) };
  const limits = { ops, durationMs: undefined, concurrency: IN_FLIGHT, progressIntervalMs: 1000 };
  try {
    await createSchema(clock, writeOptions);
    await client.connect();
    const writes = createWorkload(client, writeOptions);
    const reads = createWorkload(client, options('read'));
    // Warm the JIT, the prepared statements and every connection before measuring.
    await runWorkload(clock, writes, { ...limits, ops: Math.min(ops, 5000) }, quiet);
    await runWorkload(clock, reads, { ...limits, ops: Math.min(ops, 5000) }, quiet);
    const stressPhase = async (workload: typeof writes) => {
      const { result, serverUsPerOp, clientUsPerOp } = await withCpu(cluster.pids, ops, () => runWorkload(clock, workload, limits, quiet));
      const figure: Figure = {
        opsPerSec: result.totalOps / (result.elapsedMs / 1000),
        p50Ms: result.latency.percentileMs(50),
        p99Ms: result.latency.percentileMs(99),
        serverUsPerOp,
        clientUsPerOp,
      };
      return { figure, errors: result.errors };
    };
    const w = await stressPhase(writes);
    const r = await stressPhase(reads);
    const writeOpsPerSec = w.figure.opsPerSec;
    const readOpsPerSec = r.figure.opsPerSec;
    const value = (n: number) => valueBytes(n, VALUE_BYTES);
    const insert = `INSERT INTO stress.standard1 (key, value) VALUES (?, ?)`;
    const select = `SELECT value FROM stress.standard1 WHERE key = ?`;
    const halfWrite = await atRate(cluster.pids, writeOpsPerSec / 2, (i) =>
      client.execute(insert, [keyBytes(i % ops), value(i % ops)], { prepare: true, consistency: 'QUORUM' }),
    );
    const halfRead = await atRate(cluster.pids, readOpsPerSec / 2, (i) =>
      client.execute(select, [keyBytes(i % ops)], { prepare: true, consistency: 'QUORUM', idempotent: true }),
    );
    return {
      write: w.figure,
      read: r.figure,
      halfWrite,
      halfRead,
      errors: w.errors + r.errors + halfWrite.errors + halfRead.errors,
    };
  } finally {
    await client.shutdown().catch(() => {});
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const ops = Number(argValue('--ops') ?? 50_000);
  const profileDir = argValue('--profile');
  const nodeArgs = profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
  const dir = mkdtempSync(join(tmpdir(), 'sibyl-bench-cluster-'));
  try {
    const sibyl = await sibylFigures(join(dir, 'sibyl'), ops, nodeArgs);
    const raw = await rawBounds(join(dir, 'raw'), ops, { write: sibyl.halfWrite.opsPerSecTarget, read: sibyl.halfRead.opsPerSecTarget });
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`Sibyl cluster benchmark: 3 nodes, RF=3, QUORUM, ${ops} operations per phase, ${IN_FLIGHT} in flight, ${VALUE_BYTES}-byte values`);
    console.log(line('(a) raw bound: quorum write', raw.write));
    console.log(line('(a) raw bound: quorum read', raw.read));
    console.log(line('(b) Sibyl QUORUM write', sibyl.write));
    console.log(line('(c) Sibyl QUORUM read', sibyl.read));
    const halfPeaks = [
      ['(d) raw bound: write at half its peak', raw.halfWrite],
      ['(d) raw bound: read at half its peak', raw.halfRead],
      ['(d) raw bound: write at Sibyl\'s rate', raw.sibylHalfWrite],
      ['(d) raw bound: read at Sibyl\'s rate', raw.sibylHalfRead],
      ['(d) Sibyl write at half peak', sibyl.halfWrite],
      ['(d) Sibyl read at half peak', sibyl.halfRead],
    ] as const;
    for (const [name, r] of halfPeaks) {
      const at = `${name} (${Math.round(r.opsPerSecTarget)}/s)`;
      console.log(
        `${at.padEnd(46)} ${Math.round(r.opsPerSecDone).toString().padStart(8)} ops/s  p50 ${r.latency.percentileMs(50).toFixed(2).padStart(7)} ms  ` +
          `p99 ${r.latency.percentileMs(99).toFixed(2).padStart(7)} ms  CPU/op servers ${Math.round(r.serverUsPerOp).toString().padStart(5)} µs, client ${Math.round(r.clientUsPerOp).toString().padStart(4)} µs`,
      );
    }
    console.log(`write / write bound = ${pct(sibyl.write.opsPerSec / raw.write.opsPerSec)} (target ≥ ${pct(TARGET)}); server CPU per write ${(sibyl.write.serverUsPerOp / raw.write.serverUsPerOp).toFixed(1)}× the bound's`);
    console.log(`read / read bound   = ${pct(sibyl.read.opsPerSec / raw.read.opsPerSec)} (target ≥ ${pct(TARGET)}); server CPU per read ${(sibyl.read.serverUsPerOp / raw.read.serverUsPerOp).toFixed(1)}× the bound's`);
    // At the target rate the three nodes and the client together may spend at most this much CPU per operation.
    const cores = availableParallelism();
    for (const [op, s, r] of [['write', sibyl.write, raw.write], ['read', sibyl.read, raw.read]] as const) {
      const targetRate = TARGET * r.opsPerSec;
      console.log(
        `CPU per ${op}: the target (${Math.round(targetRate)}/s) leaves ${Math.round((cores * 1e6) / targetRate)} µs on ${cores} cores; ` +
          `Sibyl spends ${Math.round(s.serverUsPerOp + s.clientUsPerOp)} µs (nodes and driver), the bound ${Math.round(r.serverUsPerOp + r.clientUsPerOp)} µs`,
      );
    }
    const p99 = (r: RateResult) => `${r.latency.percentileMs(99).toFixed(2)} ms`;
    console.log(`p99 at half peak    = write ${p99(sibyl.halfWrite)}, read ${p99(sibyl.halfRead)} (target ≤ 10 ms); the raw bound's at half its peak: write ${p99(raw.halfWrite)}, read ${p99(raw.halfRead)}`);
    if (sibyl.errors > 0) console.log(`errors: ${sibyl.errors}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
