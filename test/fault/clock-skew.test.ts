/**
 * The clock-skew hazard of last-write-wins, shown on two real nodes, node 1
 * started with clock_offset +5000 ms. When coordinators stamp writes (the
 * driver sends no timestamp), a write coordinated by the node whose clock
 * runs ahead carries a timestamp 5 s in everyone else's future, so a write
 * made after it through a correct node loses: the later write is silently
 * discarded. Client-side timestamps from one clock put the two writes back
 * in order. A client timestamp far in a node's future is still applied, as in
 * Cassandra, but the client gets the node's timestamp_skew_warn warning.
 */
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const OFFSET_MS = 5000;

describe('clock skew under last-write-wins (real processes)', function () {
  this.timeout(90_000);
  const specs = oneDatacenter(2);
  specs[0]!.settings = { clock_offset: OFFSET_MS };
  const cluster = new FaultCluster(specs, (process.pid + 500) % 900);
  const serverStamped: Client[] = [];

  /** A driver pinned to node `index` that sends no timestamps, so the coordinator's clock stamps each write. */
  async function stampedBy(index: number): Promise<Client> {
    const client = new Client({ contactPoints: [cluster.nativeEndpoint(index)], discoverNodes: false, timestampGenerator: null });
    serverStamped.push(client);
    await client.connect();
    return client;
  }

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    const c1 = await cluster.client(1);
    await c1.execute(`CREATE KEYSPACE skew WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await c1.execute('CREATE TABLE skew.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
  });

  destroyAfterSuite(cluster, {
    beforeDestroy: async () => {
      for (const client of serverStamped) await client.shutdown().catch(() => {});
    },
  });

  it('warns at start-up on the skewed node, and its peer reports the offset in sibyltool status', async () => {
    expect(cluster.logOf(1)).to.contain(
      'WARN  clock_offset is 5000 ms: this node\'s clock runs 5000 ms ahead of the system clock, and the timestamps it assigns move with it (last-write-wins)',
    );
    expect(cluster.logOf(2)).not.to.contain('clock_offset');
    let offsetMs = NaN;
    await waitFor(() => `node 2 to report node 1's clock about ${OFFSET_MS} ms ahead (last: ${offsetMs})`, 20_000, async () => {
      const status = (await cluster.tool(2, 'status')).stdout;
      const line = status.split('\n').find((l) => /^UN\s+127\.0\.0\.1\s/.test(l));
      offsetMs = Number(/([+-]?\d+) ms\s*$/.exec(line ?? '')?.[1]);
      // The estimate approaches the true offset from below, by about a network hop.
      return offsetMs > OFFSET_MS - 100 && offsetMs <= OFFSET_MS + 20;
    });
  });

  it('loses a later write when the earlier one was stamped by a coordinator whose clock runs ahead', async () => {
    const fast = await stampedBy(1);
    const correct = await stampedBy(2);
    await fast.execute('INSERT INTO skew.kv (k, v) VALUES (1, ?)', ['written first, via the fast clock'], { consistency: 'ALL', prepare: true });
    const beforeSecondWriteUs = Date.now() * 1000;
    await correct.execute('INSERT INTO skew.kv (k, v) VALUES (1, ?)', ['written second, via a correct clock'], { consistency: 'ALL', prepare: true });
    const rs = await correct.execute('SELECT v, writetime(v) AS wt FROM skew.kv WHERE k = 1', null, { consistency: 'ALL' });
    expect(rs.rows.map((r) => r['v'])).to.deep.equal(['written first, via the fast clock']);
    // The surviving write time lies about clock_offset in the future of the second write.
    const aheadMs = (Number(rs.rows[0]!['wt']) - beforeSecondWriteUs) / 1000;
    expect(aheadMs).to.be.within(OFFSET_MS - 2000, OFFSET_MS + 100);
  });

  it('keeps the later write when one client clock stamps both writes, whichever node coordinates', async () => {
    const viaFast = await cluster.client(1);
    const viaCorrect = await cluster.client(2);
    await viaFast.execute('INSERT INTO skew.kv (k, v) VALUES (2, ?)', ['written first, via the fast clock'], { consistency: 'ALL', prepare: true });
    await viaCorrect.execute('INSERT INTO skew.kv (k, v) VALUES (2, ?)', ['written second, via a correct clock'], { consistency: 'ALL', prepare: true });
    const rs = await viaCorrect.execute('SELECT v FROM skew.kv WHERE k = 2', null, { consistency: 'ALL' });
    expect(rs.rows).to.deep.equal([{ v: 'written second, via a correct clock' }]);
  });

  it('applies a client timestamp 10 s in the future but returns the timestamp_skew_warn warning, and the node logs it', async () => {
    const client = await cluster.client(2);
    const timestampUs = Date.now() * 1000 + 10_000_000;
    const rs = await client.execute('INSERT INTO skew.kv (k, v) VALUES (3, ?)', ['from a client clock 10 s ahead'], { consistency: 'ALL', prepare: true, timestamp: timestampUs });
    expect(rs.info.warnings).to.have.length(1);
    // The node reads its clock a moment after the driver did, so the lead shows as 10.0 s or, on a busy machine, 9.9 s.
    expect(rs.info.warnings[0]).to.match(
      new RegExp(`^Timestamp ${timestampUs} is (10\\.0|9\\.9) s in the future of this node's clock \\(timestamp_skew_warn is 1000 ms\\)$`),
    );
    expect(cluster.logOf(2)).to.contain(`WARN  ${rs.info.warnings[0]}`);
    const read = await client.execute('SELECT v, writetime(v) AS wt FROM skew.kv WHERE k = 3', null, { consistency: 'ALL' });
    expect(read.rows).to.deep.equal([{ v: 'from a client clock 10 s ahead', wt: BigInt(timestampUs) }]);
  });
});
