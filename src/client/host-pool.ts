/**
 * The driver's hosts: the contact points and every node discovered since,
 * one multiplexed connection each (a connection carries up to 32767
 * requests at once, so it is the whole pool of its host), background
 * reconnection with exponential backoff when a connection drops or never
 * came up, and each host's place in the query plan (load-balancing.ts).
 */
import { EventEmitter } from 'node:events';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Clock, Timer } from '../clock/clock.js';
import type { ConsistencyName } from '../../grammar/ast.js';
import type { EventBody } from '../transport/protocol.js';
import { Connection, type Credentials } from './connection.js';
import { queryPlan } from './load-balancing.js';

export interface HostOptions {
  clock: Clock;
  connectTimeoutMs: number;
  frameBytesMax: number;
  /** tls.connect options when the client uses TLS. */
  tls?: TlsConnectionOptions;
  /** Role and password for nodes that require a login. */
  credentials?: Credentials;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** The keyspace a new connection should start in. */
  keyspace: () => string | undefined;
}

export interface HostState {
  address: string;
  up: boolean;
  /** Datacenter and rack as the cluster describes the host; null before discovery. */
  dc: string | null;
  rack: string | null;
  /** The cluster said the host is down (STATUS_CHANGE) and it has not come back since. */
  reportedDown: boolean;
  inFlight: number;
  lastError: string | null;
}

export class Host {
  connection: Connection | undefined;
  lastError: Error | undefined;
  dc: string | undefined;
  rack: string | undefined;
  /**
   * Set by a STATUS_CHANGE DOWN: the cluster's failure detector convicted
   * the node, which may still hold an open connection (a hung process, a
   * partition), so requests avoid it until an UP or a fresh connection.
   */
  reportedDown = false;
  private reconnectTimer: Timer | undefined;
  private delayMs: number;
  private connecting: Promise<Connection> | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly pool: HostPool,
    private readonly opts: HostOptions,
  ) {
    this.delayMs = opts.reconnectDelayMs;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  isUp(): boolean {
    return !this.reportedDown && (this.connection?.isOpen() ?? false);
  }

  /** The cluster reports this node down: requests stop going to it. */
  reportDown(): void {
    if (this.reportedDown) return;
    const wasUp = this.isUp();
    this.reportedDown = true;
    if (wasUp) this.pool.emit('down', this);
  }

  /** The cluster reports this node up: use its connection again, or reconnect now rather than after the backoff. */
  reportUp(): void {
    const wasReportedDown = this.reportedDown;
    this.reportedDown = false;
    if (this.connection?.isOpen()) {
      if (wasReportedDown) this.pool.emit('up', this);
      return;
    }
    this.delayMs = this.opts.reconnectDelayMs;
    this.connect().catch(() => {});
  }

  /** Connects now (sharing an attempt already under way). */
  connect(): Promise<Connection> {
    if (this.connection?.isOpen()) return Promise.resolve(this.connection);
    this.connecting ??= this.attempt().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  stop(): void {
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.connection?.close();
    this.connection = undefined;
  }

  private async attempt(): Promise<Connection> {
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    try {
      const connection = await Connection.open({
        host: this.host,
        port: this.port,
        clock: this.opts.clock,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        frameBytesMax: this.opts.frameBytesMax,
        ...(this.opts.tls ? { tls: this.opts.tls } : {}),
        ...(this.opts.credentials ? { credentials: this.opts.credentials } : {}),
        keyspace: this.opts.keyspace(),
      });
      if (this.pool.isStopped()) {
        connection.close();
        throw new Error('the client is shut down');
      }
      this.connection = connection;
      this.reportedDown = false;
      this.lastError = undefined;
      this.delayMs = this.opts.reconnectDelayMs;
      connection.on('event', (event: EventBody) => this.pool.emit('event', event, this));
      connection.once('close', (reason: Error) => this.onClose(connection, reason));
      this.pool.emit('up', this);
      return connection;
    } catch (err) {
      this.lastError = err as Error;
      this.scheduleReconnect();
      throw err;
    }
  }

  private onClose(connection: Connection, reason: Error): void {
    if (this.connection !== connection) return;
    const wasUp = !this.reportedDown;
    this.connection = undefined;
    this.lastError = reason;
    // shutdown() closing the connections says nothing about the node, so it is not reported down.
    if (wasUp && !this.pool.isStopped()) this.pool.emit('down', this);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.pool.isStopped() || this.reconnectTimer) return;
    const delayMs = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.opts.reconnectDelayMaxMs);
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => {});
    }, delayMs);
    // A pending reconnection alone should not keep the process alive.
    this.reconnectTimer.unref();
  }

  state(): HostState {
    return {
      address: this.address,
      up: this.isUp(),
      dc: this.dc ?? null,
      rack: this.rack ?? null,
      reportedDown: this.reportedDown,
      inFlight: this.connection?.inFlight() ?? 0,
      lastError: this.lastError ? this.lastError.message : null,
    };
  }
}

/** Emits 'up' (Host), 'down' (Host) and 'event' (EventBody, Host). */
export class HostPool extends EventEmitter {
  readonly hosts: Host[];
  private rotation = 0;
  private stopped = false;

  constructor(
    contactPoints: { host: string; port: number }[],
    private readonly opts: HostOptions,
  ) {
    super();
    this.hosts = contactPoints.map((c) => new Host(c.host, c.port, this, opts));
  }

  isStopped(): boolean {
    return this.stopped;
  }

  host(address: string): Host | undefined {
    return this.hosts.find((h) => h.address === address);
  }

  /** Adds a discovered node (not connected yet); the existing host when the address is known. */
  addHost(host: string, port: number): Host {
    const address = `${host}:${port}`;
    const known = this.host(address);
    if (known) return known;
    const added = new Host(host, port, this, this.opts);
    this.hosts.push(added);
    return added;
  }

  /** Forgets a node that left the cluster and closes its connection. */
  removeHost(address: string): void {
    const i = this.hosts.findIndex((h) => h.address === address);
    if (i < 0) return;
    const [host] = this.hosts.splice(i, 1);
    host!.stop();
  }

  /**
   * The live hosts a request tries, in order: the partition's local
   * replicas first when known, the rest of the local datacenter round
   * robin, then remote ones for levels that allow them.
   */
  queryPlan(options: { localDc?: string | undefined; consistency?: ConsistencyName; replicas?: readonly string[] } = {}): Host[] {
    const plan = queryPlan({
      hosts: this.hosts.map((host) => ({ address: host.address, dc: host.dc, up: host.isUp(), host })),
      localDc: options.localDc,
      consistency: options.consistency ?? 'ONE',
      ...(options.replicas ? { replicas: options.replicas } : {}),
      rotation: this.rotation++,
    });
    return plan.map((p) => p.host);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.hosts) h.stop();
  }

  /**
   * Closes every connection and cancels every reconnection, as stop()
   * does, but lets connect() start over: after a failed connect(), open
   * sockets and pending reconnections would keep the process alive.
   */
  reset(): void {
    this.stopped = true;
    try {
      for (const h of this.hosts) h.stop();
    } finally {
      this.stopped = false;
    }
  }
}
