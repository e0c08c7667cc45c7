import { expect } from 'chai';
import type { CreateKeyspace, CreateTable, Property, Term } from '../../../grammar/ast.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import type { SchemaChange } from '../../../src/cql/result.js';
import { AlreadyExistsError, ConfigurationError, InvalidRequestError, UnauthorizedError } from '../../../src/util/errors.js';
import { MemorySchemaStore } from './memory-schema-store.js';

const str = (text: string): Term => ({ kind: 'constant', type: 'STRING', text });
const int = (text: string): Term => ({ kind: 'constant', type: 'INTEGER', text });
const replication = (entries: [string, Term][]): Property => ({
  name: 'replication',
  value: { kind: 'map', entries: entries.map(([k, v]) => [str(k), v]) },
});
const createKs = (name: string, props: Property[], ifNotExists = false): CreateKeyspace => ({
  kind: 'createKeyspace', keyspace: name, ifNotExists, properties: props,
});
const simple3 = replication([['class', str('SimpleStrategy')], ['replication_factor', int('3')]]);
const native = (name: string) => ({ kind: 'native' as const, name });

function createTable(over: Partial<CreateTable> = {}): CreateTable {
  return {
    kind: 'createTable',
    table: { name: 't' },
    ifNotExists: false,
    columns: [
      { name: 'k', type: native('int'), isStatic: false },
      { name: 'c', type: native('text'), isStatic: false },
      { name: 's', type: native('int'), isStatic: true },
      { name: 'v', type: { kind: 'set', element: native('int'), frozen: false }, isStatic: false },
    ],
    partitionKey: ['k'],
    clusteringKey: ['c'],
    clusteringOrder: [],
    properties: [],
    ...over,
  };
}

let ids = 0;
const random = { bytes: (n: number) => Buffer.alloc(n, 7), uuid: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` };

async function expectReject(promise: Promise<unknown>, type: Function, message: string) {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    expect((err as Error).message).to.equal(message);
    return;
  }
  expect.fail(`expected ${type.name}: ${message}`);
}

describe('SchemaCatalog', () => {
  let store: MemorySchemaStore;
  let catalog: SchemaCatalog;
  beforeEach(async () => {
    store = new MemorySchemaStore();
    catalog = new SchemaCatalog(store, random);
    await catalog.load();
  });

  it('creates a SimpleStrategy keyspace, persists it, and reports the change to listeners', async () => {
    const seen: SchemaChange[] = [];
    catalog.onChange((c) => seen.push(c));
    const before = catalog.version;
    const change = await catalog.createKeyspace(createKs('ks', [simple3]));
    expect(change).to.deep.equal({ change: 'CREATED', target: 'KEYSPACE', keyspace: 'ks' });
    expect(seen).to.deep.equal([change]);
    expect(catalog.keyspace('ks')).to.deep.equal({
      name: 'ks', replication: { class: 'SimpleStrategy', factors: { replication_factor: 3 } }, durableWrites: true,
    });
    expect(catalog.version).to.not.equal(before);
    expect([...store.entries.keys()]).to.deep.equal(['schema/keyspace/ks']);
  });

  it('rejects a second keyspace of the same name unless IF NOT EXISTS', async () => {
    await catalog.createKeyspace(createKs('ks', [simple3]));
    await expectReject(catalog.createKeyspace(createKs('ks', [simple3])), AlreadyExistsError, 'Cannot add existing keyspace "ks"');
    expect(await catalog.createKeyspace(createKs('ks', [simple3], true))).to.equal(undefined);
  });

  it('validates replication options with Cassandra messages', async () => {
    await expectReject(catalog.createKeyspace(createKs('a', [replication([['class', str('SimpleStrategy')]])])),
      ConfigurationError, 'SimpleStrategy requires a replication_factor strategy option.');
    await expectReject(catalog.createKeyspace(createKs('a', [replication([['class', str('Bogus')]])])),
      ConfigurationError, "Unable to find replication strategy class 'Bogus'");
    await expectReject(catalog.createKeyspace(createKs('a', [replication([['class', str('SimpleStrategy')], ['replication_factor', int('0')]])])),
      ConfigurationError, 'Replication factor must be a positive integer; found 0');
    await expectReject(catalog.createKeyspace(createKs('a', [simple3, { name: 'speed', value: int('1') }])),
      InvalidRequestError, "Unknown property 'speed'");
  });

  it('expands NetworkTopologyStrategy replication_factor to the local datacenter', async () => {
    await catalog.createKeyspace(createKs('n', [replication([
      ['class', str('org.apache.cassandra.locator.NetworkTopologyStrategy')], ['replication_factor', int('2')], ['dc2', int('1')],
    ])]));
    expect(catalog.keyspace('n')!.replication).to.deep.equal({ class: 'NetworkTopologyStrategy', factors: { datacenter1: 2, dc2: 1 } });
  });

  it('expands replication_factor to every datacenter the cluster knows after the ones named, drops those at 0, and keeps levels on ALTER', async () => {
    const nts = (...pairs: [string, string][]) => [replication([['class', str('NetworkTopologyStrategy')], ...pairs.map(([k, v]) => [k, int(v)] as [string, Term])])];
    await catalog.createKeyspace(createKs('m', nts(['replication_factor', '3'], ['east', '1'], ['north', '0'])), ['east', 'west', 'north']);
    expect(catalog.keyspace('m')!.replication).to.deep.equal({ class: 'NetworkTopologyStrategy', factors: { east: 1, west: 3 } });
    await catalog.alterKeyspace({ kind: 'alterKeyspace', keyspace: 'm', properties: nts(['replication_factor', '2'], ['west', '0']) }, ['east', 'west', 'north']);
    expect(catalog.keyspace('m')!.replication).to.deep.equal({ class: 'NetworkTopologyStrategy', factors: { east: 1, north: 2 } });
    expect(await catalog.alterKeyspace({ kind: 'alterKeyspace', keyspace: 'm', properties: nts(['east', '1'], ['north', '2']) })).to.equal(undefined);
  });

  it('creates a table with its columns in declaration order and a fresh id, and reloads it from the store', async () => {
    await catalog.createKeyspace(createKs('ks', [simple3]));
    await catalog.createTable('ks', createTable({ properties: [{ name: 'default_time_to_live', value: int('60') }] }));
    const table = catalog.requireTable('ks', 't');
    expect(table.id).to.equal('00000000-0000-4000-8000-000000000001');
    expect(table.columns.map((c) => [c.name, c.kind, c.position, c.order])).to.deep.equal([
      ['k', 'partition_key', 0, undefined], ['c', 'clustering', 0, 'ASC'], ['s', 'static', 0, undefined], ['v', 'regular', 0, undefined],
    ]);
    expect(table.options.default_time_to_live).to.equal(60);
    const reloaded = new SchemaCatalog(store, random);
    await reloaded.load();
    expect(reloaded.requireTable('ks', 't')).to.deep.equal(table);
    expect(reloaded.version).to.equal(catalog.version);
  });

  it('validates CREATE TABLE as Cassandra does', async () => {
    await catalog.createKeyspace(createKs('ks', [simple3]));
    const cases: [Partial<CreateTable>, string][] = [
      [{ partitionKey: ['nope'] }, 'Unknown definition nope referenced in PRIMARY KEY'],
      [{ partitionKey: ['v'], clusteringKey: [] , columns: [{ name: 'v', type: { kind: 'set', element: native('int'), frozen: false }, isStatic: false }] },
        'Invalid non-frozen collection type set<int> for PRIMARY KEY component v'],
      [{ clusteringKey: [] , columns: [{ name: 'k', type: native('int'), isStatic: false }, { name: 's', type: native('int'), isStatic: true }] },
        'Static columns are only useful (and thus allowed) if the table has at least one clustering column'],
      [{ clusteringKey: ['s'] }, 'Static column s cannot be part of the PRIMARY KEY'],
      [{ clusteringOrder: [{ column: 'k', order: 'DESC' }] }, 'Only clustering key columns can be defined in CLUSTERING ORDER directive'],
      [{ properties: [{ name: 'compaction', value: str('x') }] }, "Unknown property 'compaction'"],
      [{ properties: [{ name: 'default_time_to_live', value: int('-1') }] }, 'default_time_to_live must be greater than or equal to 0 (got -1)'],
      [{ columns: [{ name: 'k', type: native('int'), isStatic: false }, { name: 'k', type: native('int'), isStatic: false }] },
        'Multiple definition of identifier k'],
      [{ columns: [{ name: 'k', type: native('int'), isStatic: false }, { name: 'c', type: native('text'), isStatic: false },
        { name: 'n', type: { kind: 'list', element: { kind: 'set', element: native('int'), frozen: false }, frozen: false }, isStatic: false }] },
        'Non-frozen collections are not allowed inside collections: set<int>'],
    ];
    for (const [over, message] of cases) {
      await expectReject(catalog.createTable('ks', createTable(over)), InvalidRequestError, message);
    }
  });

  it('names a missing keyspace and a missing table the way Cassandra does', async () => {
    await expectReject(catalog.createTable('nope', createTable()), InvalidRequestError, "Keyspace 'nope' does not exist");
    await catalog.createKeyspace(createKs('ks', [simple3]));
    expect(() => catalog.requireTable('ks', 'missing')).to.throw(InvalidRequestError, 'unconfigured table missing');
  });

  it('alters a table: adds and drops columns, refuses to drop key columns, changes options', async () => {
    await catalog.createKeyspace(createKs('ks', [simple3]));
    await catalog.createTable('ks', createTable());
    const q = { name: 't' };
    await catalog.alterTable('ks', { kind: 'alterTable', table: q, action: { kind: 'add', columns: [{ name: 'w', type: native('int'), isStatic: false }] } }, 1);
    await catalog.alterTable('ks', { kind: 'alterTable', table: q, action: { kind: 'drop', columns: ['v'] } }, 1);
    await catalog.alterTable('ks', { kind: 'alterTable', table: q, action: { kind: 'with', properties: [{ name: 'comment', value: str('hi') }] } }, 1);
    const t = catalog.requireTable('ks', 't');
    expect(t.columns.map((c) => c.name)).to.deep.equal(['k', 'c', 's', 'w']);
    expect(t.options.comment).to.equal('hi');
    await expectReject(catalog.alterTable('ks', { kind: 'alterTable', table: q, action: { kind: 'drop', columns: ['c'] } }, 1),
      InvalidRequestError, 'Cannot drop PRIMARY KEY part c');
  });

  it('drops tables and keyspaces, honouring IF EXISTS, and keeps system keyspaces read-only', async () => {
    await catalog.createKeyspace(createKs('ks', [simple3]));
    await catalog.createTable('ks', createTable());
    const dropped = await catalog.dropTable('ks', { kind: 'dropTable', table: { name: 't' }, ifExists: false });
    expect(dropped!.change).to.deep.equal({ change: 'DROPPED', target: 'TABLE', keyspace: 'ks', table: 't' });
    expect(await catalog.dropTable('ks', { kind: 'dropTable', table: { name: 't' }, ifExists: true })).to.equal(undefined);
    await catalog.dropKeyspace({ kind: 'dropKeyspace', keyspace: 'ks', ifExists: false });
    expect(catalog.keyspace('ks')).to.equal(undefined);
    // What stays stored are the tombstones another node needs to learn of the drops.
    const stored = [...store.entries.values()].map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>);
    const hasDefinition = (e: Record<string, unknown>) => (e['kind'] === 'keyspace' ? typeof e['keyspace'] === 'object' : 'table' in e);
    expect(stored.map((e) => [e['kind'], e['name'], hasDefinition(e)])).to.have.deep.members([
      ['keyspace', 'ks', false],
      ['table', 't', false],
    ]);
    await expectReject(catalog.dropKeyspace({ kind: 'dropKeyspace', keyspace: 'system', ifExists: false }),
      UnauthorizedError, 'system keyspace is not user-modifiable.');
  });

  describe('merging another node\'s entries', () => {
    const clockAt = (us: number) => ({ nowUs: () => us }) as unknown as import('../../../src/clock/clock.js').Clock;
    const node = (us: number) => new SchemaCatalog(new MemorySchemaStore(), random, clockAt(us));

    it('converges two nodes whatever order they exchange entries in', async () => {
      const a = node(1000);
      const b = node(2000);
      await a.createKeyspace(createKs('ks', [simple3]));
      await b.createKeyspace(createKs('ks', [simple3]));
      await a.createTable('ks', createTable());
      await b.createKeyspace(createKs('other', [simple3]));
      const fromA = a.entries();
      const fromB = b.entries();
      await a.merge(fromB);
      await b.merge(fromA);
      expect(a.version).to.equal(b.version);
      expect(a.keyspaces().map((k) => k.name).sort()).to.deep.equal(['ks', 'other', 'system', 'system_schema']);
      expect(b.table('ks', 't')?.id).to.equal(a.table('ks', 't')?.id);
    });

    it('lets the later of two concurrent CREATE TABLEs win on both nodes', async () => {
      const a = node(1000);
      const b = node(5000);
      for (const c of [a, b]) await c.createKeyspace(createKs('ks', [simple3]));
      await a.createTable('ks', createTable());
      await b.createTable('ks', createTable());
      const winner = b.table('ks', 't')!.id;
      const changes = await a.merge(b.entries());
      await b.merge(a.entries());
      expect(a.table('ks', 't')!.id).to.equal(winner);
      expect(b.table('ks', 't')!.id).to.equal(winner);
      expect(changes).to.deep.include({ change: 'UPDATED', target: 'TABLE', keyspace: 'ks', table: 't' });
    });

    it('carries a drop to a node that missed it, releasing the table\'s data there', async () => {
      const a = node(1000);
      await a.createKeyspace(createKs('ks', [simple3]));
      await a.createTable('ks', createTable());
      const b = node(1000);
      await b.merge(a.entries());
      const released: string[] = [];
      b.onTableDropped((t) => released.push(`${t.keyspace}.${t.name}`));
      await a.dropTable('ks', { kind: 'dropTable', table: { name: 't' }, ifExists: false });
      const changes = await b.merge(a.entries());
      expect(changes).to.deep.equal([{ change: 'DROPPED', target: 'TABLE', keyspace: 'ks', table: 't' }]);
      expect(b.table('ks', 't')).to.equal(undefined);
      expect(released).to.deep.equal(['ks.t']);
      expect(b.version).to.equal(a.version);
    });

    it('ignores entries older than its own and changes nothing', async () => {
      const a = node(1000);
      await a.createKeyspace(createKs('ks', [simple3]));
      const stale = a.entries();
      await a.dropKeyspace({ kind: 'dropKeyspace', keyspace: 'ks', ifExists: false });
      expect(await a.merge(stale)).to.deep.equal([]);
      expect(a.keyspace('ks')).to.equal(undefined);
    });
  });
});
