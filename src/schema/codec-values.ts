/**
 * JS values ⇄ Cassandra native protocol v4 bytes, and validation of bytes
 * that arrive already serialized (bound values, internode data).
 *
 * The JS mapping (shared with the driver, so this file stays free of Node I/O):
 * text/ascii/varchar → string; int/smallint/tinyint/float/double → number;
 * bigint/counter/varint → bigint (safe-integer numbers accepted); decimal →
 * string ('-12.345'; numbers accepted); boolean → boolean; uuid/timeuuid →
 * lower-case string; timestamp → Date (milliseconds accepted); date →
 * 'YYYY-MM-DD' (Date accepted); time → 'HH:MM:SS.nnnnnnnnn' (bigint
 * nanoseconds accepted); blob → Buffer; inet → address string; list/set →
 * Array; map → Map (plain objects accepted for text keys).
 */
import { InvalidRequestError } from '../util/errors.js';
import { formatType, type CqlType, type NativeTypeName } from './cql-type.js';
import { compareValues } from './codec-order.js';
import { encodeDecimal, decodeDecimal, frameCollection, unframeCollection } from './codec-frame.js';
import {
  NANOS_PER_DAY,
  bytesToVarint,
  formatDate,
  formatDecimal,
  formatInet,
  formatTime,
  formatUuid,
  parseDate,
  parseDecimal,
  parseInet,
  parseTime,
  parseUuid,
  uuidVersion,
  varintToBytes,
} from './codec-text.js';

/** 2^31: the serialized `date` of 1970-01-01 (dates are unsigned days, centred on the epoch). */
export const DATE_EPOCH_DAYS = 2 ** 31;

const EXPECTED: Record<NativeTypeName, string> = {
  ascii: 'ascii (string of ASCII characters)',
  text: 'text (string)',
  varchar: 'varchar (string)',
  int: 'int (32-bit integer)',
  bigint: 'bigint (64-bit integer as bigint or safe integer)',
  counter: 'counter (64-bit integer as bigint or safe integer)',
  smallint: 'smallint (16-bit integer)',
  tinyint: 'tinyint (8-bit integer)',
  varint: 'varint (integer as bigint or safe integer)',
  float: 'float (number)',
  double: 'double (number)',
  decimal: "decimal (number or decimal string like '-12.345')",
  boolean: 'boolean (boolean)',
  uuid: 'uuid (uuid string)',
  timeuuid: 'timeuuid (version 1 uuid string)',
  timestamp: 'timestamp (Date or milliseconds since the epoch)',
  date: "date ('YYYY-MM-DD' string or Date)",
  time: "time ('HH:MM:SS[.fffffffff]' string or bigint nanoseconds)",
  blob: 'blob (Buffer or Uint8Array)',
  inet: 'inet (IPv4 or IPv6 address string)',
};

function expectedText(type: CqlType): string {
  if (type.kind === 'native') return EXPECTED[type.name];
  return `${formatType(type)} (${type.kind === 'map' ? 'Map or object' : 'Array'})`;
}

/** A short, readable description of a JS value for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'Buffer';
  if (value instanceof Map) return 'Map';
  return typeof value;
}

function invalid(type: CqlType, value: unknown, what: string): InvalidRequestError {
  return new InvalidRequestError(`Invalid value for ${what}: expected ${expectedText(type)}, got ${describe(value)}`);
}

function fixed(width: number, write: (buf: Buffer) => void): Buffer {
  const buf = Buffer.alloc(width);
  write(buf);
  return buf;
}

function integerIn(value: unknown, bits: number): number | undefined {
  const limit = 2 ** (bits - 1);
  return typeof value === 'number' && Number.isInteger(value) && value >= -limit && value < limit ? value : undefined;
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function serializeNative(type: CqlType & { kind: 'native' }, value: unknown, what: string): Buffer {
  const bad = () => invalid(type, value, what);
  switch (type.name) {
    case 'ascii':
      if (typeof value !== 'string' || !/^[\x00-\x7f]*$/.test(value)) throw bad();
      return Buffer.from(value, 'latin1');
    case 'text':
    case 'varchar':
      if (typeof value !== 'string') throw bad();
      return Buffer.from(value, 'utf8');
    case 'int': {
      const n = integerIn(value, 32);
      if (n === undefined) throw bad();
      return fixed(4, (b) => b.writeInt32BE(n));
    }
    case 'smallint': {
      const n = integerIn(value, 16);
      if (n === undefined) throw bad();
      return fixed(2, (b) => b.writeInt16BE(n));
    }
    case 'tinyint': {
      const n = integerIn(value, 8);
      if (n === undefined) throw bad();
      return fixed(1, (b) => b.writeInt8(n));
    }
    case 'bigint':
    case 'counter': {
      const n = toBigInt(value);
      if (n === undefined || n < INT64_MIN || n > INT64_MAX) throw bad();
      return fixed(8, (b) => b.writeBigInt64BE(n));
    }
    case 'varint': {
      const n = toBigInt(value);
      if (n === undefined) throw bad();
      return varintToBytes(n);
    }
    case 'float':
      if (typeof value !== 'number') throw bad();
      return fixed(4, (b) => b.writeFloatBE(value));
    case 'double':
      if (typeof value !== 'number') throw bad();
      return fixed(8, (b) => b.writeDoubleBE(value));
    case 'decimal': {
      const parsed =
        typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
          ? parseDecimal(String(value))
          : typeof value === 'bigint'
            ? { unscaled: value, scale: 0 }
            : undefined;
      if (!parsed) throw bad();
      return encodeDecimal(parsed.unscaled, parsed.scale);
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return Buffer.from([value ? 1 : 0]);
    case 'uuid':
    case 'timeuuid': {
      const bytes = typeof value === 'string' ? parseUuid(value) : undefined;
      if (!bytes || (type.name === 'timeuuid' && uuidVersion(bytes) !== 1)) throw bad();
      return bytes;
    }
    case 'timestamp': {
      const ms = value instanceof Date ? value.getTime() : value;
      const n = typeof ms === 'number' && Number.isSafeInteger(ms) ? BigInt(ms) : typeof ms === 'bigint' ? ms : undefined;
      if (n === undefined || n < INT64_MIN || n > INT64_MAX) throw bad();
      return fixed(8, (b) => b.writeBigInt64BE(n));
    }
    case 'date': {
      let days: number | undefined;
      if (typeof value === 'string') days = parseDate(value);
      else if (value instanceof Date && !Number.isNaN(value.getTime())) days = Math.floor(value.getTime() / 86_400_000);
      const unsigned = days === undefined ? undefined : days + DATE_EPOCH_DAYS;
      if (unsigned === undefined || unsigned < 0 || unsigned > 0xffffffff) throw bad();
      return fixed(4, (b) => b.writeUInt32BE(unsigned));
    }
    case 'time': {
      const nanos = typeof value === 'string' ? parseTime(value) : typeof value === 'bigint' ? value : undefined;
      if (nanos === undefined || nanos < 0n || nanos >= NANOS_PER_DAY) throw bad();
      return fixed(8, (b) => b.writeBigInt64BE(nanos));
    }
    case 'blob':
      if (!(value instanceof Uint8Array)) throw bad();
      return Buffer.from(value);
    case 'inet': {
      const bytes = typeof value === 'string' ? parseInet(value) : undefined;
      if (!bytes) throw bad();
      return bytes;
    }
  }
}

function elementsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Set) return [...value];
  return undefined;
}

function entriesOf(type: CqlType & { kind: 'map' }, value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  const textKeys = type.key.kind === 'native' && ['text', 'varchar', 'ascii'].includes(type.key.name);
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (textKeys && (proto === Object.prototype || proto === null)) {
    return Object.entries(value as Record<string, unknown>);
  }
  return undefined;
}

function checkElement(value: unknown, what: string): void {
  if (value === null || value === undefined) {
    throw new InvalidRequestError(`Invalid value for ${what}: null is not supported inside collections`);
  }
}

/**
 * Serializes a JS value. `what` names the value in errors, e.g. `column "age"`
 * or `bind marker 2`: `Invalid value for column "age": expected int (32-bit integer), got string 'abc'`.
 * Sets are deduplicated and sorted in the element type's order, maps sorted by key
 * (a later duplicate key wins), as Cassandra stores them.
 */
export function serialize(type: CqlType, value: unknown, what: string): Buffer {
  switch (type.kind) {
    case 'native':
      return serializeNative(type, value, what);
    case 'list': {
      const elements = elementsOf(value);
      if (!elements) throw invalid(type, value, what);
      return frameCollection(
        elements.map((e) => {
          checkElement(e, what);
          return serialize(type.element, e, what);
        }),
      );
    }
    case 'set': {
      const elements = elementsOf(value);
      if (!elements) throw invalid(type, value, what);
      const bytes = elements.map((e) => {
        checkElement(e, what);
        return serialize(type.element, e, what);
      });
      bytes.sort((a, b) => compareValues(type.element, a, b));
      return frameCollection(bytes.filter((b, i) => i === 0 || compareValues(type.element, bytes[i - 1]!, b) !== 0));
    }
    case 'map': {
      const entries = entriesOf(type, value);
      if (!entries) throw invalid(type, value, what);
      const pairs = entries.map(([k, v]): [Buffer, Buffer] => {
        checkElement(k, what);
        checkElement(v, what);
        return [serialize(type.key, k, what), serialize(type.value, v, what)];
      });
      // A stable sort keeps later duplicates after earlier ones, so keeping the last of each run lets the last write win.
      pairs.sort((a, b) => compareValues(type.key, a[0], b[0]));
      const kept = pairs.filter((p, i) => i === pairs.length - 1 || compareValues(type.key, p[0], pairs[i + 1]![0]) !== 0);
      return frameCollection(kept.flat(), 2);
    }
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Why `bytes` is not a valid encoding of a native type, or undefined when it is. */
function nativeProblem(name: NativeTypeName, bytes: Buffer): string | undefined {
  const width = (n: number, label: string) =>
    bytes.length === n ? undefined : `Expected ${n} byte ${label} (${bytes.length})`;
  switch (name) {
    case 'ascii': {
      const i = bytes.findIndex((b) => b > 0x7f);
      return i < 0 ? undefined : `Invalid byte for ascii: ${bytes[i]}`;
    }
    case 'text':
    case 'varchar':
      try {
        utf8Strict.decode(bytes);
        return undefined;
      } catch {
        return 'Invalid UTF-8 bytes';
      }
    case 'int':
      return width(4, 'int');
    case 'smallint':
      return width(2, 'smallint');
    case 'tinyint':
      return width(1, 'tinyint');
    case 'bigint':
    case 'counter':
      return width(8, 'long');
    case 'float':
      return width(4, 'float');
    case 'double':
      return width(8, 'double');
    case 'boolean':
      return width(1, 'boolean');
    case 'timestamp':
      return width(8, 'long for timestamp');
    case 'date':
      return width(4, 'int for date');
    case 'time': {
      const w = width(8, 'long for time');
      if (w) return w;
      const nanos = bytes.readBigInt64BE(0);
      return nanos >= 0n && nanos < NANOS_PER_DAY ? undefined : `Time value out of range: ${nanos} nanoseconds`;
    }
    case 'uuid':
      return width(16, 'uuid');
    case 'timeuuid': {
      const w = width(16, 'timeuuid');
      if (w) return w;
      return uuidVersion(bytes) === 1 ? undefined : 'Invalid version for TimeUUID type.';
    }
    case 'varint':
      return bytes.length > 0 ? undefined : 'Expected at least 1 byte for varint (0)';
    case 'decimal':
      return bytes.length > 4 ? undefined : `Expected at least 5 bytes for decimal (${bytes.length})`;
    case 'blob':
      return undefined;
    case 'inet':
      return bytes.length === 4 || bytes.length === 16 ? undefined : `Expected 4 or 16 byte inet address (${bytes.length})`;
  }
}

function problem(type: CqlType, bytes: Buffer): string | undefined {
  if (type.kind === 'native') return nativeProblem(type.name, bytes);
  const parts = unframeCollection(bytes, type.kind === 'map' ? 2 : 1);
  if (!parts) return `Not enough bytes to read a ${type.kind}`;
  for (let i = 0; i < parts.length; i++) {
    const inner = type.kind === 'map' ? (i % 2 === 0 ? type.key : type.value) : type.element;
    const p = problem(inner, parts[i]!);
    if (p) return p;
  }
  return undefined;
}

/** Throws InvalidRequestError when `bytes` is not a valid encoding of `type`, naming the column. */
export function validate(type: CqlType, bytes: Buffer, column: string): void {
  const p = problem(type, bytes);
  if (p) throw new InvalidRequestError(`Invalid value for column "${column}" of type ${formatType(type)}: ${p}`);
}

/** Bytes → JS value (see the mapping at the top of this file). Assumes `bytes` passed validate(). */
export function deserialize(type: CqlType, bytes: Buffer): unknown {
  switch (type.kind) {
    case 'list':
    case 'set':
      return (unframeCollection(bytes, 1) ?? []).map((e) => deserialize(type.element, e));
    case 'map': {
      const parts = unframeCollection(bytes, 2) ?? [];
      const out = new Map<unknown, unknown>();
      for (let i = 0; i < parts.length; i += 2) out.set(deserialize(type.key, parts[i]!), deserialize(type.value, parts[i + 1]!));
      return out;
    }
    case 'native':
      break;
  }
  switch (type.name) {
    case 'ascii':
      return bytes.toString('latin1');
    case 'text':
    case 'varchar':
      return bytes.toString('utf8');
    case 'int':
      return bytes.readInt32BE(0);
    case 'smallint':
      return bytes.readInt16BE(0);
    case 'tinyint':
      return bytes.readInt8(0);
    case 'bigint':
    case 'counter':
      return bytes.readBigInt64BE(0);
    case 'varint':
      return bytesToVarint(bytes);
    case 'float':
      return bytes.readFloatBE(0);
    case 'double':
      return bytes.readDoubleBE(0);
    case 'decimal': {
      const { unscaled, scale } = decodeDecimal(bytes);
      return formatDecimal(unscaled, scale);
    }
    case 'boolean':
      return bytes[0] !== 0;
    case 'uuid':
    case 'timeuuid':
      return formatUuid(bytes);
    case 'timestamp':
      return new Date(Number(bytes.readBigInt64BE(0)));
    case 'date':
      return formatDate(bytes.readUInt32BE(0) - DATE_EPOCH_DAYS);
    case 'time':
      return formatTime(bytes.readBigInt64BE(0));
    case 'blob':
      return Buffer.from(bytes);
    case 'inet':
      return formatInet(bytes);
  }
}
