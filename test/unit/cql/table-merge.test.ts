import { expect } from 'chai';
import { mergeTables } from '../../../src/cql/table-merge.js';
import { DEFAULT_TABLE_OPTIONS, type ColumnMetadata, type TableMetadata } from '../../../src/schema/table.js';

const int = { kind: 'native' as const, name: 'int' as const };
const col = (name: string, addedAtUs?: number): ColumnMetadata =>
  addedAtUs === undefined ? { name, type: int, kind: 'regular', position: 0 } : { name, type: int, kind: 'regular', position: 0, addedAtUs };
const table = (columns: ColumnMetadata[], dropped: { name: string; at: number }[] = []): TableMetadata => {
  const t: TableMetadata = { keyspace: 'ks', name: 't', id: 'id-1', columns: [{ name: 'k', type: int, kind: 'partition_key', position: 0 }, ...columns], options: { ...DEFAULT_TABLE_OPTIONS } };
  if (dropped.length > 0) t.dropped = dropped.map((d) => ({ name: d.name, type: int, kind: 'regular', droppedAtUs: d.at }));
  return t;
};
const names = (t: TableMetadata) => t.columns.map((c) => c.name);

describe('mergeTables', () => {
  it('gives the same definition whichever side comes first, keeping each column by its latest ADD or DROP', () => {
    const a = table([col('v'), col('x', 10), col('z', 30)], [{ name: 'y', at: 25 }]);
    const b = table([col('v'), col('y', 20), col('z', 30)], [{ name: 'x', at: 15 }]);
    expect(JSON.stringify(mergeTables(a, b))).to.equal(JSON.stringify(mergeTables(b, a)));
    expect(names(mergeTables(a, b))).to.deep.equal(['k', 'v', 'z']);
    expect(mergeTables(a, mergeTables(a, b))).to.deep.equal(mergeTables(a, b));
  });

  it('keeps a column stored without an add time that its own table had dropped before: it was added again after that drop', () => {
    const legacy = table([col('v'), col('x')], [{ name: 'x', at: 10 }]);
    const peer = table([col('v'), col('x'), col('w', 20)], [{ name: 'x', at: 10 }]);
    expect(names(mergeTables(legacy, peer))).to.deep.equal(['k', 'v', 'x', 'w']);
  });
});
