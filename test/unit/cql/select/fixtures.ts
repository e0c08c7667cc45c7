/** A table with every column kind, and small builders for SELECT statements and values. */
import type { Relation, Select, Selector, Term } from '../../../../grammar/ast.js';
import { ManualClock } from '../../../../src/clock/clock.js';
import type { TermContext } from '../../../../src/cql/terms.js';
import type { CqlType } from '../../../../src/schema/cql-type.js';
import { DEFAULT_TABLE_OPTIONS, type KeyspaceMetadata, type TableMetadata } from '../../../../src/schema/table.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../../src/util/settings.js';

const int: CqlType = { kind: 'native', name: 'int' };
const text: CqlType = { kind: 'native', name: 'text' };

/** PRIMARY KEY ((k1, k2), c1, c2) WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC), plus static, regular and collection columns. */
export const TABLE: TableMetadata = {
  keyspace: 'ks',
  name: 't',
  id: '5a1e0000-0000-4000-8000-000000000001',
  columns: [
    { name: 'k1', type: int, kind: 'partition_key', position: 0 },
    { name: 'k2', type: text, kind: 'partition_key', position: 1 },
    { name: 'c1', type: int, kind: 'clustering', position: 0, order: 'ASC' },
    { name: 'c2', type: int, kind: 'clustering', position: 1, order: 'DESC' },
    { name: 's', type: int, kind: 'static', position: 0 },
    { name: 'v', type: text, kind: 'regular', position: 0 },
    { name: 'st', type: { kind: 'set', element: int, frozen: false }, kind: 'regular', position: 0 },
    { name: 'm', type: { kind: 'map', key: text, value: int, frozen: false }, kind: 'regular', position: 0 },
    { name: 'l', type: { kind: 'list', element: text, frozen: false }, kind: 'regular', position: 0 },
  ],
  options: { ...DEFAULT_TABLE_OPTIONS },
};

export const KEYSPACE: KeyspaceMetadata = {
  name: 'ks',
  replication: { class: 'SimpleStrategy', factors: { replication_factor: 1 } },
  durableWrites: true,
};

export const SETTINGS: Settings = { ...DEFAULT_SETTINGS };

export function termCtx(clock = new ManualClock(), values: TermContext['values'] = []): TermContext {
  return { values, clock };
}

export const n = (v: number): Term => ({ kind: 'constant', type: 'INTEGER', text: String(v) });
export const s = (v: string): Term => ({ kind: 'constant', type: 'STRING', text: v });

export function intBytes(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

export function bigintBytes(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}

export const textBytes = (v: string): Buffer => Buffer.from(v, 'utf8');

export const eq = (column: string, value: Term): Relation => ({ kind: 'compare', column, op: '=', value });
export const cmp = (column: string, op: '<' | '<=' | '>' | '>=' | '!=', value: Term): Relation => ({
  kind: 'compare',
  column,
  op,
  value,
});
export const inRel = (column: string, values: Term[]): Relation => ({ kind: 'in', column, values });

export function select(parts: Partial<Select> = {}): Select {
  return {
    kind: 'select',
    table: { keyspace: 'ks', name: 't' },
    distinct: false,
    selectors: '*',
    where: [],
    orderBy: [],
    allowFiltering: false,
    using: {},
    ...parts,
  };
}

export const col = (name: string, alias?: string): Selector => ({ expr: { kind: 'column', name }, ...(alias ? { alias } : {}) });

/** The key (1, 'a') and friends: WHERE k1 = x AND k2 = y. */
export const key = (k1: number, k2: string): Relation[] => [eq('k1', n(k1)), eq('k2', s(k2))];
