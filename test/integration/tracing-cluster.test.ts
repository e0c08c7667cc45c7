/**
 * Tracing through the driver on three real nodes (RF 3): a traced QUORUM
 * write shows the coordinator's steps and every replica's, each under its
 * own source; a traced read at ALL shows the data read, the digest reads
 * and their comparison.
 */
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import type { TraceInfo } from '../../src/cql/result.js';
import { removeDir, startNode, type NodeProcess } from './harness.js';

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const activities = (trace: TraceInfo, source: string) => trace.events.filter((e) => e.source === source).map((e) => e.activity);

describe('tracing on a three-node cluster', function () {
  this.timeout(90_000);
  const nodes: NodeProcess[] = [];
  let client: Client;

  before(async () => {
    const first = await startNode({ host: '127.0.0.1', timeoutMs: 30_000 });
    nodes.push(first);
    for (const host of ['127.0.0.2', '127.0.0.3']) nodes.push(await startNode({ host, args: ['--seeds', first.endpoint], timeoutMs: 30_000 }));
    // Pin the coordinator: one contact point, no discovery.
    client = new Client({ contactPoints: [`${first.host}:${first.port}`], discoverNodes: false });
    await waitFor('the first node to see both peers', 20_000, async () => (await client.execute('SELECT peer FROM system.peers')).rows.length === 2);
    await client.execute(`CREATE KEYSPACE traced WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE traced.t (k int PRIMARY KEY, v text)');
    // system.peers lists a peer as soon as gossip knows it; it counts as a live replica only once marked up.
    await waitFor('the first node to see all three replicas up', 20_000, () =>
      client.execute("INSERT INTO traced.t (k, v) VALUES (0, 'probe')", null, { consistency: 'ALL' }).then(
        () => true,
        () => false,
      ),
    );
  });

  after(async () => {
    await client?.shutdown();
    for (const node of nodes) {
      await node.stop('SIGKILL');
      removeDir(node.dataDir);
    }
  });

  it('a QUORUM write traces the coordinator choosing replicas, a message to each, and every replica writing', async () => {
    const [coordinator, ...replicas] = nodes.map((n) => n.endpoint);
    const rs = await client.execute("INSERT INTO traced.t (k, v) VALUES (1, 'one')", null, { consistency: 'QUORUM', traceQuery: true });
    const trace = rs.info.trace!;
    expect(trace.coordinator).to.equal(coordinator);
    expect(trace.request).to.equal('Execute CQL3 query');
    expect(trace.client).to.equal('127.0.0.1');
    expect(trace.sessionId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(trace.events.map((e) => e.source))).to.deep.equal(new Set(nodes.map((n) => n.endpoint)));
    const mine = activities(trace, coordinator!);
    expect(mine.slice(0, 3)).to.deep.equal(["Parsing INSERT INTO traced.t (k, v) VALUES (1, 'one')", 'Preparing statement', 'Determining replicas for mutation']);
    expect(mine).to.include('Writing 1 partition, 1 row, 1 cell to storage');
    for (const replica of replicas) {
      expect(mine).to.include(`Sending MUTATION message to /${replica}`);
      expect(mine).to.include(`MUTATION_RSP message received from /${replica}`);
      expect(activities(trace, replica!)).to.deep.equal([
        `MUTATION message received from /${coordinator}`,
        'Writing 1 partition, 1 row, 1 cell to storage',
        'Write applied to storage',
        `Enqueuing response to /${coordinator}`,
      ]);
    }
    const times = trace.events.map((e) => e.timestampUs);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(trace.durationUs).to.be.greaterThan(0);
  });

  it('a read at ALL traces the data read, a digest read from each other replica, and the digests compared', async () => {
    const [coordinator, ...replicas] = nodes.map((n) => n.endpoint);
    const rs = await client.execute('SELECT v FROM traced.t WHERE k = 1', null, { consistency: 'ALL', traceQuery: true });
    expect(rs.first()).to.deep.equal({ v: 'one' });
    const trace = rs.info.trace!;
    expect(new Set(trace.events.map((e) => e.source))).to.deep.equal(new Set(nodes.map((n) => n.endpoint)));
    const mine = activities(trace, coordinator!);
    expect(mine).to.include(`reading data from /${coordinator}`);
    expect(mine).to.include('Read 1 partition, 1 row, 1 cell from storage');
    expect(mine[mine.length - 1]).to.equal('Digests match');
    for (const replica of replicas) {
      expect(mine).to.include(`reading digest from /${replica}`);
      expect(activities(trace, replica!)).to.deep.equal([
        `READ_DIGEST message received from /${coordinator}`,
        'Executing single-partition query on traced.t',
        'Read 1 partition, 1 row, 1 cell from storage',
        `Enqueuing response to /${coordinator}`,
      ]);
    }
  });

  it('an untraced request carries no trace', async () => {
    const rs = await client.execute('SELECT v FROM traced.t WHERE k = 1', null, { consistency: 'QUORUM' });
    expect(rs.info.trace).to.equal(undefined);
  });
});
