import { expect } from 'chai';
import { parseStatement } from '../../../grammar/index.js';
import { partitionKeyIndexes } from '../../../src/cql/routing-key.js';
import type { TableMetadata } from '../../../src/schema/table.js';

const text = { kind: 'native', name: 'text' } as const;
const int = { kind: 'native', name: 'int' } as const;

/** orders ((tenant, n), at): a composite partition key and one clustering column. */
const orders: TableMetadata = {
  keyspace: 'shop',
  name: 'orders',
  id: '00000000-0000-0000-0000-000000000001',
  columns: [
    { name: 'tenant', type: text, kind: 'partition_key', position: 0 },
    { name: 'n', type: int, kind: 'partition_key', position: 1 },
    { name: 'at', type: int, kind: 'clustering', position: 0, order: 'ASC' },
    { name: 'v', type: text, kind: 'regular', position: 0 },
  ],
  options: { default_time_to_live: 0, gc_grace_seconds: 864000, comment: '', read_repair: 'BLOCKING' },
} as TableMetadata;

const indexes = (cql: string) => partitionKeyIndexes(parseStatement(cql).statement, orders);

describe('partitionKeyIndexes (PREPARE pkIndexes)', () => {
  const table: [string, number[] | undefined][] = [
    ['INSERT INTO orders (v, n, at, tenant) VALUES (?, ?, ?, ?)', [3, 1]],
    ['UPDATE orders SET v = ? WHERE tenant = ? AND n = ? AND at = ?', [1, 2]],
    ['DELETE FROM orders WHERE n = ? AND tenant = ?', [1, 0]],
    ['SELECT * FROM orders WHERE tenant = ? AND n = ? AND at > ?', [0, 1]],
    ["SELECT * FROM orders WHERE tenant = 'acme' AND n = ?", undefined],
    ['SELECT * FROM orders WHERE tenant = ? AND n IN (?, ?)', undefined],
    ['SELECT * FROM orders', undefined],
    ["INSERT INTO orders (tenant, n, at, v) VALUES ('acme', ?, ?, ?)", undefined],
  ];
  for (const [cql, expected] of table) {
    it(`${cql} → ${expected ? `[${expected.join(', ')}]` : 'not routable'}`, () => {
      expect(indexes(cql)).to.deep.equal(expected);
    });
  }
});
