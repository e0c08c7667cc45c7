/**
 * The Sibyl driver's Client, shaped like the DataStax Node.js driver:
 * `execute`, `batch`, `eachRow`, `stream`/`iterate`, `shutdown`, and
 * 'schemaChange', 'hostUp', 'hostDown', 'hostAdd', 'hostRemove' events.
 *
 * Around each request: the control connection (control-connection.ts)
 * discovers the nodes and the ring; the query plan (load-balancing.ts) puts
 * the partition's replicas and the local datacenter first; the retry
 * policy (retry.ts) decides what a failure leads to; a DDL statement waits
 * for schema agreement (schema-agreement.ts). Connections and reconnection
 * live in host-pool.ts, one connection's stream multiplexing in
 * connection.ts, the prepared statement cache in prepared-statements.ts,
 * the options a request takes in request-options.ts.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { ConsistencyName } from '../../grammar/ast.js';
import { SystemClock, type Clock } from '../clock/clock.js';
import type { Prepared, SchemaChange } from '../cql/result.js';
import type { BatchBody, ResultBody, WireBatchEntry } from '../transport/protocol.js';
import { Opcode } from '../transport/protocol.js';
import { ProtocolError } from '../util/errors.js';
import type { Connection } from './connection.js';
import { ControlConnection } from './control-connection.js';
import { ArgumentError, ClientShutdownError, ConnectionClosedError, NoHostAvailableError } from './errors.js';
import { HostPool, type Host, type HostState } from './host-pool.js';
import { ClusterMetadata, routingKey } from './metadata.js';
import { retryDecision } from './retry.js';
import { waitForSchemaAgreement } from './schema-agreement.js';
import { checkConsistency, positiveInt, resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { encodeParams, hasParams, type Params } from './params.js';
import { PreparedStatements } from './prepared-statements.js';
import {
  batchEntry,
  eachRowArguments,
  isIdempotent,
  pageStateBytes,
  queryKeyspace,
  timestampField,
  useStatement,
  type BatchOptions,
  type BatchQuery,
  type EndCallback,
  type ExecuteOptions,
  type ResultCallback,
  type RowCallback,
  settle,
} from './request-options.js';
import { ResultSet, type Row } from './result-set.js';
import { eachRowOverPages, iterateRows, rowStream } from './row-iteration.js';
import { MonotonicTimestampGenerator, type TimestampGenerator } from './timestamp.js';
import { TypeCache } from './values.js';

export type { BatchOptions, BatchQuery, EndCallback, ExecuteOptions, ResultCallback, RowCallback } from './request-options.js';

export interface ClientState {
  hosts: HostState[];
}

interface Attempt<T> {
  (connection: Connection, host: Host): Promise<T>;
}

/** What the query plan and the retry policy need to know of a request. */
interface Route {
  idempotent: boolean;
  consistency: ConsistencyName;
  /** Client addresses of the partition's replicas, when the driver could compute them. */
  replicas?: readonly string[];
  /** Only these hosts may serve the request. */
  only?: (host: Host) => boolean;
  /** Filled in as the plan runs: each host tried, with its error, or null for the one that answered. */
  tried?: Record<string, Error | null>;
}

/** How long topology and schema events are gathered before the control connection reads the cluster again. */
const REFRESH_DELAY_MS = 100;

export class Client extends EventEmitter {
  private readonly options: ResolvedOptions;
  private readonly pool: HostPool;
  private readonly clock: Clock;
  private readonly metadata = new ClusterMetadata();
  private readonly control: ControlConnection;
  /** Null when the coordinator stamps writes (the timestampGenerator option). */
  private readonly timestamps: TimestampGenerator | null;
  private readonly types = new TypeCache();
  private readonly prepared = new PreparedStatements(async (connection, keyspace, query) => {
    const body = await this.request(connection, Opcode.PREPARE, { query, keyspace });
    if (body.result.kind !== 'prepared') throw new ProtocolError(`PREPARE answered with a ${body.result.kind} result`);
    return body.result.prepared;
  });
  private currentKeyspace: string | undefined;
  private connecting: Promise<void> | undefined;
  /** Set once connect() has succeeded: requests then skip waiting on it. */
  private ready = false;
  private shutDown = false;

  constructor(options: ClientOptions) {
    super();
    this.options = resolveOptions(options);
    this.currentKeyspace = this.options.keyspace;
    const clock = (this.clock = options.clock ?? new SystemClock());
    this.timestamps = options.timestampGenerator === undefined ? new MonotonicTimestampGenerator(clock) : options.timestampGenerator;
    this.pool = new HostPool(this.options.contactPoints, {
      clock,
      connectTimeoutMs: this.options.connectTimeoutMs,
      frameBytesMax: this.options.frameBytesMax,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      reconnectDelayMs: this.options.reconnectDelayMs,
      reconnectDelayMaxMs: this.options.reconnectDelayMaxMs,
      keyspace: () => this.currentKeyspace,
    });
    this.pool.on('up', (host: Host) => this.emit('hostUp', host.address));
    this.pool.on('down', (host: Host) => this.emit('hostDown', host.address));
    this.control = new ControlConnection({
      pool: this.pool,
      metadata: this.metadata,
      clock,
      query: (connection, cql) => this.rowsOf(connection, cql),
      register: async (connection) => {
        await connection.send(Opcode.REGISTER, { events: ['SCHEMA_CHANGE', 'TOPOLOGY_CHANGE', 'STATUS_CHANGE'] }, this.options.requestTimeoutMs);
      },
      contactPoints: this.pool.hosts.map((h) => h.address),
      discoverNodes: this.options.discoverNodes,
      refreshDelayMs: REFRESH_DELAY_MS,
    });
    this.control.on('schemaChange', (change: SchemaChange) => {
      this.prepared.forget(change);
      this.emit('schemaChange', change);
    });
    this.control.on('hostAdd', (address: string) => this.emit('hostAdd', address));
    this.control.on('hostRemove', (address: string) => this.emit('hostRemove', address));
  }

  /** The keyspace requests run in: the constructor's, then whatever USE last chose. */
  get keyspace(): string | undefined {
    return this.currentKeyspace;
  }

  /** `host:port` of every known host: the contact points and every node discovered since. */
  get hosts(): string[] {
    return this.pool.hosts.map((h) => h.address);
  }

  /** The datacenter requests are coordinated in: the option, else the first contact point's; undefined before connect(). */
  get localDataCenter(): string | undefined {
    return this.options.localDataCenter ?? this.control.localDc;
  }

  /**
   * The client addresses of the replicas of a partition, primary first, as
   * the driver routes requests: `partitionKey` is the serialized key (one
   * column's value bytes, or the composite encoding of several). Empty when
   * the keyspace or ring is unknown.
   */
  replicas(keyspace: string, partitionKey: Buffer): readonly string[] {
    return this.metadata.replicas(keyspace, partitionKey);
  }

  getState(): ClientState {
    return { hosts: this.pool.hosts.map((h) => h.state()) };
  }

  /**
   * Connects to every contact point, then discovers the cluster's nodes
   * through one of them and connects to those too; resolves once at least
   * one host is up, else rejects with NoHostAvailableError. As in
   * DataStax's driver, a callback may take the outcome instead of the promise.
   */
  connect(): Promise<void>;
  connect(callback: (err: Error | null) => void): void;
  connect(callback?: (err: Error | null) => void): Promise<void> | void {
    const connected = this.connectOnce();
    if (callback === undefined) return connected;
    settle(connected, callback);
  }

  private connectOnce(): Promise<void> {
    if (this.shutDown) return Promise.reject(new ClientShutdownError());
    this.connecting ??= this.connectAll().then(
      () => {
        this.ready = true;
      },
      (err: unknown) => {
        this.connecting = undefined;
        // shutdown() during connect() is why the connections failed, not the nodes.
        if (this.shutDown) throw new ClientShutdownError();
        // As DataStax's driver does: a failed connect() leaves nothing open, so the process can exit, and may be tried again.
        this.control.reset();
        this.pool.reset();
        throw err;
      },
    );
    return this.connecting;
  }

  /**
   * Runs one statement. As in DataStax's driver, a callback last
   * (`execute(cql, callback)`, `execute(cql, params, callback)`,
   * `execute(cql, params, options, callback)`) takes the outcome instead of
   * the promise.
   */
  execute(cql: string, params?: Params | null, options?: ExecuteOptions | null): Promise<ResultSet>;
  execute(cql: string, callback: ResultCallback): void;
  execute(cql: string, params: Params | null | undefined, callback: ResultCallback): void;
  execute(cql: string, params: Params | null | undefined, options: ExecuteOptions | null | undefined, callback: ResultCallback): void;
  execute(cql: string, ...rest: unknown[]): Promise<ResultSet> | void {
    const callback = typeof rest[rest.length - 1] === 'function' ? (rest.pop() as ResultCallback) : undefined;
    const result = this.executeStatement(cql, rest[0] as Params | null | undefined, (rest[1] as ExecuteOptions | null | undefined) ?? {});
    if (callback === undefined) return result;
    settle(result, callback);
  }

  private async executeStatement(cql: string, params: Params | null | undefined, options: ExecuteOptions): Promise<ResultSet> {
    if (typeof cql !== 'string') throw new ArgumentError('the query must be a string');
    const consistency = checkConsistency(options.consistency ?? this.options.consistency, 'consistency');
    const common = {
      consistency,
      fetchSize: positiveInt(options.fetchSize, this.options.fetchSize, 'fetchSize'),
      pageState: pageStateBytes(options.pageState),
      ...timestampField(this.timestampFor(options.timestamp)),
      ...(options.traceQuery === true ? { tracing: true } : {}),
    };
    const keyspace = queryKeyspace(options.keyspace, this.currentKeyspace);
    // A plain QUERY runs in the connection's keyspace; only a PREPARE can name another.
    const prepare = hasParams(params) || options.prepare === true || keyspace !== this.currentKeyspace;
    const route: Route = { idempotent: isIdempotent(options), consistency, tried: {} };
    let body: ResultBody & { host: string };
    if (!prepare) {
      body = await this.run(route, (connection) => this.request(connection, Opcode.QUERY, { ...common, query: cql }));
    } else {
      // The cache answers almost every call; only a miss waits on a PREPARE.
      const prepared = this.prepared.cached(keyspace, cql) ?? (await this.preparedStatement(cql, consistency, keyspace));
      const values = encodeParams(prepared.params, params, this.types);
      const routing = routingKey(prepared, values);
      const replicas = routing ? this.metadata.replicas(routing.keyspace, routing.key) : undefined;
      body = await this.run({ ...route, ...(replicas ? { replicas } : {}) }, (connection) =>
        // A statement prepared again (the node had forgotten it) binds with its fresh types.
        this.prepared.with(connection, keyspace, [cql], ([p]) =>
          this.request(connection, Opcode.EXECUTE, { ...common, id: p!.id, values: p === prepared ? values : encodeParams(p!.params, params, this.types) }),
        ),
      );
    }
    const rs = this.resultSet(body, consistency, body.result.kind !== 'schemaChange' || (await this.afterSchemaChange(body)), route.tried);
    if (rs.rawPageState !== undefined) rs.followPagesWith((pageState) => this.execute(cql, params, { ...options, pageState }));
    return rs;
  }

  /** Runs one BATCH; as in DataStax's driver, a callback last takes the outcome instead of the promise. */
  batch(queries: BatchQuery[], options?: BatchOptions | null): Promise<ResultSet>;
  batch(queries: BatchQuery[], callback: ResultCallback): void;
  batch(queries: BatchQuery[], options: BatchOptions | null | undefined, callback: ResultCallback): void;
  batch(queries: BatchQuery[], ...rest: unknown[]): Promise<ResultSet> | void {
    const callback = typeof rest[rest.length - 1] === 'function' ? (rest.pop() as ResultCallback) : undefined;
    const result = this.runBatch(queries, (rest[0] as BatchOptions | null | undefined) ?? {});
    if (callback === undefined) return result;
    settle(result, callback);
  }

  private async runBatch(queries: BatchQuery[], options: BatchOptions): Promise<ResultSet> {
    if (!Array.isArray(queries) || queries.length === 0) throw new ArgumentError('batch needs a non-empty array of queries');
    const entries = queries.map(batchEntry);
    const consistency = checkConsistency(options.consistency ?? this.options.consistency, 'consistency');
    const timestamp = this.timestampFor(options.timestamp);
    const type = options.logged === false ? 'UNLOGGED' : 'LOGGED';
    const keyspace = queryKeyspace(options.keyspace, this.currentKeyspace);
    // Text entries run in the connection's keyspace; in another one, every entry is prepared there.
    const prepareAll = keyspace !== this.currentKeyspace;
    const isPrepared = (e: { params: Params | undefined }) => prepareAll || hasParams(e.params);
    const toPrepare = entries.filter(isPrepared).map((e) => e.query);
    const tried: Record<string, Error | null> = {};
    const body = await this.run({ idempotent: isIdempotent(options), consistency, tried }, (connection) =>
      this.prepared.with(connection, keyspace, toPrepare, async (prepared) => {
        let next = 0;
        const wireEntries = entries.map((e): WireBatchEntry => {
          if (!isPrepared(e)) return { query: e.query, values: [] };
          const p = prepared[next++]!;
          return { id: p.id, values: encodeParams(p.params, e.params, this.types) };
        });
        const batch: BatchBody = { type, entries: wireEntries, consistency, ...timestampField(timestamp), ...(options.traceQuery === true ? { tracing: true } : {}) };
        return this.request(connection, Opcode.BATCH, batch);
      }),
    );
    return this.resultSet(body, consistency, true, tried);
  }

  /**
   * Runs one sibyltool command on a node and returns its plain-data answer:
   * on `options.host` ('host:port' or a known host's name) when given,
   * else on the next live contact point, so sibyltool's -h names the node
   * that answers. Never retried, since a command may change the node's
   * state (fault rules, hints).
   */
  async admin(command: string, args: Record<string, unknown> = {}, options: { host?: string } = {}): Promise<unknown> {
    if (typeof command !== 'string' || command === '') throw new ArgumentError('the admin command must be a non-empty string');
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new ArgumentError('admin args must be an object');
    const body = { command, args };
    let answer: ResultBody & { host: string };
    if (options.host === undefined) {
      const contactPoints = new Set(this.options.contactPoints.map((c) => `${c.host}:${c.port}`));
      const route: Route = { idempotent: false, consistency: this.options.consistency, only: (h) => contactPoints.has(h.address) };
      answer = await this.run(route, (connection) =>
        this.request(connection, Opcode.ADMIN, body),
      );
    } else {
      if (this.shutDown) throw new ClientShutdownError();
      const host = this.pool.hosts.find((h) => h.address === options.host || h.host === options.host);
      if (!host) throw new ArgumentError(`host ${options.host} is not a host this client knows (${this.hosts.join(', ')})`);
      answer = await this.request(await host.connect(), Opcode.ADMIN, body);
    }
    if (answer.result.kind !== 'admin') throw new ProtocolError(`ADMIN answered with a ${answer.result.kind} result`);
    return answer.result.value;
  }

  /** Every row of every page, fetched a page at a time as the loop asks for more. */
  iterate(cql: string, params?: Params | null, options: ExecuteOptions = {}): AsyncGenerator<Row, void, undefined> {
    return iterateRows((pageState) => this.execute(cql, params, { ...options, pageState }), options.pageState);
  }

  /**
   * A Readable in object mode over every row of every page. As in
   * DataStax's driver, a callback, if given, runs once with (null) after
   * the last row or with the error.
   */
  stream(cql: string, params?: Params | null, options?: ExecuteOptions | null, callback?: (err: Error | null) => void): Readable {
    return rowStream(this.iterate(cql, params, options ?? {}), callback);
  }

  /**
   * Calls rowCallback(n, row) for each row, then endCallback(err, lastResultSet),
   * over every page with `autoPage`, else over the first (row-iteration.ts).
   * As in the DataStax driver, params and options may be left out
   * (`eachRow(cql, rowCallback)`, `eachRow(cql, params, rowCallback, endCallback)`),
   * and without an endCallback an error goes to the client's 'error'
   * listeners, if it has any, rather than crashing the process as an
   * unheard 'error' event would.
   */
  eachRow(cql: string, rowCallback: RowCallback): void;
  eachRow(cql: string, params: Params | null | undefined, rowCallback: RowCallback, endCallback?: EndCallback): void;
  eachRow(cql: string, params: Params | null | undefined, options: ExecuteOptions, rowCallback: RowCallback, endCallback?: EndCallback): void;
  eachRow(cql: string, ...rest: unknown[]): void {
    const { params, options, rowCallback, endCallback } = eachRowArguments(rest);
    eachRowOverPages(
      (pageState) => this.execute(cql, params, { ...options, pageState }),
      options.pageState,
      options.autoPage === true,
      rowCallback,
      endCallback,
      (err) => {
        if (this.listenerCount('error') > 0) this.emit('error', err);
      },
    );
  }

  /** Closes every connection and stops reconnecting; requests still in flight fail. A callback may take the outcome instead. */
  shutdown(): Promise<void>;
  shutdown(callback: (err: Error | null) => void): void;
  shutdown(callback?: (err: Error | null) => void): Promise<void> | void {
    this.shutDown = true;
    this.control.stop();
    this.pool.stop();
    if (callback === undefined) return Promise.resolve();
    settle(Promise.resolve(), callback);
  }

  // ---- internals ----

  private async connectAll(): Promise<void> {
    const results = await Promise.allSettled(this.pool.hosts.map((h) => h.connect()));
    if (!results.some((r) => r.status === 'fulfilled')) throw this.noHostAvailable({});
    await this.control.init();
    this.checkLocalDataCenter();
    if (this.options.keyspace !== undefined) await this.checkKeyspace(this.options.keyspace);
  }

  /**
   * Fails connect() when localDataCenter names no datacenter of the
   * cluster, with DataStax's message listing the ones there are: such a
   * client would otherwise treat every node as remote, and find no host at
   * all for LOCAL_ONE or LOCAL_QUORUM.
   */
  private checkLocalDataCenter(): void {
    const wanted = this.options.localDataCenter;
    const found = this.control.dataCenters;
    if (wanted === undefined || found.size === 0 || found.has(wanted)) return;
    throw new ArgumentError(`localDataCenter was configured as '${wanted}', but only found hosts in data centers: [${[...found].join(', ')}]`);
  }

  /**
   * Fails connect() with the server's "Keyspace 'x' does not exist" when
   * the keyspace option names no keyspace, as the DataStax driver does,
   * instead of connecting and leaving every later statement to fail.
   * STARTUP takes any name, so one USE on a live connection asks.
   */
  private async checkKeyspace(keyspace: string): Promise<void> {
    const connection = this.pool.queryPlan({ localDc: this.localDataCenter })[0]?.connection;
    if (!connection?.isOpen()) return;
    await this.request(connection, Opcode.QUERY, { query: useStatement(keyspace), consistency: this.options.consistency });
  }

  /**
   * Runs one attempt after another along the query plan until one answers
   * or the retry policy gives up: a retry goes to the same host or the
   * next one as retry.ts decides.
   */
  private async run<T>(route: Route, attempt: Attempt<T>): Promise<T> {
    if (this.shutDown) throw new ClientShutdownError();
    if (!this.ready) await this.connectOnce();
    const planOptions = { localDc: this.localDataCenter, consistency: route.consistency, ...(route.replicas ? { replicas: route.replicas } : {}) };
    const planFor = () => this.pool.queryPlan(planOptions).filter((h) => route.only?.(h) ?? true);
    let plan = planFor();
    if (plan.length === 0) {
      // Everything is down: try each host once now rather than wait for the backoff.
      await Promise.allSettled(this.pool.hosts.map((h) => h.connect()));
      plan = planFor();
    }
    const errors: Record<string, Error> = {};
    let retries = 0;
    for (let i = 0; i < plan.length; ) {
      const host = plan[i]!;
      const connection = host.connection;
      if (!connection?.isOpen()) {
        i++;
        continue;
      }
      if (route.tried) route.tried[host.address] = null;
      try {
        if (this.currentKeyspace !== undefined && connection.keyspace !== this.currentKeyspace) await this.useKeyspace(connection);
        return await attempt(connection, host);
      } catch (err) {
        if (route.tried) route.tried[host.address] = err as Error;
        // shutdown() closed the connection under the request: say so, rather than blame the node.
        if (this.shutDown) throw err instanceof ConnectionClosedError ? new ClientShutdownError(true) : err;
        const decision = retryDecision(err, route.idempotent, retries);
        // The caller sees the last error itself; NoHostAvailableError means the plan ran out of hosts.
        if (decision.action === 'rethrow') throw err;
        errors[host.address] = err as Error;
        if (decision.action === 'unsent') {
          i++;
          continue;
        }
        retries++;
        if (!decision.sameHost) i++;
      }
    }
    throw this.noHostAvailable(errors);
  }

  private noHostAvailable(errors: Record<string, Error>): NoHostAvailableError {
    const all: Record<string, Error> = {};
    for (const h of this.pool.hosts) {
      const err = errors[h.address] ?? h.lastError;
      if (err) all[h.address] = err;
    }
    return new NoHostAvailableError(all);
  }

  /** Brings a connection to the client's keyspace before it carries a request. */
  private async useKeyspace(connection: Connection): Promise<void> {
    const keyspace = this.currentKeyspace;
    if (keyspace === undefined || connection.keyspace === keyspace) return;
    await this.request(connection, Opcode.QUERY, { query: useStatement(keyspace), consistency: this.options.consistency });
  }

  /** The statement's Prepared from the cache, or prepared on the first host of a plan. */
  private async preparedStatement(cql: string, consistency: ConsistencyName, keyspace: string | undefined): Promise<Prepared> {
    const done = this.prepared.cached(keyspace, cql);
    if (done) return done;
    // Preparing changes nothing a second time, so it may be retried elsewhere.
    return this.run({ idempotent: true, consistency }, (connection) => this.prepared.prepare(connection, keyspace, cql));
  }

  private async request(connection: Connection, opcode: number, body: unknown): Promise<ResultBody & { host: string }> {
    const answer = await connection.send(opcode, body, this.options.requestTimeoutMs);
    if (answer.opcode !== Opcode.RESULT) throw new ProtocolError(`expected a RESULT, got opcode ${answer.opcode}`);
    const result = answer.body as ResultBody;
    if (result.result.kind === 'setKeyspace') {
      connection.keyspace = result.result.keyspace;
      this.currentKeyspace = result.result.keyspace;
    }
    // Named fields rather than a copy of the decoded object: every request makes one.
    const answered: ResultBody & { host: string } = { result: result.result, warnings: result.warnings, host: connection.address };
    if (result.trace !== undefined) answered.trace = result.trace;
    return answered;
  }

  private resultSet(
    body: ResultBody & { host: string },
    consistency: ConsistencyName,
    isSchemaInAgreement: boolean,
    triedHosts: Record<string, Error | null> = { [body.host]: null },
  ): ResultSet {
    if (body.result.kind === 'prepared' || body.result.kind === 'admin') {
      throw new ProtocolError(`unexpected ${body.result.kind} result`);
    }
    const info = {
      queriedHost: body.host,
      triedHosts,
      warnings: body.warnings ?? [],
      achievedConsistency: consistency,
      isSchemaInAgreement,
      ...(body.trace ? { trace: body.trace } : {}),
    };
    return new ResultSet(body.result, info, this.types);
  }

  /**
   * After a DDL statement: waits until every live host reports the same
   * schema version (so the next statement, on any host, sees the change)
   * and reads the keyspaces again for routing. Resolves whether they agreed;
   * true for anything that is not a schema change.
   */
  private async afterSchemaChange(body: ResultBody): Promise<boolean> {
    if (body.result.kind !== 'schemaChange') return true;
    this.prepared.forget(body.result.schemaChange);
    const agreed =
      this.options.maxSchemaAgreementWaitMs > 0 &&
      (await waitForSchemaAgreement({
        clock: this.clock,
        hosts: () => this.pool.hosts.filter((h) => h.isUp()).map((h) => h.address),
        versionOf: (address) => this.schemaVersionOf(address),
        maxWaitMs: this.options.maxSchemaAgreementWaitMs,
      }));
    if (body.result.schemaChange.target === 'KEYSPACE') await this.control.refresh().catch(() => {});
    return agreed;
  }

  private async schemaVersionOf(address: string): Promise<string | null> {
    const connection = this.pool.host(address)?.connection;
    if (!connection?.isOpen()) throw new Error(`${address} is not connected`);
    const version = (await this.rowsOf(connection, 'SELECT schema_version FROM system.local'))?.[0]?.['schema_version'];
    return typeof version === 'string' ? version : null;
  }

  /** Runs a query on one connection and decodes its rows; undefined when the answer is not rows. */
  private async rowsOf(connection: Connection, cql: string): Promise<Row[] | undefined> {
    const body = await this.request(connection, Opcode.QUERY, { query: cql, consistency: 'ONE' });
    if (body.result.kind !== 'rows') return undefined;
    return this.resultSet(body, 'ONE', true).rows;
  }

  /** The request's timestamp: the caller's, else the generator's; undefined lets the coordinator assign one. */
  private timestampFor(timestamp: number | bigint | undefined): number | bigint | undefined {
    if (timestamp === undefined) return this.timestamps?.next();
    if (typeof timestamp === 'bigint') return Number.isSafeInteger(Number(timestamp)) ? Number(timestamp) : timestamp;
    if (!Number.isSafeInteger(timestamp)) throw new ArgumentError(`timestamp must be an integer number of microseconds; got ${timestamp}`);
    return timestamp;
  }
}
