/**
 * Changing a keyspace's replication on three real `sibyl node` processes,
 * through the real driver and sibyltool. Invariants: lowering the
 * replication factor and running cleanup on every node leaves each row on
 * exactly its one new replica and every row readable; raising it and running
 * a full repair puts every row on every new replica. ALTER KEYSPACE tells
 * the client which of the two to run.
 *
 * Per-node contents are counted with `sibyltool merkleroot` (partitions this
 * node's own storage holds) and spot-checked with `sibyltool dump`.
 */
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import { CLEANUP_WARNING, FULL_REPAIR_WARNING } from '../../src/cql/ddl/replication-warnings.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const ROWS = 60;
const NODES = [1, 2, 3];

function intKey(k: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(k);
  return b;
}

describe('replication changes: cleanup and full repair (real processes)', function () {
  this.timeout(150_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 700) % 900);
  let discovering: Client | undefined;

  /** Partitions node `index` stores for ks.kv, counted from its own storage. */
  const storedOn = async (index: number, keyspace: string): Promise<number> => {
    const r = await cluster.tool(index, 'merkleroot', keyspace, 'kv');
    if (r.code !== 0) throw new Error(`merkleroot on node ${index} failed: ${r.stderr}`);
    return Number(r.stdout.trim().split(/\s+/)[2]);
  };
  const write = async (keyspace: string, consistency: 'ALL' | 'ONE') => {
    const client = await cluster.client(1);
    await Promise.all(
      Array.from({ length: ROWS }, (_, k) => client.execute(`INSERT INTO ${keyspace}.kv (k, v) VALUES (?, ?)`, [k, `value ${k}`], { prepare: true, consistency })),
    );
  };
  const readAll = async (keyspace: string, from: number): Promise<string[]> => {
    const client = await cluster.client(from);
    const values: string[] = [];
    for (let k = 0; k < ROWS; k++) {
      const rs = await client.execute(`SELECT v FROM ${keyspace}.kv WHERE k = ?`, [k], { prepare: true, consistency: 'ONE' });
      values.push(String(rs.rows[0]?.['v']));
    }
    return values;
  };
  const expectedValues = Array.from({ length: ROWS }, (_, k) => `value ${k}`);

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    // Only cleanup and repair may move data here, never a hint.
    for (const i of NODES) expect((await cluster.tool(i, 'disablehandoff')).code).to.equal(0);
    discovering = new Client({ contactPoints: [cluster.nativeEndpoint(1)] });
    await discovering.connect();
  });

  destroyAfterSuite(cluster, {
    beforeDestroy: async () => {
      await discovering?.shutdown();
    },
  });

  it('lowering RF 2 to 1 warns to run cleanup; cleanup on each node removes exactly the rows it no longer replicates', async () => {
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE cleanks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await client.execute('CREATE TABLE cleanks.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await write('cleanks', 'ALL');
    expect(await Promise.all(NODES.map((i) => storedOn(i, 'cleanks'))).then((n) => n.reduce((a, b) => a + b))).to.equal(2 * ROWS);

    const altered = await client.execute(`ALTER KEYSPACE cleanks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    expect(altered.info.warnings).to.deep.equal([CLEANUP_WARNING]);
    await cluster.awaitSchemaAgreement();

    // The one replica of each key now, as the driver computes it from the ring and the new replication.
    await waitFor('the driver to see RF 1', 10_000, () => discovering!.replicas('cleanks', intKey(0)).length === 1);
    const ownerOf = (k: number) => discovering!.replicas('cleanks', intKey(k))[0]!;
    const owned = NODES.map((i) => Array.from({ length: ROWS }, (_, k) => k).filter((k) => ownerOf(k) === cluster.nativeEndpoint(i)));
    expect(owned.flat().length).to.equal(ROWS);
    const before = await Promise.all(NODES.map((i) => storedOn(i, 'cleanks')));

    let removed = 0;
    for (const i of NODES) {
      const run = await cluster.tool(i, 'cleanup', 'cleanks');
      expect(run.code, run.stderr).to.equal(0);
      const line = run.stdout.split('\n').find((l) => l.startsWith('cleanks '));
      const partitions = Number(line?.split(/\s+/)[2]);
      expect(partitions, `node ${i}: ${run.stdout}`).to.equal(before[i - 1]! - owned[i - 1]!.length);
      expect(run.stdout).to.match(/^Cleaned up 1 table: removed \d+ partitions? \(.+\)\.$/m);
      removed += partitions;
    }
    expect(removed).to.equal(ROWS);
    expect(await Promise.all(NODES.map((i) => storedOn(i, 'cleanks')))).to.deep.equal(owned.map((keys) => keys.length));
    // A key's former second replica holds nothing for it any more; its owner still does.
    for (const k of [0, 1, 2, 3]) {
      for (const i of NODES) {
        const held = (await cluster.dump(i, 'cleanks.kv', String(k))).length;
        expect(held, `node ${i} holding key ${k}`).to.equal(owned[i - 1]!.includes(k) ? 1 : 0);
      }
    }
    expect(await readAll('cleanks', 2)).to.deep.equal(expectedValues);

    // A second run finds nothing more to remove.
    const again = await cluster.tool(1, 'cleanup', 'cleanks', 'kv');
    expect(again.stdout).to.include('Cleaned up 1 table: removed 0 partitions (0 bytes).');
  });

  it('raising RF 1 to 3 warns to run a full repair, after which every node holds every row', async () => {
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE growks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute('CREATE TABLE growks.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await write('growks', 'ONE');
    const altered = await client.execute(`ALTER KEYSPACE growks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    expect(altered.info.warnings).to.deep.equal([FULL_REPAIR_WARNING]);
    await cluster.awaitSchemaAgreement();
    const before = await Promise.all(NODES.map((i) => storedOn(i, 'growks')));
    expect(before.reduce((a, b) => a + b), 'each row on one node before the repair').to.equal(ROWS);

    const repair = await cluster.tool(1, 'repair', '--full', 'growks');
    expect(repair.code, repair.stderr).to.equal(0);
    expect(await Promise.all(NODES.map((i) => storedOn(i, 'growks')))).to.deep.equal([ROWS, ROWS, ROWS]);
    for (const k of [0, ROWS - 1]) {
      for (const i of NODES) expect((await cluster.dump(i, 'growks.kv', String(k)))[0]?.rows.length, `node ${i}, key ${k}`).to.equal(1);
    }
    for (const i of NODES) expect(await readAll('growks', i)).to.deep.equal(expectedValues);
  });
});
