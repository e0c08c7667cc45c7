import { expect } from 'chai';
import { createAdminHandler } from '../../../src/admin/handler.js';
import { MIXED_REPLICATION_NOTE } from '../../../src/admin/ownership.js';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { FakeNodeView, HOST_1 } from './fake-view.js';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('admin commands against a NodeView', () => {
  let view: FakeNodeView;
  let admin: ReturnType<typeof createAdminHandler>;

  beforeEach(() => {
    view = new FakeNodeView();
    admin = createAdminHandler(view);
  });

  it('refuses an unknown command with an InvalidRequestError naming it', async () => {
    const err = await rejection(admin('nodes', {}));
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect(err.message).to.equal("unknown admin command 'nodes'");
    // Object's own properties are not commands either.
    expect((await rejection(admin('toString', {}))).message).to.equal("unknown admin command 'toString'");
  });

  it('status lists every endpoint with effective ownership when the user keyspaces share one replication', async () => {
    await view.ddl(`CREATE KEYSPACE a WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await view.ddl(`CREATE KEYSPACE b WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    expect(await admin('status', {})).to.deep.equal({
      effective: true,
      endpoints: [
        { dc: 'dc1', rack: 'rack1', endpoint: '127.0.0.1:7000', status: 'UN', loadBytes: 1024, tokens: 2, owns: 1, hostId: HOST_1, clockOffsetMs: 0 },
        {
          dc: 'dc1',
          rack: 'rack1',
          endpoint: '127.0.0.2:7000',
          status: 'UN',
          loadBytes: null,
          tokens: 1,
          owns: 1,
          hostId: '22222222-2222-4222-8222-222222222222',
          clockOffsetMs: 12,
        },
        {
          dc: 'dc2',
          rack: 'r2',
          endpoint: '127.0.0.3:7000',
          status: 'DN',
          loadBytes: 1024,
          tokens: 1,
          owns: 1,
          hostId: '33333333-3333-4333-8333-333333333333',
          clockOffsetMs: 0,
        },
      ],
    });
  });

  it('status falls back to raw ownership with a note when user keyspaces replicate differently, unless a keyspace is named', async () => {
    await view.ddl(`CREATE KEYSPACE a WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await view.ddl(`CREATE KEYSPACE b WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    const mixed = (await admin('status', {})) as { effective: boolean; note?: string; endpoints: { owns: number }[] };
    expect(mixed.effective).to.equal(false);
    expect(mixed.note).to.equal(MIXED_REPLICATION_NOTE);
    expect(mixed.endpoints.map((e) => e.owns)).to.deep.equal([0.5, 0.25, 0.25]);
    const named = (await admin('status', { keyspace: 'b' })) as { effective: boolean; note?: string; endpoints: { owns: number }[] };
    expect(named.effective).to.equal(true);
    expect(named.note).to.equal(undefined);
    expect(named.endpoints.map((e) => e.owns)).to.deep.equal([1, 1, 1]);
  });

  it('status refuses an unknown keyspace', async () => {
    expect((await rejection(admin('status', { keyspace: 'nope' }))).message).to.equal("Keyspace 'nope' does not exist");
  });

  it('ring gives each endpoint its tokens ascending as decimal text', async () => {
    const answer = (await admin('ring', {})) as { endpoints: { endpoint: string; tokens: string[] }[] };
    expect(answer.endpoints.map((e) => [e.endpoint, e.tokens])).to.deep.equal([
      ['127.0.0.1:7000', ['-100', '300']],
      ['127.0.0.2:7000', ['100']],
      ['127.0.0.3:7000', ['200']],
    ]);
  });

  it('info reports identity, load, uptime from the clock, memory and tokens', async () => {
    expect(await admin('info', {})).to.deep.equal({
      hostId: HOST_1,
      gossipActive: true,
      nativeTransportActive: true,
      loadBytes: 70_721,
      generation: 1_700_000_000,
      uptimeSeconds: 100,
      heapUsedBytes: 10 * 1024 * 1024,
      heapMaxBytes: 100 * 1024 * 1024,
      offHeapBytes: 1024 * 1024,
      dc: 'dc1',
      rack: 'rack1',
      tokens: ['-100', '300'],
    });
  });

  it('describecluster counts nodes by state and datacenter and lists schema versions and keyspaces', async () => {
    await view.ddl(`CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}`);
    view.members[1]!.status = 'UJ';
    expect(await admin('describecluster', {})).to.deep.equal({
      name: 'Test Cluster',
      snitch: 'GossipingPropertyFileSnitch',
      partitioner: 'Murmur3Partitioner',
      schemaVersions: [
        { version: 'v1', endpoints: ['127.0.0.1:7000', '127.0.0.2:7000'] },
        { version: 'v2', endpoints: ['127.0.0.3:7000'] },
      ],
      stats: { live: 2, joining: 1, moving: 0, leaving: 0, unreachable: 1 },
      datacenters: [
        { name: 'dc1', nodes: 2, down: 0 },
        { name: 'dc2', nodes: 1, down: 1 },
      ],
      releaseVersions: [{ version: '0.1.0', endpoints: ['127.0.0.1:7000', '127.0.0.2:7000', '127.0.0.3:7000'] }],
      keyspaces: [
        { name: 'shop', class: 'NetworkTopologyStrategy', factors: { dc1: 2, dc2: 1 } },
        { name: 'system', class: 'SimpleStrategy', factors: { replication_factor: 1 } },
        { name: 'system_schema', class: 'SimpleStrategy', factors: { replication_factor: 1 } },
      ],
    });
  });

  it('getendpoints serializes a composite key typed as a:b and asks for its replicas', async () => {
    await view.ddl(`CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await view.ddl(`CREATE TABLE shop.orders (tenant text, n int, v text, PRIMARY KEY ((tenant, n)))`);
    expect(await admin('getendpoints', { keyspace: 'shop', table: 'orders', key: 'acme:7' })).to.deep.equal({
      endpoints: ['127.0.0.2:7000', '127.0.0.1:7000'],
    });
    expect(view.replicaQueries).to.have.length(1);
    expect(view.replicaQueries[0]!.keyspace).to.equal('shop');
    expect(view.replicaQueries[0]!.keyBytes.toString('hex')).to.equal('0004' + '61636d65' + '00' + '0004' + '00000007' + '00');
  });

  it('getendpoints reports a key that does not fit the partition key', async () => {
    await view.ddl(`CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await view.ddl(`CREATE TABLE shop.orders (tenant text, n int, v text, PRIMARY KEY ((tenant, n)))`);
    await view.ddl(`CREATE TABLE shop.users (id int PRIMARY KEY, v text)`);
    expect((await rejection(admin('getendpoints', { keyspace: 'shop', table: 'orders', key: 'acme' }))).message).to.equal(
      "the partition key of shop.orders has 2 components (tenant:n); got 'acme'",
    );
    expect((await rejection(admin('getendpoints', { keyspace: 'shop', table: 'users', key: 'x' }))).message).to.equal(
      "Unable to make int from 'x'",
    );
    expect((await rejection(admin('getendpoints', { keyspace: 'shop', table: 'nope', key: '1' }))).message).to.equal("Unknown table 'nope' in keyspace 'shop'");
    expect((await rejection(admin('getendpoints', { keyspace: 'shop', table: 'users' }))).message).to.equal("getendpoints: argument 'key' is required");
  });

  it('gossipinfo lists endpoints in address order', async () => {
    const answer = (await admin('gossipinfo', {})) as { endpoints: { endpoint: string }[] };
    expect(answer.endpoints.map((e) => e.endpoint)).to.deep.equal(['127.0.0.1:7000', '127.0.0.2:7000']);
  });

  it('tpstats and proxyhistograms pass the node metrics through', async () => {
    expect(await admin('tpstats', {})).to.deep.equal({
      pools: [{ name: 'ReadStage', active: 1, pending: 0, completed: 5, blocked: 0, allTimeBlocked: 0 }],
      dropped: { MUTATION: 2 },
    });
    view.read.record(100);
    const proxy = (await admin('proxyhistograms', {})) as { read: { count: number; percentilesUs: Record<string, number> } };
    expect(proxy.read.count).to.equal(1);
    expect(proxy.read.percentilesUs['50']).to.equal(103);
  });

  it('faults adds rules from their text form, lists them with their counts, and clears one or all', async () => {
    expect(await admin('faults', { action: 'add', rule: 'drop MUTATION to 127.0.0.2' })).to.deep.equal({
      action: 'add',
      id: 1,
      rule: 'drop MUTATION to 127.0.0.2:7000',
    });
    expect(await admin('faults', { action: 'add', rule: 'delay READ 2s from 127.0.0.3:7001' })).to.deep.equal({
      action: 'add',
      id: 2,
      rule: 'delay READ 2000ms from 127.0.0.3:7001',
    });
    view.faults.decide('MUTATION', '127.0.0.1:7000', '127.0.0.2:7000');
    expect(await admin('faults', { action: 'list' })).to.deep.equal({
      action: 'list',
      rules: [
        { id: 1, rule: 'drop MUTATION to 127.0.0.2:7000', matched: 1 },
        { id: 2, rule: 'delay READ 2000ms from 127.0.0.3:7001', matched: 0 },
      ],
    });
    expect(await admin('faults', { action: 'clear', id: 2 })).to.deep.equal({ action: 'clear', all: false, removed: [2] });
    expect((await rejection(admin('faults', { action: 'clear', id: 2 }))).message).to.equal('faults: no fault rule with id 2');
    expect(await admin('faults', { action: 'clear' })).to.deep.equal({ action: 'clear', all: true, removed: [1] });
    expect(view.faults.list()).to.deep.equal([]);
  });

  it('faults refuses a malformed rule and an unknown action', async () => {
    expect((await rejection(admin('faults', { action: 'add', rule: 'drop NOPE' }))).message).to.equal("invalid fault rule 'drop NOPE': unknown verb 'NOPE'");
    expect((await rejection(admin('faults', { action: 'zap' }))).message).to.equal("faults: unknown action 'zap' (expected add, list or clear)");
    expect((await rejection(admin('faults', { action: 'clear', id: 'x' }))).message).to.equal("faults: argument 'id' must be an integer");
  });

  it('version reports the release version', async () => {
    expect(await admin('version', {})).to.deep.equal({ releaseVersion: '0.1.0' });
  });
});
