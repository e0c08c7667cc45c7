/**
 * The control connection: one host's connection, chosen among the live
 * ones, that registers for the cluster's events and reads the cluster's
 * description. It discovers every node from system.local and system.peers
 * (and connects to the new ones), keeps ClusterMetadata's ring and
 * keyspaces current, follows TOPOLOGY_CHANGE and SCHEMA_CHANGE by reading
 * them again, and marks hosts up or down on STATUS_CHANGE. When its host
 * goes down it moves to another, as the DataStax drivers' ControlConnection
 * does.
 *
 * A server that has no system tables (a test double) answers the reads with
 * no rows; the driver then simply knows only its contact points.
 */
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../clock/clock.js';
import type { SchemaChange } from '../cql/result.js';
import type { EventBody } from '../transport/protocol.js';
import type { Connection } from './connection.js';
import type { Host, HostPool } from './host-pool.js';
import type { ClusterMetadata, NodeInfo } from './metadata.js';
import type { Row } from './result-set.js';

export interface ControlConnectionOptions {
  pool: HostPool;
  metadata: ClusterMetadata;
  clock: Clock;
  /** Runs one CQL query on a connection; its rows, or undefined when the answer had none (not a rows result). */
  query: (connection: Connection, cql: string) => Promise<Row[] | undefined>;
  /** Subscribes a connection to the cluster's events. */
  register: (connection: Connection) => Promise<void>;
  /** Addresses given as contact points: kept even when the cluster does not list them. */
  contactPoints: readonly string[];
  /** False: only the contact points are used; the nodes the cluster lists are described but not added. */
  discoverNodes: boolean;
  /** How long events are gathered before one refresh answers them all. */
  refreshDelayMs: number;
}

/** Emits 'schemaChange' (SchemaChange), 'hostAdd' (address), 'hostRemove' (address), 'localDc' (name) and 'refreshError' (Error). */
export class ControlConnection extends EventEmitter {
  private host: Host | undefined;
  private refreshTimer: Timer | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  /** While init() runs: the first connections to the nodes it discovers, which it waits for. */
  private connecting: Promise<unknown>[] | undefined;
  /** The datacenter of the host the control connection first described: the driver's local one unless set. */
  localDc: string | undefined;
  /** Every datacenter of the nodes the cluster described when last read; empty before (or without system tables). */
  dataCenters: ReadonlySet<string> = new Set();

  constructor(private readonly opts: ControlConnectionOptions) {
    super();
    opts.pool.on('up', (host: Host) => {
      if (!this.host) void this.attach(host);
    });
    opts.pool.on('down', (host: Host) => {
      if (host !== this.host) return;
      this.host = undefined;
      const next = opts.pool.queryPlan()[0];
      if (next) void this.attach(next);
    });
    opts.pool.on('event', (event: EventBody, host: Host) => {
      if (host === this.host) this.onEvent(event);
    });
  }

  /** The host carrying the control connection, if any is up. */
  get controlHost(): Host | undefined {
    return this.host;
  }

  /** Takes the first live host as the control host, reads the cluster once, and waits for the first connection to each new node. */
  async init(): Promise<void> {
    const host = this.host ?? this.opts.pool.queryPlan()[0];
    this.connecting = [];
    try {
      if (host) await this.attach(host);
      await Promise.allSettled(this.connecting);
    } finally {
      this.connecting = undefined;
    }
  }

  /** Reads system.local, system.peers and the keyspaces again (calls made meanwhile share one read). */
  refresh(): Promise<void> {
    this.refreshing ??= this.readCluster().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  stop(): void {
    this.stopped = true;
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
  }

  /** Forgets its host, whose connection the pool is closing, so the next init() or 'up' attaches afresh. */
  reset(): void {
    this.host = undefined;
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
  }

  private async attach(host: Host): Promise<void> {
    const connection = host.connection;
    if (this.stopped || !connection?.isOpen()) return;
    this.host = host;
    try {
      await this.opts.register(connection);
      await this.refresh();
    } catch (err) {
      // The connection failed meanwhile; its 'down' moves the control connection.
      this.emit('refreshError', err as Error);
    }
  }

  private onEvent(event: EventBody): void {
    switch (event.type) {
      case 'SCHEMA_CHANGE': {
        const { type: _type, ...change } = event;
        this.emit('schemaChange', change as SchemaChange);
        if (change.target === 'KEYSPACE') this.scheduleRefresh();
        return;
      }
      case 'TOPOLOGY_CHANGE':
        this.scheduleRefresh();
        return;
      case 'STATUS_CHANGE': {
        const host = this.opts.pool.host(event.address);
        if (!host) {
          this.scheduleRefresh();
        } else if (event.change === 'DOWN') {
          host.reportDown();
        } else {
          host.reportUp();
        }
        return;
      }
    }
  }

  /** Events come in bursts (a node joining changes several states): one refresh answers them all. */
  private scheduleRefresh(): void {
    if (this.stopped || this.refreshTimer) return;
    this.refreshTimer = this.opts.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh().catch((err: unknown) => this.emit('refreshError', err as Error));
    }, this.opts.refreshDelayMs);
    this.refreshTimer.unref();
  }

  private async readCluster(): Promise<void> {
    const host = this.host;
    const connection = host?.connection;
    if (!host || !connection?.isOpen()) return;
    const local = (await this.opts.query(connection, 'SELECT * FROM system.local'))?.[0];
    if (!local) return;
    const peers = (await this.opts.query(connection, 'SELECT * FROM system.peers')) ?? [];
    const keyspaces = (await this.opts.query(connection, 'SELECT keyspace_name, replication FROM system_schema.keyspaces')) ?? [];
    if (this.stopped) return;

    const nodes: NodeInfo[] = [describe(host.address, local)];
    for (const peer of peers) {
      if (typeof peer['native_address'] !== 'string' || typeof peer['native_port'] !== 'number') continue;
      nodes.push(describe(formatAddress(peer['native_address'], peer['native_port']), peer));
    }
    this.localDc ??= nodes[0]!.dc;
    this.dataCenters = new Set(nodes.map((n) => n.dc));
    this.updateHosts(nodes);
    this.opts.metadata.setNodes(nodes);
    this.opts.metadata.setKeyspaces(keyspaces as { keyspace_name: unknown; replication: unknown }[]);
  }

  /** Adds and connects the nodes new to the driver, describes every known one, and forgets the ones that left. */
  private updateHosts(nodes: NodeInfo[]): void {
    const pool = this.opts.pool;
    const listed = new Set(nodes.map((n) => n.address));
    for (const node of nodes) {
      let host = pool.host(node.address);
      if (!host && !this.opts.discoverNodes) continue;
      if (!host) {
        const { host: name, port } = parseAddress(node.address);
        host = pool.addHost(name, port);
        this.emit('hostAdd', host.address);
        const connected = host.connect().catch(() => {
          // Reconnection continues in the background; the host stays out of query plans meanwhile.
        });
        this.connecting?.push(connected);
      }
      host.dc = node.dc;
      host.rack = node.rack;
    }
    if (!this.opts.discoverNodes) return;
    for (const host of [...pool.hosts]) {
      if (!listed.has(host.address) && !this.opts.contactPoints.includes(host.address) && host !== this.host) {
        pool.removeHost(host.address);
        this.emit('hostRemove', host.address);
      }
    }
  }
}

function describe(address: string, row: Row): NodeInfo {
  const tokens = Array.isArray(row['tokens']) ? (row['tokens'] as unknown[]).map((t) => BigInt(String(t))) : [];
  return {
    address,
    dc: typeof row['data_center'] === 'string' ? row['data_center'] : 'datacenter1',
    rack: typeof row['rack'] === 'string' ? row['rack'] : 'rack1',
    tokens,
  };
}

/** The same 'host:port' form as Host.address, so a discovered node and a contact point compare equal. */
function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}

function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
