/**
 * Schema changes with data present on three real `sibyl node` processes:
 * a table or keyspace dropped and created again under the same name never showing its old data (even on a
 * node that was down for the drop), a dropped column's data staying gone,
 * replication changes, and the driver hearing of changes made elsewhere.
 */
import { expect } from 'chai';
import type { SchemaChange } from '../../src/client/index.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const RF3 = `{'class': 'SimpleStrategy', 'replication_factor': 3}`;

describe('schema changes with data present on a three-node cluster (real processes)', function () {
  this.timeout(60_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid % 900) + 3);
  const c = (index: number) => cluster.client(index);
  const all = async (index: number, cql: string) => (await (await c(index)).execute(cql, null, { consistency: 'ALL' })).rows;

  /** After agreement, describecluster on every node lists one version held by all three. */
  async function expectOneVersion(): Promise<void> {
    const version = await cluster.awaitSchemaAgreement(20_000);
    for (const i of [1, 2, 3]) {
      let described = '';
      await waitFor(() => `describecluster on node ${i} to list one version, got:\n${described}`, 10_000, async () => {
        described = (await cluster.tool(i, 'describecluster')).stdout;
        return described.includes(`\tSchema versions:\n\t\t${version}: [127.0.0.1, 127.0.0.2, 127.0.0.3]\n\n`);
      });
    }
  }

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    await (await c(1)).execute(`CREATE KEYSPACE sc WITH replication = ${RF3}`);
    await cluster.awaitSchemaAgreement();
  });
  destroyAfterSuite(cluster);

  it('ADD, DROP and ADD again of a column: another type is refused on every node, the same type comes back empty', async () => {
    await (await c(1)).execute('CREATE TABLE sc.cols (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await (await c(1)).execute('ALTER TABLE sc.cols ADD x text');
    await cluster.awaitSchemaAgreement();
    await (await c(2)).execute("INSERT INTO sc.cols (k, v, x) VALUES (1, 'v', 'old')", null, { consistency: 'ALL' });
    await (await c(3)).execute('ALTER TABLE sc.cols DROP x');
    await expectOneVersion();
    for (const i of [1, 2, 3]) {
      const err = await (await c(i)).execute('ALTER TABLE sc.cols ADD x int').then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal("Cannot re-add previously dropped column 'x' of type int, incompatible with previous type text");
    }
    await (await c(2)).execute('ALTER TABLE sc.cols ADD x text');
    await expectOneVersion();
    for (const i of [1, 2, 3]) expect(await all(i, 'SELECT * FROM sc.cols')).to.deep.equal([{ k: 1, v: 'v', x: null }]);
  });

  it('DROP TABLE and CREATE again under the same name, with a node down for both: the old data never reappears', async () => {
    await (await c(1)).execute('CREATE TABLE sc.again (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    for (let k = 0; k < 5; k++) await (await c(1)).execute(`INSERT INTO sc.again (k, v) VALUES (${k}, 'old')`, null, { consistency: 'ALL' });
    await cluster.kill(3);
    // Each driver is pinned to one node, so it does not wait for schema agreement as a discovering one does.
    await (await c(1)).execute('DROP TABLE sc.again');
    await cluster.awaitSchemaAgreement();
    await (await c(2)).execute('CREATE TABLE sc.again (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await (await c(1)).execute("INSERT INTO sc.again (k, v) VALUES (9, 'new')", null, { consistency: 'QUORUM' });
    await cluster.startNode(3);
    await cluster.awaitAllUp();
    await expectOneVersion();
    for (const i of [1, 2, 3]) expect(await all(i, 'SELECT * FROM sc.again')).to.deep.equal([{ k: 9, v: 'new' }]);
  });

  it('DROP KEYSPACE with data, then the same keyspace and table again: empty on every node', async () => {
    await (await c(1)).execute(`CREATE KEYSPACE sc2 WITH replication = ${RF3}`);
    await (await c(1)).execute('CREATE TABLE sc2.t (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    for (let k = 0; k < 5; k++) await (await c(2)).execute(`INSERT INTO sc2.t (k, v) VALUES (${k}, 'old')`, null, { consistency: 'ALL' });
    await (await c(3)).execute('DROP KEYSPACE sc2');
    await expectOneVersion();
    const err = await (await c(1)).execute('SELECT * FROM sc2.t').then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal("Keyspace 'sc2' does not exist");
    await (await c(2)).execute(`CREATE KEYSPACE sc2 WITH replication = ${RF3}`);
    await (await c(2)).execute('CREATE TABLE sc2.t (k int PRIMARY KEY, v text)');
    await expectOneVersion();
    for (const i of [1, 2, 3]) expect(await all(i, 'SELECT * FROM sc2.t')).to.deep.equal([]);
  });

  it('ALTER KEYSPACE replication reaches every node, and the driver hears of changes made through another node', async () => {
    const heard: SchemaChange[] = [];
    const listener = await c(3);
    listener.on('schemaChange', (ch: SchemaChange) => heard.push(ch));
    await (await c(1)).execute(`ALTER KEYSPACE sc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await expectOneVersion();
    for (const i of [1, 2, 3]) {
      const rs = await (await c(i)).execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'sc'");
      expect(Object.fromEntries(rs.rows[0]?.['replication'] as Map<string, string>)).to.deep.equal({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '2' });
    }
    await (await c(2)).execute('CREATE TABLE sc.ev (k int PRIMARY KEY)');
    await cluster.awaitSchemaAgreement();
    await (await c(1)).execute('DROP TABLE sc.ev');
    await waitFor(() => `schema events on node 3's driver, got ${JSON.stringify(heard)}`, 10_000, () => heard.length >= 3);
    expect(heard).to.deep.equal([
      { change: 'UPDATED', target: 'KEYSPACE', keyspace: 'sc' },
      { change: 'CREATED', target: 'TABLE', keyspace: 'sc', table: 'ev' },
      { change: 'DROPPED', target: 'TABLE', keyspace: 'sc', table: 'ev' },
    ]);
  });
});
