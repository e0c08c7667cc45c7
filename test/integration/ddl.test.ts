/**
 * Schema statements through a real node: IF [NOT] EXISTS, AlreadyExists,
 * USE, quoted identifiers, ALTER TABLE ADD / DROP (a dropped column's data
 * never comes back), TRUNCATE, DROP, and schema plus data surviving a
 * SIGTERM restart.
 */
import { expect } from 'chai';
import { AlreadyExistsError, Client, InvalidRequestError } from '../../src/client/index.js';
import { removeDir, startNode } from './harness.js';
import { closeSession, expectFailure, openSession, plain, type Session } from './helpers.js';

const RF1 = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

describe('schema statements through the driver', function () {
  this.timeout(30_000);
  let s: Session;
  const rows = async (cql: string, params: unknown[] = []) => plain((await s.client.execute(cql, params)).rows);

  before(async () => {
    s = await openSession(['ddl']);
  });
  after(() => closeSession(s));

  it('creates keyspaces and tables once: IF NOT EXISTS is quiet, a repeat is AlreadyExists with the names', async () => {
    await s.client.execute(`CREATE KEYSPACE IF NOT EXISTS ddl WITH replication = ${RF1}`);
    const ks = await expectFailure(s.client.execute(`CREATE KEYSPACE ddl WITH replication = ${RF1}`), AlreadyExistsError, 'Cannot add existing keyspace "ddl"');
    expect(ks).to.include({ keyspace: 'ddl' });
    await s.client.execute('CREATE TABLE ddl.t (k int PRIMARY KEY, v text)');
    await s.client.execute('CREATE TABLE IF NOT EXISTS ddl.t (k int PRIMARY KEY)');
    const t = await expectFailure(s.client.execute('CREATE TABLE ddl.t (k int PRIMARY KEY)'), AlreadyExistsError,
      'Cannot add already existing table "t" to keyspace "ddl"');
    expect(t).to.include({ keyspace: 'ddl', table: 't' });
  });

  it('switches keyspace with USE for unqualified names, and says so when none is set', async () => {
    const fresh = new Client({ contactPoints: [`${s.node.host}:${s.node.port}`] });
    try {
      await expectFailure(fresh.execute('SELECT * FROM t'), InvalidRequestError,
        'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
      await fresh.execute('USE ddl');
      expect(fresh.keyspace).to.equal('ddl');
      await fresh.execute("INSERT INTO t (k, v) VALUES (1, 'one')");
      expect(plain((await fresh.execute('SELECT v FROM t WHERE k = 1')).rows)).to.deep.equal([{ v: 'one' }]);
      // Cassandra's query rule takes any number of trailing semicolons.
      expect(plain((await fresh.execute('SELECT v FROM t WHERE k = 1;;')).rows)).to.deep.equal([{ v: 'one' }]);
    } finally {
      await fresh.shutdown();
    }
  });

  it('keeps the case of quoted identifiers and folds unquoted ones', async () => {
    await s.client.execute('CREATE TABLE ddl."MyT" ("Key" int PRIMARY KEY, "Val" text, val text)');
    await s.client.execute('INSERT INTO ddl."MyT" ("Key", "Val", VAL) VALUES (1, \'A\', \'a\')');
    await s.client.execute('INSERT INTO ddl."MyT" ("Key", "Val") VALUES (:key, :v)', { key: 2, v: 'B' });
    const rs = await s.client.execute('SELECT * FROM ddl."MyT" WHERE "Key" = 1');
    expect(rs.columns.map((c) => c.name)).to.deep.equal(['Key', 'Val', 'val']);
    expect(plain(rs.rows)).to.deep.equal([{ Key: 1, Val: 'A', val: 'a' }]);
    expect(await rows('SELECT "Val" FROM ddl."MyT" WHERE "Key" = ?', [2])).to.deep.equal([{ Val: 'B' }]);
    await expectFailure(s.client.execute('SELECT * FROM ddl.myt'), InvalidRequestError, 'unconfigured table myt');
    await expectFailure(s.client.execute('SELECT "key" FROM ddl."MyT"'), InvalidRequestError, 'Undefined column name key');
  });

  it('adds and drops columns; a dropped column\'s old data stays gone when it is added back', async () => {
    await s.client.execute('CREATE TABLE ddl.alt (k int, c int, v text, PRIMARY KEY (k, c))');
    await s.client.execute("INSERT INTO ddl.alt (k, c, v) VALUES (1, 1, 'a')");
    await s.client.execute('ALTER TABLE ddl.alt ADD (z text, n int)');
    await s.client.execute("UPDATE ddl.alt SET z = 'old', n = 5 WHERE k = 1 AND c = 1");
    await s.client.execute("UPDATE ddl.alt SET z = 'only' WHERE k = 1 AND c = 2");
    expect(await rows('SELECT c, z, n FROM ddl.alt WHERE k = 1')).to.deep.equal([{ c: 1, z: 'old', n: 5 }, { c: 2, z: 'only', n: null }]);
    await expectFailure(s.client.execute('ALTER TABLE ddl.alt ADD z text'), InvalidRequestError, "Column with name 'z' already exists");
    await s.client.execute('ALTER TABLE ddl.alt DROP z');
    await expectFailure(s.client.execute('SELECT z FROM ddl.alt'), InvalidRequestError, 'Undefined column name z');
    // Row 2 lived only through z: with z gone it is gone too.
    expect(await rows('SELECT * FROM ddl.alt WHERE k = 1')).to.deep.equal([{ k: 1, c: 1, n: 5, v: 'a' }]);
    await expectFailure(s.client.execute('ALTER TABLE ddl.alt ADD z int'), InvalidRequestError,
      "Cannot re-add previously dropped column 'z' of type int, incompatible with previous type text");
    await s.client.execute('ALTER TABLE ddl.alt ADD z text');
    expect(await rows('SELECT c, z FROM ddl.alt WHERE k = 1')).to.deep.equal([{ c: 1, z: null }]);
    await s.client.execute("UPDATE ddl.alt SET z = 'new' WHERE k = 1 AND c = 1");
    expect(await rows('SELECT c, z FROM ddl.alt WHERE k = 1')).to.deep.equal([{ c: 1, z: 'new' }]);
    await expectFailure(s.client.execute('ALTER TABLE ddl.alt DROP k'), InvalidRequestError, 'Cannot drop PRIMARY KEY part k');
  });

  it('skips what IF EXISTS / IF NOT EXISTS name on ALTER TABLE, as Cassandra 4.1 and later do', async () => {
    await s.client.execute('ALTER TABLE IF EXISTS ddl.missing ADD x int');
    await s.client.execute('ALTER TABLE IF EXISTS ddl.missing DROP x');
    await expectFailure(s.client.execute('SELECT * FROM ddl.missing'), InvalidRequestError, 'unconfigured table missing');
    await s.client.execute('CREATE TABLE ddl.ifx (k int PRIMARY KEY, v text)');
    await s.client.execute('ALTER TABLE ddl.ifx ADD IF NOT EXISTS (v int, w int)');
    await s.client.execute('ALTER TABLE IF EXISTS ddl.ifx ADD IF NOT EXISTS v blob');
    await s.client.execute("INSERT INTO ddl.ifx (k, v, w) VALUES (1, 'still text', 2)");
    expect(await rows('SELECT * FROM ddl.ifx')).to.deep.equal([{ k: 1, v: 'still text', w: 2 }]);
    await s.client.execute('ALTER TABLE ddl.ifx DROP IF EXISTS (nope, w)');
    await s.client.execute('ALTER TABLE ddl.ifx DROP IF EXISTS w');
    expect(await rows('SELECT * FROM ddl.ifx')).to.deep.equal([{ k: 1, v: 'still text' }]);
    await expectFailure(s.client.execute('ALTER TABLE ddl.ifx DROP nope'), InvalidRequestError, 'Column nope was not found in table ifx');
  });

  it('changes table options with ALTER TABLE WITH', async () => {
    await s.client.execute('CREATE TABLE ddl.opt (k int PRIMARY KEY, v text)');
    await s.client.execute('ALTER TABLE ddl.opt WITH default_time_to_live = 1000');
    // Setting an option to the value it has changes nothing and is no error, as in Cassandra.
    const same = await s.client.execute('ALTER TABLE ddl.opt WITH default_time_to_live = 1000');
    expect(same.columns).to.deep.equal([]);
    await s.client.execute(`ALTER KEYSPACE ddl WITH replication = ${RF1} AND durable_writes = true`);
    await s.client.execute("INSERT INTO ddl.opt (k, v) VALUES (1, 'x')");
    expect((await rows('SELECT ttl(v) FROM ddl.opt WHERE k = 1'))[0]!['ttl(v)']).to.be.within(999, 1000);
    await expectFailure(s.client.execute('ALTER TABLE ddl.opt WITH nonsense = 1'), InvalidRequestError, "Unknown property 'nonsense'");
  });

  it('empties a table with TRUNCATE and removes tables and keyspaces with DROP', async () => {
    await s.client.execute('CREATE TABLE ddl.gone (k int PRIMARY KEY, v int)');
    for (let k = 0; k < 5; k++) await s.client.execute('INSERT INTO ddl.gone (k, v) VALUES (?, ?)', [k, k]);
    await s.client.execute('TRUNCATE ddl.gone');
    expect(await rows('SELECT COUNT(*) FROM ddl.gone')).to.deep.equal([{ count: 0n }]);
    await s.client.execute("INSERT INTO ddl.gone (k, v) VALUES (1, 1)");
    await s.client.execute('DROP TABLE ddl.gone');
    await expectFailure(s.client.execute('DROP TABLE ddl.gone'), InvalidRequestError, "Table 'ddl.gone' doesn't exist");
    await s.client.execute('DROP TABLE IF EXISTS ddl.gone');
    // A table created again under the same name starts empty.
    await s.client.execute('CREATE TABLE ddl.gone (k int PRIMARY KEY, v int)');
    expect(await rows('SELECT * FROM ddl.gone')).to.deep.equal([]);
    await s.client.execute(`CREATE KEYSPACE temp WITH replication = ${RF1}`);
    await s.client.execute('DROP KEYSPACE temp');
    await expectFailure(s.client.execute('DROP KEYSPACE temp'), InvalidRequestError, "Cannot drop non existing keyspace 'temp'.");
    await s.client.execute('DROP KEYSPACE IF EXISTS temp');
    await expectFailure(s.client.execute('SELECT * FROM temp.x'), InvalidRequestError, "Keyspace 'temp' does not exist");
  });

  it('warns when CREATE or ALTER KEYSPACE asks for more replicas than the cluster has nodes, as Cassandra 4 does', async () => {
    const created = await s.client.execute("CREATE KEYSPACE wide WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
    expect(created.info.warnings).to.deep.equal(['Your replication factor 3 for keyspace wide is higher than the number of nodes 1']);
    const altered = await s.client.execute("ALTER KEYSPACE wide WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
    expect(altered.info.warnings).to.deep.equal([
      'When decreasing replication factor you need to run cleanup (sibyltool cleanup) on every node to remove the data it no longer replicates.',
      'Your replication factor 2 for keyspace wide is higher than the number of nodes 1',
    ]);
    const narrowed = await s.client.execute(`ALTER KEYSPACE wide WITH replication = ${RF1}`);
    expect(narrowed.info.warnings).to.deep.equal([altered.info.warnings[0]]);
    await s.client.execute('DROP KEYSPACE wide');
  });

  it('refuses malformed table definitions with Cassandra\'s wording', async () => {
    const cases: [string, string][] = [
      ['CREATE TABLE ddl.bad (k int, v int)', "No PRIMARY KEY specifed for table 'bad' (exactly one required)"],
      ['CREATE TABLE ddl.bad (k int PRIMARY KEY, k text)', 'Multiple definition of identifier k'],
      ['CREATE TABLE ddl.bad (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (k DESC)', 'Only clustering key columns can be defined in CLUSTERING ORDER directive'],
      ['CREATE TABLE ddl.bad (k set<int> PRIMARY KEY)', 'Invalid non-frozen collection type set<int> for PRIMARY KEY component k'],
      ['CREATE TABLE nope.bad (k int PRIMARY KEY)', "Keyspace 'nope' does not exist"],
      ['CREATE TABLE ddl.bad (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND CLUSTERING ORDER BY (c ASC)',
        "Duplicate column 'c' in CLUSTERING ORDER BY clause for table 'bad'"],
      ['CREATE TABLE ddl.bad (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC, c ASC)', "Duplicate column 'c' in CLUSTERING ORDER BY clause for table 'bad'"],
    ];
    for (const [cql, message] of cases) await expectFailure(s.client.execute(cql), InvalidRequestError, message);
  });

  it("expands NetworkTopologyStrategy's replication_factor to the node's own datacenter and leaves out a datacenter at 0, as Cassandra 4 does", async () => {
    const east = await startNode({ args: ['--dc', 'east'] });
    const client = new Client({ contactPoints: [`${east.host}:${east.port}`] });
    const replication = async (ks: string) =>
      Object.fromEntries((await client.execute(`SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = '${ks}'`)).first()!['replication'] as Map<string, string>);
    try {
      await client.execute("CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}");
      expect(await replication('nts')).to.deep.equal({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', east: '1' });
      await client.execute('CREATE TABLE nts.t (k int PRIMARY KEY, v int)');
      await client.execute('INSERT INTO nts.t (k, v) VALUES (1, 1)', [], { consistency: 'ALL' });
      expect(plain((await client.execute('SELECT v FROM nts.t WHERE k = 1', [], { consistency: 'ALL' })).rows)).to.deep.equal([{ v: 1 }]);
      await client.execute("CREATE KEYSPACE nts0 WITH replication = {'class': 'NetworkTopologyStrategy', 'east': 1, 'west': 0}");
      expect(await replication('nts0')).to.deep.equal({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', east: '1' });
      // An ALTER through the shorthand adds datacenters but leaves the levels of those already replicated alone.
      await client.execute("ALTER KEYSPACE nts0 WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 3}");
      expect(await replication('nts0')).to.deep.equal({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', east: '1' });
    } finally {
      await client.shutdown();
      await east.stop();
      removeDir(east.dataDir);
    }
  });

  it('keeps schema, data, deletions and dropped columns across a SIGTERM restart, exiting 0', async () => {
    await s.client.execute(`CREATE KEYSPACE durable WITH replication = ${RF1}`);
    await s.client.execute(`CREATE TABLE durable.t (k int, c int, s text STATIC, v text, l list<int>, PRIMARY KEY (k, c))
      WITH CLUSTERING ORDER BY (c DESC) AND default_time_to_live = 3600 AND comment = 'kept'`);
    await s.client.execute("INSERT INTO durable.t (k, c, s, v, l) VALUES (1, 1, 'S', 'one', [1, 2]) USING TIMESTAMP 100");
    await s.client.execute("INSERT INTO durable.t (k, c, v) VALUES (1, 2, 'two') USING TIMESTAMP 100");
    await s.client.execute("INSERT INTO durable.t (k, c, v) VALUES (1, 3, 'three') USING TIMESTAMP 100");
    await s.client.execute('DELETE FROM durable.t USING TIMESTAMP 200 WHERE k = 1 AND c = 3');
    await s.client.execute('ALTER TABLE durable.t DROP l');
    await s.client.execute('ALTER TABLE durable.t ADD l list<int>');
    const query = 'SELECT c, s, v, l, writetime(v) FROM durable.t WHERE k = 1';
    const expected = [
      { c: 2, s: 'S', v: 'two', l: null, 'writetime(v)': 100n },
      { c: 1, s: 'S', v: 'one', l: null, 'writetime(v)': 100n },
    ];
    expect(await rows(query)).to.deep.equal(expected);

    const dataDir = s.node.dataDir;
    await s.client.shutdown();
    expect(await s.node.stop('SIGTERM')).to.equal(0);
    const node = await startNode({ dataDir });
    const client = new Client({ contactPoints: [`${node.host}:${node.port}`] });
    s = { node, client };
    expect(await rows(query)).to.deep.equal(expected);
    const ttl = (await rows("SELECT ttl(v) FROM durable.t WHERE k = 1 AND c = 1"))[0]!['ttl(v)'];
    expect(ttl).to.be.within(3500, 3600);
    expect(await rows('SELECT "Val" FROM ddl."MyT" WHERE "Key" = 2')).to.deep.equal([{ Val: 'B' }]);
    await expectFailure(s.client.execute(`CREATE KEYSPACE durable WITH replication = ${RF1}`), AlreadyExistsError, 'Cannot add existing keyspace "durable"');
  });
});
