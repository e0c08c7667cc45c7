/**
 * Cluster benchmark, in one run:
 *  (a) the raw bound of this machine (test/bench/raw-bound.ts): quorum writes
 *      and reads over three bare replica processes, 64 in flight;
 *  (b) QUORUM writes to a 3-node RF=3 Sibyl cluster from the stress runner
 *      (src/tools/stress) through the real driver, 64 in flight;
 *  (c) QUORUM reads of the same keys, 64 in flight;
 *  (d) p99 of writes and of reads at half the peak rate measured in (b), (c),
 *      open loop.
 * Prints each figure and the ratios to the bounds. Nothing here is asserted.
 *
 *   npm run bench:cluster [-- --ops 50000] [--profile DIR]
 *
 * `--profile DIR` runs the Sibyl nodes under `node --cpu-prof` and leaves
 * one .cpuprofile per node in DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SystemClock } from '../../src/clock/clock.js';
import { Client } from '../../src/client/index.js';
import { parseStressOptions } from '../../src/tools/stress/options.js';
import { runWorkload } from '../../src/tools/stress/runner.js';
import { createSchema } from '../../src/tools/stress/schema.js';
import { createWorkload, keyBytes, valueBytes } from '../../src/tools/stress/workload.js';
import { runAtRate, type RateResult } from './rate.js';
import { startRawCluster } from './raw-bound.js';
import { startSibylCluster } from './sibyl-cluster.js';
import { runPhase, type PhaseResult } from './stats.js';

const IN_FLIGHT = 64;
const VALUE_BYTES = 64;
/** Ports no default cluster uses, so the benchmark can run beside one. */
const PORTS = { nativePort: 19342, storagePort: 17300, rawPort: 17400 };

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function line(name: string, opsPerSec: number, p50Ms: number, p99Ms: number): string {
  return `${name.padEnd(40)} ${Math.round(opsPerSec).toString().padStart(8)} ops/s  p50 ${p50Ms.toFixed(2).padStart(7)} ms  p99 ${p99Ms.toFixed(2).padStart(7)} ms`;
}

async function rawBounds(dir: string, ops: number): Promise<{ write: PhaseResult; read: PhaseResult }> {
  const raw = await startRawCluster(dir, PORTS.rawPort);
  try {
    const value = Buffer.alloc(VALUE_BYTES, 7);
    await runPhase('raw warm-up', 5000, IN_FLIGHT, (i) => raw.request('w', keyBytes(i), value));
    const write = await runPhase('raw quorum write', ops, IN_FLIGHT, (i) => raw.request('w', keyBytes(i), value));
    const read = await runPhase('raw quorum read', ops, IN_FLIGHT, (i) => raw.request('r', keyBytes(i)));
    return { write, read };
  } finally {
    await raw.close();
  }
}

interface SibylFigures {
  writeOpsPerSec: number;
  writeP50Ms: number;
  writeP99Ms: number;
  readOpsPerSec: number;
  readP50Ms: number;
  readP99Ms: number;
  halfWrite: RateResult;
  halfRead: RateResult;
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
    const w = await runWorkload(clock, writes, limits, quiet);
    const r = await runWorkload(clock, reads, limits, quiet);
    const writeOpsPerSec = w.totalOps / (w.elapsedMs / 1000);
    const readOpsPerSec = r.totalOps / (r.elapsedMs / 1000);
    const value = (n: number) => valueBytes(n, VALUE_BYTES);
    const insert = `INSERT INTO stress.standard1 (key, value) VALUES (?, ?)`;
    const select = `SELECT value FROM stress.standard1 WHERE key = ?`;
    const halfOps = (rate: number) => Math.max(1000, Math.round(rate / 2) * 5);
    const halfWrite = await runAtRate(halfOps(writeOpsPerSec), writeOpsPerSec / 2, (i) =>
      client.execute(insert, [keyBytes(i % ops), value(i % ops)], { prepare: true, consistency: 'QUORUM' }),
    );
    const halfRead = await runAtRate(halfOps(readOpsPerSec), readOpsPerSec / 2, (i) =>
      client.execute(select, [keyBytes(i % ops)], { prepare: true, consistency: 'QUORUM', idempotent: true }),
    );
    return {
      writeOpsPerSec,
      writeP50Ms: w.latency.percentileMs(50),
      writeP99Ms: w.latency.percentileMs(99),
      readOpsPerSec,
      readP50Ms: r.latency.percentileMs(50),
      readP99Ms: r.latency.percentileMs(99),
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
    const raw = await rawBounds(dir, ops);
    const sibyl = await sibylFigures(join(dir, 'sibyl'), ops, nodeArgs);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`Sibyl cluster benchmark: 3 nodes, RF=3, QUORUM, ${ops} operations per phase, ${IN_FLIGHT} in flight, ${VALUE_BYTES}-byte values`);
    console.log(line('(a) raw bound: quorum write', raw.write.opsPerSec, raw.write.p50Ms, raw.write.p99Ms));
    console.log(line('(a) raw bound: quorum read', raw.read.opsPerSec, raw.read.p50Ms, raw.read.p99Ms));
    console.log(line('(b) Sibyl QUORUM write', sibyl.writeOpsPerSec, sibyl.writeP50Ms, sibyl.writeP99Ms));
    console.log(line('(c) Sibyl QUORUM read', sibyl.readOpsPerSec, sibyl.readP50Ms, sibyl.readP99Ms));
    for (const [name, r] of [['(d) write at half peak', sibyl.halfWrite], ['(d) read at half peak', sibyl.halfRead]] as const) {
      console.log(`${line(`${name} (${Math.round(r.opsPerSecTarget)}/s)`, r.opsPerSecDone, r.latency.percentileMs(50), r.latency.percentileMs(99))}`);
    }
    console.log(`write / write bound = ${pct(sibyl.writeOpsPerSec / raw.write.opsPerSec)} (target ≥ 50%)`);
    console.log(`read / read bound   = ${pct(sibyl.readOpsPerSec / raw.read.opsPerSec)} (target ≥ 50%)`);
    console.log(`p99 at half peak    = write ${sibyl.halfWrite.latency.percentileMs(99).toFixed(2)} ms, read ${sibyl.halfRead.latency.percentileMs(99).toFixed(2)} ms (target ≤ 10 ms)`);
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
