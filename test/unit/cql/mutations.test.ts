import { expect } from 'chai';
import { NO_DELETION_TIME } from '../../../src/storage/model.js';
import { murmur3Token } from '../../../src/ring/murmur3.js';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { compareTimeUuids } from '../../../src/cql/timeuuid.js';
import { harness, int32, rejects, START_S, START_US, text, type Harness } from './harness.js';

describe('CQL writes become exact partition mutations', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await h.run('USE ks');
    await h.run('CREATE TABLE t (k int, c int, v text, s int static, tags set<text>, m map<text, int>, l list<int>, PRIMARY KEY (k, c))');
  });

  it('INSERT writes a row marker and cells at the client timestamp', async () => {
    await h.run("INSERT INTO t (k, c, v) VALUES (1, 2, 'x')", 42);
    const [p] = h.last();
    expect(p!.key).to.deep.equal(int32(1));
    expect(p!.token).to.equal(murmur3Token(int32(1)));
    expect(p!.rows).to.deep.equal([
      {
        clustering: [int32(2)],
        isStatic: false,
        marker: { value: Buffer.alloc(0), timestampUs: 42, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME },
        collectionDeletions: [],
        cells: [{ column: 'v', cell: { value: text('x'), timestampUs: 42, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } }],
      },
    ]);
  });

  it('USING TTL and TIMESTAMP set the expiry from the local time; a null value is a tombstone', async () => {
    await h.run('INSERT INTO t (k, c, v) VALUES (1, 2, null) USING TTL 60 AND TIMESTAMP 7');
    const row = h.last()[0]!.rows[0]!;
    expect(row.marker).to.deep.equal({ value: Buffer.alloc(0), timestampUs: 7, ttlS: 60, localDeletionTimeS: START_S + 60 });
    expect(row.cells).to.deep.equal([{ column: 'v', cell: { value: null, timestampUs: 7, ttlS: 0, localDeletionTimeS: START_S } }]);
  });

  it('rejects a TTL over twenty years and a negative one', async () => {
    await rejects(h.run("INSERT INTO t (k, c) VALUES (1, 2) USING TTL 630720001"), InvalidRequestError,
      'ttl is too large. requested (630720001) maximum (630720000)');
    await rejects(h.run("INSERT INTO t (k, c) VALUES (1, 2) USING TTL -1"), InvalidRequestError,
      'A TTL must be greater or equal to 0, but was -1');
  });

  it('coordinator timestamps come from the clock and never repeat', async () => {
    await h.run('INSERT INTO t (k, c) VALUES (1, 1)');
    await h.run('INSERT INTO t (k, c) VALUES (1, 2)');
    expect(h.storage.applied[0]![0]!.rows[0]!.marker!.timestampUs).to.equal(START_US);
    expect(h.storage.applied[1]![0]!.rows[0]!.marker!.timestampUs).to.equal(START_US + 1);
  });

  it('UPDATE writes no marker, and a static-only UPDATE needs just the partition key', async () => {
    await h.run("UPDATE t SET v = 'y' WHERE k = 1 AND c IN (2, 3)", 5);
    expect(h.last()[0]!.rows.map((r) => [r.clustering, r.marker, r.cells.length])).to.deep.equal([
      [[int32(2)], undefined, 1], [[int32(3)], undefined, 1],
    ]);
    await h.run('UPDATE t SET s = 9 WHERE k = 1', 6);
    expect(h.last()[0]!.rows).to.deep.equal([{
      clustering: [], isStatic: true, collectionDeletions: [],
      cells: [{ column: 's', cell: { value: int32(9), timestampUs: 6, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } }],
    }]);
  });

  it('rejects UPDATEs without the full primary key, as Cassandra words it', async () => {
    await rejects(h.run("UPDATE t SET v = 'y' WHERE k = 1"), InvalidRequestError, 'Some clustering keys are missing: c');
    await rejects(h.run("UPDATE t SET v = 'y' WHERE c = 1"), InvalidRequestError, 'Some partition key parts are missing: k');
    await rejects(h.run("UPDATE t SET k = 2 WHERE k = 1 AND c = 1"), InvalidRequestError, 'PRIMARY KEY part k found in SET part');
    await rejects(h.run("UPDATE t SET v = 'y' WHERE k = 1 AND c = 1 AND v = 'z'"), InvalidRequestError, 'Non PRIMARY KEY columns found in where clause: v');
    await rejects(h.run("INSERT INTO t (k, c, age) VALUES (1, 1, 1)"), InvalidRequestError, 'Undefined column name age');
    await rejects(h.run("INSERT INTO t (k, v) VALUES (1, 'x')"), InvalidRequestError, 'Some clustering keys are missing: c');
    await rejects(h.run("INSERT INTO t (k, c) VALUES ('a', 1)"), InvalidRequestError, 'Invalid STRING constant (a) for "k" of type int');
  });

  it('overwriting a set deletes the old one at timestamp - 1 and writes one cell per element', async () => {
    await h.run("UPDATE t SET tags = {'b', 'a'} WHERE k = 1 AND c = 1", 100);
    const row = h.last()[0]!.rows[0]!;
    expect(row.collectionDeletions).to.deep.equal([{ column: 'tags', deletion: { timestampUs: 99, localDeletionTimeS: START_S } }]);
    expect(row.cells).to.deep.equal([
      { column: 'tags', path: text('a'), cell: { value: Buffer.alloc(0), timestampUs: 100, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } },
      { column: 'tags', path: text('b'), cell: { value: Buffer.alloc(0), timestampUs: 100, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } },
    ]);
  });

  it('set and map additions and removals write element cells and element tombstones', async () => {
    await h.run("UPDATE t SET tags = tags + {'x'}, m = m + {'a': 1}, m['b'] = 2 WHERE k = 1 AND c = 1", 10);
    const row = h.last()[0]!.rows[0]!;
    expect(row.collectionDeletions).to.deep.equal([]);
    expect(row.cells.map((c) => [c.column, c.path!.toString(), c.cell.value])).to.deep.equal([
      ['m', 'a', int32(1)], ['m', 'b', int32(2)], ['tags', 'x', Buffer.alloc(0)],
    ]);
    await h.run("UPDATE t SET tags = tags - {'x'}, m = m - {'a'} WHERE k = 1 AND c = 1", 11);
    expect(h.last()[0]!.rows[0]!.cells.map((c) => [c.column, c.path!.toString(), c.cell.value, c.cell.localDeletionTimeS])).to.deep.equal([
      ['m', 'a', null, START_S], ['tags', 'x', null, START_S],
    ]);
  });

  it('list appends get increasing timeuuid paths and prepends sort before them', async () => {
    await h.run('UPDATE t SET l = l + [1, 2] WHERE k = 1 AND c = 1', START_US);
    const appended = h.last()[0]!.rows[0]!.cells;
    await h.run('UPDATE t SET l = [7, 8] + l WHERE k = 1 AND c = 1', START_US + 1);
    const prepended = h.last()[0]!.rows[0]!.cells;
    const ordered = [...appended, ...prepended].sort((a, b) => compareTimeUuids(a.path!, b.path!)).map((c) => c.cell.value!.readInt32BE(0));
    expect(ordered).to.deep.equal([7, 8, 1, 2]);
  });

  it('list element set, element delete and value removal read the list first', async () => {
    await h.run('UPDATE t SET l = l + [1, 2, 1] WHERE k = 1 AND c = 1', 10);
    const paths = h.last()[0]!.rows[0]!.cells.map((c) => c.path!);
    await h.run('UPDATE t SET l[1] = 5 WHERE k = 1 AND c = 1', 11);
    expect(h.last()[0]!.rows[0]!.cells).to.deep.equal([
      { column: 'l', path: paths[1], cell: { value: int32(5), timestampUs: 11, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } },
    ]);
    await h.run('UPDATE t SET l = l - [1] WHERE k = 1 AND c = 1', 12);
    expect(h.last()[0]!.rows[0]!.cells.map((c) => [c.path, c.cell.value])).to.deep.equal([[paths[0], null], [paths[2], null]]);
    await rejects(h.run('UPDATE t SET l[3] = 5 WHERE k = 1 AND c = 1'), InvalidRequestError, 'List index 3 out of bound, list has size 1');
    await rejects(h.run('DELETE l[0] FROM t WHERE k = 2 AND c = 1'), InvalidRequestError, 'Attempted to delete an element from a list which is null');
  });

  it('DELETE forms: cell, collection, row, partition', async () => {
    await h.run('DELETE v, tags FROM t WHERE k = 1 AND c = 2', 20);
    const row = h.last()[0]!.rows[0]!;
    expect(row.cells).to.deep.equal([{ column: 'v', cell: { value: null, timestampUs: 20, ttlS: 0, localDeletionTimeS: START_S } }]);
    expect(row.collectionDeletions).to.deep.equal([{ column: 'tags', deletion: { timestampUs: 20, localDeletionTimeS: START_S } }]);
    await h.run('DELETE FROM t WHERE k = 1 AND c = 2', 21);
    expect(h.last()[0]!.rows[0]!.deletion).to.deep.equal({ timestampUs: 21, localDeletionTimeS: START_S });
    await h.run('DELETE FROM t WHERE k = 1', 22);
    expect(h.last()[0]!.deletion).to.deep.equal({ timestampUs: 22, localDeletionTimeS: START_S });
    expect(h.last()[0]!.rows).to.deep.equal([]);
  });

  it('DELETE over a clustering range writes a range tombstone with the exact bounds', async () => {
    await h.run('DELETE FROM t WHERE k = 1 AND c > 1 AND c <= 5', 30);
    expect(h.last()[0]!.rangeTombstones).to.deep.equal([{
      start: { prefix: [int32(1)], inclusive: false },
      end: { prefix: [int32(5)], inclusive: true },
      deletion: { timestampUs: 30, localDeletionTimeS: START_S },
    }]);
    await rejects(h.run('DELETE v FROM t WHERE k = 1 AND c > 1'), InvalidRequestError, 'Range deletions are not supported for specific columns');
  });

  it('on a DESC clustering column the range bounds follow clustering order; a prefix deletes its rows', async () => {
    await h.run('CREATE TABLE d (k int, a int, b int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)');
    await h.run('DELETE FROM d WHERE k = 1 AND a >= 2', 40);
    expect(h.last()[0]!.rangeTombstones.map((r) => [r.start, r.end])).to.deep.equal([
      [{ prefix: [], inclusive: true }, { prefix: [int32(2)], inclusive: true }],
    ]);
    await h.run('DELETE FROM d WHERE k = 1 AND a = 3', 41);
    expect(h.last()[0]!.rangeTombstones.map((r) => [r.start, r.end])).to.deep.equal([
      [{ prefix: [int32(3)], inclusive: true }, { prefix: [int32(3)], inclusive: true }],
    ]);
  });

  it('a BATCH merges statements on one partition and applies its timestamp to all', async () => {
    await h.run("BEGIN BATCH USING TIMESTAMP 50 INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); UPDATE t SET s = 1 WHERE k = 1; APPLY BATCH");
    const partitions = h.last();
    expect(partitions).to.have.length(1);
    expect(partitions[0]!.rows.map((r) => [r.isStatic, r.cells[0]!.cell.timestampUs])).to.deep.equal([[true, 50], [false, 50]]);
  });

  it('enforces Cassandra batch rules', async () => {
    await rejects(h.run('BEGIN BATCH USING TIMESTAMP 5 INSERT INTO t (k, c) VALUES (1, 1) USING TIMESTAMP 6; APPLY BATCH'),
      InvalidRequestError, 'Timestamp must be set either on BATCH or individual statements');
    await rejects(h.run('INSERT INTO t (k, c) VALUES (1, 1) IF NOT EXISTS'), InvalidRequestError, 'Conditional updates are not supported by Sibyl');
    const small = await harness({ batch_size_max_statements: 1 });
    await small.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await small.run('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    await rejects(small.run('BEGIN BATCH INSERT INTO ks.t (k) VALUES (1); INSERT INTO ks.t (k) VALUES (2); APPLY BATCH'),
      InvalidRequestError, 'Batch of 2 statements exceeds batch_size_max_statements (1)');
  });

  it('an unlogged batch over many partitions warns', async () => {
    const inserts = Array.from({ length: 11 }, (_, i) => `INSERT INTO t (k, c) VALUES (${i}, 1);`).join(' ');
    const result = await h.run(`BEGIN UNLOGGED BATCH ${inserts} APPLY BATCH`);
    expect(result.warnings).to.deep.equal([
      'Unlogged batch covering 11 partitions detected against table [ks.t]. You should use a logged batch for atomicity, or asynchronous writes for performance.',
    ]);
  });

  it('a value over max_value_size is refused, naming the setting', async () => {
    const small = await harness({ max_value_size: 3 });
    await small.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await small.run('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
    await rejects(small.run("INSERT INTO ks.t (k, v) VALUES (1, 'abcd')"), InvalidRequestError,
      'Value of 4 bytes for column v exceeds max_value_size (3)');
  });

  it('the table default_time_to_live applies unless USING TTL 0 says otherwise', async () => {
    await h.run('CREATE TABLE e (k int PRIMARY KEY, v int) WITH default_time_to_live = 100');
    await h.run('INSERT INTO e (k, v) VALUES (1, 1)');
    expect(h.last()[0]!.rows[0]!.cells[0]!.cell).to.include({ ttlS: 100, localDeletionTimeS: START_S + 100 });
    await h.run('INSERT INTO e (k, v) VALUES (1, 1) USING TTL 0');
    expect(h.last()[0]!.rows[0]!.cells[0]!.cell).to.include({ ttlS: 0, localDeletionTimeS: NO_DELETION_TIME });
  });
});
