/**
 * Turns the parser's Terms into serialized values for a known column type:
 * constants through the codec, bind markers from the bound values (validated),
 * collection literals into Cassandra's whole-collection format, and the
 * time functions (now(), uuid(), currentTimestamp()…) evaluated once per call.
 * Errors are InvalidRequest, worded as Cassandra words them.
 */
import type { Term } from '../../grammar/ast.js';
import type { Clock } from '../clock/clock.js';
import { formatType, type CqlType } from '../schema/cql-type.js';
import { acceptsConstant, compareValues, fromConstant, validate } from '../schema/codec.js';
import { AssertionError, InvalidRequestError } from '../util/errors.js';
import { serializeList, serializeMap } from './collection-format.js';
import type { BoundValue } from './processor.js';
import { cryptoRandom, parseUuid, TimeUuidGenerator, timeUuidUnixMs, type RandomSource } from './timeuuid.js';

/** What evaluating a term needs besides the term: the bound values and the node's time sources. */
export interface TermContext {
  values: BoundValue[];
  clock: Clock;
  /** The node's timeuuid generator, so now() never repeats; a fresh one is made when absent. */
  timeUuids?: TimeUuidGenerator;
  random?: RandomSource;
}

/**
 * The serialized value of `term` for a column of `type`: a Buffer, null for a
 * null value, or undefined for an unset bind value (the caller leaves the
 * column untouched or rejects it, as the statement requires).
 */
export function bindTerm(term: Term, type: CqlType, column: string, ctx: TermContext): Buffer | null | undefined {
  switch (term.kind) {
    case 'null':
      return null;
    case 'constant':
      if (type.kind !== 'native') {
        throw new InvalidRequestError(`Invalid ${term.type} constant (${term.text}) for "${column}" of type ${formatType(type)}`);
      }
      return fromConstant(type, term.type, term.text, column);
    case 'bind': {
      if (term.index >= ctx.values.length) {
        throw new AssertionError(`bind marker ${term.index} has no value (${ctx.values.length} bound)`);
      }
      const value = ctx.values[term.index];
      if (value === null || value === undefined) return value;
      validate(type, value, column);
      return value;
    }
    case 'list':
      if (type.kind !== 'list') throw literalMismatch('list', type, column);
      for (const e of term.elements) checkElementKind(e, type.element, 'list', 'value', column);
      return serializeList(term.elements.map((e) => bindElement(e, type.element, column, ctx)));
    case 'set':
      if (type.kind !== 'set') throw literalMismatch('set', type, column);
      for (const e of term.elements) checkElementKind(e, type.element, 'set', 'value', column);
      return serializeList(sortedUnique(term.elements.map((e) => bindElement(e, type.element, column, ctx)), type.element));
    case 'map':
      if (type.kind === 'set' && term.entries.length === 0) return serializeList([]);
      if (type.kind !== 'map') throw literalMismatch('map', type, column);
      for (const [k, v] of term.entries) {
        checkElementKind(k, type.key, 'map', 'key', column);
        checkElementKind(v, type.value, 'map', 'value', column);
      }
      return serializeMap(
        sortedMapEntries(
          term.entries.map(([k, v]) => [bindElement(k, type.key, column, ctx), bindElement(v, type.value, column, ctx)]),
          type.key,
        ),
      );
    case 'function': {
      const result = evaluateFunction(term, ctx);
      if (!assignable(result.type, type)) {
        throw new InvalidRequestError(
          `Type error: cannot assign result of function system.${term.name.toLowerCase()} (type ${result.type}) to ${column} (type ${formatType(type)})`,
        );
      }
      return result.bytes;
    }
  }
}

/** A value inside a collection literal: nulls and unsets are not allowed there. */
function bindElement(term: Term, type: CqlType, column: string, ctx: TermContext): Buffer {
  const value = bindTerm(term, type, column, ctx);
  if (value === null) throw new InvalidRequestError('null is not supported inside collections');
  if (value === undefined) throw new InvalidRequestError('unset value is not supported inside collections');
  return value;
}

/**
 * A constant inside a collection literal whose kind the element type never
 * takes fails as Cassandra words it: `Invalid set literal for tags: value 'a'
 * is not of type int` (a right kind with a bad value fails later, with the
 * type's own message).
 */
function checkElementKind(term: Term, type: CqlType, literal: string, part: 'key' | 'value', column: string): void {
  if (term.kind !== 'constant' || acceptsConstant(type, term.type)) return;
  const shown = term.type === 'STRING' ? `'${term.text}'` : term.text;
  throw new InvalidRequestError(`Invalid ${literal} literal for ${column}: ${part} ${shown} is not of type ${formatType(type)}`);
}

function literalMismatch(literal: string, type: CqlType, column: string): InvalidRequestError {
  return new InvalidRequestError(`Invalid ${literal} literal for ${column} of type ${formatType(type)}`);
}

/** Set elements in the element type's order without duplicates, as Cassandra stores a set. */
export function sortedUnique(elements: Buffer[], type: CqlType): Buffer[] {
  const sorted = [...elements].sort((a, b) => compareValues(type, a, b));
  return sorted.filter((e, i) => i === 0 || compareValues(type, sorted[i - 1]!, e) !== 0);
}

/** Map entries in key order; of duplicate keys the last written wins. */
export function sortedMapEntries(entries: [Buffer, Buffer][], keyType: CqlType): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  for (const entry of entries) {
    const at = out.findIndex(([k]) => compareValues(keyType, k, entry[0]) === 0);
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out.sort((a, b) => compareValues(keyType, a[0], b[0]));
}

/** Which integer parameter of a statement is being bound; decides its type and its error wording. */
export type IntParameter = 'limit' | 'per partition limit' | 'ttl' | 'timestamp';

/**
 * The integer value of LIMIT, PER PARTITION LIMIT, TTL or TIMESTAMP. An unset
 * bind value yields `unsetDefault` (Cassandra: no limit, the table's default
 * TTL, the coordinator's timestamp); without one it is an error. Range checks
 * (positive limits, TTL bounds) are the caller's.
 */
export function bindInt(term: Term, what: IntParameter, ctx: TermContext, unsetDefault?: number): number {
  const isLong = what === 'timestamp';
  const typeName = isLong ? 'bigint' : 'int';
  const label = what === 'ttl' ? 'TTL' : what;
  switch (term.kind) {
    case 'null':
      throw new InvalidRequestError(`Invalid null value of ${label}`);
    case 'constant': {
      if (term.type !== 'INTEGER') {
        throw new InvalidRequestError(`Invalid ${term.type} constant (${term.text}) for "[${what}]" of type ${typeName}`);
      }
      const value = BigInt(term.text);
      const [min, max] = isLong ? [-(2n ** 63n), 2n ** 63n - 1n] : [-(2n ** 31n), 2n ** 31n - 1n];
      if (value < min || value > max) {
        throw new InvalidRequestError(`Invalid INTEGER constant (${term.text}) for "[${what}]" of type ${typeName}`);
      }
      return safeNumber(value, label);
    }
    case 'bind': {
      const value = ctx.values[term.index];
      if (value === null) throw new InvalidRequestError(`Invalid null value of ${label}`);
      if (value === undefined) {
        if (unsetDefault !== undefined) return unsetDefault;
        throw new InvalidRequestError(`Invalid unset value for ${label}`);
      }
      if (isLong) {
        if (value.length !== 8) throw new InvalidRequestError(`Expected 8 or 0 byte long (${value.length})`);
        return safeNumber(value.readBigInt64BE(0), label);
      }
      if (value.length !== 4) throw new InvalidRequestError(`Expected 4 or 0 byte int (${value.length})`);
      return value.readInt32BE(0);
    }
    default:
      throw new InvalidRequestError(`Invalid value for ${label}: expected an integer`);
  }
}

function safeNumber(value: bigint, label: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidRequestError(`Invalid value for ${label}: ${value} is out of the supported range`);
  }
  return Number(value);
}

interface FunctionResult {
  /** The CQL name of the result type. */
  type: string;
  bytes: Buffer;
}

const MS_PER_DAY = 86_400_000;

/** The time functions Cassandra offers for writes and conditions; each call reads the clock afresh. */
function evaluateFunction(term: Extract<Term, { kind: 'function' }>, ctx: TermContext): FunctionResult {
  const name = term.name.toLowerCase();
  const arity = (n: number) => {
    if (term.args.length !== n) {
      throw new InvalidRequestError(`Invalid number of arguments in call to function system.${name}: ${n} required but ${term.args.length} provided`);
    }
  };
  switch (name) {
    case 'now':
    case 'currenttimeuuid':
      arity(0);
      return { type: 'timeuuid', bytes: (ctx.timeUuids ?? new TimeUuidGenerator(ctx.random)).next(ctx.clock.nowUs()) };
    case 'uuid':
      arity(0);
      return { type: 'uuid', bytes: parseUuid((ctx.random ?? cryptoRandom).uuid()) };
    case 'currenttimestamp':
      arity(0);
      return { type: 'timestamp', bytes: int64(ctx.clock.nowMs()) };
    case 'currentdate':
      arity(0);
      return { type: 'date', bytes: dateBytes(ctx.clock.nowMs()) };
    case 'currenttime': {
      arity(0);
      const nanos = BigInt(ctx.clock.nowUs() % (MS_PER_DAY * 1000)) * 1000n;
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(nanos);
      return { type: 'time', bytes: out };
    }
    case 'totimestamp':
    case 'todate':
    case 'tounixtimestamp': {
      arity(1);
      const ms = timeuuidArgumentMs(term.args[0]!, name, ctx);
      if (name === 'totimestamp') return { type: 'timestamp', bytes: int64(ms) };
      if (name === 'todate') return { type: 'date', bytes: dateBytes(ms) };
      return { type: 'bigint', bytes: int64(ms) };
    }
    default:
      throw new InvalidRequestError(`Unknown function '${term.name}'`);
  }
}

function timeuuidArgumentMs(arg: Term, fn: string, ctx: TermContext): number {
  if (arg.kind === 'function') {
    const inner = evaluateFunction(arg, ctx);
    if (inner.type !== 'timeuuid') {
      throw new InvalidRequestError(`Type error: ${arg.name}() cannot be passed as argument 0 of function system.${fn} of type timeuuid`);
    }
    return timeUuidUnixMs(inner.bytes);
  }
  const bytes = bindTerm(arg, { kind: 'native', name: 'timeuuid' }, `arg0(${fn})`, ctx);
  if (bytes === null || bytes === undefined) throw new InvalidRequestError(`Invalid null value for argument 0 of function system.${fn}`);
  return timeUuidUnixMs(bytes);
}

function int64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(value));
  return out;
}

/** Cassandra's date: days since the epoch, offset by 2^31 so it sorts as unsigned. */
function dateBytes(ms: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(Math.floor(ms / MS_PER_DAY) + 2 ** 31);
  return out;
}

function assignable(from: string, to: CqlType): boolean {
  if (to.kind !== 'native') return false;
  if (from === to.name) return true;
  // A timeuuid is a uuid; text and varchar are one type under two names.
  if (from === 'timeuuid' && to.name === 'uuid') return true;
  return false;
}

/** A term as CQL text, the way Cassandra quotes a statement back in its errors: `'it''s'`, `[1, 2]`, `?`, `:name`. */
export function termText(term: Term): string {
  switch (term.kind) {
    case 'constant':
      return term.type === 'STRING' ? `'${term.text.replaceAll("'", "''")}'` : term.text;
    case 'null':
      return 'null';
    case 'bind':
      return term.name === undefined ? '?' : `:${term.name}`;
    case 'list':
      return `[${term.elements.map(termText).join(', ')}]`;
    case 'set':
      return `{${term.elements.map(termText).join(', ')}}`;
    case 'map':
      return `{${term.entries.map(([k, v]) => `${termText(k)}: ${termText(v)}`).join(', ')}}`;
    case 'function':
      return `${term.name}(${term.args.map(termText).join(', ')})`;
  }
}
