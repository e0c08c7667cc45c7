/**
 * The CQL statement processor: parses (with a cache), prepares, binds and
 * executes statements. DDL goes to the schema catalog, writes become
 * Partition mutations handed to the Coordinator, SELECT is executed by
 * src/cql/select. It holds no connection state: the transport passes each
 * connection's Session in.
 */
import { createHash } from 'node:crypto';
import { CqlSyntaxError, parseStatement } from '../../grammar/index.js';
import type { Batch, ConsistencyName, ModificationStatement, ParsedStatement, QualifiedName } from '../../grammar/ast.js';
import type { Clock } from '../clock/clock.js';
import { HybridLogicalClock } from '../clock/hlc.js';
import { timestampSkewWarning } from '../clock/skew.js';
import type { Coordinator, KeyspaceWrites, WriteType } from '../coordinator/coordinator.js';
import { withTracer } from '../coordinator/traced.js';
import { tableLayout, type KeyspaceMetadata, type TableMetadata } from '../schema/table.js';
import type { Partition } from '../storage/model.js';
import { InvalidRequestError, SyntaxError, UnauthorizedError, UnpreparedError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { TraceSession } from '../util/tracing.js';
import { replicationChangeWarnings, replicationFactorWarnings } from './ddl/replication-warnings.js';
import type { AccessControl } from './auth/access-control.js';
import { keyspaceResource, tableResource } from './auth/resources.js';
import { bindMarkerSpecs } from './bind-markers.js';
import { buildBatch, buildStatement, type BuiltMutations } from './mutations/batch.js';
import type { MutationContext } from './mutations/write-params.js';
import { LruCache } from './prepared-cache.js';
import type { BatchEntry, BatchOptions, BoundValue, QueryOptions, QueryProcessor, Session } from './processor.js';
import type { Prepared, ResultEnvelope, SchemaChange } from './result.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { partitionKeyIndexes } from './routing-key.js';
import { executeSelect, selectResultColumns } from './select/index.js';
import { SystemSchemaTables } from './system-schema.js';
import type { TermContext } from './terms.js';
import type { TopologySource } from './topology.js';
import { cryptoRandom, formatUuid, TimeUuidGenerator, type RandomSource } from './timeuuid.js';

export interface CqlQueryProcessorDeps {
  catalog: SchemaCatalog;
  coordinator: Coordinator;
  clock: Clock;
  settings: Settings;
  log?: Logger;
  random?: RandomSource;
  /** The node's hybrid logical clock; one is made from `clock` and max_clock_drift when absent. */
  hlc?: HybridLogicalClock;
  /** This node's internode endpoint: the source its trace events name ('localhost' when absent). */
  endpoint?: string;
  /** Authentication and authorization (src/cql/auth); without it every statement is allowed and role statements are refused. */
  access?: AccessControl;
  /** The cluster's members for system.local and system.peers; without it the node describes itself alone. */
  topology?: TopologySource;
}

interface PreparedEntry {
  parsed: ParsedStatement;
  /** The session keyspace when prepared: unqualified tables resolve against it, as in Cassandra. */
  keyspace: string | undefined;
  prepared: Prepared;
  /** The schema version the metadata was derived under; a DDL statement since may have changed its types. */
  schemaVersion: string;
}

const VOID: ResultEnvelope = { result: { kind: 'void' }, warnings: [] };

export class CqlQueryProcessor implements QueryProcessor {
  private readonly parsedCache: LruCache<string, ParsedStatement>;
  private readonly preparedCache: LruCache<string, PreparedEntry>;
  private readonly hlc: HybridLogicalClock;
  private readonly timeUuids: TimeUuidGenerator;
  private readonly random: RandomSource;
  private readonly systemTables: SystemSchemaTables;

  constructor(private readonly deps: CqlQueryProcessorDeps) {
    this.parsedCache = new LruCache(deps.settings.prepared_statements_cache_size);
    this.preparedCache = new LruCache(deps.settings.prepared_statements_cache_size);
    this.hlc = deps.hlc ?? new HybridLogicalClock({ clock: deps.clock, maxClockDriftMs: deps.settings.max_clock_drift });
    this.random = deps.random ?? cryptoRandom;
    this.timeUuids = new TimeUuidGenerator(this.random);
    this.systemTables = new SystemSchemaTables(deps);
  }

  async query(session: Session, cql: string, options: QueryOptions): Promise<ResultEnvelope> {
    if (options.tracing) {
      return this.traced('Execute CQL3 query', (trace) => {
        trace.event(`Parsing ${cql}`);
        const parsed = this.parse(cql);
        trace.event('Preparing statement');
        return this.checked(session, session.keyspace, parsed, [], options, withTracer(this.deps.coordinator, trace));
      });
    }
    const parsed = this.parse(cql);
    return this.checked(session, session.keyspace, parsed, [], options);
  }

  async prepare(session: Session, cql: string): Promise<Prepared> {
    const idHex = preparedId(session.keyspace, cql);
    const cached = this.preparedCache.get(idHex);
    // After DDL (a table dropped and created again with other types) the
    // metadata is derived again, so a client preparing anew binds the new types.
    if (cached && cached.schemaVersion === this.deps.catalog.version) return cached.prepared;
    const parsed = this.parse(cql);
    const stmt = parsed.statement;
    const tableOf = (name: QualifiedName) => this.table(name, session.keyspace);
    const params = bindMarkerSpecs(stmt, tableOf);
    if (params.length !== parsed.bindMarkers.length) {
      throw new InvalidRequestError(`Bind markers of ${stmt.kind} could not all be typed`);
    }
    const resultColumns = stmt.kind === 'select' ? selectResultColumns(tableOf(stmt.table), stmt) : [];
    const prepared: Prepared = { id: Buffer.from(idHex, 'hex'), params, resultColumns };
    if (stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete' || stmt.kind === 'select') {
      const pkIndexes = partitionKeyIndexes(stmt, tableOf(stmt.table));
      if (pkIndexes) prepared.pkIndexes = pkIndexes;
    }
    this.preparedCache.set(idHex, { parsed, keyspace: session.keyspace, prepared, schemaVersion: this.deps.catalog.version });
    return prepared;
  }

  async execute(session: Session, id: Buffer, values: BoundValue[], options: QueryOptions): Promise<ResultEnvelope> {
    const entry = this.preparedCache.get(id.toString('hex'));
    if (!entry) throw new UnpreparedError(id.toString('hex'));
    const keyspace = entry.keyspace ?? session.keyspace;
    if (options.tracing) {
      return this.traced('Execute CQL3 prepared query', (trace) => {
        trace.event(`Executing prepared statement ${id.toString('hex')}`);
        return this.checked(session, keyspace, entry.parsed, values, options, withTracer(this.deps.coordinator, trace));
      });
    }
    return this.checked(session, keyspace, entry.parsed, values, options);
  }

  async batch(session: Session, entries: BatchEntry[], options: BatchOptions): Promise<ResultEnvelope> {
    if (options.tracing) {
      return this.traced('Execute batch of CQL3 queries', (trace) => {
        trace.event(`Preparing a ${options.type} batch of ${entries.length} statement${entries.length === 1 ? '' : 's'}`);
        return this.runBatch(session, entries, options, withTracer(this.deps.coordinator, trace));
      });
    }
    return this.runBatch(session, entries, options, this.deps.coordinator);
  }

  /**
   * Runs one traced request: a session on this node that the coordinator's
   * paths record into, closed once the answer is ready (its duration) and
   * once every replica asked to trace has answered (its events).
   */
  private async traced(request: string, work: (trace: TraceSession) => Promise<ResultEnvelope>): Promise<ResultEnvelope> {
    const coordinator = this.deps.endpoint ?? 'localhost';
    const trace = new TraceSession(coordinator, this.deps.clock);
    const sessionId = formatUuid(this.timeUuids.next(trace.startedAtUs));
    const envelope = await work(trace);
    const durationUs = trace.elapsedUs();
    await trace.settled();
    return { ...envelope, trace: { sessionId, coordinator, request, startedAtUs: trace.startedAtUs, durationUs, events: trace.events() } };
  }

  private async runBatch(session: Session, entries: BatchEntry[], options: BatchOptions, coordinator: Coordinator): Promise<ResultEnvelope> {
    const statements: ModificationStatement[] = [];
    const contexts: MutationContext[] = [];
    let keyspace = session.keyspace;
    for (const entry of entries) {
      let parsed: ParsedStatement;
      if ('id' in entry) {
        const prepared = this.preparedCache.get(entry.id.toString('hex'));
        if (!prepared) throw new UnpreparedError(entry.id.toString('hex'));
        parsed = prepared.parsed;
        keyspace = prepared.keyspace ?? session.keyspace;
      } else {
        parsed = this.parse(entry.query);
      }
      const stmt = parsed.statement;
      if (stmt.kind !== 'insert' && stmt.kind !== 'update' && stmt.kind !== 'delete') {
        throw new InvalidRequestError('Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.');
      }
      checkBindCount(parsed, entry.values);
      const qualified = qualify(stmt, keyspace);
      await this.deps.access?.authorize(session, qualified, keyspace);
      statements.push(qualified);
      contexts.push(this.mutationContext(entry.values, options.consistency, options.timestampUs, coordinator));
    }
    const batch: Batch = { kind: 'batch', type: options.type, using: {}, statements };
    const built = await buildBatch(batch, (name) => this.table(name, undefined), contexts, this.deps.settings);
    const skew = await this.write(built, options.consistency, options.type === 'LOGGED' ? 'BATCH' : 'UNLOGGED_BATCH', coordinator);
    return { result: { kind: 'void' }, warnings: [...built.warnings, ...skew] };
  }

  onSchemaChange(listener: (change: SchemaChange) => void): () => void {
    return this.deps.catalog.onChange(listener);
  }

  private parse(cql: string): ParsedStatement {
    const cached = this.parsedCache.get(cql);
    if (cached) return cached;
    let parsed: ParsedStatement;
    try {
      parsed = parseStatement(cql);
    } catch (err) {
      if (err instanceof CqlSyntaxError) throw new SyntaxError(err.message);
      throw err;
    }
    this.parsedCache.set(cql, parsed);
    return parsed;
  }

  /**
   * Runs a statement for this node's own purposes (roles and permissions in
   * system_auth), with no access check: the caller has made its own.
   */
  async executeInternal(cql: string, values: BoundValue[], consistency: ConsistencyName): Promise<ResultEnvelope> {
    return this.run({}, undefined, this.parse(cql), values, { consistency });
  }

  /** A client's statement: allowed for its session's role (see src/cql/auth), then run. */
  private async checked(
    session: Session,
    keyspace: string | undefined,
    parsed: ParsedStatement,
    values: BoundValue[],
    options: QueryOptions,
    coordinator: Coordinator = this.deps.coordinator,
  ): Promise<ResultEnvelope> {
    await this.deps.access?.authorize(session, parsed.statement, keyspace);
    return this.run(session, keyspace, parsed, values, options, coordinator);
  }

  private async run(
    session: Session,
    keyspace: string | undefined,
    parsed: ParsedStatement,
    values: BoundValue[],
    options: QueryOptions,
    coordinator: Coordinator = this.deps.coordinator,
  ): Promise<ResultEnvelope> {
    checkBindCount(parsed, values);
    const stmt = parsed.statement;
    const catalog = this.deps.catalog;
    const schema = (change: SchemaChange | undefined): ResultEnvelope =>
      change ? { result: { kind: 'schemaChange', schemaChange: change }, warnings: [] } : VOID;
    switch (stmt.kind) {
      case 'createKeyspace': {
        const change = await catalog.createKeyspace(stmt, knownDatacenters(this.deps.topology));
        if (change) await this.deps.access?.onCreated(session, keyspaceResource(stmt.keyspace));
        const created = catalog.keyspace(stmt.keyspace);
        const warnings = change && created ? replicationFactorWarnings(stmt.keyspace, created.replication, nodesByDatacenter(this.deps.topology)) : [];
        return change ? { result: { kind: 'schemaChange', schemaChange: change }, warnings } : VOID;
      }
      case 'alterKeyspace': {
        const before = catalog.keyspace(stmt.keyspace)?.replication;
        const change = await catalog.alterKeyspace(stmt, knownDatacenters(this.deps.topology));
        const after = catalog.keyspace(stmt.keyspace)?.replication;
        const warnings = before && after ? replicationChangeWarnings(before, after) : [];
        if (change && after) warnings.push(...replicationFactorWarnings(stmt.keyspace, after, nodesByDatacenter(this.deps.topology)));
        for (const warning of warnings) this.deps.log?.warn(`ALTER KEYSPACE ${stmt.keyspace}: ${warning}`);
        return { result: change ? { kind: 'schemaChange', schemaChange: change } : { kind: 'void' }, warnings };
      }
      case 'dropKeyspace': {
        const change = await catalog.dropKeyspace(stmt);
        if (change) await this.deps.access?.onDropped(keyspaceResource(stmt.keyspace));
        return schema(change);
      }
      case 'use':
        catalog.requireKeyspace(stmt.keyspace);
        session.keyspace = stmt.keyspace;
        return { result: { kind: 'setKeyspace', keyspace: stmt.keyspace }, warnings: [] };
      case 'createTable': {
        const ks = keyspaceOf(stmt.table, keyspace);
        const change = await catalog.createTable(ks, stmt);
        if (change) await this.deps.access?.onCreated(session, tableResource(ks, stmt.table.name));
        return schema(change);
      }
      case 'alterTable':
        return schema(await catalog.alterTable(keyspaceOf(stmt.table, keyspace), stmt, this.deps.clock.nowUs()));
      case 'dropTable': {
        const ks = keyspaceOf(stmt.table, keyspace);
        const dropped = await catalog.dropTable(ks, stmt);
        if (dropped) await this.deps.access?.onDropped(tableResource(ks, stmt.table.name));
        return schema(dropped?.change);
      }
      case 'createRole':
      case 'alterRole':
      case 'dropRole':
      case 'listRoles':
      case 'grant':
      case 'revoke':
      case 'listPermissions':
        if (!this.deps.access) throw new UnauthorizedError('You have to be logged in and not anonymous to perform this request');
        return this.deps.access.execute(session, stmt, keyspace);
      case 'truncate': {
        const table = this.table(stmt.table, keyspace);
        await coordinator.truncate(catalog.requireKeyspace(table.keyspace), table.id);
        return VOID;
      }
      case 'select': {
        // system_schema and system.local are read-only views of the catalog, read like any table.
        const system = await this.systemTables.resolve(keyspaceOf(stmt.table, keyspace), stmt.table.name);
        const table = system?.table ?? this.table(stmt.table, keyspace);
        return executeSelect(
          { coordinator: system?.coordinator ?? coordinator, clock: this.deps.clock, settings: this.deps.settings },
          system?.keyspace ?? catalog.requireKeyspace(table.keyspace),
          table,
          stmt,
          this.termContext(values),
          {
            consistency: stmt.using.consistency ?? options.consistency,
            fetchSize: options.fetchSize ?? this.deps.settings.default_fetch_size,
            ...(options.pageState ? { pageState: options.pageState } : {}),
          },
        );
      }
      case 'insert':
      case 'update':
      case 'delete': {
        const consistency = stmt.using.consistency ?? options.consistency;
        const table = this.table(stmt.table, keyspace);
        const built = await buildStatement(table, stmt, this.mutationContext(values, consistency, options.timestampUs, coordinator));
        const skew = await this.write(built, consistency, 'SIMPLE', coordinator);
        return skew.length === 0 ? VOID : { result: { kind: 'void' }, warnings: skew };
      }
      case 'batch': {
        const consistency = stmt.using.consistency ?? options.consistency;
        const ctx = this.mutationContext(values, consistency, options.timestampUs, coordinator);
        const built = await buildBatch(
          stmt,
          (name) => this.table(name, keyspace),
          stmt.statements.map(() => ctx),
          this.deps.settings,
        );
        const skew = await this.write(built, consistency, stmt.type === 'LOGGED' ? 'BATCH' : 'UNLOGGED_BATCH', coordinator);
        return { result: { kind: 'void' }, warnings: [...built.warnings, ...skew] };
      }
    }
  }

  /**
   * Sends the mutations to the coordinator. Returns the clock-skew warnings
   * for the client: a write stamped far in this node's future (a client clock
   * running ahead) still applies, as in Cassandra, but would shadow later
   * writes from correct clocks, so the client is told and the node logs it.
   */
  private async write(built: BuiltMutations, consistency: ConsistencyName, writeType: WriteType, coordinator: Coordinator): Promise<string[]> {
    const warnings: string[] = [];
    const writes: KeyspaceWrites[] = [];
    for (const [keyspace, partitions] of built.byKeyspace) {
      if (partitions.length === 0) continue;
      writes.push({ keyspace: this.deps.catalog.requireKeyspace(keyspace), partitions });
      const newestUs = newestTimestampUs(partitions);
      if (newestUs > this.hlc.last()) {
        const skew = timestampSkewWarning(newestUs, this.deps.clock.nowUs(), this.deps.settings.timestamp_skew_warn);
        if (skew !== undefined && !warnings.includes(skew)) {
          warnings.push(skew);
          this.deps.log?.warn(skew);
        }
        // Later timestamps this node assigns then order after this write (within max_clock_drift).
        this.hlc.observe(newestUs);
      }
    }
    // A logged batch is all or nothing across keyspaces too, so it goes to the coordinator whole.
    if (writeType === 'BATCH') await coordinator.writeLoggedBatch(writes, consistency);
    else for (const w of writes) await coordinator.write(w.keyspace, w.partitions, consistency, writeType);
    return warnings;
  }

  private table(name: QualifiedName, sessionKeyspace: string | undefined): TableMetadata {
    return this.deps.catalog.requireTable(keyspaceOf(name, sessionKeyspace), name.name);
  }

  private termContext(values: BoundValue[]): TermContext {
    return { values, clock: this.deps.clock, timeUuids: this.timeUuids, random: this.random };
  }

  private mutationContext(
    values: BoundValue[],
    consistency: ConsistencyName,
    clientTimestampUs: number | undefined,
    coordinator: Coordinator,
  ): MutationContext {
    let timestampUs: number | undefined;
    // A read-before-write (list index operations) reads at the write's level; ANY cannot read, ONE is its nearest.
    const readLevel: ConsistencyName = consistency === 'ANY' ? 'ONE' : consistency;
    return {
      term: this.termContext(values),
      settings: this.deps.settings,
      // Taken at most once per statement, and only when the statement sets no timestamp itself.
      defaultTimestampUs: () => (timestampUs ??= clientTimestampUs ?? this.hlc.now()),
      timeUuids: this.timeUuids,
      read: async (table, command) => {
        const keyspace: KeyspaceMetadata = this.deps.catalog.requireKeyspace(table.keyspace);
        const [partition] = await coordinator.read(keyspace, tableLayout(table), [command], readLevel);
        return partition;
      },
    };
  }
}

/** The datacenters of this node and its peers; undefined (the default datacenter) for a processor that knows no topology. */
function knownDatacenters(topology: TopologySource | undefined): string[] | undefined {
  if (!topology) return undefined;
  return [...new Set([topology.local().dc, ...topology.peers().map((p) => p.dc)])];
}

/** How many nodes each datacenter has, this one included; a processor that knows no topology is a node alone. */
function nodesByDatacenter(topology: TopologySource | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  if (!topology) return counts;
  for (const member of [topology.local(), ...topology.peers()]) counts.set(member.dc, (counts.get(member.dc) ?? 0) + 1);
  return counts;
}

function keyspaceOf(name: QualifiedName, sessionKeyspace: string | undefined): string {
  const keyspace = name.keyspace ?? sessionKeyspace;
  if (keyspace === undefined) {
    throw new InvalidRequestError('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
  }
  return keyspace;
}

/** A batch statement's table with the keyspace it was prepared or sent under. */
function qualify(stmt: ModificationStatement, keyspace: string | undefined): ModificationStatement {
  if (stmt.table.keyspace !== undefined) return stmt;
  return { ...stmt, table: { keyspace: keyspaceOf(stmt.table, keyspace), name: stmt.table.name } };
}

function checkBindCount(parsed: ParsedStatement, values: BoundValue[]): void {
  if (parsed.bindMarkers.length !== values.length) {
    throw new InvalidRequestError(`There were ${parsed.bindMarkers.length} markers(?) in CQL but ${values.length} bound variables`);
  }
}

/** Stable for the same keyspace and text, so every node derives the same id. */
export function preparedId(keyspace: string | undefined, cql: string): string {
  return createHash('md5').update(`${keyspace ?? ''}\u0000${cql}`).digest('hex');
}

/** The largest write timestamp among the partitions' cells, markers and deletions. */
function newestTimestampUs(partitions: Partition[]): number {
  let newest = Number.NEGATIVE_INFINITY;
  const see = (us: number) => {
    if (us > newest) newest = us;
  };
  for (const p of partitions) {
    if (p.deletion) see(p.deletion.timestampUs);
    for (const rt of p.rangeTombstones) see(rt.deletion.timestampUs);
    for (const row of p.rows) {
      if (row.marker) see(row.marker.timestampUs);
      if (row.deletion) see(row.deletion.timestampUs);
      for (const d of row.collectionDeletions) see(d.deletion.timestampUs);
      for (const c of row.cells) see(c.cell.timestampUs);
    }
  }
  return newest;
}
