import { expect } from 'chai';
import type { Ordering, Relation } from '../../../../grammar/ast.js';
import { planQuery, REQUIRES_ALLOW_FILTERING, type QueryPlan } from '../../../../src/cql/select/plan.js';
import { bindRestrictions } from '../../../../src/cql/select/restrictions.js';
import { toSlice } from '../../../../src/cql/select/intervals.js';
import { murmur3Token } from '../../../../src/ring/murmur3.js';
import { serializePartitionKey } from '../../../../src/schema/table.js';
import { MAX_TOKEN, MIN_TOKEN } from '../../../../src/storage/model.js';
import { cmp, eq, inRel, intBytes, key, n, s, SETTINGS, TABLE, termCtx, textBytes } from './fixtures.js';

function plan(where: Relation[], opts: { allowFiltering?: boolean; orderBy?: Ordering[]; distinct?: boolean; maxIn?: number } = {}): QueryPlan {
  const settings = { ...SETTINGS, max_in_values: opts.maxIn ?? SETTINGS.max_in_values };
  const restrictions = bindRestrictions(TABLE, where, termCtx(), settings);
  return planQuery({
    table: TABLE,
    restrictions,
    orderBy: opts.orderBy ?? [],
    allowFiltering: opts.allowFiltering ?? false,
    distinct: opts.distinct ?? false,
    settings,
  });
}

const slices = (p: QueryPlan) =>
  p.intervals.map(toSlice).map((sl) => ({
    start: [sl.start.prefix.map((b) => b.readInt32BE(0)), sl.start.inclusive],
    end: [sl.end.prefix.map((b) => b.readInt32BE(0)), sl.end.inclusive],
  }));

const pkey = (k1: number, k2: string) => serializePartitionKey([intBytes(k1), textBytes(k2)]);
const tokenRel = (op: '=' | '<' | '<=' | '>' | '>=', v: number): Relation => ({ kind: 'token', columns: ['k1', 'k2'], op, value: n(v) });
const expectError = (fn: () => unknown, message: string) => expect(fn).to.throw(message).with.property('code', 0x2200);

describe('SELECT planning: partitions', () => {
  it('reads the one partition a fully restricted composite key names, with Cassandra\'s token', () => {
    const p = plan(key(1, 'a'));
    expect(p.partitions).to.deep.equal({ kind: 'keys', keys: [{ key: pkey(1, 'a'), token: murmur3Token(pkey(1, 'a')) }] });
    expect(slices(p)).to.deep.equal([{ start: [[], true], end: [[], true] }]);
  });

  it('reads IN partitions in partition key order, duplicates removed, as the product of components', () => {
    const p = plan([inRel('k1', [n(3), n(1), n(3)]), inRel('k2', [s('b'), s('a')])]);
    expect(p.partitions.kind).to.equal('keys');
    if (p.partitions.kind !== 'keys') return;
    expect(p.partitions.keys.map((k) => k.key)).to.deep.equal([pkey(1, 'a'), pkey(1, 'b'), pkey(3, 'a'), pkey(3, 'b')]);
  });

  it('refuses more partitions than max_in_values, naming the setting', () => {
    expectError(() => plan([inRel('k1', [n(1), n(2)]), inRel('k2', [s('a'), s('b')])], { maxIn: 3 }), 'more than max_in_values (3)');
    expectError(() => plan([inRel('k1', [n(1), n(2), n(3), n(4)]), eq('k2', s('a'))], { maxIn: 3 }), 'IN relation on k1 has 4 values, more than max_in_values (3)');
  });

  it('scans the whole ring without partition key restrictions', () => {
    expect(plan([]).partitions).to.deep.equal({ kind: 'range', range: { start: MIN_TOKEN, end: MIN_TOKEN }, empty: false });
  });

  const tokenCases: [string, Relation[], bigint, bigint, boolean][] = [
    ['token > 5 AND token <= 10', [tokenRel('>', 5), tokenRel('<=', 10)], 5n, 10n, false],
    ['token >= 5', [tokenRel('>=', 5)], 4n, MAX_TOKEN, false],
    ['token < 5', [tokenRel('<', 5)], MIN_TOKEN, 4n, false],
    ['token = 7', [tokenRel('=', 7)], 6n, 7n, false],
    ['token > 10 AND token < 5', [tokenRel('>', 10), tokenRel('<', 5)], 10n, 4n, true],
  ];
  for (const [name, where, start, end, empty] of tokenCases) {
    it(`scans tokens (start, end] for ${name}`, () => {
      expect(plan(where).partitions).to.deep.equal({ kind: 'range', range: { start, end }, empty });
    });
  }

  it('refuses token restrictions not over the whole partition key in order, or mixed with key relations', () => {
    expectError(() => plan([{ kind: 'token', columns: ['k2', 'k1'], op: '>', value: n(1) }]), 'The token function arguments must be in the partition key order: k1, k2');
    expectError(() => plan([tokenRel('>', 1), eq('k1', n(1))]), 'Columns "k1" cannot be restricted by both a normal relation and a token relation');
  });

  it('needs ALLOW FILTERING for a partial partition key, then scans and filters on it', () => {
    expectError(() => plan([eq('k1', n(1))]), REQUIRES_ALLOW_FILTERING);
    const p = plan([eq('k1', n(1))], { allowFiltering: true });
    expect(p.partitions.kind).to.equal('range');
    expect(p.filter.columns.map((r) => r.column.name)).to.deep.equal(['k1']);
  });
});

describe('SELECT planning: clustering slices', () => {
  it('selects one clustering prefix by equality', () => {
    expect(slices(plan([...key(1, 'a'), eq('c1', n(4))]))).to.deep.equal([{ start: [[4], true], end: [[4], true] }]);
  });

  it('turns a range on an ASC column into start/end bounds with their inclusivity', () => {
    expect(slices(plan([...key(1, 'a'), cmp('c1', '>', n(1)), cmp('c1', '<=', n(3))]))).to.deep.equal([
      { start: [[1], false], end: [[3], true] },
    ]);
  });

  it('swaps the bounds of a range on a DESC column, which stores larger values first', () => {
    expect(slices(plan([...key(1, 'a'), eq('c1', n(1)), cmp('c2', '>', n(5))]))).to.deep.equal([
      { start: [[1], true], end: [[1, 5], false] },
    ]);
    expect(slices(plan([...key(1, 'a'), eq('c1', n(1)), cmp('c2', '>=', n(2)), cmp('c2', '<', n(8))]))).to.deep.equal([
      { start: [[1, 8], false], end: [[1, 2], true] },
    ]);
  });

  it('reads IN values on clustering columns as several slices in clustering order', () => {
    expect(slices(plan([...key(1, 'a'), inRel('c1', [n(2), n(1)]), inRel('c2', [n(7), n(9)])]))).to.deep.equal([
      { start: [[1, 9], true], end: [[1, 9], true] },
      { start: [[1, 7], true], end: [[1, 7], true] },
      { start: [[2, 9], true], end: [[2, 9], true] },
      { start: [[2, 7], true], end: [[2, 7], true] },
    ]);
  });

  it('splits a tuple slice over mixed ASC/DESC columns into storage-order slices', () => {
    const where: Relation[] = [...key(1, 'a'), { kind: 'tuple', columns: ['c1', 'c2'], op: '>', values: [n(1), n(5)] }];
    expect(slices(plan(where))).to.deep.equal([
      { start: [[1], true], end: [[1, 5], false] },
      { start: [[1], false], end: [[], true] },
    ]);
  });

  it('intersects two tuple bounds and reads a tuple IN as one slice per tuple', () => {
    const where: Relation[] = [
      ...key(1, 'a'),
      { kind: 'tuple', columns: ['c1'], op: '>=', values: [n(2)] },
      { kind: 'tuple', columns: ['c1', 'c2'], op: '<', values: [n(3), n(4)] },
    ];
    expect(slices(plan(where))).to.deep.equal([
      { start: [[2], true], end: [[3], false] },
      { start: [[3, 4], false], end: [[3], true] },
    ]);
    const tin: Relation[] = [...key(1, 'a'), { kind: 'tupleIn', columns: ['c1', 'c2'], tuples: [[n(2), n(1)], [n(1), n(1)]] }];
    expect(slices(plan(tin))).to.deep.equal([
      { start: [[1, 1], true], end: [[1, 1], true] },
      { start: [[2, 1], true], end: [[2, 1], true] },
    ]);
  });

  it('reads nothing for contradictory bounds', () => {
    expect(plan([...key(1, 'a'), cmp('c1', '>', n(5)), cmp('c1', '<', n(3))]).intervals).to.deep.equal([]);
  });

  it('refuses a clustering column restricted after an unrestricted one, unless filtering', () => {
    expectError(() => plan([...key(1, 'a'), eq('c2', n(1))]), 'PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not restricted');
    const p = plan([...key(1, 'a'), eq('c2', n(1))], { allowFiltering: true });
    expect(slices(p)).to.deep.equal([{ start: [[], true], end: [[], true] }]);
    expect(p.filter.columns.map((r) => r.column.name)).to.deep.equal(['c2']);
  });

  it('refuses a clustering column restricted after a range, unless filtering', () => {
    expectError(
      () => plan([...key(1, 'a'), cmp('c1', '>', n(1)), eq('c2', n(1))]),
      'Clustering column "c2" cannot be restricted (preceding column "c1" is restricted by a non-EQ relation)',
    );
    const p = plan([...key(1, 'a'), cmp('c1', '>', n(1)), eq('c2', n(1))], { allowFiltering: true });
    expect(slices(p)).to.deep.equal([{ start: [[1], false], end: [[], true] }]);
    expect(p.filter.columns.map((r) => r.column.name)).to.deep.equal(['c2']);
  });

  it('refuses mixing single-column and tuple relations on clustering columns', () => {
    expectError(
      () => plan([...key(1, 'a'), eq('c1', n(1)), { kind: 'tuple', columns: ['c1', 'c2'], op: '>', values: [n(1), n(1)] }]),
      'Mixing single column relations and multi column relations on clustering columns is not allowed',
    );
  });

  it('needs ALLOW FILTERING for clustering restrictions on a scan', () => {
    expectError(() => plan([eq('c1', n(1))]), REQUIRES_ALLOW_FILTERING);
  });
});

describe('SELECT planning: filtering, ordering and errors', () => {
  it('needs ALLOW FILTERING for regular and static columns, then filters them', () => {
    expectError(() => plan([...key(1, 'a'), eq('v', s('x'))]), REQUIRES_ALLOW_FILTERING);
    expectError(() => plan([eq('s', n(1))]), REQUIRES_ALLOW_FILTERING);
    expectError(() => plan([{ kind: 'contains', column: 'st', key: false, value: n(1) }]), REQUIRES_ALLOW_FILTERING);
    const p = plan([eq('s', n(1)), cmp('v', '!=', s('x'))], { allowFiltering: true });
    expect(p.filter.columns.map((r) => r.column.name)).to.deep.equal(['s', 'v']);
  });

  it('reverses the read for ORDER BY opposite to the clustering order', () => {
    expect(plan(key(1, 'a'), { orderBy: [{ column: 'c1', order: 'DESC' }] }).reversed).to.equal(true);
    expect(plan(key(1, 'a'), { orderBy: [{ column: 'c1', order: 'DESC' }, { column: 'c2', order: 'ASC' }] }).reversed).to.equal(true);
    expect(plan(key(1, 'a'), { orderBy: [{ column: 'c1', order: 'ASC' }, { column: 'c2', order: 'DESC' }] }).reversed).to.equal(false);
  });

  it('refuses ORDER BY as Cassandra does', () => {
    expectError(() => plan(key(1, 'a'), { orderBy: [{ column: 'v', order: 'ASC' }] }), 'Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v');
    expectError(() => plan([], { orderBy: [{ column: 'c1', order: 'DESC' }] }), 'ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
    expectError(() => plan(key(1, 'a'), { orderBy: [{ column: 'c2', order: 'DESC' }] }), 'Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY');
    expectError(() => plan(key(1, 'a'), { orderBy: [{ column: 'c1', order: 'ASC' }, { column: 'c2', order: 'ASC' }] }), 'Unsupported order by relation');
    expectError(() => plan(key(1, 'a'), { orderBy: [{ column: 'zz', order: 'ASC' }] }), 'Undefined column name zz');
  });

  it('refuses a column restricted twice, with Cassandra\'s wording', () => {
    expectError(() => plan([...key(1, 'a'), eq('c1', n(1)), eq('c1', n(2))]), 'c1 cannot be restricted by more than one relation if it includes an Equal');
    expectError(() => plan([...key(1, 'a'), cmp('c1', '>', n(1)), cmp('c1', '>=', n(2))]), 'More than one restriction was found for the start bound on c1');
    expectError(() => plan([...key(1, 'a'), cmp('c1', '>', n(1)), eq('c1', n(2))]), 'Column "c1" cannot be restricted by both an equality and an inequality relation');
    expectError(() => plan([...key(1, 'a'), inRel('c1', [n(1)]), cmp('c1', '<', n(2))]), 'c1 cannot be restricted by more than one relation if it includes a IN');
  });

  it('refuses unknown columns, nulls, and relations on non-frozen collections', () => {
    expectError(() => plan([eq('zz', n(1))]), 'Undefined column name zz');
    expectError(() => plan([...key(1, 'a'), eq('c1', { kind: 'null' })]), 'Invalid null value in condition for column c1');
    expectError(() => plan([eq('st', { kind: 'set', elements: [n(1)] })]), "Collection column 'st' (set<int>) cannot be restricted by a '=' relation");
    expectError(() => plan([{ kind: 'contains', column: 'v', key: false, value: s('x') }]), 'Cannot use CONTAINS on non-collection column v');
  });

  it('refuses clustering and regular restrictions with DISTINCT', () => {
    expectError(() => plan([...key(1, 'a'), eq('c1', n(1))], { distinct: true }), 'SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.');
  });
});
