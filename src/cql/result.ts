/**
 * What a query produces, as the client protocol carries it. Values in rows
 * are serialized bytes (Cassandra's native formats, see src/schema/codec.ts);
 * the driver deserializes them with the column's type.
 */
import type { TraceEvent } from '../util/tracing.js';

export interface ColumnSpec {
  keyspace: string;
  table: string;
  name: string;
  /** CQL type text, e.g. `map<text, int>` (see formatType / parseTypeName). */
  type: string;
}

export type SchemaChangeTarget = 'KEYSPACE' | 'TABLE';
export type SchemaChangeType = 'CREATED' | 'UPDATED' | 'DROPPED';

export interface SchemaChange {
  change: SchemaChangeType;
  target: SchemaChangeTarget;
  keyspace: string;
  /** Absent for keyspace changes. */
  table?: string;
}

export type Result =
  | { kind: 'void' }
  | {
      kind: 'rows';
      columns: ColumnSpec[];
      rows: (Buffer | null)[][];
      /** Present when more rows follow: pass it back to get the next page. Opaque to clients. */
      pageState?: Buffer;
    }
  | { kind: 'setKeyspace'; keyspace: string }
  | { kind: 'schemaChange'; schemaChange: SchemaChange };

/** Every result travels with the warnings the server raised while producing it. */
export interface ResultEnvelope {
  result: Result;
  warnings: string[];
  /** Present when the request asked for tracing. */
  trace?: TraceInfo;
}

/** A traced request: what cqlsh reads from system_traces.sessions and .events, in one piece. */
export interface TraceInfo {
  /** A timeuuid, as text. */
  sessionId: string;
  /** The coordinator's internode endpoint (`host:port`). */
  coordinator: string;
  /** What ran, in Cassandra's words: `Execute CQL3 query`, `Execute CQL3 prepared query`, `Execute batch of CQL3 queries`. */
  request: string;
  /** When the coordinator started, µs since the epoch. */
  startedAtUs: number;
  /** From the start until the answer was ready, µs. */
  durationUs: number;
  /** Every node's steps in time order. */
  events: TraceEvent[];
  /** The client's address as the server saw it; the transport fills it in. */
  client?: string;
}

export interface Prepared {
  /** Stable for the same statement text and keyspace. */
  id: Buffer;
  /** One spec per bind marker (name = the `:name`, or the column it binds to). */
  params: ColumnSpec[];
  /** Columns a SELECT returns; empty for other statements. */
  resultColumns: ColumnSpec[];
  /**
   * For a statement on one partition whose every partition key column is
   * bound by its own marker: the index of that marker in `params`, per key
   * column in key order. A driver serializes those values as the partition
   * key to compute the token and send the request to a replica. Absent when
   * the key is not fully bound by markers.
   */
  pkIndexes?: number[];
}
