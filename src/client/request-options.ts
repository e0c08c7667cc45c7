/**
 * What a request may ask for beyond its statement: execute's and batch's
 * options (DataStax's names where they differ are accepted too), eachRow's
 * several argument shapes, and the small translations of options into a
 * request body.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import { ArgumentError } from './errors.js';
import type { Params } from './params.js';
import type { ResultSet, Row } from './result-set.js';

export interface ExecuteOptions {
  /** Prepare the statement even without params (statements with params are always prepared). */
  prepare?: boolean;
  consistency?: ConsistencyName;
  fetchSize?: number;
  /** The previous ResultSet's `pageState` (hex) or `rawPageState`. */
  pageState?: Buffer | string;
  /** Write timestamp in µs since the epoch; the driver's monotonic generator supplies one otherwise. */
  timestamp?: number | bigint;
  /**
   * Safe to run twice: may then be retried once (retry.ts). A statement not
   * marked idempotent is never retried, since it may have been applied.
   */
  idempotent?: boolean;
  /** DataStax's driver's name for `idempotent`, which wins when both are given. */
  isIdempotent?: boolean;
  /** eachRow only: fetch every page (default false: the first page only). */
  autoPage?: boolean;
  /** Trace the request on every node it touches; the trace arrives as `result.info.trace`. */
  traceQuery?: boolean;
  /**
   * The keyspace unqualified tables of this statement are in, instead of the
   * client's (DataStax's per-query keyspace): the statement is then prepared
   * in that keyspace.
   */
  keyspace?: string;
}

export interface BatchOptions {
  /** LOGGED (default) or UNLOGGED. */
  logged?: boolean;
  consistency?: ConsistencyName;
  timestamp?: number | bigint;
  idempotent?: boolean;
  /** DataStax's driver's name for `idempotent`, which wins when both are given. */
  isIdempotent?: boolean;
  /** Trace the batch; the trace arrives as `result.info.trace`. */
  traceQuery?: boolean;
  /** The keyspace unqualified tables of the batch are in, instead of the client's: every entry is then prepared in it. */
  keyspace?: string;
}

export type BatchQuery = string | { query: string; params?: Params };

export type RowCallback = (n: number, row: Row) => void;
/** DataStax's callback style for execute, batch and eachRow's end: (err) on failure, (null, result) on success. */
export type ResultCallback = (err: Error | null, result?: ResultSet) => void;
/** eachRow's endCallback, under DataStax's name. */
export type EndCallback = ResultCallback;

/**
 * eachRow's arguments after the query, in any of the DataStax driver's
 * shapes: (rowCallback), (params, rowCallback[, endCallback]) or
 * (params, options, rowCallback[, endCallback]).
 */
export function eachRowArguments(rest: unknown[]): { params: Params | null | undefined; options: ExecuteOptions; rowCallback: RowCallback; endCallback: EndCallback | undefined } {
  const firstFunction = rest.findIndex((a) => typeof a === 'function');
  if (firstFunction < 0) throw new ArgumentError('eachRow needs a rowCallback function');
  const before = rest.slice(0, firstFunction);
  if (before.length > 2) throw new ArgumentError('eachRow takes (query, [params], [options], rowCallback, [endCallback])');
  const [params, options] = before as [Params | null | undefined, ExecuteOptions | null | undefined];
  if (options !== undefined && options !== null && typeof options !== 'object') throw new ArgumentError('eachRow options must be an object');
  const endCallback = rest[firstFunction + 1];
  if (endCallback !== undefined && typeof endCallback !== 'function') throw new ArgumentError('eachRow endCallback must be a function');
  return { params, options: options ?? {}, rowCallback: rest[firstFunction] as RowCallback, endCallback: endCallback as EndCallback | undefined };
}

/** One batch entry as a query and its params; anything but a string or `{ query, params? }` is refused, naming its index. */
export function batchEntry(entry: BatchQuery, index: number): { query: string; params: Params | undefined } {
  if (typeof entry === 'string') return { query: entry, params: undefined };
  if (typeof entry !== 'object' || entry === null || typeof entry.query !== 'string') {
    throw new ArgumentError(`batch entry ${index} must be a query string or { query, params }; got ${entry === null ? 'null' : typeof entry}`);
  }
  return { query: entry.query, params: entry.params };
}

/**
 * Hands a promise's outcome to a callback instead, on the next tick, so an
 * exception the callback throws surfaces as itself rather than as a
 * rejected promise nobody awaits.
 */
export function settle<T>(promise: Promise<T>, callback: (err: Error | null, value?: T) => void): void {
  promise.then(
    (value) => process.nextTick(callback, null, value),
    (err: Error) => process.nextTick(callback, err),
  );
}

/**
 * Whether a statement may be retried: `idempotent`, or DataStax's
 * `isIdempotent`, so a DataStax habit does not silently turn retries off.
 */
export function isIdempotent(options: { idempotent?: boolean; isIdempotent?: boolean }): boolean {
  return (options.idempotent ?? options.isIdempotent) === true;
}

/** The keyspace a statement runs in: the execute option's, else the client's. */
export function queryKeyspace(option: unknown, current: string | undefined): string | undefined {
  if (option === undefined) return current;
  if (typeof option !== 'string' || option === '') throw new ArgumentError(`the keyspace option must be a non-empty string; got ${String(option)}`);
  return option;
}

/** USE of a keyspace named exactly (quoted, so its case is kept). */
export function useStatement(keyspace: string): string {
  return `USE "${keyspace.replace(/"/g, '""')}"`;
}

/** The timestamp field of a request body; left out entirely when the coordinator is to assign one. */
export function timestampField(timestamp: number | bigint | undefined): { timestamp?: number | bigint } {
  return timestamp === undefined ? {} : { timestamp };
}

/** The bytes of a pageState option: a ResultSet's rawPageState, or its pageState's hex. */
export function pageStateBytes(pageState: Buffer | string | undefined | null): Buffer | undefined {
  if (pageState === undefined || pageState === null) return undefined;
  if (Buffer.isBuffer(pageState)) return pageState;
  if (typeof pageState !== 'string' || !/^([0-9a-f]{2})*$/i.test(pageState)) {
    throw new ArgumentError('pageState must be a Buffer or the hex string of a ResultSet.pageState');
  }
  return pageState === '' ? undefined : Buffer.from(pageState, 'hex');
}
