/**
 * sibyltool against a node that dies while it runs a topology change: the
 * real `sibyl node` processes and the real sibyltool. Invariant: the operator
 * is told in one line that the connection was lost mid-operation and where
 * to look for how it ended, never a 'cannot connect' that reads as if the
 * node had never been reached.
 */
import { expect } from 'chai';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

describe('sibyltool when its node dies mid-operation (real processes)', function () {
  this.timeout(60_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 450) % 900);

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE lost WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute('CREATE TABLE lost.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    for (let k = 0; k < 50; k++) await client.execute('INSERT INTO lost.kv (k, v) VALUES (?, ?)', [k, `v${k}`], { prepare: true });
  });

  destroyAfterSuite(cluster);

  it('decommission fails, saying the connection closed mid-way and where to look, when the leaving node is killed before streaming', async () => {
    const running = cluster.tool(3, 'decommission');
    // The node waits ring_delay while LEAVING before it streams: kill it then.
    await waitFor('node 3 to be leaving', 15_000, async () => (await cluster.tool(3, 'netstats')).stdout.startsWith('Mode: LEAVING'));
    await cluster.kill(3);
    const r = await running;
    expect(r.code).to.equal(1);
    expect(r.stdout).to.not.include('Decommissioned');
    expect(r.stderr).to.match(
      /^sibyltool: Connection to the node closed during decommission( after \d+\/\d+ ranges)? \(.+\)\. You should check server log and 'sibyltool status' on another node for how it ended\.\n$/,
    );
  });
});
