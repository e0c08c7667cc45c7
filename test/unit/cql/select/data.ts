/** Hand-built partitions of the fixture table, as storage would return them. */
import { timeUuidFromTicks } from '../../../../src/cql/timeuuid.js';
import { murmur3Token } from '../../../../src/ring/murmur3.js';
import { serializePartitionKey } from '../../../../src/schema/table.js';
import { NO_DELETION_TIME, type Cell, type ColumnCell, type Partition, type Row } from '../../../../src/storage/model.js';
import { intBytes, TABLE, textBytes } from './fixtures.js';

export const WRITE_US = 1_600_000_000_000_000;

export function live(value: Buffer, timestampUs = WRITE_US): Cell {
  return { value, timestampUs, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME };
}

export function expiring(value: Buffer, ttlS: number, expiresAtS: number, timestampUs = WRITE_US): Cell {
  return { value, timestampUs, ttlS, localDeletionTimeS: expiresAtS };
}

export function row(c1: number, c2: number, cells: ColumnCell[], marker = true): Row {
  return {
    clustering: [intBytes(c1), intBytes(c2)],
    isStatic: false,
    ...(marker ? { marker: live(Buffer.alloc(0)) } : {}),
    collectionDeletions: [],
    cells: [...cells].sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : Buffer.compare(a.path ?? Buffer.alloc(0), b.path ?? Buffer.alloc(0)))),
  };
}

export function staticRow(s: number): Row {
  return { clustering: [], isStatic: true, collectionDeletions: [], cells: [{ column: 's', cell: live(intBytes(s)) }] };
}

export function partition(k1: number, k2: string, rows: Row[]): Partition {
  const key = serializePartitionKey([intBytes(k1), textBytes(k2)]);
  return { tableId: TABLE.id, key, token: murmur3Token(key), rangeTombstones: [], rows };
}

export const listPath = (i: number) => timeUuidFromTicks(0x01e0_0000_0000_0000n + BigInt(i), Buffer.alloc(8, 7));

/**
 * Partitions (k, 'a') for k in 1..count, each with static s = 10k and rows
 * (c1, c2) for c1 in 1..2, c2 in 1..3, v = 'v<k>-<c1>-<c2>'.
 */
export function grid(count: number): Partition[] {
  const out: Partition[] = [];
  for (let k = 1; k <= count; k++) {
    const rows: Row[] = [staticRow(10 * k)];
    for (let c1 = 1; c1 <= 2; c1++) {
      for (let c2 = 1; c2 <= 3; c2++) rows.push(row(c1, c2, [{ column: 'v', cell: live(textBytes(`v${k}-${c1}-${c2}`)) }]));
    }
    out.push(partition(k, 'a', rows));
  }
  return out;
}
