/**
 * The cluster's promises, checked against three real `sibyl node` processes
 * on 127.0.0.1-3 through the real driver and the real sibyltool. Nodes 1 and
 * 2 form datacenter dc1 and node 3 datacenter dc2; SimpleStrategy keyspaces
 * ignore datacenters, so the same cluster serves both the RF 3 scenarios and
 * the NetworkTopologyStrategy one. Scenarios share the processes and run in
 * order: each leaves the cluster with every node up and no fault rule,
 * except the last two, which kill nodes for good.
 *
 * Each driver is pinned to one node, so that node coordinates its requests.
 */
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import { destroyAfterSuite, FaultCluster, rejectionOf, sleep, waitFor } from './harness.js';

const RF3 = `{'class': 'SimpleStrategy', 'replication_factor': 3}`;

describe('a three-node cluster under faults (real processes)', function () {
  this.timeout(60_000);
  const cluster = new FaultCluster([
    { index: 1, dc: 'dc1' },
    { index: 2, dc: 'dc1' },
    { index: 3, dc: 'dc2' },
  ]);
  const c = (index: number): Promise<Client> => cluster.client(index);

  /** Host ids by address, as first seen: a restarted node must keep its own. */
  let hostIds: Record<string, string> = {};
  const allUp = ['UN 127.0.0.1', 'UN 127.0.0.2', 'UN 127.0.0.3'];

  before(async () => {
    await cluster.start();
    // Every node must see the other two up before any level above ONE can be met.
    await cluster.awaitAllUp();
    hostIds = Object.fromEntries((await cluster.statusRows(1)).map((r) => [r.address, r.hostId]));
  });

  /** Restarts node `index` and answers how long until `observer`'s sibyltool status shows it UN. */
  async function restartUntilUn(index: number, observer: number): Promise<number> {
    const startedMs = Date.now();
    await cluster.startNode(index);
    await waitFor(`node ${index} to be UN on node ${observer}`, 15_000, async () => (await cluster.statusOf(observer)).includes(`UN 127.0.0.${index}`));
    return Date.now() - startedMs;
  }

  destroyAfterSuite(cluster);

  it('schema created on node 1 is usable through nodes 2 and 3 once every node agrees on its version', async () => {
    await (await c(1)).execute(`CREATE KEYSPACE fault WITH replication = ${RF3}`);
    await (await c(1)).execute('CREATE TABLE fault.kv (k int PRIMARY KEY, v text)');
    await (await c(1)).execute(`CREATE KEYSPACE fault_other WITH replication = ${RF3}`);
    await (await c(1)).execute('CREATE TABLE fault_other.kv (k int PRIMARY KEY, v text)');
    const version = await cluster.awaitSchemaAgreement();
    // describecluster reports the versions gossip carries, which reach node 2 a round or two after each node's own.
    let described = '';
    await waitFor(() => `describecluster on node 2 to list one version on every node, got:\n${described}`, 5000, async () => {
      described = (await cluster.tool(2, 'describecluster')).stdout;
      return described.includes(`\tSchema versions:\n\t\t${version}: [127.0.0.1, 127.0.0.2, 127.0.0.3]\n\n`);
    });

    const written = await (await c(2)).execute(`INSERT INTO fault.kv (k, v) VALUES (0, 'through node 2')`, null, { consistency: 'ALL' });
    expect(written.info.queriedHost).to.equal(cluster.nativeEndpoint(2));
    const read = await (await c(3)).execute('SELECT v FROM fault.kv WHERE k = 0', null, { consistency: 'ALL' });
    expect(read.rows).to.deep.equal([{ v: 'through node 2' }]);
  });

  it("a discovering driver's DDL waits for schema agreement, so DML through every node may follow at once", async () => {
    const discovering = new Client({ contactPoints: [cluster.nativeEndpoint(1)], connectTimeoutMs: 2000 });
    try {
      await discovering.connect();
      await discovering.execute('CREATE TABLE fault.agreed (k int PRIMARY KEY, v text)');
    } finally {
      await discovering.shutdown();
    }
    for (const i of [1, 2, 3]) {
      await (await c(i)).execute(`INSERT INTO fault.agreed (k, v) VALUES (${i}, 'through node ${i}')`, null, { consistency: 'ONE' });
    }
    const rs = await (await c(3)).execute('SELECT k FROM fault.agreed', null, { consistency: 'ALL' });
    expect(rs.rows.map((r) => r['k']).sort()).to.deep.equal([1, 2, 3]);
  });

  it('a QUORUM write through node 1 is seen by a QUORUM read through node 3 (R + W > N)', async () => {
    const written = await (await c(1)).execute(`INSERT INTO fault.kv (k, v) VALUES (1, 'quorum')`, null, { consistency: 'QUORUM' });
    expect(written.info.queriedHost).to.equal(cluster.nativeEndpoint(1));
    const read = await (await c(3)).execute('SELECT v FROM fault.kv WHERE k = 1', null, { consistency: 'QUORUM' });
    expect(read.info.queriedHost).to.equal(cluster.nativeEndpoint(3));
    expect(read.rows).to.deep.equal([{ v: 'quorum' }]);
  });

  it('NetworkTopologyStrategy places one replica in each datacenter, as sibyltool getendpoints shows', async () => {
    await (await c(1)).execute(`CREATE KEYSPACE fault_nts1 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}`);
    await (await c(1)).execute('CREATE TABLE fault_nts1.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    // The real sibyltool for one key; the same admin command through the driver
    // for the rest, since each sibyltool run starts a Node process.
    const shown = await cluster.tool(1, 'getendpoints', 'fault_nts1', 'kv', '0');
    expect(shown.stderr).to.equal('');
    const dc1Replicas = new Set<string>();
    for (let k = 0; k < 16; k++) {
      const answer = (await (await c(1)).admin('getendpoints', { keyspace: 'fault_nts1', table: 'kv', key: String(k) })) as { endpoints: string[] };
      const endpoints = answer.endpoints.map((e) => e.slice(0, e.lastIndexOf(':'))).sort();
      if (k === 0) expect(shown.stdout.trim().split('\n').sort()).to.deep.equal(endpoints);
      // Exactly one replica in dc1 (node 1 or 2) and one in dc2 (node 3, its only node).
      expect(endpoints).to.have.length(2);
      expect(['127.0.0.1', '127.0.0.2']).to.include(endpoints[0]);
      expect(endpoints[1]).to.equal('127.0.0.3');
      dc1Replicas.add(endpoints[0]!);
    }
    // Sixteen keys over 16 vnodes per node land on both dc1 nodes.
    expect([...dc1Replicas].sort()).to.deep.equal(['127.0.0.1', '127.0.0.2']);
  });

  it('with every message to dc2 dropped, LOCAL_QUORUM in dc1 succeeds and EACH_QUORUM times out waiting for dc2', async () => {
    await (await c(1)).execute(`CREATE KEYSPACE fault_nts WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}`);
    await (await c(1)).execute('CREATE TABLE fault_nts.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    const added = await cluster.tool(1, 'faults', 'drop', '*', 'to', '127.0.0.3');
    expect(added.stdout).to.equal(`Added fault rule 1: drop * to ${cluster.endpoint(3)}\n`);
    try {
      const client = await c(1);
      await client.execute(`INSERT INTO fault_nts.kv (k, v) VALUES (1, 'local')`, null, { consistency: 'LOCAL_QUORUM' });
      const read = await client.execute('SELECT v FROM fault_nts.kv WHERE k = 1', null, { consistency: 'LOCAL_QUORUM' });
      expect(read.rows).to.deep.equal([{ v: 'local' }]);

      const err = await rejectionOf(client.execute(`INSERT INTO fault_nts.kv (k, v) VALUES (2, 'each')`, null, { consistency: 'EACH_QUORUM' }));
      expect(err.name).to.equal('WriteTimeout');
      expect({ consistency: err['consistency'], received: err['received'], blockFor: err['blockFor'], writeType: err['writeType'] }).to.deep.equal({
        consistency: 'EACH_QUORUM',
        received: 2,
        blockFor: 3,
        writeType: 'SIMPLE',
      });
      const list = await cluster.tool(1, 'faults', 'list');
      expect(list.stdout).to.match(new RegExp(`^ID +Matched +Rule\\n1 +[1-9]\\d* +drop \\* to 127\\.0\\.0\\.3:${cluster.storagePort}\\n$`));
    } finally {
      expect((await cluster.tool(1, 'faults', 'clear')).stdout).to.equal('Removed 1 fault rule.\n');
    }
  });

  it('with MUTATION dropped towards one replica, an ALL write times out with 2 of 3 acks', async () => {
    expect((await cluster.tool(1, 'faults', 'drop', 'MUTATION', 'to', '127.0.0.2')).code).to.equal(0);
    try {
      const err = await rejectionOf((await c(1)).execute(`INSERT INTO fault.kv (k, v) VALUES (2, 'all')`, null, { consistency: 'ALL' }));
      expect(err.name).to.equal('WriteTimeout');
      expect({ consistency: err['consistency'], received: err['received'], blockFor: err['blockFor'], writeType: err['writeType'] }).to.deep.equal({
        consistency: 'ALL',
        received: 2,
        blockFor: 3,
        writeType: 'SIMPLE',
      });
    } finally {
      await cluster.tool(1, 'faults', 'clear');
    }
  });

  it('a logged batch spanning two keyspaces, whose coordinator is killed after logging it, before applying it, ends fully applied by a peer replaying the batchlog', async () => {
    const keys = [10, 11, 12, 13, 14, 15];
    const otherKeys = [20, 21];
    // Node 1 logs the batch on nodes 2 and 3 (BATCHLOG_STORE passes), but every
    // MUTATION it sends, to itself included, is dropped: nothing is applied.
    expect((await cluster.tool(1, 'faults', 'drop', 'MUTATION', 'from', '127.0.0.1')).code).to.equal(0);
    const batch = (await c(1)).batch(
      [
        ...keys.map((k) => `INSERT INTO fault.kv (k, v) VALUES (${k}, 'batched ${k}')`),
        ...otherKeys.map((k) => `INSERT INTO fault_other.kv (k, v) VALUES (${k}, 'other ${k}')`),
      ],
      { consistency: 'QUORUM' },
    );
    batch.catch(() => {});
    await sleep(300);
    await cluster.kill(1);
    const killedMs = Date.now();
    expect(await rejectionOf(batch)).to.have.property('name').that.is.oneOf(['ConnectionClosedError', 'NoHostAvailableError', 'WriteTimeout']);

    const select = `SELECT k, v FROM fault.kv WHERE k IN (${keys.join(', ')})`;
    const selectOther = `SELECT k, v FROM fault_other.kv WHERE k IN (${otherKeys.join(', ')})`;
    // A coordinator reads its own replica first, so ONE through nodes 2 and 3
    // shows each one's copy: neither holds any of the batch yet. (QUORUM would
    // time out here while node 1 is not yet convicted, as Cassandra's would.)
    for (const i of [2, 3]) {
      const before = await (await c(i)).execute(select, null, { consistency: 'ONE' });
      expect(before.rows, `node ${i} holds nothing of the batch before the replay`).to.deep.equal([]);
      expect((await (await c(i)).execute(selectOther, null, { consistency: 'ONE' })).rows, `node ${i} holds nothing of the other keyspace's share`).to.deep.equal([]);
    }
    // A QUORUM read asks one peer besides the coordinator; until node 1 is
    // convicted that peer may be node 1, and the read times out. Both readers
    // must see it down first.
    for (const i of [2, 3]) {
      await waitFor(`node ${i} to convict node 1`, 10_000, async () => (await cluster.statusOf(i)).includes('DN 127.0.0.1'));
    }
    await waitFor('the batchlog replay to apply every partition', 15_000, async () => {
      const rs = await (await c(2)).execute(select, null, { consistency: 'QUORUM' });
      const other = await (await c(2)).execute(selectOther, null, { consistency: 'QUORUM' });
      return rs.rows.length === keys.length && other.rows.length === otherKeys.length;
    });
    const after = await (await c(3)).execute(select, null, { consistency: 'QUORUM' });
    expect(after.rows.map((r) => [r['k'], r['v']]).sort((a, b) => Number(a[0]) - Number(b[0]))).to.deep.equal(keys.map((k) => [k, `batched ${k}`]));
    const afterOther = await (await c(3)).execute(selectOther, null, { consistency: 'QUORUM' });
    expect(afterOther.rows.map((r) => [r['k'], r['v']]).sort((a, b) => Number(a[0]) - Number(b[0]))).to.deep.equal(otherKeys.map((k) => [k, `other ${k}`]));
    // Replay waits twice write_request_timeout (2 s) after the batch was logged.
    expect(Date.now() - killedMs).to.be.below(10_000);
  });

  it('a killed node restarted is UN again in sibyltool status within 10 s, with the host id it had', async () => {
    expect(await restartUntilUn(1, 2)).to.be.below(10_000);
    await waitFor('node 1 to be UN on node 3 too', 5000, async () => (await cluster.statusOf(3)).includes('UN 127.0.0.1'));
    const rows = await cluster.statusRows(1);
    expect(rows.map((r) => `${r.state} ${r.address}`)).to.deep.equal(allUp);
    expect(Object.fromEntries(rows.map((r) => [r.address, r.hostId]))).to.deep.equal(hostIds);
  });

  it('with one of three nodes killed, QUORUM writes and reads work while ALL is Unavailable (required 3, alive 2)', async () => {
    await cluster.kill(3);
    await waitFor('node 1 to convict node 3', 10_000, async () => (await cluster.statusOf(1)).includes('DN 127.0.0.3'));
    // describecluster lists the dead node as UNREACHABLE, as nodetool does, rather than leaving it out.
    const described = (await cluster.tool(1, 'describecluster')).stdout;
    expect(described).to.match(/\tSchema versions:\n\t\t[0-9a-f-]{36}: \[127\.0\.0\.1, 127\.0\.0\.2\]\n\n\t\tUNREACHABLE: \[127\.0\.0\.3\]\n\nStats for all nodes:\n/);
    const client = await c(1);
    await client.execute(`INSERT INTO fault.kv (k, v) VALUES (3, 'two of three')`, null, { consistency: 'QUORUM' });
    const read = await (await c(2)).execute('SELECT v FROM fault.kv WHERE k = 3', null, { consistency: 'QUORUM' });
    expect(read.rows).to.deep.equal([{ v: 'two of three' }]);

    for (const request of [
      client.execute(`INSERT INTO fault.kv (k, v) VALUES (3, 'all')`, null, { consistency: 'ALL' }),
      client.execute('SELECT v FROM fault.kv WHERE k = 3', null, { consistency: 'ALL' }),
    ]) {
      const err = await rejectionOf(request);
      expect(err.name).to.equal('Unavailable');
      expect({ consistency: err['consistency'], required: err['required'], alive: err['alive'] }).to.deep.equal({ consistency: 'ALL', required: 3, alive: 2 });
    }
  });

  it('with dc2 killed, LOCAL_QUORUM in dc1 still works and EACH_QUORUM is Unavailable for dc2 (required 1, alive 0)', async () => {
    // Node 3, the whole of dc2, is still down from the previous scenario.
    const client = await c(1);
    await client.execute(`INSERT INTO fault_nts.kv (k, v) VALUES (3, 'dc1 only')`, null, { consistency: 'LOCAL_QUORUM' });
    const read = await (await c(2)).execute('SELECT v FROM fault_nts.kv WHERE k = 3', null, { consistency: 'LOCAL_QUORUM' });
    expect(read.rows).to.deep.equal([{ v: 'dc1 only' }]);
    const err = await rejectionOf(client.execute(`INSERT INTO fault_nts.kv (k, v) VALUES (3, 'each')`, null, { consistency: 'EACH_QUORUM' }));
    expect(err.name).to.equal('Unavailable');
    expect({ consistency: err['consistency'], required: err['required'], alive: err['alive'] }).to.deep.equal({ consistency: 'EACH_QUORUM', required: 1, alive: 0 });
  });

  it('with two of three nodes killed, QUORUM is Unavailable (required 2, alive 1)', async () => {
    await cluster.kill(2);
    await waitFor('node 1 to convict node 2', 10_000, async () => (await cluster.statusOf(1)).includes('DN 127.0.0.2'));
    const client = await c(1);
    for (const request of [
      client.execute(`INSERT INTO fault.kv (k, v) VALUES (4, 'one of three')`, null, { consistency: 'QUORUM' }),
      client.execute('SELECT v FROM fault.kv WHERE k = 3', null, { consistency: 'QUORUM' }),
    ]) {
      const err = await rejectionOf(request);
      expect(err.name).to.equal('Unavailable');
      expect({ consistency: err['consistency'], required: err['required'], alive: err['alive'] }).to.deep.equal({ consistency: 'QUORUM', required: 2, alive: 1 });
    }
    // ONE still works: node 1 is a live replica of every key.
    const one = await client.execute('SELECT v FROM fault.kv WHERE k = 3', null, { consistency: 'ONE' });
    expect(one.rows).to.deep.equal([{ v: 'two of three' }]);
  });

  it('nodes killed while the schema and data changed come back UN within 10 s, pull the schema, and a QUORUM read through one sees the write it missed', async () => {
    // Only node 1 is up: it takes a DDL change the other two cannot hear of.
    await (await c(1)).execute('CREATE TABLE fault.late (k int PRIMARY KEY, v text)');
    const [took2, took3] = await Promise.all([restartUntilUn(2, 1), restartUntilUn(3, 1)]);
    expect(took2, 'node 2 up within 10 s').to.be.below(10_000);
    expect(took3, 'node 3 up within 10 s').to.be.below(10_000);
    await cluster.awaitSchemaAgreement();

    // Node 3 was down when k = 3 was written at QUORUM; R + W > N still shows it the write.
    const read = await (await c(3)).execute('SELECT v FROM fault.kv WHERE k = 3', null, { consistency: 'QUORUM' });
    expect(read.rows).to.deep.equal([{ v: 'two of three' }]);
    await (await c(3)).execute(`INSERT INTO fault.late (k, v) VALUES (1, 'after the restart')`, null, { consistency: 'QUORUM' });
    const late = await (await c(2)).execute('SELECT v FROM fault.late WHERE k = 1', null, { consistency: 'QUORUM' });
    expect(late.rows).to.deep.equal([{ v: 'after the restart' }]);
  });
});
