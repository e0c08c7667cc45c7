/**
 * One canonical byte encoding of a partition, and the digest over it that
 * replicas compare (read digests) and Merkle trees hash (repair).
 *
 * The encoding is of the partition as given, in its order (merge or read it
 * first: both produce canonical order), with every length and number at a
 * fixed width so no two partitions share an encoding.
 */
import { createHash } from 'node:crypto';
import type { Cell, DeletionTime, Partition, RangeTombstone, Row, TableLayout } from './model.js';
import { isExpired } from './reconcile.js';

/**
 * Writes into one growing buffer: the canonical encoding is computed for
 * every partition a Merkle tree or digest covers, and a buffer per field
 * would leave the garbage collector most of the work.
 */
class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
  u8(n: number): this {
    this.room(1);
    this.buf[this.at++] = n & 0xff;
    return this;
  }
  u32(n: number): this {
    this.room(4);
    this.buf.writeUInt32BE(n >>> 0, this.at);
    this.at += 4;
    return this;
  }
  i64(n: number | bigint): this {
    this.room(8);
    if (typeof n === 'bigint') this.buf.writeBigInt64BE(n, this.at);
    else {
      // Two's complement in two halves, without a BigInt per timestamp; exact for safe integers.
      const high = Math.floor(n / 0x1_0000_0000);
      this.buf.writeInt32BE(high, this.at);
      this.buf.writeUInt32BE(n - high * 0x1_0000_0000, this.at + 4);
    }
    this.at += 8;
    return this;
  }
  /** Takes any Uint8Array: values that crossed a structured clone or a decoder may not be Buffers. */
  bytes(buf: Uint8Array): this {
    this.u32(buf.length);
    this.room(buf.length);
    this.buf.set(buf, this.at);
    this.at += buf.length;
    return this;
  }
  text(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.u32(n);
    this.room(n);
    this.buf.write(s, this.at, 'utf8');
    this.at += n;
    return this;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

function writeDeletion(w: ByteWriter, d: DeletionTime | undefined): void {
  if (!d) w.u8(0);
  else w.u8(1).i64(d.timestampUs).u32(d.localDeletionTimeS);
}

function writeCell(w: ByteWriter, cell: Cell | undefined, expiredAsOfS: number | undefined): void {
  if (!cell) {
    w.u8(0);
    return;
  }
  // An expired cell is written as the tombstone it became at its expiry time, so a replica that already converted it hashes alike.
  const asTombstone = expiredAsOfS !== undefined && isExpired(cell, expiredAsOfS);
  if (cell.value === null || asTombstone) w.u8(2).i64(cell.timestampUs).u32(0).u32(cell.localDeletionTimeS);
  else w.u8(1).i64(cell.timestampUs).u32(cell.ttlS).u32(cell.localDeletionTimeS).bytes(cell.value);
}

function writeBoundPrefix(w: ByteWriter, prefix: Buffer[]): void {
  w.u32(prefix.length);
  for (const c of prefix) w.bytes(c);
}

function writeRangeTombstone(w: ByteWriter, rt: RangeTombstone): void {
  writeBoundPrefix(w, rt.start.prefix);
  w.u8(rt.start.inclusive ? 1 : 0);
  writeBoundPrefix(w, rt.end.prefix);
  w.u8(rt.end.inclusive ? 1 : 0);
  writeDeletion(w, rt.deletion);
}

function writeRow(w: ByteWriter, row: Row, expiredAsOfS: number | undefined): void {
  w.u8(row.isStatic ? 1 : 0);
  writeBoundPrefix(w, row.clustering);
  writeCell(w, row.marker, expiredAsOfS);
  writeDeletion(w, row.deletion);
  w.u32(row.collectionDeletions.length);
  for (const d of row.collectionDeletions) {
    w.text(d.column);
    writeDeletion(w, d.deletion);
  }
  w.u32(row.cells.length);
  for (const c of row.cells) {
    w.text(c.column);
    if (c.path) w.u8(1).bytes(c.path);
    else w.u8(0);
    writeCell(w, c.cell, expiredAsOfS);
  }
}

/**
 * The canonical encoding. With `expiredAsOfS`, cells expired at that time are
 * encoded as tombstones; without it, exactly as stored.
 */
export function encodePartitionCanonical(p: Partition, expiredAsOfS?: number): Buffer {
  const w = new ByteWriter();
  w.text(p.tableId).bytes(p.key).i64(p.token);
  writeDeletion(w, p.deletion);
  w.u32(p.rangeTombstones.length);
  for (const rt of p.rangeTombstones) writeRangeTombstone(w, rt);
  w.u32(p.rows.length);
  for (const row of p.rows) writeRow(w, row, expiredAsOfS);
  return w.done();
}

/**
 * SHA-256 over the canonical encoding of a reconciled partition. `asOfS` is
 * the time the caller chose for the comparison (the coordinator's query time,
 * sent to every replica), never the reading node's own clock: replicas that
 * hold the same data hash the same, whether or not one of them has already
 * turned an expired cell into its tombstone. (`_layout` is accepted so a
 * future encoding may order by column types; today's needs none.)
 */
export function partitionDigest(_layout: TableLayout, p: Partition, asOfS: number): Buffer {
  return createHash('sha256').update(encodePartitionCanonical(p, asOfS)).digest();
}
