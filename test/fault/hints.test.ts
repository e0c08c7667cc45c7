/**
 * Hinted handoff, checked against three real `sibyl node` processes through
 * the real driver and the real sibyltool. Invariants: a write a stopped
 * replica missed reaches it once it is back, with its original write time,
 * and nothing stays pending; a write at ANY succeeds with every replica of
 * its partition down and is readable at QUORUM once the replica returns.
 *
 * Node 1 coordinates every write (its driver is pinned to it), so node 1
 * holds the hints.
 */
import { expect } from 'chai';
import type { Client } from '../../src/client/index.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, sleep, waitFor } from './harness.js';

const WRITES = 1000;
const BASE_TIMESTAMP_US = 1_600_000_000_000_000;

describe('hinted handoff (real processes)', function () {
  this.timeout(120_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 300) % 900);
  const c = (index: number): Promise<Client> => cluster.client(index);

  const statusOf3 = async (observer: number) => (await cluster.statusOf(observer)).find((s) => s.endsWith('127.0.0.3'));
  const pendingOn1 = async () => (await cluster.tool(1, 'listpendinghints')).stdout;
  const stop3 = async () => {
    await cluster.stopNode(3);
    await waitFor('node 1 to see node 3 down', 15_000, async () => (await statusOf3(1))?.startsWith('DN') ?? false);
  };
  const restart3 = async () => {
    await cluster.startNode(3);
    await waitFor('node 1 to see node 3 up', 15_000, async () => (await statusOf3(1))?.startsWith('UN') ?? false);
  };

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    await (await c(1)).execute(`CREATE KEYSPACE hinted WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await (await c(1)).execute('CREATE TABLE hinted.kv (k int PRIMARY KEY, v text)');
    await (await c(1)).execute(`CREATE KEYSPACE lonely WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await (await c(1)).execute('CREATE TABLE lonely.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
  });

  destroyAfterSuite(cluster);

  it('replays the hints of 1,000 QUORUM writes a stopped node missed, with their original write times, leaving none pending', async () => {
    expect((await cluster.tool(1, 'statushandoff')).stdout).to.equal('Hinted handoff is running\n');
    await stop3();
    const client = await c(1);
    for (let start = 0; start < WRITES; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => start + j).map((k) =>
          client.execute(`INSERT INTO hinted.kv (k, v) VALUES (?, ?) USING TIMESTAMP ${BASE_TIMESTAMP_US + k}`, [k, `v${k}`], { consistency: 'QUORUM', prepare: true }),
        ),
      );
    }
    const pending = await pendingOn1();
    const line = pending.split('\n').find((l) => l.includes('127.0.0.3'));
    expect(line, pending).to.match(/ DOWN +1000 /);
    await restart3();
    await waitFor('node 1 to replay every hint', 30_000, async () => (await pendingOn1()) === 'This node does not have any pending hints\n');

    for (const k of [0, 1, 499, 998, 999]) {
      const dumped = await cluster.dump(3, 'hinted.kv', String(k));
      expect(dumped.length).to.equal(1);
      expect(dumped[0]!.partition.key).to.deep.equal([String(k)]);
      expect(dumped[0]!.rows).to.deep.equal([
        { type: 'row', clustering: [], liveness_info: { tstamp: BASE_TIMESTAMP_US + k }, cells: [{ name: 'v', value: `v${k}`, tstamp: BASE_TIMESTAMP_US + k }] },
      ]);
    }
    // Node 3 coordinating a read at ONE asks itself first: the count is what it holds.
    const rows = await (await c(3)).execute('SELECT k FROM hinted.kv', null, { consistency: 'ONE', fetchSize: 5000 });
    expect(rows.rows.length).to.equal(WRITES);
    const netstats = await cluster.tool(1, 'netstats');
    expect(netstats.stdout).to.contain('Read Repair Statistics:\nAttempted: ');
    expect(netstats.stdout).to.contain('Pending hints: 0 (0 bytes) for 0 endpoints\n');
  });

  it('accepts a write at ANY whose only replica is down, and serves it at QUORUM once the replica is back', async () => {
    let key = -1;
    for (let k = 0; k < 50 && key < 0; k++) {
      const replicas = (await cluster.tool(1, 'getendpoints', 'lonely', 'kv', String(k))).stdout.trim();
      if (replicas === '127.0.0.3') key = k;
    }
    expect(key).to.be.at.least(0);
    await stop3();
    const client = await c(1);
    const written = await client.execute('INSERT INTO lonely.kv (k, v) VALUES (?, ?)', [key, 'hinted at ANY'], { consistency: 'ANY', prepare: true });
    expect(written.info.queriedHost).to.equal(cluster.nativeEndpoint(1));
    expect(await pendingOn1()).to.match(/127\.0\.0\.3 .* DOWN +1 /);
    await restart3();
    await waitFor('node 1 to replay the ANY hint', 30_000, async () => (await pendingOn1()) === 'This node does not have any pending hints\n');
    const read = await client.execute('SELECT v FROM lonely.kv WHERE k = ?', [key], { consistency: 'QUORUM', prepare: true });
    expect(read.rows).to.deep.equal([{ v: 'hinted at ANY' }]);
    expect((await cluster.dump(3, 'lonely.kv', String(key)))[0]!.rows[0]).to.deep.include({ type: 'row' });
  });

  it('discards the hints of a table dropped while its replica was down and still replays the other tables', async () => {
    const client = await c(1);
    await client.execute('CREATE TABLE hinted.gone (k int PRIMARY KEY, v text)');
    await client.execute('CREATE TABLE hinted.kept (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await stop3();
    for (let k = 0; k < 5; k++) {
      await client.execute('INSERT INTO hinted.gone (k, v) VALUES (?, ?)', [k, 'gone'], { consistency: 'QUORUM', prepare: true });
      await client.execute('INSERT INTO hinted.kept (k, v) VALUES (?, ?)', [k, 'kept'], { consistency: 'QUORUM', prepare: true });
    }
    expect(await pendingOn1()).to.match(/127\.0\.0\.3 .* DOWN +10 /);
    await client.execute('DROP TABLE hinted.gone');
    // Node 3 learns of the drop before any hint reaches it, so it refuses writes to the dropped table.
    expect((await cluster.tool(1, 'faults', 'drop', 'HINT', 'to', cluster.endpoint(3))).code).to.equal(0);
    await restart3();
    await cluster.awaitSchemaAgreement();
    expect((await cluster.tool(1, 'faults', 'clear')).code).to.equal(0);
    // A hint for the dropped table used to fail every message it travelled in, so none of the target's hints were ever delivered.
    await waitFor('node 1 to replay or discard every hint', 30_000, async () => (await pendingOn1()) === 'This node does not have any pending hints\n');
    for (let k = 0; k < 5; k++) {
      const dumped = await cluster.dump(3, 'hinted.kept', String(k));
      expect(dumped.map((p) => p.rows.map((r) => (r.type === 'row' ? r.cells.map((cell) => cell.value) : [])))).to.deep.equal([[['kept']]]);
    }
    expect(cluster.logOf(1)).to.include(`Discarded 5 hints for ${cluster.endpoint(3)} of tables dropped since they were stored`);
  });

  it("does not deliver hints older than their table's gc_grace_seconds, and counts them as dropped", async () => {
    const client = await c(1);
    await client.execute('CREATE TABLE hinted.brief (k int PRIMARY KEY, v text) WITH gc_grace_seconds = 1');
    await client.execute('CREATE TABLE hinted.lasting (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    const droppedBefore = Number(/Hints dropped: (\d+)/.exec((await cluster.tool(1, 'info')).stdout)?.[1] ?? 0);
    await stop3();
    for (let k = 0; k < 3; k++) {
      await client.execute('INSERT INTO hinted.brief (k, v) VALUES (?, ?)', [k, 'brief'], { consistency: 'QUORUM', prepare: true });
      await client.execute('INSERT INTO hinted.lasting (k, v) VALUES (?, ?)', [k, 'lasting'], { consistency: 'QUORUM', prepare: true });
    }
    expect(await pendingOn1()).to.match(/127\.0\.0\.3 .* DOWN +6 /);
    // Past the brief table's gc_grace_seconds its tombstones may be purged, so a replayed hint could bring deleted data back.
    await sleep(1_100);
    await restart3();
    await waitFor('node 1 to replay or discard every hint', 30_000, async () => (await pendingOn1()) === 'This node does not have any pending hints\n');
    for (let k = 0; k < 3; k++) {
      expect(await cluster.dump(3, 'hinted.brief', String(k)), `hinted.brief ${k} on node 3`).to.deep.equal([]);
      expect((await cluster.dump(3, 'hinted.lasting', String(k))).length, `hinted.lasting ${k} on node 3`).to.equal(1);
    }
    expect(cluster.logOf(1)).to.include(`Discarded 3 hints for ${cluster.endpoint(3)} older than their tables' gc_grace_seconds`);
    expect((await cluster.tool(1, 'info')).stdout).to.include(`Hints dropped: ${droppedBefore + 3} (ranges need repair)\n`);
  });
});
