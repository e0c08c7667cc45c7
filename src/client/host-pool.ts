/**
 * The driver's hosts: one connection per contact point, round-robin choice
 * among the connected ones, and background reconnection with exponential
 * backoff when a connection drops or never came up.
 */
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../clock/clock.js';
import type { EventBody } from '../transport/protocol.js';
import { Connection } from './connection.js';

export interface HostOptions {
  clock: Clock;
  connectTimeoutMs: number;
  frameBytesMax: number;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** The keyspace a new connection should start in. */
  keyspace: () => string | undefined;
}

export interface HostState {
  address: string;
  up: boolean;
  inFlight: number;
  lastError: string | null;
}

export class Host {
  connection: Connection | undefined;
  lastError: Error | undefined;
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
    return this.connection?.isOpen() ?? false;
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
        keyspace: this.opts.keyspace(),
      });
      if (this.pool.isStopped()) {
        connection.close();
        throw new Error('the client is shut down');
      }
      this.connection = connection;
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
    this.connection = undefined;
    this.lastError = reason;
    this.pool.emit('down', this);
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
      inFlight: this.connection?.inFlight() ?? 0,
      lastError: this.lastError ? this.lastError.message : null,
    };
  }
}

/** Emits 'up' (Host), 'down' (Host) and 'event' (EventBody, Host). */
export class HostPool extends EventEmitter {
  readonly hosts: Host[];
  private cursor = 0;
  private stopped = false;

  constructor(contactPoints: { host: string; port: number }[], opts: HostOptions) {
    super();
    this.hosts = contactPoints.map((c) => new Host(c.host, c.port, this, opts));
  }

  isStopped(): boolean {
    return this.stopped;
  }

  /** Live hosts in round-robin order, starting after the one used last time. */
  queryPlan(): Host[] {
    const up = this.hosts.filter((h) => h.isUp());
    if (up.length === 0) return [];
    const start = this.cursor++ % up.length;
    return [...up.slice(start), ...up.slice(0, start)];
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.hosts) h.stop();
  }
}
