/**
 * The sort order of CQL values, and an order-preserving, self-delimiting byte
 * encoding of them for storage keys: for valid values a and b of one type,
 * `sign(compareValues(t, a, b)) === sign(Buffer.compare(encodeOrdered(t, a), encodeOrdered(t, b)))`,
 * and a concatenation of encodings can be split again without lengths.
 *
 * Per type:
 * - int, smallint, tinyint, bigint, counter, timestamp, time: fixed width, sign bit flipped.
 * - date, boolean: fixed width, as is (date is already unsigned, centred on 2^31).
 * - float, double: fixed width; positive values get the sign bit set, negative
 *   ones are inverted. This is IEEE total order: -NaN < -Infinity < … < -0 < 0 < … < Infinity < NaN
 *   (Java's Float.compare differs only for NaNs with the sign bit set, which
 *   no serializer here produces).
 * - text, ascii, varchar, blob, inet: bytes with 0x00 escaped as 0x00 0xFF,
 *   closed by 0x00 0x00, so a prefix sorts first.
 * - varint: a sign byte, a 4-byte length (inverted for negatives) and the magnitude.
 *   Equal values written with redundant sign bytes encode alike: keys hold the minimal form.
 * - decimal: sign byte, decimal exponent, digits, terminator (all inverted for
 *   negatives), then the scale: 1.0 and 1.00 are equal numbers but distinct
 *   values, ordered by scale.
 * - uuid, timeuuid: a version byte, then for version 1 the 60-bit timestamp
 *   before the clock sequence and node, else the bytes as they are (Cassandra's
 *   UUIDType/TimeUUIDType order: version, then time, then bytes).
 * - frozen collections: each element as 0x01 plus its encoding, closed by 0x00.
 *
 * A DESC clustering column stores the encoding with every byte inverted;
 * since every encoding is prefix-free, inversion exactly reverses the order.
 */
import { assert } from '../util/errors.js';
import type { CqlType, NativeTypeName } from './cql-type.js';
import { decodeDecimal, encodeDecimal, frameCollection, unframeCollection } from './codec-frame.js';
import { bytesToVarint, varintToBytes } from './codec-text.js';

const FIXED_SIGNED: Partial<Record<NativeTypeName, number>> = {
  int: 4,
  smallint: 2,
  tinyint: 1,
  bigint: 8,
  counter: 8,
  timestamp: 8,
  time: 8,
};
const FIXED_UNSIGNED: Partial<Record<NativeTypeName, number>> = { date: 4, boolean: 1 };
const FLOATING: Partial<Record<NativeTypeName, number>> = { float: 4, double: 8 };
const BYTE_STRINGS = new Set<NativeTypeName>(['text', 'ascii', 'varchar', 'blob', 'inet']);

function compareSigned(a: Buffer, b: Buffer): number {
  const d = (a[0]! ^ 0x80) - (b[0]! ^ 0x80);
  return d !== 0 ? Math.sign(d) : Buffer.compare(a.subarray(1), b.subarray(1));
}

function floatKey(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  if (out[0]! & 0x80) for (let i = 0; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  else out[0] = out[0]! | 0x80;
  return out;
}

function floatFromKey(key: Buffer): Buffer {
  const out = Buffer.from(key);
  if (out[0]! & 0x80) out[0] = out[0]! & 0x7f;
  else for (let i = 0; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}

function compareEmpty(a: Buffer, b: Buffer): number | undefined {
  if (a.length === 0 || b.length === 0) return Math.sign(a.length - b.length);
  return undefined;
}

/** Cassandra's sort order for values of `type` (see the file comment for each type). */
export function compareValues(type: CqlType, a: Buffer, b: Buffer): number {
  if (type.kind !== 'native') return compareCollections(type, a, b);
  const empty = compareEmpty(a, b);
  if (empty !== undefined) return empty;
  const name = type.name;
  if (FIXED_SIGNED[name] !== undefined) return compareSigned(a, b);
  if (FIXED_UNSIGNED[name] !== undefined || BYTE_STRINGS.has(name)) return Buffer.compare(a, b);
  if (FLOATING[name] !== undefined) return Buffer.compare(floatKey(a), floatKey(b));
  // varint, decimal, uuid and timeuuid are compared through their ordered encodings, which keeps the two in agreement by construction.
  return Buffer.compare(encodeOrdered(type, a), encodeOrdered(type, b));
}

function compareCollections(type: CqlType & { kind: 'set' | 'list' | 'map' }, a: Buffer, b: Buffer): number {
  const perEntry = type.kind === 'map' ? 2 : 1;
  const ea = unframeCollection(a, perEntry) ?? [];
  const eb = unframeCollection(b, perEntry) ?? [];
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const inner = type.kind === 'map' ? (i % 2 === 0 ? type.key : type.value) : type.element;
    const c = compareValues(inner, ea[i]!, eb[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(ea.length - eb.length);
}

/** Writes bytes with each 0x00 as 0x00 0xFF and a 0x00 0x00 terminator: order-preserving and self-delimiting. */
export function escapeBytes(bytes: Buffer): Buffer {
  let zeros = 0;
  for (const b of bytes) if (b === 0) zeros++;
  const out = Buffer.alloc(bytes.length + zeros + 2);
  let pos = 0;
  for (const b of bytes) {
    out[pos++] = b;
    if (b === 0) out[pos++] = 0xff;
  }
  return out; // The two trailing bytes are already 0x00 0x00.
}

/** Reads what escapeBytes wrote, starting at offset; returns the bytes and the offset after the terminator. */
export function unescapeBytes(buf: Buffer, offset: number): { bytes: Buffer; next: number } {
  const out: number[] = [];
  let pos = offset;
  for (;;) {
    const b = buf[pos];
    assert(b !== undefined, 'truncated ordered byte string');
    if (b !== 0) {
      out.push(b);
      pos++;
      continue;
    }
    const follower = buf[pos + 1];
    assert(follower !== undefined, 'truncated ordered byte string');
    if (follower === 0) return { bytes: Buffer.from(out), next: pos + 2 };
    out.push(0);
    pos += 2;
  }
}

function uint32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(n >>> 0);
  return buf;
}

function encodeVarint(n: bigint): Buffer {
  if (n === 0n) return Buffer.from([0x80]);
  const magnitude = n < 0n ? -n : n;
  const hex = magnitude.toString(16);
  const length = Math.ceil(hex.length / 2);
  if (n > 0n) return Buffer.concat([Buffer.from([0x81]), uint32(length), Buffer.from(hex.padStart(length * 2, '0'), 'hex')]);
  const complement = (1n << BigInt(length * 8)) - magnitude;
  return Buffer.concat([Buffer.from([0x7f]), uint32(0xffffffff - length), Buffer.from(complement.toString(16).padStart(length * 2, '0'), 'hex')]);
}

function decodeVarint(buf: Buffer, offset: number): { value: bigint; next: number } {
  const sign = buf[offset];
  if (sign === 0x80) return { value: 0n, next: offset + 1 };
  assert(sign === 0x81 || sign === 0x7f, 'bad ordered varint sign byte');
  const raw = buf.readUInt32BE(offset + 1);
  const length = sign === 0x81 ? raw : 0xffffffff - raw;
  const start = offset + 5;
  const body = BigInt(`0x${buf.subarray(start, start + length).toString('hex') || '0'}`);
  const value = sign === 0x81 ? body : body - (1n << BigInt(length * 8));
  return { value, next: start + length };
}

function int64Flipped(n: bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(n);
  buf[0] = buf[0]! ^ 0x80;
  return buf;
}

function invert(buf: Buffer): Buffer {
  for (let i = 0; i < buf.length; i++) buf[i] = ~buf[i]! & 0xff;
  return buf;
}

function encodeDecimalOrdered(bytes: Buffer): Buffer {
  const { unscaled, scale } = decodeDecimal(bytes);
  const scaleKey = uint32((scale ^ 0x80000000) >>> 0);
  if (unscaled === 0n) return Buffer.concat([Buffer.from([0x02]), scaleKey]);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const significant = digits.replace(/0+$/, '');
  const exponent = BigInt(digits.length - scale);
  const body = Buffer.alloc(8 + significant.length + 1);
  int64Flipped(exponent).copy(body, 0);
  for (let i = 0; i < significant.length; i++) body[8 + i] = significant.charCodeAt(i) - 0x30 + 1;
  if (negative) invert(body);
  return Buffer.concat([Buffer.from([negative ? 0x01 : 0x03]), body, scaleKey]);
}

function decodeDecimalOrdered(buf: Buffer, offset: number): { bytes: Buffer; next: number } {
  const sign = buf[offset];
  if (sign === 0x02) {
    const scale = buf.readUInt32BE(offset + 1) ^ 0x80000000;
    return { bytes: encodeDecimal(0n, scale | 0), next: offset + 5 };
  }
  assert(sign === 0x01 || sign === 0x03, 'bad ordered decimal sign byte');
  const negative = sign === 0x01;
  const byteAt = (i: number) => (negative ? ~buf[i]! & 0xff : buf[i]!);
  const expBytes = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) expBytes[i] = byteAt(offset + 1 + i);
  expBytes[0] = expBytes[0]! ^ 0x80;
  const exponent = Number(expBytes.readBigInt64BE(0));
  let pos = offset + 9;
  let significant = '';
  while (byteAt(pos) !== 0) significant += String(byteAt(pos++) - 1);
  pos++;
  const scale = (buf.readUInt32BE(pos) ^ 0x80000000) | 0;
  const zeros = exponent - significant.length + scale;
  const magnitude = BigInt(significant) * 10n ** BigInt(zeros);
  return { bytes: encodeDecimal(negative ? -magnitude : magnitude, scale), next: pos + 4 };
}

function encodeUuidOrdered(bytes: Buffer): Buffer {
  const version = bytes[6]! >> 4;
  if (version !== 1) return Buffer.concat([Buffer.from([version]), bytes]);
  const b = bytes;
  return Buffer.from([1, b[6]!, b[7]!, b[4]!, b[5]!, b[0]!, b[1]!, b[2]!, b[3]!, ...b.subarray(8, 16)]);
}

function decodeUuidOrdered(buf: Buffer, offset: number): Buffer {
  const e = buf.subarray(offset, offset + 17);
  if (e[0] !== 1) return Buffer.from(e.subarray(1));
  return Buffer.from([e[5]!, e[6]!, e[7]!, e[8]!, e[3]!, e[4]!, e[1]!, e[2]!, ...e.subarray(9, 17)]);
}

/** The order-preserving, self-delimiting encoding of a valid value of `type`. */
export function encodeOrdered(type: CqlType, bytes: Buffer): Buffer {
  if (type.kind !== 'native') {
    const perEntry = type.kind === 'map' ? 2 : 1;
    const elements = unframeCollection(bytes, perEntry) ?? [];
    const parts: Buffer[] = [];
    elements.forEach((e, i) => {
      const inner = type.kind === 'map' ? (i % 2 === 0 ? type.key : type.value) : type.element;
      parts.push(Buffer.from([0x01]), encodeOrdered(inner, e));
    });
    parts.push(Buffer.from([0x00]));
    return Buffer.concat(parts);
  }
  const name = type.name;
  const signedWidth = FIXED_SIGNED[name];
  if (signedWidth !== undefined) {
    assert(bytes.length === signedWidth, `ordered encoding of ${name} needs ${signedWidth} bytes, got ${bytes.length}`);
    const out = Buffer.from(bytes);
    out[0] = out[0]! ^ 0x80;
    return out;
  }
  const unsignedWidth = FIXED_UNSIGNED[name];
  if (unsignedWidth !== undefined) {
    assert(bytes.length === unsignedWidth, `ordered encoding of ${name} needs ${unsignedWidth} bytes, got ${bytes.length}`);
    return Buffer.from(bytes);
  }
  const floatWidth = FLOATING[name];
  if (floatWidth !== undefined) {
    assert(bytes.length === floatWidth, `ordered encoding of ${name} needs ${floatWidth} bytes, got ${bytes.length}`);
    return floatKey(bytes);
  }
  if (BYTE_STRINGS.has(name)) return escapeBytes(bytes);
  switch (name) {
    case 'varint':
      return encodeVarint(bytesToVarint(bytes));
    case 'decimal':
      return encodeDecimalOrdered(bytes);
    case 'uuid':
    case 'timeuuid':
      assert(bytes.length === 16, `ordered encoding of ${name} needs 16 bytes, got ${bytes.length}`);
      return encodeUuidOrdered(bytes);
    default:
      throw new Error(`no ordered encoding for ${name}`);
  }
}

/** Reads one encodeOrdered value at `offset`; returns its serialized bytes and the offset after it. */
export function decodeOrdered(type: CqlType, buf: Buffer, offset: number): { bytes: Buffer; next: number } {
  if (type.kind !== 'native') {
    const elements: Buffer[] = [];
    let pos = offset;
    while (buf[pos] === 0x01) {
      const inner = type.kind === 'map' ? (elements.length % 2 === 0 ? type.key : type.value) : type.element;
      const r = decodeOrdered(inner, buf, pos + 1);
      elements.push(r.bytes);
      pos = r.next;
    }
    assert(buf[pos] === 0x00, 'bad ordered collection terminator');
    return { bytes: frameCollection(elements, type.kind === 'map' ? 2 : 1), next: pos + 1 };
  }
  const name = type.name;
  const signedWidth = FIXED_SIGNED[name];
  if (signedWidth !== undefined) {
    const out = Buffer.from(buf.subarray(offset, offset + signedWidth));
    out[0] = out[0]! ^ 0x80;
    return { bytes: out, next: offset + signedWidth };
  }
  const unsignedWidth = FIXED_UNSIGNED[name];
  if (unsignedWidth !== undefined) {
    return { bytes: Buffer.from(buf.subarray(offset, offset + unsignedWidth)), next: offset + unsignedWidth };
  }
  const floatWidth = FLOATING[name];
  if (floatWidth !== undefined) {
    return { bytes: floatFromKey(buf.subarray(offset, offset + floatWidth)), next: offset + floatWidth };
  }
  if (BYTE_STRINGS.has(name)) return unescapeBytes(buf, offset);
  switch (name) {
    case 'varint': {
      const r = decodeVarint(buf, offset);
      return { bytes: varintToBytes(r.value), next: r.next };
    }
    case 'decimal':
      return decodeDecimalOrdered(buf, offset);
    case 'uuid':
    case 'timeuuid':
      return { bytes: decodeUuidOrdered(buf, offset), next: offset + 17 };
    default:
      throw new Error(`no ordered encoding for ${name}`);
  }
}
