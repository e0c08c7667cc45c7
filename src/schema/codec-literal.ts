/**
 * CQL literals ⇄ values: `fromConstant` turns a constant as the parser saw
 * it (kind + source text) into bytes with Cassandra's error wording, and
 * `formatCql` turns a JS value into literal text that parses back (DESCRIBE,
 * COPY, generated statements).
 */
import { InvalidRequestError } from '../util/errors.js';
import { formatType, type CqlType, type NativeTypeName } from './cql-type.js';
import { DATE_EPOCH_DAYS, deserialize, serialize } from './codec-values.js';
import {
  NANOS_PER_DAY,
  formatTimestamp,
  parseDate,
  parseDecimal,
  parseInet,
  parseTime,
  parseTimestamp,
  parseUuid,
  uuidVersion,
  varintToBytes,
} from './codec-text.js';
import { encodeDecimal } from './codec-frame.js';

export type ConstantKind = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'UUID' | 'HEX' | 'DURATION';

/** Which constant kinds each native type accepts (Cassandra's Constants.Literal.testAssignment). */
const ACCEPTS: Record<ConstantKind, readonly NativeTypeName[]> = {
  STRING: ['ascii', 'text', 'varchar', 'inet', 'date', 'time', 'timestamp'],
  INTEGER: ['bigint', 'counter', 'date', 'decimal', 'double', 'float', 'int', 'smallint', 'time', 'timestamp', 'tinyint', 'varint'],
  FLOAT: ['decimal', 'double', 'float'],
  BOOLEAN: ['boolean'],
  UUID: ['uuid', 'timeuuid'],
  HEX: ['blob'],
  DURATION: [],
};

const INTEGER_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:NaN|Infinity|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;

function int(width: number, text: string, javaName: string): Buffer {
  const limit = 2n ** BigInt(width * 8 - 1);
  const n = INTEGER_RE.test(text) ? BigInt(text) : undefined;
  if (n === undefined || n < -limit || n >= limit) throw new InvalidRequestError(`Unable to make ${javaName} from '${text}'`);
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(n);
  return buf.subarray(8 - width);
}

function int64(value: bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(value);
  return buf;
}

function uint32(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(value);
  return buf;
}

function nativeFromConstant(name: NativeTypeName, kind: ConstantKind, text: string): Buffer {
  const fail = (message: string): never => {
    throw new InvalidRequestError(message);
  };
  switch (name) {
    case 'ascii':
      if (!/^[\x00-\x7f]*$/.test(text)) fail(`Invalid ASCII character in string literal: '${text}'`);
      return Buffer.from(text, 'latin1');
    case 'text':
    case 'varchar':
      return Buffer.from(text, 'utf8');
    case 'int':
      return int(4, text, 'int');
    case 'smallint':
      return int(2, text, 'short');
    case 'tinyint':
      return int(1, text, 'byte');
    case 'bigint':
    case 'counter':
      return int(8, text, 'long');
    case 'varint':
      if (!INTEGER_RE.test(text)) fail(`unable to make int from '${text}'`);
      return varintToBytes(BigInt(text));
    case 'float':
    case 'double': {
      if (!FLOAT_RE.test(text)) fail(`Unable to make ${name} from '${text}'`);
      const buf = Buffer.alloc(name === 'float' ? 4 : 8);
      if (name === 'float') buf.writeFloatBE(Number(text));
      else buf.writeDoubleBE(Number(text));
      return buf;
    }
    case 'decimal': {
      const parsed = parseDecimal(text);
      if (!parsed) return fail(`unable to make BigDecimal from '${text}'`);
      return encodeDecimal(parsed.unscaled, parsed.scale);
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') fail(`Unable to make boolean from '${text}'`);
      return Buffer.from([lower === 'true' ? 1 : 0]);
    }
    case 'uuid':
    case 'timeuuid': {
      const bytes = parseUuid(text) ?? fail(`Unable to make UUID from '${text}'`);
      if (name === 'timeuuid' && uuidVersion(bytes) !== 1) fail(`Unsupported UUID version (${uuidVersion(bytes)}) for timeuuid: ${text}`);
      return bytes;
    }
    case 'timestamp': {
      const ms = INTEGER_RE.test(text) ? BigInt(text) : kind === 'STRING' ? toBig(parseTimestamp(text)) : undefined;
      if (ms === undefined || ms < -(2n ** 63n) || ms >= 2n ** 63n) return fail(`Unable to coerce '${text}' to a formatted date (long)`);
      return int64(ms);
    }
    case 'date': {
      if (INTEGER_RE.test(text)) {
        const raw = BigInt(text);
        if (raw < 0n || raw > 0xffffffffn) fail(`Unable to make unsigned int (for date) from: '${text}'`);
        return uint32(Number(raw));
      }
      const days = parseDate(text);
      const raw = days === undefined ? undefined : days + DATE_EPOCH_DAYS;
      if (raw === undefined || raw < 0 || raw > 0xffffffff) return fail(`Unable to coerce '${text}' to a formatted date (long)`);
      return uint32(raw);
    }
    case 'time': {
      // Cassandra's TimeSerializer wording: raw nanoseconds out of the day, or text that is not hh:mm:ss[.fffffffff].
      if (INTEGER_RE.test(text)) {
        const raw = BigInt(text);
        if (raw < 0n || raw >= NANOS_PER_DAY) fail(`Unable to make long (for time) from: '${text}'`);
        return int64(raw);
      }
      const nanos = parseTime(text);
      if (nanos === undefined || nanos < 0n || nanos >= NANOS_PER_DAY) return fail(`(TimeType) Unable to coerce '${text}' to a formatted time (long)`);
      return int64(nanos);
    }
    case 'blob': {
      const hex = text.replace(/^0x/i, '');
      if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) fail(`cannot parse '${text}' as hex bytes`);
      return Buffer.from(hex, 'hex');
    }
    case 'inet':
      return parseInet(text) ?? fail(`Unable to make inet address from '${text}'`);
  }
}

function toBig(n: number | undefined): bigint | undefined {
  return n === undefined ? undefined : BigInt(n);
}

/**
 * Converts a constant literal for column `column` of `type` to bytes.
 * A constant of a kind the type never accepts fails as
 * `Invalid STRING constant (abc) for "age" of type int`; a right kind with a
 * bad value fails with the type's own message, e.g. `Unable to make int from '99999999999'`.
 */
export function fromConstant(type: CqlType, constantType: ConstantKind, text: string, column: string): Buffer {
  if (!acceptsConstant(type, constantType)) {
    throw new InvalidRequestError(`Invalid ${constantType} constant (${text}) for "${column}" of type ${formatType(type)}`);
  }
  return nativeFromConstant(type.name, constantType, text);
}

/** Whether a constant of this kind can ever be a value of `type` (Cassandra's assignability test). */
export function acceptsConstant(type: CqlType, constantType: ConstantKind): type is Extract<CqlType, { kind: 'native' }> {
  return type.kind === 'native' && ACCEPTS[constantType].includes(type.name);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function formatNormalized(type: CqlType, value: unknown): string {
  switch (type.kind) {
    case 'list':
      return `[${(value as unknown[]).map((v) => formatNormalized(type.element, v)).join(', ')}]`;
    case 'set':
      return `{${(value as unknown[]).map((v) => formatNormalized(type.element, v)).join(', ')}}`;
    case 'map':
      return `{${[...(value as Map<unknown, unknown>).entries()]
        .map(([k, v]) => `${formatNormalized(type.key, k)}: ${formatNormalized(type.value, v)}`)
        .join(', ')}}`;
    case 'native':
      break;
  }
  switch (type.name) {
    case 'ascii':
    case 'text':
    case 'varchar':
    case 'date':
    case 'time':
    case 'inet':
      return quote(value as string);
    case 'float':
    case 'double': {
      const n = value as number;
      if (Object.is(n, -0)) return '-0.0';
      return String(n);
    }
    case 'timestamp':
      return quote(formatTimestamp((value as Date).getTime()));
    case 'blob':
      return `0x${(value as Buffer).toString('hex')}`;
    default:
      // int types, varint, decimal, boolean and uuids print as their own literal text.
      return String(value);
  }
}

/** A JS value as CQL literal text that parses back to the same value ('it''s', 0xcafe, {1, 2}, {'a': 1}). */
export function formatCql(type: CqlType, value: unknown): string {
  // Going through the bytes normalizes every accepted JS form (numbers for bigints, Dates for dates, …) first.
  return formatNormalized(type, deserialize(type, serialize(type, value, 'value')));
}
