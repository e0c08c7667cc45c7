/**
 * The seam between the client protocol and the database: the transport
 * decodes a request and calls one of these; src/cql implements it on top of
 * a Coordinator (src/coordinator), which is where replication lives.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { Prepared, ResultEnvelope, SchemaChange } from './result.js';

/** Per-connection state: the keyspace chosen by USE or at STARTUP. */
export interface Session {
  keyspace?: string;
  /** The role this connection logged in as; absent before login, and always when authentication is off. */
  user?: string;
}

export interface QueryOptions {
  /** The client's level; a statement's USING CONSISTENCY overrides it. */
  consistency: ConsistencyName;
  /** Rows per page for SELECT; default_fetch_size when absent. */
  fetchSize?: number;
  /** The pageState of the previous page. */
  pageState?: Buffer;
  /** The client's timestamp for writes, µs since the epoch (USING TIMESTAMP overrides it). */
  timestampUs?: number;
  /** Record the request's steps on every node it touches and return them as the envelope's `trace`. */
  tracing?: boolean;
}

/** A bound value: serialized bytes, null, or `undefined` for "unset" (leaves the column untouched). */
export type BoundValue = Buffer | null | undefined;

export type BatchEntry =
  | { query: string; values: BoundValue[] }
  | { id: Buffer; values: BoundValue[] };

export interface BatchOptions {
  type: 'LOGGED' | 'UNLOGGED';
  consistency: ConsistencyName;
  timestampUs?: number;
  tracing?: boolean;
}

export interface QueryProcessor {
  /** One statement without bind values. */
  query(session: Session, cql: string, options: QueryOptions): Promise<ResultEnvelope>;
  prepare(session: Session, cql: string): Promise<Prepared>;
  /** Throws UnpreparedError when the id is unknown (evicted or from another node). */
  execute(session: Session, id: Buffer, values: BoundValue[], options: QueryOptions): Promise<ResultEnvelope>;
  batch(session: Session, entries: BatchEntry[], options: BatchOptions): Promise<ResultEnvelope>;
  /** Schema events for REGISTER; returns the unsubscribe function. */
  onSchemaChange(listener: (change: SchemaChange) => void): () => void;
}
