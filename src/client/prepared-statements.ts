/**
 * The driver's prepared statements, by keyspace and query text: each is
 * prepared once per client (concurrent first uses share one PREPARE), an id
 * the node forgot (it restarted, or evicted it) is prepared again on that
 * node, and a schema change that alters or drops something empties the
 * cache so bind types never go stale.
 */
import type { Prepared, SchemaChange } from '../cql/result.js';
import { UnpreparedError } from '../util/errors.js';
import type { Connection } from './connection.js';

/** Sends one PREPARE of `query` in `keyspace` (the connection's when undefined) on a connection. */
export type PrepareRequest = (connection: Connection, keyspace: string | undefined, query: string) => Promise<Prepared>;

export class PreparedStatements {
  /**
   * By keyspace, then text; ids are the same on every node. Two levels
   * rather than one joined key, so a lookup hashes the query text string
   * the caller passed (V8 caches a string's hash) instead of a freshly
   * concatenated one.
   */
  private readonly pending = new Map<string, Map<string, Promise<Prepared>>>();
  /** The same statements once prepared, so the common case needs no await. */
  private readonly done = new Map<string, Map<string, Prepared>>();

  constructor(private readonly send: PrepareRequest) {}

  /** The statement if it is prepared already. */
  cached(keyspace: string | undefined, query: string): Prepared | undefined {
    return this.done.get(keyspace ?? '')?.get(query);
  }

  /** The statement prepared, on this connection unless it is already; a failed PREPARE is not kept. */
  prepare(connection: Connection, keyspace: string | undefined, query: string): Promise<Prepared> {
    const byQuery = inner(this.pending, keyspace);
    let p = byQuery.get(query);
    if (!p) {
      p = this.prepareOn(connection, keyspace, query);
      byQuery.set(query, p);
      p.catch(() => byQuery.delete(query));
    }
    return p;
  }

  /** Runs `fn` with the statements prepared; if the node forgot one, prepares them on it again and runs `fn` once more. */
  async with<T>(connection: Connection, keyspace: string | undefined, queries: string[], fn: (prepared: Prepared[]) => Promise<T>): Promise<T> {
    const known = this.done.get(keyspace ?? '');
    const cached = known === undefined ? undefined : queries.map((q) => known.get(q));
    const prepared =
      cached !== undefined && cached.every((p) => p !== undefined)
        ? (cached as Prepared[])
        : await Promise.all(queries.map((q) => this.prepare(connection, keyspace, q)));
    try {
      return await fn(prepared);
    } catch (err) {
      if (!(err instanceof UnpreparedError)) throw err;
      const again = await Promise.all(queries.map((q) => this.prepareOn(connection, keyspace, q)));
      return fn(again);
    }
  }

  /**
   * A table or keyspace altered or dropped may leave statements with stale
   * bind types (a table created again with other column types), so every
   * statement is prepared again on its next use. Creations change nothing
   * already prepared.
   */
  forget(change: SchemaChange): void {
    if (change.change === 'CREATED') return;
    this.pending.clear();
    this.done.clear();
  }

  private async prepareOn(connection: Connection, keyspace: string | undefined, query: string): Promise<Prepared> {
    const prepared = await this.send(connection, keyspace, query);
    inner(this.pending, keyspace).set(query, Promise.resolve(prepared));
    inner(this.done, keyspace).set(query, prepared);
    return prepared;
  }
}

/** A keyspace's map of statements by text, made on first use; the connection's keyspace is ''. */
function inner<V>(byKeyspace: Map<string, Map<string, V>>, keyspace: string | undefined): Map<string, V> {
  const key = keyspace ?? '';
  let byQuery = byKeyspace.get(key);
  if (!byQuery) byKeyspace.set(key, (byQuery = new Map()));
  return byQuery;
}
