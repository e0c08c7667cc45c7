/**
 * The client protocol's vocabulary: opcodes, the envelope every frame body
 * carries, the body of each request and response, and the validation that
 * turns an untrusted decoded body into a typed request. The server and the
 * driver both import this file; docs/protocol.md describes the same thing in
 * prose.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { Prepared, Result, SchemaChange, TraceInfo } from '../cql/result.js';
import type { BoundValue } from '../cql/processor.js';
import type { ErrorFields } from '../util/errors.js';
import { ProtocolError } from '../util/errors.js';

export const PROTOCOL_VERSION = 1;

/** Opcode numbers follow Cassandra's native protocol where one exists. */
export const Opcode = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  /** The server requires a login: the client answers with AUTH_RESPONSE. */
  AUTHENTICATE: 0x03,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  PREPARE: 0x09,
  EXECUTE: 0x0a,
  REGISTER: 0x0b,
  EVENT: 0x0c,
  BATCH: 0x0d,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
  ADMIN: 0x40,
} as const;
export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode];

/** Events are pushed on this stream; clients never use it for requests. */
export const EVENT_STREAM = -1;
/** Errors about the connection itself (a bad frame) arrive on this stream; clients never use it either. */
export const CONNECTION_STREAM = 0;
/** Clients pick request stream ids in 1..STREAM_ID_MAX. */
export const STREAM_ID_MAX = 32767;

/** Every frame body: version, stream id, opcode and the opcode's body. */
export interface Envelope<B = unknown> {
  v: number;
  s: number;
  o: number;
  b: B;
}

export const CONSISTENCY_NAMES: readonly ConsistencyName[] = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_ONE',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
  'SERIAL',
  'LOCAL_SERIAL',
];

export const EVENT_TYPES = ['SCHEMA_CHANGE', 'TOPOLOGY_CHANGE', 'STATUS_CHANGE'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// ---- request bodies ----

export interface StartupBody {
  options: { keyspace?: string; driver?: string };
}
/** A SASL PLAIN token, as Cassandra's PasswordAuthenticator takes it: `[authzid] NUL username NUL password` in UTF-8. */
export interface AuthResponseBody {
  token: Buffer | string;
}
/** AUTHENTICATE names the authenticator the server runs. */
export interface AuthenticateBody {
  authenticator: string;
}
export type OptionsBody = Record<string, never>;
/** Paging and timestamp fields shared by QUERY and EXECUTE. */
export interface PagingFields {
  consistency: ConsistencyName;
  fetchSize?: number;
  pageState?: Buffer;
  /** µs since the epoch; a number (exact to 2^53) or a bigint. */
  timestamp?: number | bigint;
  /** Trace the request: the RESULT then carries `trace`. */
  tracing?: boolean;
}
export interface QueryBody extends PagingFields {
  query: string;
}
export interface PrepareBody {
  query: string;
  keyspace?: string;
}
export interface ExecuteBody extends PagingFields {
  id: Buffer;
  values: BoundValue[];
}
export type WireBatchEntry = { query: string; values: BoundValue[] } | { id: Buffer; values: BoundValue[] };
export interface BatchBody {
  type: 'LOGGED' | 'UNLOGGED';
  entries: WireBatchEntry[];
  consistency: ConsistencyName;
  timestamp?: number | bigint;
  tracing?: boolean;
}
export interface RegisterBody {
  events: EventType[];
}
export interface AdminBody {
  command: string;
  args: Record<string, unknown>;
}

export type Request =
  | { opcode: typeof Opcode.STARTUP; stream: number; body: StartupBody }
  | { opcode: typeof Opcode.AUTH_RESPONSE; stream: number; body: AuthResponseBody }
  | { opcode: typeof Opcode.OPTIONS; stream: number; body: OptionsBody }
  | { opcode: typeof Opcode.QUERY; stream: number; body: QueryBody }
  | { opcode: typeof Opcode.PREPARE; stream: number; body: PrepareBody }
  | { opcode: typeof Opcode.EXECUTE; stream: number; body: ExecuteBody }
  | { opcode: typeof Opcode.BATCH; stream: number; body: BatchBody }
  | { opcode: typeof Opcode.REGISTER; stream: number; body: RegisterBody }
  | { opcode: typeof Opcode.ADMIN; stream: number; body: AdminBody };

// ---- response bodies ----

export interface ErrorBody {
  code: number;
  message: string;
  fields: ErrorFields;
}
export type ReadyBody = Record<string, never>;
export interface SupportedBody {
  versions: number[];
  cqlVersion: string;
  compression: string[];
}
/** What a RESULT carries: a statement's Result, a PREPARE's Prepared, or an ADMIN command's value. */
export type WireResult = Result | { kind: 'prepared'; prepared: Prepared } | { kind: 'admin'; value: unknown };
export interface ResultBody {
  result: WireResult;
  warnings: string[];
  /** Present when the request asked for tracing. */
  trace?: TraceInfo;
}
/** A node joined (NEW_NODE), left (REMOVED_NODE) or changed its tokens or address (MOVED_NODE); `address` is its client address 'host:port'. */
export interface TopologyChangeEvent {
  type: 'TOPOLOGY_CHANGE';
  change: 'NEW_NODE' | 'REMOVED_NODE' | 'MOVED_NODE';
  address: string;
}
/** The pushing node's failure detector saw a node come up or go down; `address` is its client address 'host:port'. */
export interface StatusChangeEvent {
  type: 'STATUS_CHANGE';
  change: 'UP' | 'DOWN';
  address: string;
}
export type ClusterEvent = TopologyChangeEvent | StatusChangeEvent;
export type EventBody = ({ type: 'SCHEMA_CHANGE' } & SchemaChange) | ClusterEvent;

// ---- validation of untrusted request bodies ----

const REQUEST_OPCODES: ReadonlySet<number> = new Set([
  Opcode.STARTUP,
  Opcode.AUTH_RESPONSE,
  Opcode.OPTIONS,
  Opcode.QUERY,
  Opcode.PREPARE,
  Opcode.EXECUTE,
  Opcode.BATCH,
  Opcode.REGISTER,
  Opcode.ADMIN,
]);

/** The stream id of a decoded body if it has a usable one, so an error can answer on it. */
export function streamOf(raw: unknown): number | undefined {
  if (!isObject(raw)) return undefined;
  const s = raw['s'];
  return Number.isInteger(s) && (s as number) >= 1 && (s as number) <= STREAM_ID_MAX ? (s as number) : undefined;
}

/** Checks a decoded frame body and returns the typed request; anything malformed is a ProtocolError. */
export function parseRequest(raw: unknown): Request {
  if (!isObject(raw)) throw new ProtocolError('frame body is not a map');
  if (raw['v'] !== PROTOCOL_VERSION) {
    throw new ProtocolError(`unsupported protocol version ${String(raw['v'])} (this server speaks ${PROTOCOL_VERSION})`);
  }
  const stream = streamOf(raw);
  if (stream === undefined) throw new ProtocolError(`stream id must be an integer in 1..${STREAM_ID_MAX}`);
  const opcode = raw['o'];
  if (typeof opcode !== 'number' || !REQUEST_OPCODES.has(opcode)) {
    throw new ProtocolError(`unknown request opcode ${String(opcode)}`);
  }
  const b = raw['b'] ?? {};
  if (!isObject(b)) throw new ProtocolError(`body of opcode 0x${opcode.toString(16)} is not a map`);
  switch (opcode) {
    case Opcode.STARTUP: {
      const options = b['options'] ?? {};
      if (!isObject(options)) throw new ProtocolError('STARTUP options must be a map');
      return {
        opcode,
        stream,
        body: { options: { keyspace: optString(options, 'keyspace', 'STARTUP'), driver: optString(options, 'driver', 'STARTUP') } },
      };
    }
    case Opcode.AUTH_RESPONSE: {
      const token = b['token'];
      if (typeof token !== 'string' && !Buffer.isBuffer(token)) throw new ProtocolError('AUTH_RESPONSE token must be bytes or text');
      return { opcode, stream, body: { token } };
    }
    case Opcode.OPTIONS:
      return { opcode, stream, body: {} };
    case Opcode.QUERY:
      return { opcode, stream, body: { query: reqString(b, 'query', 'QUERY'), ...pagingFields(b, 'QUERY') } };
    case Opcode.PREPARE:
      return { opcode, stream, body: { query: reqString(b, 'query', 'PREPARE'), keyspace: optString(b, 'keyspace', 'PREPARE') } };
    case Opcode.EXECUTE:
      return {
        opcode,
        stream,
        body: { id: reqBytes(b, 'id', 'EXECUTE'), values: boundValues(b['values'], 'EXECUTE'), ...pagingFields(b, 'EXECUTE') },
      };
    case Opcode.BATCH:
      return { opcode, stream, body: batchBody(b) };
    case Opcode.REGISTER: {
      const events = b['events'];
      if (!Array.isArray(events) || !events.every((e) => (EVENT_TYPES as readonly unknown[]).includes(e))) {
        throw new ProtocolError(`REGISTER events must be a list of ${EVENT_TYPES.join(', ')}`);
      }
      return { opcode, stream, body: { events: events as EventType[] } };
    }
    case Opcode.ADMIN: {
      const args = b['args'] ?? {};
      if (!isObject(args)) throw new ProtocolError('ADMIN args must be a map');
      return { opcode, stream, body: { command: reqString(b, 'command', 'ADMIN'), args } };
    }
    default:
      throw new ProtocolError(`unknown request opcode ${opcode}`);
  }
}

function batchBody(b: Record<string, unknown>): BatchBody {
  const type = b['type'];
  if (type !== 'LOGGED' && type !== 'UNLOGGED') throw new ProtocolError("BATCH type must be 'LOGGED' or 'UNLOGGED'");
  const rawEntries = b['entries'];
  if (!Array.isArray(rawEntries)) throw new ProtocolError('BATCH entries must be a list');
  const entries = rawEntries.map((e): WireBatchEntry => {
    if (!isObject(e)) throw new ProtocolError('each BATCH entry must be a map');
    const values = boundValues(e['values'], 'BATCH entry');
    if (typeof e['query'] === 'string') return { query: e['query'], values };
    if (Buffer.isBuffer(e['id'])) return { id: e['id'], values };
    throw new ProtocolError('each BATCH entry needs a query (text) or an id (bytes)');
  });
  const { consistency, timestamp, tracing } = pagingFields(b, 'BATCH');
  return { type, entries, consistency, timestamp, ...(tracing ? { tracing } : {}) };
}

function pagingFields(b: Record<string, unknown>, what: string): PagingFields {
  const consistency = b['consistency'];
  if (typeof consistency !== 'string' || !(CONSISTENCY_NAMES as readonly string[]).includes(consistency)) {
    throw new ProtocolError(`${what} consistency must be one of ${CONSISTENCY_NAMES.join(', ')}`);
  }
  const fetchSize = b['fetchSize'];
  if (fetchSize !== undefined && fetchSize !== null && !(Number.isInteger(fetchSize) && (fetchSize as number) > 0)) {
    throw new ProtocolError(`${what} fetchSize must be a positive integer`);
  }
  const pageState = b['pageState'];
  if (pageState !== undefined && pageState !== null && !Buffer.isBuffer(pageState)) {
    throw new ProtocolError(`${what} pageState must be bytes`);
  }
  const timestamp = b['timestamp'];
  if (timestamp !== undefined && timestamp !== null && typeof timestamp !== 'bigint' && !Number.isSafeInteger(timestamp)) {
    throw new ProtocolError(`${what} timestamp must be an integer number of microseconds`);
  }
  const tracing = b['tracing'];
  if (tracing !== undefined && tracing !== null && typeof tracing !== 'boolean') throw new ProtocolError(`${what} tracing must be a boolean`);
  return {
    consistency: consistency as ConsistencyName,
    fetchSize: (fetchSize ?? undefined) as number | undefined,
    pageState: (pageState ?? undefined) as Buffer | undefined,
    timestamp: (timestamp ?? undefined) as number | bigint | undefined,
    ...(tracing === true ? { tracing } : {}),
  };
}

function boundValues(raw: unknown, what: string): BoundValue[] {
  const values = raw ?? [];
  if (!Array.isArray(values)) throw new ProtocolError(`${what} values must be a list`);
  for (const v of values) {
    if (v !== null && v !== undefined && !Buffer.isBuffer(v)) {
      throw new ProtocolError(`${what} values must be bytes, null or unset`);
    }
  }
  return values as BoundValue[];
}

function reqString(b: Record<string, unknown>, key: string, what: string): string {
  const v = b[key];
  if (typeof v !== 'string') throw new ProtocolError(`${what} ${key} must be text`);
  return v;
}

function optString(b: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ProtocolError(`${what} ${key} must be text`);
  return v;
}

function reqBytes(b: Record<string, unknown>, key: string, what: string): Buffer {
  const v = b[key];
  if (!Buffer.isBuffer(v)) throw new ProtocolError(`${what} ${key} must be bytes`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}
