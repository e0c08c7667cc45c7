/**
 * Single-node benchmark: INSERT and SELECT by key through the driver with
 * prepared statements and 64 requests in flight, against a real node process,
 * next to the raw bound measured in the same run: classic-level `put` with 64
 * in flight in this process. Prints ops/s, p50 and p99 and the ratio of
 * driver INSERT throughput to the raw bound, and the CPU each operation
 * cost the node and the driver's process (robust to other load on the
 * machine, where throughput is not).
 *
 * Also in the same run, the floor of any networked store on this machine:
 * one bare replica process (raw-replica.ts) that batches the writes of each
 * event-loop turn into classic-level and replies, fed with the project's
 * framing by a client in this process, 64 in flight. From the CPU figures
 * the benchmark prints the CPU per INSERT the 35% target leaves on this
 * machine's cores, next to what Sibyl and the floor spend.
 *
 *   npm run bench [-- --ops 100000] [--profile DIR]
 *
 * `--profile DIR` runs the node under `node --cpu-prof` and leaves its
 * .cpuprofile in DIR.
 */
import { ClassicLevel } from 'classic-level';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Client } from '../../src/client/index.js';
import { removeDir, startNode, tempDir } from '../integration/harness.js';
import { withCpu } from './cpu.js';
import { startRawCluster } from './raw-bound.js';
import { formatPhase, runPhase, type PhaseResult } from './stats.js';

const IN_FLIGHT = 64;
/** The fraction of the raw bound the driver INSERT rate must reach. */
const TARGET = 0.35;
/** A port no default node or cluster uses, for the networked floor's replica. */
const FLOOR_PORT = 17410;

/** Operation i's key, the same in every phase, so each measures the same keys. */
const keyText = (i: number) => `key-${i.toString().padStart(10, '0')}`;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function rawPutBound(ops: number) {
  const dir = tempDir('sibyl-bench-raw-');
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const value = Buffer.alloc(64, 7);
  const result = await runPhase('raw classic-level put', ops, IN_FLIGHT, (i) => db.put(Buffer.from(keyText(i)), value));
  await db.close();
  removeDir(dir);
  return result;
}

/** The networked floor: one bare replica process answering each write once its turn's batch is applied. */
async function networkedFloor(ops: number) {
  const dir = tempDir('sibyl-bench-floor-');
  const replica = await startRawCluster(dir, FLOOR_PORT, 1, 1);
  try {
    const value = Buffer.alloc(64, 7);
    const write = (i: number) => replica.request('w', Buffer.from(keyText(i)), value);
    await runPhase('floor warm-up', 5000, IN_FLIGHT, write);
    return await withCpu(replica.pids, ops, () => runPhase('networked floor: bare replica write', ops, IN_FLIGHT, write));
  } finally {
    await replica.close();
    removeDir(dir);
  }
}

async function main() {
  const ops = argValue('--ops', 100_000);
  const profileDir = process.argv.indexOf('--profile') >= 0 ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;
  const node = await startNode(profileDir !== undefined ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] } : {});
  const client = new Client({ contactPoints: [`${node.host}:${node.port}`], consistency: 'ONE' });
  try {
    await client.connect();
    await client.execute(`CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute('CREATE TABLE bench.kv (id text PRIMARY KEY, v blob)');
    const value = Buffer.alloc(64, 7);
    const insert = 'INSERT INTO bench.kv (id, v) VALUES (?, ?)';
    const select = 'SELECT v FROM bench.kv WHERE id = ?';

    // Warm up the JIT, the prepared statement cache and the connection.
    await runPhase('warm-up', 5000, IN_FLIGHT, (i) => client.execute(insert, [keyText(i), value], { prepare: true }));

    const pid = [node.child.pid!];
    const inserts = await withCpu(pid, ops, () => runPhase('driver INSERT (prepared)', ops, IN_FLIGHT, (i) => client.execute(insert, [keyText(i), value], { prepare: true })));
    const selects = await withCpu(pid, ops, () =>
      runPhase('driver SELECT by key (prepared)', ops, IN_FLIGHT, async (i) => {
        const rs = await client.execute(select, [keyText(i)], { prepare: true });
        if (rs.rowLength !== 1) throw new Error(`key ${keyText(i)} read back ${rs.rowLength} rows`);
      }),
    );
    await client.shutdown();
    await node.stop();
    removeDir(node.dataDir);

    const raw = await withCpu([], ops, () => rawPutBound(ops));
    const floor = await networkedFloor(ops);
    const cpu = (m: { result: PhaseResult; serverUsPerOp: number; clientUsPerOp: number }, server: boolean) =>
      `${formatPhase(m.result)}  CPU/op ${server ? `node ${Math.round(m.serverUsPerOp)} µs, driver ` : ''}${Math.round(m.clientUsPerOp)} µs`;

    console.log(`Sibyl single-node benchmark: ${ops} operations per phase, ${IN_FLIGHT} in flight`);
    console.log(cpu(inserts, true));
    console.log(cpu(selects, true));
    console.log(cpu(raw, false));
    console.log(`${formatPhase(floor.result)}  CPU/op replica ${Math.round(floor.serverUsPerOp)} µs, client ${Math.round(floor.clientUsPerOp)} µs`);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`driver INSERT / raw put = ${pct(inserts.result.opsPerSec / raw.result.opsPerSec)} (target ≥ ${pct(TARGET)})`);
    console.log(`driver INSERT / networked floor = ${pct(inserts.result.opsPerSec / floor.result.opsPerSec)}; networked floor / raw put = ${pct(floor.result.opsPerSec / raw.result.opsPerSec)}`);
    // At the target rate the node and the driver together may spend at most this much CPU per INSERT.
    const cores = availableParallelism();
    const targetRate = TARGET * raw.result.opsPerSec;
    const budgetUs = (cores * 1e6) / targetRate;
    const sibylUs = inserts.serverUsPerOp + inserts.clientUsPerOp;
    const floorUs = floor.serverUsPerOp + floor.clientUsPerOp;
    console.log(
      `CPU per INSERT: the target (${Math.round(targetRate)}/s) leaves ${Math.round(budgetUs)} µs on ${cores} cores; ` +
        `Sibyl spends ${Math.round(sibylUs)} µs (node and driver), the networked floor ${Math.round(floorUs)} µs`,
    );
  } finally {
    await client.shutdown().catch(() => {});
    await node.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
