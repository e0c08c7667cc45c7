/**
 * Cleanup (`sibyltool cleanup`): after a node joins, a node leaves or a
 * keyspace's replication factor is lowered, a node still stores the data of
 * ranges it no longer replicates. Nothing reads it there any more, but it
 * takes disk and, were ownership to come back, would return stale. Cleanup
 * deletes it: for each table, each maximal token range outside this node's
 * ownership (ring/replication.ts) is one contiguous storage range, removed
 * with ordinary local deletes (StorageEngine.deleteRange).
 *
 * Ownership is judged on the current ring, so cleanup refuses to run while
 * any node is joining, leaving or being removed (gossip STATUS BOOT,
 * LEAVING or REMOVING): ranges about to move to this node, or still
 * streaming from it, would be lost. It
 * also refuses on a node that has not joined the ring itself.
 */
import type { SchemaCatalog } from '../cql/schema-catalog.js';
import { rangesNotReplicatedBy } from '../ring/replication.js';
import type { EndpointId, TokenRing } from '../ring/token-ring.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { StorageEngine } from '../storage/engine.js';
import type { TokenRange } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';

/** Cassandra's words for refusing cleanup while ranges are moving. */
export const MEMBERSHIP_CHANGE_MESSAGE = 'Node is involved in cluster membership changes. Not safe to run cleanup.';
export const NOT_JOINED_MESSAGE = 'Cleanup cannot run before a node has joined the ring';

/**
 * Gossip STATUS values under which a node's ranges are in motion: joining,
 * leaving, and a dead node being removed (its ranges stream to the nodes
 * taking them over, which may include this one).
 */
const MOVING_STATUSES: ReadonlySet<string> = new Set(['BOOT', 'LEAVING', 'REMOVING']);

export interface CleanupRequest {
  /** Absent: every keyspace that is not a system keyspace. */
  keyspace?: string;
  /** Empty: every table of the keyspace. */
  tables: readonly string[];
}

/** What cleanup removed from one table. */
export interface TableCleanup {
  keyspace: string;
  table: string;
  partitions: number;
  bytes: number;
  /** The token ranges outside this node's ownership that were cleared, as [start, end] decimal strings. */
  ranges: [string, string][];
}

export interface CleanupReport {
  tables: TableCleanup[];
}

export interface CleanupDeps {
  self: EndpointId;
  catalog: Pick<SchemaCatalog, 'keyspace' | 'keyspaces' | 'tables'>;
  engine: Pick<StorageEngine, 'deleteRange'>;
  ring: () => TokenRing;
  /** Every endpoint gossip knows, with its STATUS (undefined when it has not published one). */
  statuses: () => Iterable<[EndpointId, string | undefined]>;
}

export class Cleanup {
  constructor(private readonly deps: CleanupDeps) {}

  async run(request: CleanupRequest): Promise<CleanupReport> {
    const keyspaces = this.keyspaces(request.keyspace);
    const plans = keyspaces.map((keyspace) => ({ keyspace, tables: this.tables(keyspace, request.tables) }));
    this.checkSafe();
    const ring = this.deps.ring();
    const report: CleanupReport = { tables: [] };
    for (const { keyspace, tables } of plans) {
      const outside = rangesNotReplicatedBy(ring, keyspace.replication, this.deps.self);
      for (const table of tables) report.tables.push(await this.cleanTable(keyspace.name, table, outside));
    }
    return report;
  }

  private async cleanTable(keyspace: string, table: { id: string; name: string }, outside: readonly TokenRange[]): Promise<TableCleanup> {
    const done: TableCleanup = { keyspace, table: table.name, partitions: 0, bytes: 0, ranges: [] };
    for (const range of outside) {
      const removed = await this.deps.engine.deleteRange(table.id, range);
      done.partitions += removed.partitions;
      done.bytes += removed.bytes;
      done.ranges.push([String(range.start), String(range.end)]);
    }
    return done;
  }

  /** Refuses while this node is not in the ring or any node's ranges are moving. */
  private checkSafe(): void {
    let selfStatus: string | undefined;
    for (const [endpoint, status] of this.deps.statuses()) {
      if (endpoint === this.deps.self) selfStatus = status;
      if (status !== undefined && MOVING_STATUSES.has(status)) throw new InvalidRequestError(MEMBERSHIP_CHANGE_MESSAGE);
    }
    if (selfStatus !== 'NORMAL' || !this.deps.ring().has(this.deps.self)) throw new InvalidRequestError(NOT_JOINED_MESSAGE);
  }

  private keyspaces(name: string | undefined): KeyspaceMetadata[] {
    if (name === undefined) return this.deps.catalog.keyspaces().filter((k) => !k.name.startsWith('system'));
    if (name.startsWith('system')) throw new InvalidRequestError('Cleanup of the system keyspace is neither necessary nor possible.');
    const keyspace = this.deps.catalog.keyspace(name);
    if (!keyspace) throw new InvalidRequestError(`Keyspace ${name} does not exist`);
    return [keyspace];
  }

  private tables(keyspace: KeyspaceMetadata, wanted: readonly string[]): { id: string; name: string }[] {
    const all = this.deps.catalog.tables(keyspace.name);
    for (const name of wanted) {
      if (!all.some((t) => t.name === name)) throw new InvalidRequestError(`Unknown table ${keyspace.name}.${name}`);
    }
    return wanted.length === 0 ? all : all.filter((t) => wanted.includes(t.name));
  }
}
