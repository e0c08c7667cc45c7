/**
 * Merkle-tree repair, checked against three real `sibyl node` processes
 * through the real driver and the real sibyltool (issue 4, Done means (c)).
 * Invariant: after a repair, replicas are identical; before it, a preview
 * counts exactly the rows one replica missed. Hinted handoff is switched off
 * on every node, so only repair can bring node 3 up to date.
 *
 * Node 1 coordinates every write and runs every repair.
 */
import { expect } from 'chai';
import type { Client } from '../../src/client/index.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const BASE_ROWS = 200;
const MISSED_ROWS = 1000;

describe('repair (real processes)', function () {
  this.timeout(180_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 600) % 900);
  const c = (index: number): Promise<Client> => cluster.client(index);
  const statusOf3 = async (observer: number) => (await cluster.statusOf(observer)).find((s) => s.endsWith('127.0.0.3'));
  const asOfS = Math.floor(Date.now() / 1000);

  /** Node `index`'s own Merkle root of repairks.kv (and its partition count), hashed as of one fixed time. */
  const rootOn = async (index: number): Promise<{ root: string; partitions: number }> => {
    const r = await cluster.tool(index, 'merkleroot', '--as-of', String(asOfS), 'repairks', 'kv');
    if (r.code !== 0) throw new Error(`merkleroot on node ${index} failed: ${r.stderr}`);
    const [root, , partitions] = r.stdout.trim().split(/\s+/);
    return { root: root!, partitions: Number(partitions) };
  };

  const write = async (from: number, to: number) => {
    const client = await c(1);
    const pending: Promise<unknown>[] = [];
    for (let k = from; k < to; k++) {
      pending.push(client.execute('INSERT INTO repairks.kv (k, v) VALUES (?, ?)', [k, `value ${k}`], { prepare: true, consistency: 'QUORUM' }));
      if (pending.length >= 64) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  };

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    for (const i of [1, 2, 3]) expect((await cluster.tool(i, 'disablehandoff')).code).to.equal(0);
    await (await c(1)).execute(`CREATE KEYSPACE repairks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await (await c(1)).execute('CREATE TABLE repairks.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await write(0, BASE_ROWS);
  });

  destroyAfterSuite(cluster);

  it('previews exactly the rows a stopped replica missed, streams them, and leaves every replica identical', async () => {
    await cluster.stopNode(3);
    await waitFor('node 1 to see node 3 down', 15_000, async () => (await statusOf3(1))?.startsWith('DN') ?? false);
    await write(BASE_ROWS, BASE_ROWS + MISSED_ROWS);
    await cluster.startNode(3);
    await waitFor('node 1 to see node 3 up', 15_000, async () => (await statusOf3(1))?.startsWith('UN') ?? false);

    const before = await Promise.all([1, 2, 3].map(rootOn));
    expect(before.map((r) => r.partitions)).to.deep.equal([BASE_ROWS + MISSED_ROWS, BASE_ROWS + MISSED_ROWS, BASE_ROWS]);
    expect(before[0]!.root).to.equal(before[1]!.root);
    expect(before[2]!.root).to.not.equal(before[0]!.root);

    const preview = await cluster.tool(1, 'repair', '--preview', 'repairks');
    expect(preview.code, preview.stderr).to.equal(0);
    expect(preview.stdout).to.match(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] Starting repair command #\d+ \([0-9a-f-]{36}\), repairing keyspace repairks with repair options \(parallelism: parallel, primary range: false, incremental: false, job threads: 1, ColumnFamilies: \[kv\]/m);
    expect(preview.stdout).to.match(new RegExp(`Previewed data was out of sync: \\d+ ranges, ${MISSED_ROWS} partitions \\(${MISSED_ROWS} rows\\) would be streamed`));
    expect((await rootOn(3)).partitions, 'a preview streams nothing').to.equal(BASE_ROWS);

    const repair = await cluster.tool(1, 'repair', '--full', 'repairks');
    expect(repair.code, repair.stderr).to.equal(0);
    expect(repair.stdout).to.match(/Repair session [0-9a-f-]{36} for range \[\(-?\d+,-?\d+\]\] finished \(progress: \d+%\)/);
    expect(repair.stdout).to.match(/\] Repair completed successfully\n/);
    expect(repair.stdout).to.match(/\] Repair command #\d+ finished in \d+ seconds?\n/);
    const streamed = [...repair.stdout.matchAll(/streamed (\d+) partitions \((\d+) rows/g)].reduce((n, m) => n + Number(m[2]), 0);
    expect(streamed).to.equal(MISSED_ROWS);

    const after = await Promise.all([1, 2, 3].map(rootOn));
    expect(after.map((r) => r.partitions)).to.deep.equal([BASE_ROWS + MISSED_ROWS, BASE_ROWS + MISSED_ROWS, BASE_ROWS + MISSED_ROWS]);
    expect(new Set(after.map((r) => r.root)).size, 'every replica has the same Merkle root').to.equal(1);
    expect(after[0]!.root).to.equal(before[0]!.root);

    for (const key of [BASE_ROWS, BASE_ROWS + 1, BASE_ROWS + 500, BASE_ROWS + MISSED_ROWS - 1, 0]) {
      const dumps = await Promise.all([1, 2, 3].map((i) => cluster.tool(i, 'dump', 'repairks.kv', String(key))));
      for (const d of dumps) expect(d.code, d.stderr).to.equal(0);
      expect(dumps[2]!.stdout, `dump of key ${key} on node 3`).to.equal(dumps[0]!.stdout);
      expect(dumps[1]!.stdout, `dump of key ${key} on node 2`).to.equal(dumps[0]!.stdout);
    }

    const again = await cluster.tool(1, 'repair', '--preview', 'repairks');
    expect(again.stdout).to.include('Previewed data was in sync');
    const history = await cluster.tool(1, 'repair', '--history');
    expect(history.stdout.split('\n').filter((l) => /\brepairks\b/.test(l)).map((l) => l.split(/\s+/)[3])).to.deep.equal(['PREVIEW', 'SUCCESS', 'PREVIEW']);
  });

  it('refuses -st equal to -et and a token range this node does not replicate, and skips a keyspace of one copy, as nodetool does', async () => {
    await (await c(1)).execute(`CREATE KEYSPACE repairtwo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await (await c(1)).execute('CREATE TABLE repairtwo.kv (k int PRIMARY KEY, v text)');
    await (await c(1)).execute(`CREATE KEYSPACE repairone WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await (await c(1)).execute('CREATE TABLE repairone.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    // At RF 2 the range (previous token, token] lives on the token's owner and the next other node clockwise: find one without node 1.
    const ring = (await cluster.tool(1, 'ring')).stdout.split('\n');
    const tokens = ring.flatMap((l) => {
      const m = /^(127\.0\.0\.\d)\s.*\s(-?\d+)\s*$/.exec(l);
      return m ? [{ owner: m[1]!, token: m[2]! }] : [];
    });
    const replicasOf = (i: number) => [tokens[i]!.owner, tokens.slice(i + 1).concat(tokens).find((t) => t.owner !== tokens[i]!.owner)!.owner];
    const at = tokens.findIndex((_, i) => i > 0 && !replicasOf(i).includes('127.0.0.1'));
    const [start, end] = [tokens[at - 1]!.token, tokens[at]!.token];

    expect(await cluster.tool(1, 'repair', '-st', end, '-et', end, 'repairtwo')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'sibyltool: Start and end tokens must be different.\n',
    });
    expect(await cluster.tool(1, 'repair', '-st', start, '-et', end, 'repairtwo')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: `sibyltool: Nothing to repair for (${start},${end}] in repairtwo - aborting\n`,
    });
    const onReplica = await cluster.tool(replicasOf(at)[0] === '127.0.0.2' ? 2 : 3, 'repair', '-st', start, '-et', end, 'repairtwo');
    expect(onReplica.code).to.equal(0);
    expect(onReplica.stdout).to.include(`Repair session`);
    expect(onReplica.stdout).to.include('Repair completed successfully');

    const single = await cluster.tool(1, 'repair', 'repairone');
    expect(single.code).to.equal(0);
    expect(single.stdout).to.match(/^\[[\d-]+ [\d:,]+\] Replication factor is 1\. No repair is needed for keyspace 'repairone'\n$/);
    expect((await cluster.tool(1, 'repair', '--history')).stdout).to.not.include('repairone');
  });

  it('fails with a clear message, without hanging, when a replica dies mid-repair', async () => {
    // Hold node 1's tree request to node 3 long enough to kill node 3 while the session waits for it.
    expect((await cluster.tool(1, 'faults', 'delay', 'REPAIR_MERKLE_TREE', '3s', 'to', '127.0.0.3')).code).to.equal(0);
    const started = Date.now();
    const running = cluster.tool(1, 'repair', 'repairks');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await cluster.kill(3);
    const r = await running;
    expect(Date.now() - started).to.be.below(15_000);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(new RegExp(`Repair session [0-9a-f-]{36} for range \\[\\(-?\\d+,-?\\d+\\]\\] failed with error endpoint 127\\.0\\.0\\.3:${cluster.storagePort} died`));
    expect(r.stderr).to.match(new RegExp(`Repair job has failed with the error\\(s\\): Repair session [0-9a-f-]{36} for range \\[\\(-?\\d+,-?\\d+\\]\\] failed: endpoint 127\\.0\\.0\\.3:${cluster.storagePort} died`));
    await cluster.tool(1, 'faults', 'clear');
    const history = await cluster.tool(1, 'repair', '--history');
    expect(history.stdout).to.match(/repairks\s+kv\s+FAILED/);
  });

  it('says in one line that the repair status is unknown when the node running the repair dies, as nodetool does when JMX closes', async () => {
    await cluster.startNode(3);
    await cluster.awaitAllUp();
    // Hold node 3's tree request to node 1, so node 3 is still repairing when it is killed.
    expect((await cluster.tool(3, 'faults', 'delay', 'REPAIR_MERKLE_TREE', '3s', 'to', '127.0.0.1')).code).to.equal(0);
    const running = cluster.tool(3, 'repair', 'repairks');
    await waitFor('node 3 to run a repair session', 15_000, async () => (await cluster.tool(3, 'netstats')).stdout.includes('Repair session'));
    await cluster.kill(3);
    const r = await running;
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/Starting repair command #\d+ /);
    expect(r.stderr).to.match(/^sibyltool: Connection to the node closed during repair \(.+\)\. You should check server log for repair status of keyspace repairks\.\n$/);
  });
});
