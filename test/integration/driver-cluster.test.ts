/**
 * The driver against three real `sibyl node` processes on 127.0.0.1-3:
 * discovery from one contact point, token-aware routing of prepared
 * statements, schema agreement after DDL, and a killed node marked down
 * while requests carry on through the others.
 */
import { expect } from 'chai';
import { BusyConnectionError, Client, OperationTimedOutError } from '../../src/client/index.js';
import { STREAM_ID_MAX } from '../../src/transport/protocol.js';
import { removeDir, startNode, type NodeProcess } from './harness.js';

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ipOf = (address: string) => address.slice(0, address.lastIndexOf(':'));

describe('the driver against a three-node cluster', function () {
  this.timeout(90_000);
  const nodes: NodeProcess[] = [];
  let client: Client;
  const address = (n: NodeProcess) => `${n.host}:${n.port}`;

  before(async () => {
    const first = await startNode({ host: '127.0.0.1' });
    nodes.push(first);
    for (const host of ['127.0.0.2', '127.0.0.3']) nodes.push(await startNode({ host, args: ['--seeds', first.endpoint], timeoutMs: 30_000 }));
    // Every node lists the other two, with their client addresses, before the driver looks.
    for (const node of nodes) {
      const probe = new Client({ contactPoints: [address(node)], discoverNodes: false });
      try {
        await waitFor(`${address(node)} to list two peers`, 20_000, async () => {
          const rows = (await probe.execute('SELECT native_port, tokens FROM system.peers')).rows;
          // A peer still joining has no tokens yet (null): not ready.
          return rows.length === 2 && rows.every((r) => typeof r['native_port'] === 'number' && Array.isArray(r['tokens']) && r['tokens'].length > 0);
        });
      } finally {
        await probe.shutdown();
      }
    }
    client = new Client({ contactPoints: [address(nodes[0]!)] });
  });

  after(async () => {
    await client?.shutdown();
    for (const node of nodes) {
      await node.stop('SIGKILL');
      removeDir(node.dataDir);
    }
  });

  it('discovers every node from one contact point and connects to each', async () => {
    const added: string[] = [];
    client.on('hostAdd', (a: string) => added.push(a));
    await client.connect();
    const expected = nodes.map(address).sort();
    expect([...client.hosts].sort()).to.deep.equal(expected);
    expect(added.sort()).to.deep.equal(expected.slice(1));
    expect(client.localDataCenter).to.equal('datacenter1');
    const state = client.getState().hosts.sort((a, b) => (a.address < b.address ? -1 : 1));
    expect(state.map((h) => [h.address, h.up, h.dc, h.rack])).to.deep.equal(expected.map((a) => [a, true, 'datacenter1', 'rack1']));
  });

  it('lists this node in system.local with its tokens, and the other two in system.peers', async () => {
    const local = (await client.execute('SELECT data_center, tokens, host_id FROM system.local')).first()!;
    expect(local['data_center']).to.equal('datacenter1');
    expect((local['tokens'] as string[]).length).to.equal(16);
    const peers = (await client.execute('SELECT peer, native_address, native_port FROM system.peers')).rows;
    expect(peers.length).to.equal(2);
  });

  it('after a DDL statement, every node accepts DML on the new table at once (schema agreement)', async () => {
    const created = await client.execute(`CREATE KEYSPACE routed WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    expect(created.info.isSchemaInAgreement).to.equal(true);
    for (let i = 0; i < 3; i++) {
      const table = await client.execute(`CREATE TABLE routed.t${i} (k text PRIMARY KEY, v int)`);
      expect(table.info.isSchemaInAgreement).to.equal(true);
      const served = new Set<string>();
      // Three unroutable statements in a row go to the three nodes in turn.
      for (let j = 0; j < 3; j++) served.add((await client.execute(`INSERT INTO routed.t${i} (k, v) VALUES ('k${j}', ${j})`)).info.queriedHost);
      expect([...served].sort()).to.deep.equal(nodes.map(address).sort());
    }
  });

  it('sends a prepared statement with its partition key bound to a replica of that key', async () => {
    for (let i = 0; i < 12; i++) {
      const key = `cart-${i}`;
      // ALL, so the read at ONE sees the write on whichever replica serves it (R + W > RF).
      const rs = await client.execute('INSERT INTO routed.t0 (k, v) VALUES (?, ?)', [key, i], { consistency: 'ALL' });
      const { endpoints } = (await client.admin('getendpoints', { keyspace: 'routed', table: 't0', key })) as { endpoints: string[] };
      expect(endpoints.length).to.equal(2);
      expect(endpoints.map(ipOf)).to.include(ipOf(rs.info.queriedHost));
      const read = await client.execute('SELECT v FROM routed.t0 WHERE k = ?', [key]);
      expect(endpoints.map(ipOf)).to.include(ipOf(read.info.queriedHost));
      expect(read.rows).to.deep.equal([{ v: i }]);
    }
  });

  it('ends the schema agreement wait after maxSchemaAgreementWaitSeconds even when a hung node never answers', async () => {
    // requestTimeoutMs 0 waits forever for an answer, so only the agreement bound can end the wait.
    const patient = new Client({ contactPoints: [address(nodes[0]!)], requestTimeoutMs: 0, maxSchemaAgreementWaitSeconds: 1 });
    try {
      await patient.connect();
      nodes[1]!.child.kill('SIGSTOP');
      const created = await patient.execute('CREATE TABLE routed.during_pause (k text PRIMARY KEY)');
      expect(created.info.isSchemaInAgreement).to.equal(false);
    } finally {
      nodes[1]!.child.kill('SIGCONT');
      await patient.shutdown();
    }
    const settled = new Client({ contactPoints: [address(nodes[0]!)] });
    try {
      // Once the node runs again, the next DDL finds every node in agreement.
      expect((await settled.execute('CREATE TABLE routed.after_pause (k text PRIMARY KEY)')).info.isSchemaInAgreement).to.equal(true);
    } finally {
      await settled.shutdown();
    }
  });

  it('retries an idempotent read on the next host when a hung node times out, and lists both in info.triedHosts', async () => {
    const quick = new Client({ contactPoints: [address(nodes[0]!)], requestTimeoutMs: 500 });
    const hung = address(nodes[1]!);
    try {
      await quick.connect();
      nodes[1]!.child.kill('SIGSTOP');
      // Unrouted statements start their plans at each of the three hosts in turn, so one of three starts at the hung one.
      const tried: Record<string, Error | null>[] = [];
      for (let i = 0; i < 3; i++) tried.push((await quick.execute('SELECT key FROM system.local', [], { idempotent: true })).info.triedHosts);
      const retried = tried.filter((t) => Object.keys(t).length === 2);
      expect(retried.length).to.equal(1);
      const [first, second] = Object.entries(retried[0]!);
      expect(first![0]).to.equal(hung);
      expect(first![1]).to.be.instanceOf(OperationTimedOutError);
      expect(second![1]).to.equal(null);
      expect(tried.filter((t) => Object.keys(t).length === 1).every((t) => Object.values(t)[0] === null && !(hung in t))).to.equal(true);
    } finally {
      nodes[1]!.child.kill('SIGCONT');
      await quick.shutdown();
    }
  });

  it('sends a statement that is not idempotent to the next host when every stream id to the first is in use, since nothing was sent', async () => {
    const [one, two] = [address(nodes[0]!), address(nodes[1]!)];
    // Two hosts only, taken in turn by unrouted statements; no timeout, so requests to a stopped node wait.
    const busy = new Client({ contactPoints: [one, two], discoverNodes: false, requestTimeoutMs: 0 });
    const inFlight = (host: string) => busy.getState().hosts.find((h) => h.address === host)!.inFlight;
    const waiting: Promise<unknown>[] = [];
    try {
      await busy.connect();
      nodes[0]!.child.kill('SIGSTOP');
      nodes[1]!.child.kill('SIGSTOP');
      // Both stopped, every request waits on its host: fill both connections.
      for (let i = 0; i < 2 * STREAM_ID_MAX; i++) waiting.push(busy.execute('SELECT key FROM system.local').catch(() => null));
      expect([inFlight(one), inFlight(two)]).to.deep.equal([STREAM_ID_MAX, STREAM_ID_MAX]);
      // Node 2 answers its share and has stream ids again; node 1 stays full.
      nodes[1]!.child.kill('SIGCONT');
      await waitFor('node 2 to answer its waiting requests', 30_000, () => inFlight(two) === 0);
      const results = [];
      for (let i = 0; i < 2; i++) results.push(await busy.execute(`INSERT INTO routed.t0 (k, v) VALUES ('busy-${i}', ${i})`));
      // The plans start at each host in turn: the one that started at node 1 found it busy and went on.
      const movedOn = results.find((rs) => Object.keys(rs.info.triedHosts).length === 2)!;
      expect(movedOn, 'one INSERT started at the busy host').to.not.equal(undefined);
      expect(Object.keys(movedOn.info.triedHosts)).to.deep.equal([one, two]);
      expect(movedOn.info.triedHosts[one]).to.be.instanceOf(BusyConnectionError);
      expect(movedOn.info.triedHosts[one]!.message).to.equal(`All ${STREAM_ID_MAX} stream ids of the connection to ${one} are in use`);
      expect(movedOn.info.queriedHost).to.equal(two);
      expect(results.every((rs) => rs.info.queriedHost === two)).to.equal(true);
    } finally {
      nodes[0]!.child.kill('SIGCONT');
      nodes[1]!.child.kill('SIGCONT');
      await Promise.all(waiting);
      await busy.shutdown();
    }
  });

  it('marks a killed node down, as the cluster reports it, and carries on through the others', async () => {
    const victim = address(nodes[2]!);
    const downs: string[] = [];
    client.on('hostDown', (a: string) => downs.push(a));
    await nodes[2]!.stop('SIGKILL');
    await waitFor('the driver to see the node down', 10_000, () => downs.includes(victim));
    // The surviving nodes' failure detectors convict it and push STATUS_CHANGE DOWN.
    await waitFor('the cluster to report the node down', 40_000, () => client.getState().hosts.find((h) => h.address === victim)!.reportedDown);
    const served = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const rs = await client.execute('SELECT v FROM routed.t0 WHERE k = ?', [`cart-${i}`], { idempotent: true });
      served.add(rs.info.queriedHost);
    }
    expect(served.has(victim)).to.equal(false);
    expect(downs.filter((a) => a === victim)).to.deep.equal([victim]);
  });
});
