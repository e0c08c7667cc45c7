/**
 * Single-node benchmark: INSERT and SELECT by key through the driver with
 * prepared statements and 64 requests in flight, against a real node process,
 * next to the raw bound measured in the same run: classic-level `put` with 64
 * in flight in this process. Prints ops/s, p50 and p99 and the ratio of
 * driver INSERT throughput to the raw bound, and the CPU each operation
 * cost the node and the driver's process (robust to other load on the
 * machine, where throughput is not).
 *
 *   npm run bench [-- --ops 100000] [--profile DIR]
 *
 * `--profile DIR` runs the node under `node --cpu-prof` and leaves its
 * .cpuprofile in DIR.
 */
import { ClassicLevel } from 'classic-level';
import { resolve } from 'node:path';
import { Client } from '../../src/client/index.js';
import { removeDir, startNode, tempDir } from '../integration/harness.js';
import { withCpu } from './cpu.js';
import { formatPhase, runPhase, type PhaseResult } from './stats.js';

const IN_FLIGHT = 64;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function rawPutBound(ops: number) {
  const dir = tempDir('sibyl-bench-raw-');
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const value = Buffer.alloc(64, 7);
  const result = await runPhase('raw classic-level put', ops, IN_FLIGHT, (i) => db.put(Buffer.from(`key-${i.toString().padStart(10, '0')}`), value));
  await db.close();
  removeDir(dir);
  return result;
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
    const key = (i: number) => `key-${i.toString().padStart(10, '0')}`;

    // Warm up the JIT, the prepared statement cache and the connection.
    await runPhase('warm-up', 5000, IN_FLIGHT, (i) => client.execute(insert, [key(i), value], { prepare: true }));

    const pid = [node.child.pid!];
    const inserts = await withCpu(pid, ops, () => runPhase('driver INSERT (prepared)', ops, IN_FLIGHT, (i) => client.execute(insert, [key(i), value], { prepare: true })));
    const selects = await withCpu(pid, ops, () =>
      runPhase('driver SELECT by key (prepared)', ops, IN_FLIGHT, async (i) => {
        const rs = await client.execute(select, [key(i)], { prepare: true });
        if (rs.rowLength !== 1) throw new Error(`key ${key(i)} read back ${rs.rowLength} rows`);
      }),
    );
    await client.shutdown();
    await node.stop();
    removeDir(node.dataDir);

    const raw = await withCpu([], ops, () => rawPutBound(ops));
    const cpu = (m: { result: PhaseResult; serverUsPerOp: number; clientUsPerOp: number }, server: boolean) =>
      `${formatPhase(m.result)}  CPU/op ${server ? `node ${Math.round(m.serverUsPerOp)} µs, driver ` : ''}${Math.round(m.clientUsPerOp)} µs`;

    console.log(`Sibyl single-node benchmark: ${ops} operations per phase, ${IN_FLIGHT} in flight`);
    console.log(cpu(inserts, true));
    console.log(cpu(selects, true));
    console.log(cpu(raw, false));
    const ratio = inserts.result.opsPerSec / raw.result.opsPerSec;
    console.log(`driver INSERT / raw put = ${(ratio * 100).toFixed(1)}% (target ≥ 35%)`);
  } finally {
    await client.shutdown().catch(() => {});
    await node.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
