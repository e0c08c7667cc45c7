/**
 * sibylsh's timeout errors against a real two-node cluster: with the
 * coordinator's READ and MUTATION messages to the other replica dropped, a
 * read and a write at ALL time out on the coordinator, and the shell prints
 * them as cqlsh does, with the Python driver's info dict (a read timeout's
 * dict has no data_retrieved: the driver keeps that out of its message).
 */
import { expect } from 'chai';
import { runShell } from '../integration/shell-harness.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter } from './harness.js';

describe('sibylsh timeout errors (real processes)', function () {
  this.timeout(60_000);
  const cluster = new FaultCluster(oneDatacenter(2), (process.pid + 650) % 900);
  const shell = (statements: string) => runShell([cluster.host(1), String(cluster.nativePort), '-e', statements]);

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE st WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await client.execute('CREATE TABLE st.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    expect((await cluster.tool(1, 'disablehandoff')).code).to.equal(0);
    for (const verb of ['READ', 'READ_DIGEST', 'MUTATION']) {
      const cut = await cluster.tool(1, 'faults', 'drop', verb, 'to', cluster.endpoint(2));
      expect(cut.code, cut.stderr).to.equal(0);
    }
  });

  destroyAfterSuite(cluster);

  it('prints a read timeout at ALL with consistency, required and received responses', async () => {
    const run = await shell('CONSISTENCY ALL; SELECT v FROM st.kv WHERE k = 1');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /^<stdin>:1:ReadTimeout: Error from server: code=1200 \[Coordinator node timed out waiting for replica nodes' responses\] message="[^"\n]+" info=\{'consistency': 'ALL', 'required_responses': 2, 'received_responses': 1\}\n$/,
    );
  });

  it('prints a write timeout at ALL with the write type', async () => {
    const run = await shell("CONSISTENCY ALL; INSERT INTO st.kv (k, v) VALUES (1, 'one')");
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /^<stdin>:1:WriteTimeout: Error from server: code=1100 \[Coordinator node timed out waiting for replica nodes' responses\] message="[^"\n]+" info=\{'consistency': 'ALL', 'required_responses': 2, 'received_responses': 1, 'write_type': 'SIMPLE'\}\n$/,
    );
  });
});
