import { expect } from 'chai';
import type { Relation, Select } from '../../../../grammar/ast.js';
import { ManualClock } from '../../../../src/clock/clock.js';
import { executeSelect, selectResultColumns } from '../../../../src/cql/select/index.js';
import type { Coordinator } from '../../../../src/coordinator/coordinator.js';
import { deserialize } from '../../../../src/schema/codec.js';
import { parseTypeName } from '../../../../src/schema/cql-type.js';
import type { Partition } from '../../../../src/storage/model.js';
import { ErrorCode } from '../../../../src/util/errors.js';
import { FakeCoordinator } from './fake-coordinator.js';
import { expiring, grid, listPath, live, partition, row, staticRow, WRITE_US } from './data.js';
import { cmp, col, eq, inRel, intBytes, key, KEYSPACE, n, s, select, SETTINGS, TABLE, termCtx, textBytes } from './fixtures.js';

const NOW_US = 1_700_000_000_000_000;
const NOW_S = NOW_US / 1_000_000;

async function page(coordinator: Coordinator, stmt: Select, fetchSize = 1000, pageState?: Buffer, clock = new ManualClock(NOW_US)) {
  const env = await executeSelect({ coordinator, clock, settings: SETTINGS }, KEYSPACE, TABLE, stmt, termCtx(clock), {
    consistency: 'ONE',
    fetchSize,
    ...(pageState ? { pageState } : {}),
  });
  if (env.result.kind !== 'rows') throw new Error('expected rows');
  const types = env.result.columns.map((c) => parseTypeName(c.type));
  const rows = env.result.rows.map((r) => r.map((v, i) => (v === null ? null : deserialize(types[i]!, v))));
  return { rows, pageState: env.result.pageState, columns: env.result.columns.map((c) => c.name) };
}

async function rowsOf(partitions: Partition[], stmt: Select, clock?: ManualClock) {
  return (await page(new FakeCoordinator(partitions), stmt, 1000, undefined, clock)).rows;
}

/** Pages through with `fetchSize`, returning every page's rows. */
async function allPages(partitions: Partition[], stmt: Select, fetchSize: number) {
  const coordinator = new FakeCoordinator(partitions);
  const pages: unknown[][][] = [];
  let state: Buffer | undefined;
  do {
    const p = await page(coordinator, stmt, fetchSize, state);
    pages.push(p.rows);
    state = p.pageState;
    if (pages.length > 200) throw new Error('paging does not end');
  } while (state);
  return pages;
}

const kv = (...cols: string[]) => cols.map((c) => col(c));

describe('SELECT results', () => {
  it('returns rows of a composite-key partition in clustering order, DESC column reversed, static repeated', async () => {
    const rows = await rowsOf(grid(2), select({ selectors: kv('k1', 'k2', 'c1', 'c2', 's', 'v'), where: key(2, 'a') }));
    expect(rows).to.deep.equal([
      [2, 'a', 1, 3, 20, 'v2-1-3'],
      [2, 'a', 1, 2, 20, 'v2-1-2'],
      [2, 'a', 1, 1, 20, 'v2-1-1'],
      [2, 'a', 2, 3, 20, 'v2-2-3'],
      [2, 'a', 2, 2, 20, 'v2-2-2'],
      [2, 'a', 2, 1, 20, 'v2-2-1'],
    ]);
  });

  it('names SELECT * columns: partition key, clustering, then the rest alphabetically', async () => {
    const { columns } = await page(new FakeCoordinator([]), select());
    expect(columns).to.deep.equal(['k1', 'k2', 'c1', 'c2', 'l', 'm', 's', 'st', 'v']);
  });

  it('reassembles sets, maps and lists from element cells in the collection order', async () => {
    const cells = [
      { column: 'st', path: intBytes(10), cell: live(Buffer.alloc(0)) },
      { column: 'st', path: intBytes(-5), cell: live(Buffer.alloc(0)) },
      { column: 'm', path: textBytes('b'), cell: live(intBytes(2)) },
      { column: 'm', path: textBytes('a'), cell: live(intBytes(1)) },
      { column: 'l', path: listPath(2), cell: live(textBytes('second')) },
      { column: 'l', path: listPath(1), cell: live(textBytes('first')) },
    ];
    const rows = await rowsOf([partition(1, 'a', [row(1, 1, cells)])], select({ selectors: kv('st', 'm', 'l', 'v'), where: key(1, 'a') }));
    expect(rows).to.deep.equal([[[-5, 10], new Map([['a', 1], ['b', 2]]), ['first', 'second'], null]]);
  });

  it('returns a partition holding only static data as one row with null clustering and regular columns', async () => {
    const p = partition(7, 'x', [staticRow(70)]);
    expect(await rowsOf([p], select({ selectors: kv('k1', 'c1', 's', 'v'), where: key(7, 'x') }))).to.deep.equal([[7, null, 70, null]]);
    // Restricting clustering columns asks for rows, and there are none.
    expect(await rowsOf([p], select({ where: [...key(7, 'x'), eq('c1', n(1))] }))).to.deep.equal([]);
  });

  it('reads writetime and the remaining ttl, and drops cells once their TTL expires', async () => {
    const p = partition(1, 'a', [row(1, 1, [{ column: 'v', cell: expiring(textBytes('x'), 100, NOW_S + 40, WRITE_US + 7) }])]);
    const stmt = select({
      selectors: [col('v'), { expr: { kind: 'writetime', column: 'v' } }, { expr: { kind: 'ttl', column: 'v' } }, { expr: { kind: 'ttl', column: 's' } }],
      where: key(1, 'a'),
    });
    expect(await rowsOf([p], stmt)).to.deep.equal([['x', BigInt(WRITE_US + 7), 40, null]]);
    const later = new ManualClock(NOW_US + 41_000_000);
    // The row marker keeps the row; its expired cell reads as absent.
    expect(await rowsOf([p], stmt, later)).to.deep.equal([[null, null, null, null]]);
  });

  it('refuses writetime on a non-frozen collection and on key columns', async () => {
    const bad = (expr: Select['selectors']) => () => selectResultColumns(TABLE, select({ selectors: expr }));
    expect(bad([{ expr: { kind: 'writetime', column: 'st' } }])).to.throw('Cannot use selection function writeTime on non-frozen collection st');
    expect(bad([{ expr: { kind: 'ttl', column: 'c1' } }])).to.throw('Cannot use selection function ttl on PRIMARY KEY part c1');
    expect(bad([col('nope')])).to.throw('Undefined column name nope');
  });

  it('names and types function selectors as Cassandra does, aliases renaming them', () => {
    const specs = selectResultColumns(
      TABLE,
      select({
        selectors: [
          { expr: { kind: 'token', columns: ['k1', 'k2'] } },
          { expr: { kind: 'writetime', column: 'v' } },
          { expr: { kind: 'ttl', column: 'v' }, alias: 'left' },
          { expr: { kind: 'count' } },
          col('v', 'value'),
        ],
      }),
    );
    expect(specs.map((c) => [c.name, c.type])).to.deep.equal([
      ['system.token(k1, k2)', 'bigint'],
      ['writetime(v)', 'bigint'],
      ['left', 'int'],
      ['count', 'bigint'],
      ['value', 'text'],
    ]);
  });

  it('orders by the reverse of the clustering order', async () => {
    const rows = await rowsOf(grid(1), select({ selectors: kv('c1', 'c2'), where: key(1, 'a'), orderBy: [{ column: 'c1', order: 'DESC' }] }));
    expect(rows).to.deep.equal([[2, 1], [2, 2], [2, 3], [1, 1], [1, 2], [1, 3]]);
  });

  it('selects clustering slices and tuple ranges', async () => {
    const sel = (where: Relation[]) => rowsOf(grid(1), select({ selectors: kv('c1', 'c2'), where: [...key(1, 'a'), ...where] }));
    expect(await sel([eq('c1', n(1)), cmp('c2', '>=', n(2))])).to.deep.equal([[1, 3], [1, 2]]);
    expect(await sel([{ kind: 'tuple', columns: ['c1', 'c2'], op: '>', values: [n(1), n(2)] }])).to.deep.equal([[1, 3], [2, 3], [2, 2], [2, 1]]);
    expect(await sel([inRel('c1', [n(2)]), inRel('c2', [n(1), n(3)])])).to.deep.equal([[2, 3], [2, 1]]);
  });

  it('returns IN partitions in partition key order, as Cassandra does, whatever the order of the IN values', async () => {
    const rows = await rowsOf(grid(3), select({ selectors: kv('k1', 'k2'), distinct: true, where: [inRel('k1', [n(3), n(1)]), eq('k2', s('a'))] }));
    expect(rows).to.deep.equal([[1, 'a'], [3, 'a']]);
  });

  it('merges rows of several partitions by clustering for ORDER BY with IN', async () => {
    const stmt = select({ selectors: kv('k1', 'c1', 'c2'), where: [inRel('k1', [n(1), n(2)]), eq('k2', s('a')), eq('c1', n(1))], orderBy: [{ column: 'c1', order: 'DESC' }] });
    expect(await rowsOf(grid(2), stmt)).to.deep.equal([[1, 1, 1], [2, 1, 1], [1, 1, 2], [2, 1, 2], [1, 1, 3], [2, 1, 3]]);
    const refused = page(new FakeCoordinator(grid(2)), stmt, 2);
    await expectRejection(refused, 'Cannot page queries with both ORDER BY and a IN restriction on the partition key');
  });

  it('scans token ranges in token order', async () => {
    const parts = grid(4);
    const tokens = parts.map((p) => p.token).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const stmt = select({
      selectors: [{ expr: { kind: 'token', columns: ['k1', 'k2'] } }],
      distinct: true,
      where: [{ kind: 'token', columns: ['k1', 'k2'], op: '>', value: n(Number(tokens[1]!)) }],
    });
    // Number() of a 64-bit token loses precision; bind the exact value instead.
    stmt.where = [{ kind: 'token', columns: ['k1', 'k2'], op: '>', value: { kind: 'constant', type: 'INTEGER', text: tokens[1]!.toString() } }];
    stmt.selectors = [{ expr: { kind: 'token', columns: ['k1', 'k2'] } }, col('k1'), col('k2')];
    const rows = await rowsOf(parts, stmt);
    expect(rows.map((r) => r[0])).to.deep.equal([tokens[2], tokens[3]]);
  });

  it('counts every row, and partitions with DISTINCT', async () => {
    const count = { expr: { kind: 'count' } } as const;
    expect(await rowsOf(grid(3), select({ selectors: [count] }))).to.deep.equal([[9n * 2n]]);
    expect(await rowsOf(grid(3), select({ selectors: [count], limit: n(2) }))).to.deep.equal([[18n]]);
    expect(await rowsOf(grid(3), select({ selectors: [count], where: key(2, 'a') }))).to.deep.equal([[6n]]);
    expect(await rowsOf(grid(3), select({ selectors: [count], distinct: true }))).to.deep.equal([[3n]]);
    expect(await rowsOf(grid(3), select({ selectors: [count], perPartitionLimit: n(2) }))).to.deep.equal([[6n]]);
    expect(await rowsOf([], select({ selectors: [count] }))).to.deep.equal([[0n]]);
  });

  it('returns one row per partition with DISTINCT, static columns included', async () => {
    const rows = await rowsOf([...grid(2), partition(9, 'z', [staticRow(90)])], select({ selectors: kv('k1', 'k2', 's'), distinct: true }));
    expect(rows.map((r) => JSON.stringify(r)).sort()).to.deep.equal(['[1,"a",10]', '[2,"a",20]', '[9,"z",90]']);
    expect(() => selectResultColumns(TABLE, select({ distinct: true, selectors: kv('k1', 'k2', 'v') }))).to.throw(
      'SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)',
    );
    expect(() => selectResultColumns(TABLE, select({ distinct: true, selectors: kv('k1') }))).to.throw(
      'SELECT DISTINCT queries must request all the partition key columns (missing k2)',
    );
  });

  it('applies LIMIT and PER PARTITION LIMIT', async () => {
    expect(await rowsOf(grid(2), select({ selectors: kv('c1', 'c2'), where: key(1, 'a'), limit: n(2) }))).to.deep.equal([[1, 3], [1, 2]]);
    const perPartition = await rowsOf(grid(3), select({ selectors: kv('k1', 'c2'), perPartitionLimit: n(1) }));
    expect(perPartition.map((r) => r[1])).to.deep.equal([3, 3, 3]);
    expect(perPartition.map((r) => r[0]).sort()).to.deep.equal([1, 2, 3]);
    await expectRejection(page(new FakeCoordinator([]), select({ limit: n(0) })), 'LIMIT must be strictly positive');
  });

  it('filters regular, static and collection columns with ALLOW FILTERING', async () => {
    const parts = [
      partition(1, 'a', [staticRow(10), row(1, 1, [{ column: 'v', cell: live(textBytes('x')) }, { column: 'st', path: intBytes(5), cell: live(Buffer.alloc(0)) }])]),
      partition(2, 'a', [staticRow(20), row(1, 1, [{ column: 'v', cell: live(textBytes('y')) }, { column: 'm', path: textBytes('k'), cell: live(intBytes(1)) }])]),
    ];
    const sel = (where: Relation[]) => rowsOf(parts, select({ selectors: kv('k1'), where, allowFiltering: true }));
    expect(await sel([eq('v', s('x'))])).to.deep.equal([[1]]);
    expect(await sel([cmp('v', '!=', s('x'))])).to.deep.equal([[2]]);
    expect(await sel([cmp('s', '>', n(15))])).to.deep.equal([[2]]);
    expect(await sel([{ kind: 'contains', column: 'st', key: false, value: n(5) }])).to.deep.equal([[1]]);
    expect(await sel([{ kind: 'contains', column: 'm', key: true, value: s('k') }])).to.deep.equal([[2]]);
    expect(await sel([{ kind: 'contains', column: 'm', key: false, value: n(2) }])).to.deep.equal([]);
  });

  it('refuses a malformed paging state with a protocol error', async () => {
    for (const bad of [Buffer.from('garbage'), Buffer.alloc(0), Buffer.from([0x81, 0xa1, 0x76, 0x01])]) {
      const err = await page(new FakeCoordinator(grid(1)), select({ where: key(1, 'a') }), 2, bad).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.have.property('code', ErrorCode.Protocol);
    }
  });
});

async function expectRejection(p: Promise<unknown>, message: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').to.be.instanceOf(Error);
  expect((err as Error).message).to.contain(message);
  expect(err).to.have.property('code', ErrorCode.Invalid);
}

describe('SELECT paging returns every row exactly once', () => {
  const shapes: [string, Select, Partition[]][] = [
    ['one partition, forward', select({ selectors: kv('k1', 'c1', 'c2'), where: key(1, 'a') }), grid(2)],
    ['one partition, reversed', select({ selectors: kv('k1', 'c1', 'c2'), where: key(1, 'a'), orderBy: [{ column: 'c1', order: 'DESC' }] }), grid(2)],
    ['a clustering slice', select({ selectors: kv('c1', 'c2'), where: [...key(1, 'a'), cmp('c1', '>', n(0)), cmp('c1', '<=', n(2))] }), grid(1)],
    ['a reversed tuple slice', select({ selectors: kv('c1', 'c2'), where: [...key(1, 'a'), { kind: 'tuple', columns: ['c1', 'c2'], op: '>=', values: [n(1), n(2)] }], orderBy: [{ column: 'c1', order: 'DESC' }] }), grid(1)],
    ['IN partitions', select({ selectors: kv('k1', 'c1', 'c2'), where: [inRel('k1', [n(3), n(1), n(2)]), eq('k2', s('a'))] }), grid(3)],
    ['a range scan', select({ selectors: kv('k1', 'c1', 'c2') }), grid(4)],
    ['a range scan with static-only partitions', select({ selectors: kv('k1', 'c1', 'c2', 's') }), [...grid(2), partition(8, 'q', [staticRow(80)]), partition(9, 'q', [staticRow(90)])]],
    ['a scan with LIMIT and PER PARTITION LIMIT', select({ selectors: kv('k1', 'c1', 'c2'), perPartitionLimit: n(4), limit: n(10) }), grid(4)],
    ['DISTINCT', select({ selectors: kv('k1', 'k2'), distinct: true }), grid(7)],
    ['filtering', select({ selectors: kv('k1', 'c1', 'c2'), where: [cmp('c2', '>', n(1))], allowFiltering: true }), grid(3)],
  ];
  for (const [name, stmt, parts] of shapes) {
    for (const fetchSize of [1, 2, 3]) {
      it(`${name}, ${fetchSize} per page`, async () => {
        const whole = await rowsOf(parts, stmt);
        const pages = await allPages(parts, stmt, fetchSize);
        expect(pages.length).to.be.at.least(Math.max(Math.ceil(whole.length / fetchSize), fetchSize <= 2 ? 3 : 1));
        for (const p of pages) expect(p.length).to.be.at.most(fetchSize);
        expect(pages.flat()).to.deep.equal(whole);
        expect(new Set(whole.map((r) => JSON.stringify(r))).size).to.equal(whole.length);
      });
    }
  }

  it('the unpaged results themselves are the expected rows', async () => {
    const limited = await rowsOf(grid(4), select({ selectors: kv('k1', 'c1', 'c2'), perPartitionLimit: n(4), limit: n(10) }));
    expect(limited.length).to.equal(10);
    const byPartition = new Map<unknown, number>();
    for (const r of limited) byPartition.set(r[0], (byPartition.get(r[0]) ?? 0) + 1);
    expect([...byPartition.values()]).to.deep.equal([4, 4, 2]);
    expect(await rowsOf(grid(3), select({ selectors: kv('k1', 'k2'), distinct: true }))).to.have.length(3);
  });
});
