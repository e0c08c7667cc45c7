/**
 * Reads through a real node: IN on partition and clustering keys, token
 * ranges (with token(values) on the right), tuple relations, ORDER BY, LIMIT,
 * PER PARTITION LIMIT, DISTINCT, COUNT, ALLOW FILTERING, paging by hand and
 * through eachRow / iterate / stream, and USING CONSISTENCY.
 */
import { expect } from 'chai';
import { InvalidRequestError, ProtocolError, type Row } from '../../src/client/index.js';
import { closeSession, expectFailure, openSession, plain, type Session } from './helpers.js';

/** Murmur3 tokens of int keys 0..3, as Cassandra computes them. */
const TOKEN = { 0: -3485513579396041028n, 1: -4069959284402364209n, 2: -3248873570005575792n, 3: 9010454139840013625n };

describe('reads through the driver', function () {
  this.timeout(30_000);
  let s: Session;
  const pairs = async (cql: string, params: unknown[] = []) =>
    (await s.client.execute(cql, params)).rows.map((r) => `${String(r['k'])}.${String(r['c'])}`);
  const keys = async (cql: string, params: unknown[] = []) => (await s.client.execute(cql, params)).rows.map((r) => r['k']);

  before(async () => {
    s = await openSession(['rd']);
    await s.client.execute('CREATE TABLE rd.t (k int, c int, v text, w int, PRIMARY KEY (k, c))');
    for (let k = 0; k < 4; k++) {
      for (let c = 0; c < 5; c++) await s.client.execute('INSERT INTO rd.t (k, c, v, w) VALUES (?, ?, ?, ?)', [k, c, `v${k}${c}`, k * 10 + c]);
    }
    await s.client.execute(`CREATE TABLE rd.two (a int, b text, x int, y int, PRIMARY KEY ((a, b), x, y)) WITH CLUSTERING ORDER BY (x DESC, y ASC)`);
    for (const [x, y] of [[1, 1], [1, 2], [2, 1], [2, 2], [3, 1]]) await s.client.execute("INSERT INTO rd.two (a, b, x, y) VALUES (1, 'p', ?, ?)", [x, y]);
  });
  after(() => closeSession(s));

  it('scans every partition in token order', async () => {
    const ks = (await s.client.execute('SELECT DISTINCT k, token(k) FROM rd.t')).rows;
    expect(ks.map((r) => [r['k'], r['system.token(k)']])).to.deep.equal([[1, TOKEN[1]], [0, TOKEN[0]], [2, TOKEN[2]], [3, TOKEN[3]]]);
  });

  it('reads IN partitions in partition key order, duplicates removed', async () => {
    expect(await pairs('SELECT k, c FROM rd.t WHERE k IN (3, 0, 3) AND c = 1')).to.deep.equal(['0.1', '3.1']);
    expect(await pairs('SELECT k, c FROM rd.t WHERE k IN ? AND c = ?', [[2, 1], 4])).to.deep.equal(['1.4', '2.4']);
  });

  it('reads clustering IN in clustering order, and with ORDER BY across partitions merges by clustering', async () => {
    expect(await pairs('SELECT k, c FROM rd.t WHERE k = 1 AND c IN (3, 0)')).to.deep.equal(['1.0', '1.3']);
    expect(await pairs('SELECT k, c FROM rd.t WHERE k IN (1, 0) AND c IN (3, 0) ORDER BY c DESC')).to.deep.equal(['0.3', '1.3', '0.0', '1.0']);
  });

  it('restricts token ranges by number, by bind value and by token(values)', async () => {
    expect(await keys('SELECT DISTINCT k FROM rd.t WHERE token(k) > ?', [TOKEN[0]])).to.deep.equal([2, 3]);
    expect(await keys(`SELECT DISTINCT k FROM rd.t WHERE token(k) >= ${TOKEN[0]} AND token(k) <= ${TOKEN[2]}`)).to.deep.equal([0, 2]);
    expect(await keys('SELECT DISTINCT k FROM rd.t WHERE token(k) > token(0)')).to.deep.equal([2, 3]);
    expect(await keys('SELECT DISTINCT k FROM rd.t WHERE token(k) <= token(?)', [0])).to.deep.equal([1, 0]);
    expect(await pairs('SELECT k, c FROM rd.t WHERE token(k) = token(3) AND c < 2 ALLOW FILTERING')).to.deep.equal(['3.0', '3.1']);
  });

  it('compares clustering tuples column by column', async () => {
    const xy = async (cql: string) => (await s.client.execute(cql)).rows.map((r) => `${String(r['x'])}.${String(r['y'])}`);
    expect(await xy("SELECT x, y FROM rd.two WHERE a = 1 AND b = 'p'")).to.deep.equal(['3.1', '2.1', '2.2', '1.1', '1.2']);
    expect(await xy("SELECT x, y FROM rd.two WHERE a = 1 AND b = 'p' AND (x, y) > (1, 1) AND (x, y) <= (2, 1)")).to.deep.equal(['2.1', '1.2']);
    expect(await xy("SELECT x, y FROM rd.two WHERE a = 1 AND b = 'p' AND (x, y) IN ((2, 2), (1, 1))")).to.deep.equal(['2.2', '1.1']);
    expect(await xy("SELECT x, y FROM rd.two WHERE a = 1 AND b = 'p' ORDER BY x ASC, y DESC")).to.deep.equal(['1.2', '1.1', '2.2', '2.1', '3.1']);
    expect(await xy("SELECT x, y FROM rd.two WHERE a = 1 AND b = 'p' AND x = 2 AND y >= 2")).to.deep.equal(['2.2']);
    await expectFailure(s.client.execute("SELECT x FROM rd.two WHERE a = 1 AND b = 'p' AND (x, x) = (1, 1)"), InvalidRequestError,
      'Column "x" appeared twice in a relation: (x, x)');
    await expectFailure(s.client.execute("SELECT x FROM rd.two WHERE a = 1 AND b = 'p' AND (y, x) = (1, 1)"), InvalidRequestError,
      'Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (y, x)');
  });

  it('applies LIMIT and PER PARTITION LIMIT', async () => {
    expect(await pairs('SELECT k, c FROM rd.t WHERE k IN (0, 1) LIMIT 3')).to.deep.equal(['0.0', '0.1', '0.2']);
    expect(await pairs('SELECT k, c FROM rd.t PER PARTITION LIMIT 1')).to.deep.equal(['1.0', '0.0', '2.0', '3.0']);
    expect(await pairs('SELECT k, c FROM rd.t PER PARTITION LIMIT 2 LIMIT 3')).to.deep.equal(['1.0', '1.1', '0.0']);
    await expectFailure(s.client.execute('SELECT * FROM rd.t WHERE k = 1 LIMIT 0'), InvalidRequestError, 'LIMIT must be strictly positive');
  });

  it('counts rows with COUNT(*) and COUNT(1), under an alias', async () => {
    expect(plain((await s.client.execute('SELECT COUNT(*) FROM rd.t')).rows)).to.deep.equal([{ count: 20n }]);
    expect(plain((await s.client.execute('SELECT COUNT(*) AS n, COUNT(1) FROM rd.t WHERE k = 2 AND c > 2')).rows)).to.deep.equal([{ n: 2n, count: 2n }]);
    expect(plain((await s.client.execute('SELECT COUNT(*) FROM rd.t', [], { fetchSize: 3 })).rows)).to.deep.equal([{ count: 20n }]);
  });

  it('filters on regular and clustering columns only with ALLOW FILTERING', async () => {
    const filtering = 'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';
    await expectFailure(s.client.execute('SELECT * FROM rd.t WHERE w = 3'), InvalidRequestError, filtering);
    await expectFailure(s.client.execute('SELECT * FROM rd.t WHERE c = 3'), InvalidRequestError, filtering);
    expect(await pairs('SELECT k, c FROM rd.t WHERE w = 23 ALLOW FILTERING')).to.deep.equal(['2.3']);
    expect(await pairs('SELECT k, c FROM rd.t WHERE c = 4 AND w > 10 ALLOW FILTERING')).to.deep.equal(['1.4', '2.4', '3.4']);
    expect(await pairs("SELECT k, c FROM rd.t WHERE k = 3 AND c > 1 AND v = 'v32' ALLOW FILTERING")).to.deep.equal(['3.2']);
  });

  it('refuses ORDER BY without a restricted partition key or on a non-clustering column', async () => {
    await expectFailure(s.client.execute('SELECT * FROM rd.t ORDER BY c DESC'), InvalidRequestError,
      'ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
    await expectFailure(s.client.execute('SELECT * FROM rd.t WHERE k = 1 ORDER BY v'), InvalidRequestError,
      'Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v');
  });

  describe('paging', () => {
    const everyRow = Array.from({ length: 4 }, (_, i) => [1, 0, 2, 3][i]!).flatMap((k) => Array.from({ length: 5 }, (_, c) => `${k}.${c}`));

    it('pages a scan by hand with fetchSize and pageState, every row once, in token order', async () => {
      const seen: string[] = [];
      let pageState: string | undefined;
      let pages = 0;
      do {
        const rs = await s.client.execute('SELECT k, c FROM rd.t', [], { fetchSize: 6, pageState });
        pages++;
        expect(rs.rows.length).to.be.at.most(6);
        seen.push(...rs.rows.map((r) => `${String(r['k'])}.${String(r['c'])}`));
        pageState = rs.pageState ?? undefined;
      } while (pageState);
      expect(pages).to.equal(4);
      expect(seen).to.deep.equal(everyRow);
    });

    it('iterates every page with for await, honouring LIMIT and PER PARTITION LIMIT across pages', async () => {
      const collect = async (cql: string, fetchSize: number) => {
        const out: string[] = [];
        for await (const r of s.client.iterate(cql, [], { fetchSize })) out.push(`${String(r['k'])}.${String(r['c'])}`);
        return out;
      };
      expect(await collect('SELECT k, c FROM rd.t', 4)).to.deep.equal(everyRow);
      expect(await collect('SELECT k, c FROM rd.t LIMIT 7', 3)).to.deep.equal(everyRow.slice(0, 7));
      expect(await collect('SELECT k, c FROM rd.t PER PARTITION LIMIT 2', 1)).to.deep.equal(['1.0', '1.1', '0.0', '0.1', '2.0', '2.1', '3.0', '3.1']);
      expect(await collect('SELECT k, c FROM rd.t WHERE k = 2 ORDER BY c DESC', 2)).to.deep.equal(['2.4', '2.3', '2.2', '2.1', '2.0']);
    });

    it('runs eachRow over the first page only, or every page with autoPage', async () => {
      const run = (autoPage: boolean) =>
        new Promise<{ seen: string[]; more: boolean }>((resolve, reject) => {
          const seen: string[] = [];
          s.client.eachRow('SELECT c FROM rd.t WHERE k = ?', [1], { fetchSize: 2, autoPage }, (n: number, row: Row) => seen.push(`${n}:${String(row['c'])}`),
            (err, rs) => (err ? reject(err) : resolve({ seen, more: rs?.pageState != null })));
        });
      expect(await run(false)).to.deep.equal({ seen: ['0:0', '1:1'], more: true });
      expect(await run(true)).to.deep.equal({ seen: ['0:0', '1:1', '2:2', '3:3', '4:4'], more: false });
    });

    it('streams every row of every page', async () => {
      const seen = await new Promise<unknown[]>((resolve, reject) => {
        const out: unknown[] = [];
        s.client.stream('SELECT c FROM rd.t WHERE k = 0', [], { fetchSize: 2 }).on('data', (r: Row) => out.push(r['c'])).on('end', () => resolve(out)).on('error', reject);
      });
      expect(seen).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it('refuses a page state that is not one', async () => {
      await expectFailure(s.client.execute('SELECT c FROM rd.t WHERE k = 0', [], { fetchSize: 2, pageState: 'deadbeef' }), ProtocolError,
        'Invalid value for the paging state');
    });
  });

  describe('consistency', () => {
    it('lets USING CONSISTENCY override the client level and refuses ANY for reads', async () => {
      const rs = await s.client.execute('SELECT c FROM rd.t WHERE k = 1 LIMIT 1 USING CONSISTENCY ONE', [], { consistency: 'ALL' });
      expect(plain(rs.rows)).to.deep.equal([{ c: 0 }]);
      await expectFailure(s.client.execute('SELECT c FROM rd.t WHERE k = 1', [], { consistency: 'ANY' }), InvalidRequestError,
        'ANY ConsistencyLevel is only supported for writes');
      await expectFailure(s.client.execute('SELECT c FROM rd.t WHERE k = 1 USING CONSISTENCY ANY'), InvalidRequestError,
        'ANY ConsistencyLevel is only supported for writes');
    });
  });
});
