/**
 * Blocking read repair with real processes (issue 4, "Done means" (a)): a
 * write at ONE misses replica 3 (its MUTATION is dropped and hinted handoff
 * is off, so nothing else can deliver it); once healed, a QUORUM read that
 * includes replica 3 finds the digests differ, repairs replica 3 before it
 * answers, and replica 3's own storage then holds the cell with its original
 * write time.
 */
import { expect } from 'chai';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const WRITTEN_AT_US = 1_650_000_000_000_000;

describe('blocking read repair (real processes)', function () {
  this.timeout(90_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 450) % 900);

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE rr WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE rr.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
  });

  destroyAfterSuite(cluster);

  it('repairs a replica that missed a write at ONE when a QUORUM read includes it, keeping the original write time', async () => {
    expect((await cluster.tool(1, 'disablehandoff')).code).to.equal(0);
    const cut = await cluster.tool(1, 'faults', 'drop', 'MUTATION', 'to', cluster.endpoint(3));
    expect(cut.code, cut.stderr).to.equal(0);

    const writer = await cluster.client(1);
    await writer.execute(`INSERT INTO rr.kv (k, v) VALUES (7, 'seven') USING TIMESTAMP ${WRITTEN_AT_US}`, null, { consistency: 'ONE' });
    // Replicas 1 and 2 took it; replica 3's copy was dropped on the way.
    await waitFor('replica 2 to hold the write', 5_000, async () => {
      const rs = await (await cluster.client(2)).execute('SELECT v FROM rr.kv WHERE k = 7', null, { consistency: 'ONE' });
      return rs.rows.length === 1;
    });
    expect(await cluster.dump(3, 'rr.kv', '7')).to.deep.equal([]);

    expect((await cluster.tool(1, 'faults', 'clear')).code).to.equal(0);
    // Node 3 coordinates: it reads its own (empty) copy and a digest from another replica, which differ.
    const reader = await cluster.client(3);
    const read = await reader.execute('SELECT v, writetime(v) FROM rr.kv WHERE k = 7', null, { consistency: 'QUORUM' });
    expect(read.rows.map((r) => ({ ...r }))).to.deep.equal([{ v: 'seven', 'writetime(v)': BigInt(WRITTEN_AT_US) }]);

    // The repair reached replica 3's storage before the read answered.
    const dumped = await cluster.dump(3, 'rr.kv', '7');
    expect(dumped.length).to.equal(1);
    expect(dumped[0]!.rows).to.deep.equal([
      { type: 'row', clustering: [], liveness_info: { tstamp: WRITTEN_AT_US }, cells: [{ name: 'v', value: 'seven', tstamp: WRITTEN_AT_US }] },
    ]);
    const netstats = (await cluster.tool(3, 'netstats')).stdout;
    expect(netstats).to.match(/Read Repair Statistics:\nAttempted: [1-9]\d*\nMismatch \(Blocking\): [1-9]\d*\n/);
  });
});
