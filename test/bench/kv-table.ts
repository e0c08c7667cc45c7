/**
 * The table the storage-level benchmarks write (repair, hints): an int
 * partition key and one text column, with rows shaped as INSERT writes them.
 */
import { murmur3Token } from '../../src/ring/murmur3.js';
import { serialize } from '../../src/schema/codec.js';
import { parseTypeName } from '../../src/schema/cql-type.js';
import { NO_DELETION_TIME, type Partition, type TableLayout } from '../../src/storage/model.js';

export const KV_LAYOUT: TableLayout = {
  id: '7e9a1c00-0000-4000-8000-00000000be9c',
  name: 'bench.kv',
  partitionKeyTypes: [parseTypeName('int')],
  clusteringTypes: [],
  clusteringOrder: [],
  gcGraceSeconds: 864_000,
};

export const kvLayouts = (id: string): TableLayout | undefined => (id === KV_LAYOUT.id ? KV_LAYOUT : undefined);

/** Row `k` as INSERT writes it: a row marker and one text cell, written at a timestamp that grows with k. */
export function kvRow(k: number, label: string): Partition {
  const key = serialize(parseTypeName('int'), k, 'k');
  const ts = 1_700_000_000_000_000 + k;
  return {
    tableId: KV_LAYOUT.id,
    key,
    token: murmur3Token(key),
    rangeTombstones: [],
    rows: [
      {
        clustering: [],
        isStatic: false,
        marker: { value: Buffer.alloc(0), timestampUs: ts, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME },
        collectionDeletions: [],
        cells: [{ column: 'v', cell: { value: Buffer.from(`value number ${k} of the ${label} benchmark`), timestampUs: ts, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } }],
      },
    ],
  };
}
