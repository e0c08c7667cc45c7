/**
 * The storage key layout. Every datum of a partition is one key/value pair;
 * keys sort by table, token, partition key, kind, clustering, column and
 * collection path, so one token range of one table is one contiguous scan.
 *
 *   data:  0x01 | esc(tableId) | token (8, sign bit flipped) | esc(partition key) | kind | …
 *     kind 0x00 partition deletion
 *     kind 0x01 range tombstone  | bound(start) | bound(end)
 *     kind 0x02 static row       | entry
 *     kind 0x03 clustering row   | (0x01 | component)* | 0x01 | entry
 *   entry: 0x00 row marker | 0x01 row deletion | 0x02 esc(column) collection deletion
 *          | 0x03 esc(column) (0x00 | 0x01 esc(path)) cell
 *   bound: (0x01 | component)* | 0x00 (sits before the rows under its prefix) or 0x02 (after them)
 *   meta:  0x00 | utf8(name)
 *
 * esc() escapes 0x00 as 0x00 0xFF and ends with 0x00 0x00, keeping byte
 * order and making the field self-delimiting. A component is the codec's
 * encodeOrdered bytes, inverted for a DESC column. Values: see encodeCellValue.
 */
import { decodeOrdered, encodeOrdered, escapeBytes as escape, unescapeBytes as unescape } from '../schema/codec.js';
import { assert } from '../util/errors.js';
import type { Cell, ClusteringBound, Clustering, DeletionTime, Partition, TableLayout } from './model.js';
import { boundSide } from './partition.js';

export const META_PREFIX = 0x00;
export const DATA_PREFIX = 0x01;
/** A key written with sync: true to force earlier unsynced writes to disk. */
export const SYNC_MARKER_KEY = Buffer.from([0x02]);

export const KIND_PARTITION_DELETION = 0x00;
export const KIND_RANGE_TOMBSTONE = 0x01;
export const KIND_STATIC = 0x02;
export const KIND_ROW = 0x03;

const ENTRY_MARKER = 0x00;
const ENTRY_ROW_DELETION = 0x01;
const ENTRY_COLLECTION_DELETION = 0x02;
const ENTRY_CELL = 0x03;

export function tokenBytes(token: bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(token);
  buf[0] = buf[0]! ^ 0x80;
  return buf;
}

function invert(buf: Buffer): Buffer {
  const out = Buffer.alloc(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = ~buf[i]! & 0xff;
  return out;
}

export function metaKey(name: string): Buffer {
  return Buffer.concat([Buffer.from([META_PREFIX]), Buffer.from(name, 'utf8')]);
}

/**
 * Every key a write makes starts with its table's prefix; remembering the
 * encoded prefix per table id saves re-encoding the id for each key. Table
 * ids are few (one per table ever created on the node), so the memo stays small.
 */
const tablePrefixes = new Map<string, Buffer>();

export function tablePrefix(tableId: string): Buffer {
  let prefix = tablePrefixes.get(tableId);
  if (!prefix) {
    prefix = Buffer.concat([Buffer.from([DATA_PREFIX]), escape(Buffer.from(tableId, 'utf8'))]);
    tablePrefixes.set(tableId, prefix);
  }
  return prefix;
}

/** The first key after every key of the table: the escape terminator 0x00 0x00 bumped to 0x00 0x01. */
export function tableEnd(tableId: string): Buffer {
  const end = Buffer.from(tablePrefix(tableId));
  end[end.length - 1] = 0x01;
  return end;
}

export function partitionPrefix(tableId: string, token: bigint, key: Buffer): Buffer {
  return Buffer.concat([tablePrefix(tableId), tokenBytes(token), escape(key)]);
}

/** The first key after every key of the partition (kinds are all below 0xFF). */
export function partitionEnd(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, Buffer.from([0xff])]);
}

function encodeComponent(layout: TableLayout, i: number, value: Buffer): Buffer {
  const enc = encodeOrdered(layout.clusteringTypes[i]!, value);
  return layout.clusteringOrder[i] === 'DESC' ? invert(enc) : enc;
}

function encodeComponents(layout: TableLayout, values: Buffer[]): Buffer[] {
  const parts: Buffer[] = [];
  values.forEach((v, i) => parts.push(Buffer.from([0x01]), encodeComponent(layout, i, v)));
  return parts;
}

export function encodeBound(layout: TableLayout, bound: ClusteringBound, isStart: boolean): Buffer {
  return Buffer.concat([...encodeComponents(layout, bound.prefix), Buffer.from([boundSide(bound, isStart) < 0 ? 0x00 : 0x02])]);
}

function decodeComponents(layout: TableLayout, buf: Buffer, offset: number, count?: number): { values: Buffer[]; next: number } {
  const values: Buffer[] = [];
  let pos = offset;
  while ((count === undefined || values.length < count) && buf[pos] === 0x01 && values.length < layout.clusteringTypes.length) {
    const i = values.length;
    const type = layout.clusteringTypes[i]!;
    if (layout.clusteringOrder[i] === 'DESC') {
      // The component's end is only known once decoded, so decode an inverted copy of the rest.
      const rest = invert(buf.subarray(pos + 1));
      const r = decodeOrdered(type, rest, 0);
      values.push(r.bytes);
      pos = pos + 1 + r.next;
    } else {
      const r = decodeOrdered(type, buf, pos + 1);
      values.push(r.bytes);
      pos = r.next;
    }
  }
  return { values, next: pos };
}

function decodeBound(layout: TableLayout, buf: Buffer, offset: number, isStart: boolean): { bound: ClusteringBound; next: number } {
  const { values, next } = decodeComponents(layout, buf, offset);
  const side = buf[next] === 0x00 ? -1 : 1;
  // boundSide: inclusive === isStart ⇔ side -1.
  return { bound: { prefix: values, inclusive: (side === -1) === isStart }, next: next + 1 };
}

/** Where the rows range of a partition starts and ends for a slice (or for all rows). */
export function rowsRange(layout: TableLayout, prefix: Buffer, start?: ClusteringBound, end?: ClusteringBound): { gte: Buffer; lt: Buffer } {
  const head = Buffer.concat([prefix, Buffer.from([KIND_ROW])]);
  return {
    gte: start ? Buffer.concat([head, encodeBound(layout, start, true)]) : head,
    lt: end ? Buffer.concat([head, encodeBound(layout, end, false)]) : Buffer.concat([prefix, Buffer.from([KIND_ROW + 1])]),
  };
}

export function kindRange(prefix: Buffer, kind: number): { gte: Buffer; lt: Buffer } {
  return { gte: Buffer.concat([prefix, Buffer.from([kind])]), lt: Buffer.concat([prefix, Buffer.from([kind + 1])]) };
}

/** What one stored key holds, once decoded. */
export type KeyEntry =
  | { kind: 'partitionDeletion' }
  | { kind: 'rangeTombstone'; start: ClusteringBound; end: ClusteringBound }
  | { kind: 'marker' | 'rowDeletion'; isStatic: boolean; clustering: Clustering }
  | { kind: 'collectionDeletion'; isStatic: boolean; clustering: Clustering; column: string }
  | { kind: 'cell'; isStatic: boolean; clustering: Clustering; column: string; path?: Buffer };

/** The parts of a data key before its kind byte. */
export interface KeyHead {
  tableId: string;
  token: bigint;
  key: Buffer;
  /** Offset of the kind byte = length of the partition prefix. */
  kindOffset: number;
}

export function decodeKeyHead(buf: Buffer): KeyHead {
  assert(buf[0] === DATA_PREFIX, 'not a data key');
  const table = unescape(buf, 1);
  const tokenBuf = Buffer.from(buf.subarray(table.next, table.next + 8));
  tokenBuf[0] = tokenBuf[0]! ^ 0x80;
  const key = unescape(buf, table.next + 8);
  return { tableId: table.bytes.toString('utf8'), token: tokenBuf.readBigInt64BE(0), key: key.bytes, kindOffset: key.next };
}

/**
 * The length of a data key's partition prefix (table, token, escaped
 * partition key): decodeKeyHead's kindOffset, found without decoding or
 * allocating, for scans that only need to notice where partitions change.
 * `tablePrefixBytes` is the length of tablePrefix(tableId).
 */
export function partitionPrefixBytes(key: Buffer, tablePrefixBytes: number): number {
  let pos = tablePrefixBytes + 8;
  for (;;) {
    const b = key[pos];
    assert(b !== undefined, 'truncated data key');
    if (b !== 0x00) pos++;
    else if (key[pos + 1] === 0x00) return pos + 2;
    else pos += 2;
  }
}

const TOKEN_SIGN = 0x8000_0000_0000_0000n;

/** The token of a data key whose table prefix is `tablePrefixBytes` long. */
export function keyToken(key: Buffer, tablePrefixBytes: number): bigint {
  return BigInt.asIntN(64, key.readBigUInt64BE(tablePrefixBytes) ^ TOKEN_SIGN);
}

function decodeRowEntry(buf: Buffer, offset: number, isStatic: boolean, clustering: Clustering): KeyEntry {
  const tag = buf[offset];
  if (tag === ENTRY_MARKER) return { kind: 'marker', isStatic, clustering };
  if (tag === ENTRY_ROW_DELETION) return { kind: 'rowDeletion', isStatic, clustering };
  const column = unescape(buf, offset + 1);
  const name = column.bytes.toString('utf8');
  if (tag === ENTRY_COLLECTION_DELETION) return { kind: 'collectionDeletion', isStatic, clustering, column: name };
  assert(tag === ENTRY_CELL, `unknown row entry tag ${tag}`);
  if (buf[column.next] === 0x00) return { kind: 'cell', isStatic, clustering, column: name };
  return { kind: 'cell', isStatic, clustering, column: name, path: unescape(buf, column.next + 1).bytes };
}

/** Decodes the part of a data key from its kind byte on. */
export function decodeKeyEntry(layout: TableLayout, buf: Buffer, kindOffset: number): KeyEntry {
  const kind = buf[kindOffset];
  switch (kind) {
    case KIND_PARTITION_DELETION:
      return { kind: 'partitionDeletion' };
    case KIND_RANGE_TOMBSTONE: {
      const start = decodeBound(layout, buf, kindOffset + 1, true);
      const end = decodeBound(layout, buf, start.next, false);
      return { kind: 'rangeTombstone', start: start.bound, end: end.bound };
    }
    case KIND_STATIC:
      return decodeRowEntry(buf, kindOffset + 1, true, []);
    case KIND_ROW: {
      const { values, next } = decodeComponents(layout, buf, kindOffset + 1, layout.clusteringTypes.length);
      assert(buf[next] === 0x01, 'bad row key terminator');
      return decodeRowEntry(buf, next + 1, false, values);
    }
    default:
      throw new Error(`unknown key kind ${kind}`);
  }
}

/** One key/value a partition contributes: `cell` values reconcile as cells, `deletion` values as deletions. */
export type EncodedEntry = { key: Buffer; cell: Cell } | { key: Buffer; deletion: DeletionTime };

function rowHead(layout: TableLayout, prefix: Buffer, isStatic: boolean, clustering: Clustering): Buffer {
  if (isStatic) return Buffer.concat([prefix, Buffer.from([KIND_STATIC])]);
  return Buffer.concat([prefix, Buffer.from([KIND_ROW]), ...encodeComponents(layout, clustering), Buffer.from([0x01])]);
}

/**
 * A column name's key part (tag and escaped name), remembered per name: a
 * write encodes one per cell, and a table has few columns.
 */
const columnParts = new Map<string, Buffer>();

function columnPart(tag: number, column: string): Buffer {
  const id = `${tag}:${column}`;
  let part = columnParts.get(id);
  if (!part) {
    part = Buffer.concat([Buffer.from([tag]), escape(Buffer.from(column, 'utf8'))]);
    columnParts.set(id, part);
  }
  return part;
}

const NO_PATH = Buffer.from([0x00]);
const PATH_TAG = Buffer.from([0x01]);

/** Every key/value of a partition (a write, or a whole stored partition). */
export function encodeEntries(layout: TableLayout, p: Partition): EncodedEntry[] {
  const prefix = partitionPrefix(p.tableId, p.token, p.key);
  const out: EncodedEntry[] = [];
  if (p.deletion) out.push({ key: Buffer.concat([prefix, Buffer.from([KIND_PARTITION_DELETION])]), deletion: p.deletion });
  for (const rt of p.rangeTombstones) {
    const key = Buffer.concat([prefix, Buffer.from([KIND_RANGE_TOMBSTONE]), encodeBound(layout, rt.start, true), encodeBound(layout, rt.end, false)]);
    out.push({ key, deletion: rt.deletion });
  }
  for (const row of p.rows) {
    assert(row.isStatic || row.clustering.length === layout.clusteringTypes.length, `row of ${layout.name} needs a full clustering`);
    const head = rowHead(layout, prefix, row.isStatic, row.clustering);
    if (row.marker) out.push({ key: Buffer.concat([head, Buffer.from([ENTRY_MARKER])]), cell: row.marker });
    if (row.deletion) out.push({ key: Buffer.concat([head, Buffer.from([ENTRY_ROW_DELETION])]), deletion: row.deletion });
    for (const d of row.collectionDeletions) {
      out.push({ key: Buffer.concat([head, columnPart(ENTRY_COLLECTION_DELETION, d.column)]), deletion: d.deletion });
    }
    for (const c of row.cells) {
      const column = columnPart(ENTRY_CELL, c.column);
      const key = c.path ? Buffer.concat([head, column, PATH_TAG, escape(c.path)]) : Buffer.concat([head, column, NO_PATH]);
      out.push({ key, cell: c.cell });
    }
  }
  return out;
}

/** Per layout, the key suffixes (after the partition prefix) a partition of a `cellColumns` table can hold, in key order. */
const pointSuffixes = new WeakMap<TableLayout, Buffer[]>();

/**
 * Every key a partition of a table with `cellColumns` (given as `columns`,
 * and cached per layout) can hold, in key order: its partition deletion,
 * and its one row's marker, deletion and cells (such a table has no range
 * tombstones, static rows or collection elements).
 */
export function pointKeys(layout: TableLayout, columns: readonly string[], prefix: Buffer): Buffer[] {
  let suffixes = pointSuffixes.get(layout);
  if (!suffixes) {
    const head = Buffer.from([KIND_ROW, 0x01]);
    suffixes = [
      Buffer.from([KIND_PARTITION_DELETION]),
      Buffer.concat([head, Buffer.from([ENTRY_MARKER])]),
      Buffer.concat([head, Buffer.from([ENTRY_ROW_DELETION])]),
      ...columns.map((c) => Buffer.concat([head, columnPart(ENTRY_CELL, c), NO_PATH])),
    ].sort(Buffer.compare);
    pointSuffixes.set(layout, suffixes);
  }
  return suffixes.map((s) => Buffer.concat([prefix, s], prefix.length + s.length));
}

/*
 * Values have a fixed binary layout (the stored bytes depend only on the
 * value, and a write encodes one per cell, so it must be cheap):
 *   cell:     flags (1: 0x00 live, 0x01 tombstone) | timestampUs (float64 BE, exact below 2^53)
 *             | ttlS (uint32 BE) | localDeletionTimeS (uint32 BE) | value bytes (live only)
 *   deletion: timestampUs (float64 BE) | localDeletionTimeS (uint32 BE)
 */
const CELL_HEADER_BYTES = 17;
const DELETION_BYTES = 12;

export function encodeCellValue(cell: Cell): Buffer {
  const valueBytes = cell.value === null ? 0 : cell.value.length;
  const buf = Buffer.allocUnsafe(CELL_HEADER_BYTES + valueBytes);
  buf[0] = cell.value === null ? 0x01 : 0x00;
  buf.writeDoubleBE(cell.timestampUs, 1);
  buf.writeUInt32BE(cell.ttlS, 9);
  buf.writeUInt32BE(cell.localDeletionTimeS, 13);
  if (cell.value !== null) cell.value.copy(buf, CELL_HEADER_BYTES);
  return buf;
}

export function decodeCellValue(buf: Buffer): Cell {
  assert(buf.length >= CELL_HEADER_BYTES && buf[0]! <= 0x01, 'malformed stored cell');
  return {
    value: buf[0] === 0x01 ? null : Buffer.from(buf.subarray(CELL_HEADER_BYTES)),
    timestampUs: buf.readDoubleBE(1),
    ttlS: buf.readUInt32BE(9),
    localDeletionTimeS: buf.readUInt32BE(13),
  };
}

export function encodeDeletionValue(d: DeletionTime): Buffer {
  const buf = Buffer.allocUnsafe(DELETION_BYTES);
  buf.writeDoubleBE(d.timestampUs, 0);
  buf.writeUInt32BE(d.localDeletionTimeS, 8);
  return buf;
}

export function decodeDeletionValue(buf: Buffer): DeletionTime {
  assert(buf.length === DELETION_BYTES, 'malformed stored deletion');
  return { timestampUs: buf.readDoubleBE(0), localDeletionTimeS: buf.readUInt32BE(8) };
}
