/**
 * One run of "SIGKILL a node under write load, restart it, see what survived",
 * shared by the durability fault test (commitlog_sync batch: every
 * acknowledged write must survive) and the loss-window benchmark
 * (test/bench/durability-window.ts, periodic). A single real `sibyl node`
 * process at RF=1; several writers insert distinct keys at consistency ONE
 * through the driver, each keeping one write in flight; every key is then
 * either acknowledged (the driver resolved it, at a recorded time), unknown
 * (sent but unanswered when the process died: it may or may not be there), or
 * never sent.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Client } from '../../src/client/index.js';
import { removeDir, startNode, tempDir, type NodeProcess } from '../integration/harness.js';

export interface KillRunOptions {
  commitlogSync: 'batch' | 'periodic';
  /** Milliseconds between syncs in periodic mode. */
  commitlogSyncPeriodMs?: number;
  writers: number;
  /** Milliseconds of write load before the kill. */
  loadMs: number;
}

export interface KillRunResult {
  /** Acknowledged keys and the wall-clock millisecond each was acknowledged at. */
  acked: Map<number, number>;
  /** Keys sent but unanswered at the kill. */
  unknown: Set<number>;
  /** Keys read back after the restart. */
  present: Set<number>;
  killAtMs: number;
}

export async function killUnderLoad(options: KillRunOptions): Promise<KillRunResult> {
  const root = tempDir('sibyl-kill-');
  const dataDir = join(root, 'data');
  const config = join(root, 'sibyl.yaml');
  writeFileSync(config, stringify({ commitlog_sync: options.commitlogSync, commitlog_sync_period: options.commitlogSyncPeriodMs ?? 10_000 }));
  const args = ['--config', config];
  let node: NodeProcess | undefined;
  const clients: Client[] = [];
  const connect = async (n: NodeProcess) => {
    const client = new Client({ contactPoints: [`${n.host}:${n.port}`], discoverNodes: false, connectTimeoutMs: 5000 });
    clients.push(client);
    await client.connect();
    return client;
  };
  try {
    node = await startNode({ dataDir, args, timeoutMs: 20_000 });
    const setup = await connect(node);
    await setup.execute("CREATE KEYSPACE dur WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await setup.execute('CREATE TABLE dur.t (k int PRIMARY KEY, v text)');

    const acked = new Map<number, number>();
    const unknown = new Set<number>();
    let killed = false;
    const writer = async (w: number) => {
      const client = await connect(node!);
      for (let i = 0; !killed; i++) {
        const k = i * options.writers + w;
        unknown.add(k);
        try {
          await client.execute('INSERT INTO dur.t (k, v) VALUES (?, ?)', [k, `value-${k}`], { prepare: true, consistency: 'ONE' });
        } catch {
          // The node died under it (or refused it): the write stays unknown, and this writer stops.
          return;
        }
        unknown.delete(k);
        acked.set(k, Date.now());
      }
    };
    const writing = Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
    await new Promise((resolve) => setTimeout(resolve, options.loadMs));
    const killAtMs = Date.now();
    killed = true;
    await node.stop('SIGKILL');
    await writing;
    for (const c of clients.splice(0)) await c.shutdown().catch(() => {});

    node = await startNode({ dataDir, args, timeoutMs: 20_000 });
    const reader = await connect(node);
    const present = new Set<number>();
    for await (const row of reader.iterate('SELECT k, v FROM dur.t', [], { consistency: 'ONE', fetchSize: 5000 })) {
      const k = Number(row['k']);
      if (row['v'] !== `value-${k}`) throw new Error(`key ${k} came back with ${String(row['v'])}`);
      present.add(k);
    }
    return { acked, unknown, present, killAtMs };
  } finally {
    for (const c of clients) await c.shutdown().catch(() => {});
    await node?.stop('SIGKILL');
    removeDir(root);
  }
}
