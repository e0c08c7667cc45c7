/**
 * A full disk under a real node, seen through the driver: the node's
 * data_directory is a 16 MiB tmpfs that a ballast file fills to ENOSPC.
 * Invariants: the writes the disk refuses fail at the client with a
 * WriteFailure naming data_directory and ENOSPC (not a timeout, not a dropped
 * connection); the node stays up and keeps serving reads, of old data and of
 * everything acknowledged; once space returns writes succeed again without a
 * restart; and after a restart every acknowledged write is there. The engine
 * level (both commitlog_sync modes, the torn-log reopen) is covered by
 * disk-full-engine.test.ts.
 */
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { WriteFailureError } from '../../src/util/errors.js';
import { removeDir, startNode, tempDir, type NodeProcess } from '../integration/harness.js';
import { fillWithBallast, mountTmpfs, removeBallast, unmount } from './tmpfs.js';

const VALUE = 'v'.repeat(4000);

describe('a full disk under a real node', function () {
  this.timeout(90_000);
  const root = tempDir('sibyl-diskfull-node-');
  const mnt = join(root, 'mnt');
  const dataDir = join(mnt, 'data');
  let node: NodeProcess | undefined;
  let client: Client | undefined;

  before(function () {
    mkdirSync(mnt);
    if (mountTmpfs(mnt, 16 * 1024 * 1024)) this.skip();
  });

  after(async () => {
    await client?.shutdown().catch(() => {});
    await node?.stop('SIGKILL');
    unmount(mnt);
    removeDir(root);
  });

  async function connect(): Promise<Client> {
    await client?.shutdown().catch(() => {});
    client = new Client({ contactPoints: [`${node!.host}:${node!.port}`], discoverNodes: false });
    await client.connect();
    return client;
  }

  it('fails the writes the disk refuses with a WriteFailure naming data_directory, serves reads, and writes again once space returns', async () => {
    node = await startNode({ dataDir, args: ['--commitlog-sync', 'batch'], timeoutMs: 20_000 });
    const c = await connect();
    await c.execute("CREATE KEYSPACE full WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await c.execute('CREATE TABLE full.kv (k int PRIMARY KEY, v text)');
    const acked = new Set<number>();
    const insert = (k: number) => c.execute('INSERT INTO full.kv (k, v) VALUES (?, ?)', [k, VALUE], { prepare: true, consistency: 'ONE' });
    for (let k = 0; k < 100; k++) {
      await insert(k);
      acked.add(k);
    }
    const ballast = fillWithBallast(mnt);

    let failure: unknown;
    let k = 100;
    for (; k < 1000 && failure === undefined; k++) {
      try {
        await insert(k);
        acked.add(k);
      } catch (err) {
        failure = err;
      }
    }
    expect(failure, 'a write failed once the disk was full').to.be.instanceOf(WriteFailureError);
    expect((failure as Error).message).to.contain(`Cannot write to data_directory ${dataDir}: No space left on device (ENOSPC)`);

    // While the disk is full: writes keep failing the same way, the node is up, and every acknowledged row reads back.
    const again = await insert(5000).then(() => undefined, (err: unknown) => err);
    expect(again).to.be.instanceOf(WriteFailureError);
    expect(node.child.exitCode, 'the node is still running').to.equal(null);
    const rows = await c.execute('SELECT k FROM full.kv', [], { consistency: 'ONE', fetchSize: 5000 });
    expect(new Set(rows.rows.map((r) => r['k'] as number))).to.deep.equal(acked);

    // Space returns: writes succeed again, without a restart.
    removeBallast(ballast);
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      try {
        await insert(k);
        acked.add(k);
        recovered = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(recovered, 'writes succeed once space returns').to.equal(true);
    for (let j = k + 1; j < k + 50; j++) {
      await insert(j);
      acked.add(j);
    }

    // After a restart every acknowledged write is still there.
    await client!.shutdown();
    client = undefined;
    await node.stop('SIGKILL');
    node = await startNode({ dataDir, args: ['--commitlog-sync', 'batch'], timeoutMs: 20_000 });
    const after = await connect();
    const back = await after.execute('SELECT k FROM full.kv', [], { consistency: 'ONE', fetchSize: 5000 });
    expect(new Set(back.rows.map((r) => r['k'] as number))).to.deep.equal(acked);
  });
});
