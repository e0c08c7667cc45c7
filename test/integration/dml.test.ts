/**
 * Writes through a real node: TTLs (statement, table default, expiry),
 * writetime()/ttl(), USING TIMESTAMP and its ties, static columns, every
 * collection operation, every kind of DELETE, batches, unset and named
 * bind values.
 */
import { expect } from 'chai';
import { InvalidRequestError } from '../../src/client/index.js';
import { closeSession, expectFailure, openSession, plain, type Session } from './helpers.js';

describe('writes through the driver', function () {
  this.timeout(30_000);
  let s: Session;
  const rows = async (cql: string, params: unknown[] = []) => plain((await s.client.execute(cql, params)).rows);

  before(async () => {
    s = await openSession(['dml']);
    await s.client.execute('USE dml');
    await s.client.execute('CREATE TABLE t (k int, c int, v text, w int, PRIMARY KEY (k, c))');
    await s.client.execute('CREATE TABLE ttl_default (k int PRIMARY KEY, v text) WITH default_time_to_live = 100');
    await s.client.execute(`CREATE TABLE coll (k int, c int, s text STATIC, st set<int>, l list<text>, m map<text, int>,
      fs frozen<set<int>>, PRIMARY KEY (k, c))`);
  });
  after(() => closeSession(s));

  describe('TTL and writetime', () => {
    it('applies the table default TTL unless the statement gives one; TTL 0 means none', async () => {
      await s.client.execute("INSERT INTO ttl_default (k, v) VALUES (1, 'a')");
      await s.client.execute("INSERT INTO ttl_default (k, v) VALUES (2, 'b') USING TTL 0");
      await s.client.execute("INSERT INTO ttl_default (k, v) VALUES (3, 'c') USING TTL 50");
      const got = await rows('SELECT k, ttl(v) FROM ttl_default WHERE k IN (1, 2, 3)');
      expect(got.map((r) => r['k'])).to.deep.equal([1, 2, 3]);
      expect(got[0]!['ttl(v)']).to.be.within(99, 100);
      expect(got[1]!['ttl(v)']).to.equal(null);
      expect(got[2]!['ttl(v)']).to.be.within(49, 50);
    });

    it('reports writetime() of USING TIMESTAMP and of the driver\'s own microsecond timestamps', async () => {
      const before = BigInt(Date.now()) * 1000n;
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')");
      await s.client.execute("INSERT INTO t (k, c, v, w) VALUES (1, 2, 'b', 2) USING TIMESTAMP 1234567");
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (1, 3, 'c')", [], { timestamp: 42n });
      const got = await rows('SELECT c, writetime(v) AS wt, writetime(w) FROM t WHERE k = 1');
      expect(got[0]!['wt']).to.be.a('bigint');
      expect((got[0]!['wt'] as bigint) >= before, 'the driver\'s timestamp is the current time in µs').to.equal(true);
      expect(got.slice(1)).to.deep.equal([{ c: 2, wt: 1234567n, 'writetime(w)': 1234567n }, { c: 3, wt: 42n, 'writetime(w)': null }]);
    });

    it('expires a cell after its TTL, and a row written by INSERT only when its marker expires too', async () => {
      // Expiry counts whole seconds, as Cassandra's does: a TTL of 3 lives more than 2 s and less than 3 s, so the
      // first read (well within 2 s on a busy machine) sees every row and the one 3.1 s later sees them expired.
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (2, 1, 'gone') USING TTL 3");
      await s.client.execute('INSERT INTO t (k, c) VALUES (2, 2)');
      await s.client.execute("UPDATE t USING TTL 3 SET v = 'v' WHERE k = 2 AND c = 2");
      await s.client.execute("UPDATE t USING TTL 3 SET v = 'u' WHERE k = 2 AND c = 3");
      expect(await rows('SELECT c, v FROM t WHERE k = 2')).to.have.length(3);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      expect(await rows('SELECT c, v FROM t WHERE k = 2')).to.deep.equal([{ c: 2, v: null }]);
    });

    it('refuses negative and over-long TTLs and writetime() of key columns', async () => {
      await expectFailure(s.client.execute("INSERT INTO t (k, c, v) VALUES (9, 9, 'x') USING TTL -1"), InvalidRequestError,
        'A TTL must be greater or equal to 0, but was -1');
      await expectFailure(s.client.execute("INSERT INTO t (k, c, v) VALUES (9, 9, 'x') USING TTL 630720001"), InvalidRequestError,
        'ttl is too large. requested (630720001) maximum (630720000)');
      await expectFailure(s.client.execute('SELECT ttl(k) FROM t'), InvalidRequestError, 'Cannot use selection function ttl on PRIMARY KEY part k');
      await expectFailure(s.client.execute('SELECT writetime(c) FROM t'), InvalidRequestError,
        'Cannot use selection function writeTime on PRIMARY KEY part c');
    });
  });

  describe('USING TIMESTAMP', () => {
    it('keeps the greater value on a timestamp tie, whatever the order of the writes', async () => {
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 1, 'a') USING TIMESTAMP 10");
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 1, 'b') USING TIMESTAMP 10");
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 1, 'a') USING TIMESTAMP 10");
      expect(await rows('SELECT v, writetime(v) FROM t WHERE k = 3 AND c = 1')).to.deep.equal([{ v: 'b', 'writetime(v)': 10n }]);
    });

    it('lets a tombstone win a tie with a live cell', async () => {
      await s.client.execute('DELETE v FROM t USING TIMESTAMP 10 WHERE k = 3 AND c = 1');
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 1, 'z') USING TIMESTAMP 10");
      expect(await rows('SELECT c, v FROM t WHERE k = 3')).to.deep.equal([{ c: 1, v: null }]);
    });

    it('ignores a write older than the partition tombstone and keeps newer ones', async () => {
      await s.client.execute('DELETE FROM t USING TIMESTAMP 20 WHERE k = 3');
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 2, 'y') USING TIMESTAMP 20");
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (3, 3, 'x') USING TIMESTAMP 21");
      await s.client.execute("UPDATE t USING TIMESTAMP 5 SET v = 'old' WHERE k = 3 AND c = 3");
      expect(await rows('SELECT c, v FROM t WHERE k = 3')).to.deep.equal([{ c: 3, v: 'x' }]);
    });
  });

  describe('static columns', () => {
    it('shows a static-only partition as one row with null clustering, and the static value on every row', async () => {
      await s.client.execute("UPDATE coll SET s = 'S' WHERE k = 1");
      expect(await rows('SELECT k, c, s, st FROM coll WHERE k = 1')).to.deep.equal([{ k: 1, c: null, s: 'S', st: null }]);
      await s.client.execute('INSERT INTO coll (k, c) VALUES (1, 1)');
      await s.client.execute('INSERT INTO coll (k, c) VALUES (1, 2)');
      expect(await rows('SELECT c, s FROM coll WHERE k = 1')).to.deep.equal([{ c: 1, s: 'S' }, { c: 2, s: 'S' }]);
      expect(await rows('SELECT c, s FROM coll WHERE k = 1 AND c = 5')).to.deep.equal([]);
    });

    it('refuses a clustering restriction on an UPDATE of static columns only, and a static column without clustering', async () => {
      await expectFailure(s.client.execute("UPDATE coll SET s = 'x' WHERE k = 1 AND c = 1"), InvalidRequestError,
        'Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns');
      await expectFailure(s.client.execute('CREATE TABLE bad (k int PRIMARY KEY, s int STATIC)'), InvalidRequestError,
        'Static columns are only useful (and thus allowed) if the table has at least one clustering column');
    });

    it('refuses a clustering restriction on a DELETE of static columns only, leaving the static cell; with a regular column it deletes both', async () => {
      await s.client.execute("INSERT INTO coll (k, c, s) VALUES (8, 1, 'S8')");
      for (const where of ['k = 8 AND c = 1', 'k = 8 AND c > 0', 'k = 8 AND c IN (1, 2)']) {
        await expectFailure(s.client.execute(`DELETE s FROM coll WHERE ${where}`), InvalidRequestError,
          'Invalid restrictions on clustering columns since the DELETE statement modifies only static columns');
      }
      expect(await rows('SELECT c, s FROM coll WHERE k = 8')).to.deep.equal([{ c: 1, s: 'S8' }]);
      await s.client.execute("UPDATE coll SET l = ['x'] WHERE k = 8 AND c = 1");
      await s.client.execute('DELETE s, l FROM coll WHERE k = 8 AND c = 1');
      expect(await rows('SELECT c, s, l FROM coll WHERE k = 8')).to.deep.equal([{ c: 1, s: null, l: null }]);
    });

    it('refuses a clustering restriction when selecting only static and partition key columns, as Cassandra does', async () => {
      for (const cql of ['SELECT s FROM coll WHERE k = 1 AND c = 1', 'SELECT k, writetime(s) FROM coll WHERE k = 1 AND c > 0',
        'SELECT DISTINCT k, s FROM coll WHERE k = 1 AND c = 1']) {
        await expectFailure(s.client.execute(cql), InvalidRequestError, 'Cannot restrict clustering columns when selecting only static columns');
      }
      expect(await rows('SELECT c, s FROM coll WHERE k = 1 AND c = 1')).to.deep.equal([{ c: 1, s: 'S' }]);
      expect(await rows('SELECT s FROM coll WHERE k = 1')).to.deep.equal([{ s: 'S' }, { s: 'S' }]);
    });

    it('deletes a static cell with a partition-key-only DELETE naming it', async () => {
      await s.client.execute("UPDATE coll SET s = 'S9' WHERE k = 9");
      await s.client.execute('DELETE s FROM coll WHERE k = 9');
      expect(await rows('SELECT * FROM coll WHERE k = 9')).to.deep.equal([]);
    });
  });

  describe('collections', () => {
    const where = 'WHERE k = 2 AND c = 1';
    const read = async (col: string) => (await rows(`SELECT ${col} FROM coll ${where}`))[0]![col];

    it('prepends, appends, sets and deletes list elements by index, and removes by value', async () => {
      await s.client.execute(`INSERT INTO coll (k, c, l) VALUES (2, 1, ['b', 'a', 'b'])`);
      await s.client.execute(`UPDATE coll SET l = ['x'] + l, l = l + ['y'] ${where}`);
      await s.client.execute(`UPDATE coll SET l = l + ['y'] ${where}`);
      await s.client.execute(`UPDATE coll SET l[1] = 'B' ${where}`);
      expect(await read('l')).to.deep.equal(['x', 'B', 'a', 'b', 'y', 'y']);
      await s.client.execute(`UPDATE coll SET l = l - ['b', 'y'] ${where}`);
      await s.client.execute(`DELETE l[0] FROM coll ${where}`);
      expect(await read('l')).to.deep.equal(['B', 'a']);
      await s.client.execute(`UPDATE coll SET l[?] = ? ${where}`, [1, 'A']);
      expect(await read('l')).to.deep.equal(['B', 'A']);
      await expectFailure(s.client.execute(`UPDATE coll SET l[10] = 'B' ${where}`), InvalidRequestError, 'List index 10 out of bound, list has size 2');
      await expectFailure(s.client.execute(`DELETE l[5] FROM coll ${where}`), InvalidRequestError, 'List index 5 out of bound, list has size 2');
    });

    it('adds and removes set elements, with literals and bind values', async () => {
      await s.client.execute(`UPDATE coll SET st = {3, 1, 2} ${where}`);
      await s.client.execute(`UPDATE coll SET st = st + {7}, st = st - {1} ${where}`);
      await s.client.execute(`UPDATE coll SET st = st + ? ${where}`, [[9, 0]]);
      await s.client.execute(`UPDATE coll SET st = st - ? ${where}`, [[2]]);
      expect(await read('st')).to.deep.equal([0, 3, 7, 9]);
    });

    it('deletes one set element with DELETE s[e], as Cassandra does, with a literal or a bind value', async () => {
      await s.client.execute(`UPDATE coll SET st = {1, 2, 3, 4} ${where}`);
      await s.client.execute(`DELETE st[2] FROM coll ${where}`);
      await s.client.execute(`DELETE st[?] FROM coll ${where}`, [4]);
      await s.client.execute(`DELETE st[99] FROM coll ${where}`);
      expect(await read('st')).to.deep.equal([1, 3]);
      await expectFailure(s.client.execute(`DELETE st[null] FROM coll ${where}`), InvalidRequestError, 'Invalid null set element');
      await expectFailure(s.client.execute(`DELETE st['a'] FROM coll ${where}`), InvalidRequestError, 'Invalid STRING constant (a) for "st" of type int');
    });

    it('puts map entries by key and with +, removes them with - and DELETE m[k]', async () => {
      await s.client.execute(`UPDATE coll SET m = {'z': 1, 'a': 2} ${where}`);
      await s.client.execute(`UPDATE coll SET m['q'] = 5, m = m + {'r': 6} ${where}`);
      await s.client.execute(`UPDATE coll SET m = m - {'z'} ${where}`);
      await s.client.execute(`DELETE m['a'] FROM coll ${where}`);
      await s.client.execute(`UPDATE coll SET m[?] = ? ${where}`, ['b', 26]);
      expect(await read('m')).to.deep.equal(new Map([['b', 26], ['q', 5], ['r', 6]]));
    });

    it('replaces a whole collection on assignment, and an empty one reads as null', async () => {
      await s.client.execute(`UPDATE coll SET st = {42} ${where}`);
      expect(await read('st')).to.deep.equal([42]);
      await s.client.execute(`UPDATE coll SET st = {}, m = {}, l = [] ${where}`);
      expect(await rows(`SELECT st, m, l FROM coll ${where}`)).to.deep.equal([{ st: null, m: null, l: null }]);
    });

    it('refuses element operations on frozen and non-collection columns, and null map keys', async () => {
      // The operation is quoted back as written, as Cassandra quotes it.
      await expectFailure(s.client.execute(`UPDATE coll SET fs = fs + {1} ${where}`), InvalidRequestError, 'Invalid operation (fs = fs + {1}) for frozen collection column fs');
      await expectFailure(s.client.execute(`UPDATE coll SET s = s + 'x' WHERE k = 2`), InvalidRequestError, "Invalid operation (s = s + 'x') for non counter column s");
      await expectFailure(s.client.execute(`UPDATE coll SET s = 'it''s' + s WHERE k = 2`), InvalidRequestError, "Invalid operation (s = 'it''s' + s) for non counter column s");
      await expectFailure(s.client.execute(`UPDATE coll SET s[0] = 'x' WHERE k = 2`), InvalidRequestError, "Invalid operation (s[0] = 'x') for non collection column s");
      await expectFailure(s.client.execute(`UPDATE coll SET s = s - ? WHERE k = 2`, ['x']), InvalidRequestError, 'Invalid operation (s = s - ?) for non counter column s');
      await expectFailure(s.client.execute(`UPDATE coll SET m[null] = 1 ${where}`), InvalidRequestError, 'Invalid null map key');
      await expectFailure(s.client.execute(`DELETE fs[1] FROM coll ${where}`), InvalidRequestError, 'Invalid deletion operation for frozen collection column fs');
      await expectFailure(s.client.execute(`DELETE s['x'] FROM coll WHERE k = 2`), InvalidRequestError, 'Invalid deletion operation for non collection column s');
    });
  });

  describe('DELETE', () => {
    before(async () => {
      for (let c = 1; c <= 6; c++) await s.client.execute('INSERT INTO t (k, c, v, w) VALUES (4, ?, ?, ?)', [c, `v${c}`, c]);
    });

    it('deletes one cell, leaving the row', async () => {
      await s.client.execute('DELETE v FROM t WHERE k = 4 AND c = 1');
      expect(await rows('SELECT c, v, w FROM t WHERE k = 4 AND c = 1')).to.deep.equal([{ c: 1, v: null, w: 1 }]);
    });

    it('deletes one row', async () => {
      await s.client.execute('DELETE FROM t WHERE k = 4 AND c = 2');
      expect((await rows('SELECT c FROM t WHERE k = 4')).map((r) => r['c'])).to.deep.equal([1, 3, 4, 5, 6]);
    });

    it('deletes a clustering range', async () => {
      await s.client.execute('DELETE FROM t WHERE k = 4 AND c > 3 AND c <= 5');
      expect((await rows('SELECT c FROM t WHERE k = 4')).map((r) => r['c'])).to.deep.equal([1, 3, 6]);
    });

    it('deletes a whole partition', async () => {
      await s.client.execute('DELETE FROM t WHERE k = 4');
      expect(await rows('SELECT c FROM t WHERE k = 4')).to.deep.equal([]);
    });

    it('deletes and updates with multi-column relations on the clustering columns, in any clustering order', async () => {
      await s.client.execute('CREATE TABLE mc (k int, a int, b int, v int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)');
      const fill = async (k: number) => {
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) await s.client.execute('INSERT INTO mc (k, a, b, v) VALUES (?, ?, ?, 0)', [k, a, b]);
      };
      const left = async (k: number) => (await rows('SELECT a, b FROM mc WHERE k = ?', [k])).map((r) => `${r['a']}${r['b']}`);
      await fill(1);
      await s.client.execute('DELETE FROM mc WHERE k = 1 AND (a, b) > (0, 1) AND (a, b) <= (2, 0)');
      expect(await left(1)).to.deep.equal(['21', '22', '00', '01']);
      await fill(2);
      await s.client.execute('DELETE FROM mc WHERE k = ? AND (a, b) IN ((?, ?), (2, 2))', [2, 1, 1]);
      await s.client.execute('DELETE FROM mc WHERE k = 2 AND (a) = (0)');
      expect(await left(2)).to.deep.equal(['20', '21', '10', '12']);
      await s.client.execute('UPDATE mc SET v = 5 WHERE k = 2 AND (a, b) IN ((2, 0), (1, 2))');
      await s.client.execute('DELETE v FROM mc WHERE k = 2 AND (a, b) = (2, 0)');
      expect(await rows('SELECT a, b, v FROM mc WHERE k = 2 AND a IN (2, 1)')).to.deep.equal([
        { a: 2, b: 0, v: null }, { a: 2, b: 1, v: 0 }, { a: 1, b: 0, v: 0 }, { a: 1, b: 2, v: 5 },
      ]);
      await expectFailure(s.client.execute('UPDATE mc SET v = 1 WHERE k = 2 AND (a, b) > (1, 1)'), InvalidRequestError,
        'Slice restrictions are not supported on the clustering columns in UPDATE statements');
      await expectFailure(s.client.execute('UPDATE mc SET v = 1 WHERE k = 2 AND (a) = (1)'), InvalidRequestError, 'Some clustering keys are missing: b');
      await expectFailure(s.client.execute('DELETE v FROM mc WHERE k = 2 AND (a, b) > (1, 1)'), InvalidRequestError,
        'Range deletions are not supported for specific columns');
      await expectFailure(s.client.execute('DELETE FROM mc WHERE k = 2 AND (a, b) = (1, 1) AND a = 1'), InvalidRequestError,
        'Mixing single column relations and multi column relations on clustering columns is not allowed');
      await expectFailure(s.client.execute('DELETE FROM mc WHERE k = 2 AND (b) = (1)'), InvalidRequestError,
        'PRIMARY KEY column "b" cannot be restricted as preceding column "a" is not restricted');
      await expectFailure(s.client.execute('DELETE FROM mc WHERE k = 2 AND (a, v) = (1, 1)'), InvalidRequestError,
        'Multi-column relations can only be applied to clustering columns but was applied to: v');
    });

    it('keeps a row written by UPDATE only while it has a live cell; an INSERT row survives with its marker', async () => {
      await s.client.execute("UPDATE t SET v = 'u' WHERE k = 5 AND c = 1");
      await s.client.execute("INSERT INTO t (k, c, v) VALUES (5, 2, 'i')");
      await s.client.execute('DELETE v FROM t WHERE k = 5 AND c IN (1, 2)');
      expect(await rows('SELECT c, v FROM t WHERE k = 5')).to.deep.equal([{ c: 2, v: null }]);
    });
  });

  describe('BATCH', () => {
    it('applies a logged batch of INSERT and UPDATE with one timestamp', async () => {
      await s.client.execute("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (6, 1, 'x'); UPDATE t SET w = 7 WHERE k = 6 AND c = 1; APPLY BATCH");
      const [row] = await rows('SELECT v, w, writetime(v) AS a, writetime(w) AS b FROM t WHERE k = 6 AND c = 1');
      expect(row).to.include({ v: 'x', w: 7 });
      expect(row!['a']).to.equal(row!['b']);
    });

    it('applies an unlogged batch with USING TIMESTAMP to every statement, deletes included', async () => {
      await s.client.execute("BEGIN UNLOGGED BATCH USING TIMESTAMP 77 INSERT INTO t (k, c, v) VALUES (6, 2, 'y') DELETE w FROM t WHERE k = 6 AND c = 1 APPLY BATCH");
      expect(await rows('SELECT c, v, w, writetime(v) FROM t WHERE k = 6')).to.deep.equal([
        { c: 1, v: 'x', w: 7, 'writetime(v)': (await rows('SELECT writetime(v) FROM t WHERE k = 6 AND c = 1'))[0]!['writetime(v)'] },
        { c: 2, v: 'y', w: null, 'writetime(v)': 77n },
      ]);
    });

    it('refuses a timestamp on both the batch and a statement', async () => {
      await expectFailure(
        s.client.execute("BEGIN BATCH USING TIMESTAMP 5 INSERT INTO t (k, c, v) VALUES (6, 3, 'x') USING TIMESTAMP 6; APPLY BATCH"),
        InvalidRequestError,
        'Timestamp must be set either on BATCH or individual statements',
      );
    });

    it('runs client.batch() with prepared entries, plain strings, and a batch timestamp', async () => {
      await s.client.batch(["INSERT INTO t (k, c, v) VALUES (7, 1, 'a')", { query: 'INSERT INTO t (k, c, v) VALUES (?, ?, ?)', params: [7, 2, 'b'] }], {
        logged: false,
        timestamp: 99,
      });
      await s.client.execute('BEGIN BATCH INSERT INTO t (k, c, v) VALUES (?, ?, ?); UPDATE t SET w = ? WHERE k = ? AND c = ?; APPLY BATCH', [7, 3, 'c', 3, 7, 3]);
      const got = await rows('SELECT c, v, w FROM t WHERE k = 7');
      expect(got).to.deep.equal([{ c: 1, v: 'a', w: null }, { c: 2, v: 'b', w: null }, { c: 3, v: 'c', w: 3 }]);
      expect((await rows('SELECT writetime(v) FROM t WHERE k = 7 AND c = 2'))[0]!['writetime(v)']).to.equal(99n);
    });
  });

  describe('bind values', () => {
    it('leaves a column untouched for an unset (undefined) value and writes null for null', async () => {
      await s.client.execute("INSERT INTO t (k, c, v, w) VALUES (8, 1, 'keep', 1)");
      await s.client.execute('INSERT INTO t (k, c, v, w) VALUES (?, ?, ?, ?)', [8, 1, undefined, null]);
      expect(await rows('SELECT v, w FROM t WHERE k = 8 AND c = 1')).to.deep.equal([{ v: 'keep', w: null }]);
    });

    it('binds named markers case-insensitively, by marker name', async () => {
      await s.client.execute('UPDATE t SET v = :V WHERE k = :k AND c = :C', { v: 'named', K: 8, c: 2 });
      expect(await rows('SELECT v FROM t WHERE k = :k AND c = :c', [8, 2])).to.deep.equal([{ v: 'named' }]);
    });
  });
});
