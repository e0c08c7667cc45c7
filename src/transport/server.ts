/**
 * The client protocol server. Clients speak length-prefixed msgpackr frames
 * (frame.ts) whose bodies are described in protocol.ts; each connection
 * (connection.ts) holds its own Session and hands requests to the
 * RequestDispatcher (dispatch.ts), which calls the QueryProcessor. This file
 * only accepts connections and shuts them down in order.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SystemClock, type Clock } from '../clock/clock.js';
import type { ClientAuthenticator } from '../cql/auth/access-control.js';
import type { QueryProcessor } from '../cql/processor.js';
import type { Settings } from '../util/settings.js';
import { ClientTls } from './client-tls.js';
import { RequestDispatcher, type AdminHandler } from './dispatch.js';
import { ServerConnection, type ClusterEventSource, type LogFn, type RequestBudget } from './connection.js';

export interface ProtocolServerOptions {
  processor: QueryProcessor;
  settings: Settings;
  admin?: AdminHandler;
  /** Who must log in, and how (src/cql/auth); none serves every client. */
  authenticator?: ClientAuthenticator;
  log?: LogFn;
  /** Timers for draining; the system clock unless a test passes its own. */
  clock?: Clock;
  /** Topology and status changes pushed to clients that REGISTER for them. */
  clusterEvents?: ClusterEventSource;
}

export class ProtocolServer {
  private readonly server: Server;
  private readonly connections = new Set<ServerConnection>();
  private readonly dispatcher: RequestDispatcher;
  private readonly log: LogFn;
  private readonly clock: Clock;
  private drainWaiter: (() => void) | undefined;
  private readonly nodeRequests: RequestBudget;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: ProtocolServerOptions) {
    this.log = opts.log ?? defaultLog;
    this.clock = opts.clock ?? new SystemClock();
    this.dispatcher = new RequestDispatcher(opts.processor, opts.admin, opts.authenticator);
    this.nodeRequests = requestBudget(opts.settings.native_transport_max_concurrent_requests);
    // With client_encryption_options, each socket first shows whether it speaks TLS (client-tls.ts).
    const tls = ClientTls.fromSettings(opts.settings.client_encryption_options, opts.settings.native_transport_tls_handshake_timeout, this.log, (socket) =>
      this.accept(socket),
    );
    this.server = createServer((socket) => (tls && !this.closing ? tls.accept(socket) : this.accept(socket)));
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log('error', `client protocol server: ${err.message}`));
        const address = this.server.address() as AddressInfo;
        this.log('info', `listening for clients on ${address.address}:${address.port}`);
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /** Requests being processed on all connections. */
  inFlight(): number {
    let total = 0;
    for (const c of this.connections) total += c.inFlight();
    return total;
  }

  /**
   * Stops accepting connections and reading requests, lets the requests
   * already running finish for up to drainMs, then closes every socket.
   */
  close(drainMs: number): Promise<void> {
    this.closing ??= this.shutdown(drainMs);
    return this.closing;
  }

  private async shutdown(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.pauseReading();
    if (this.inFlight() > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(() => {
          this.log('warn', `closing with ${this.inFlight()} requests still in flight after ${drainMs} ms`);
          resolve();
        }, drainMs);
        this.drainWaiter = () => {
          timer.cancel();
          resolve();
        };
      });
      this.drainWaiter = undefined;
    }
    for (const c of this.connections) c.end();
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection = new ServerConnection({
      socket,
      dispatcher: this.dispatcher,
      processor: this.opts.processor,
      frameBytesMax: this.opts.settings.native_transport_max_frame_size,
      inFlightMax: this.opts.settings.native_transport_max_requests_per_connection,
      nodeRequests: this.nodeRequests,
      pendingResponseBytesMax: this.opts.settings.native_transport_max_pending_response_bytes,
      log: this.log,
      onRequestDone: () => {
        if (this.drainWaiter && this.inFlight() === 0) this.drainWaiter();
      },
      ...(this.opts.clusterEvents ? { clusterEvents: this.opts.clusterEvents } : {}),
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}

/** A counter of requests in flight across all connections, bounded by `limit`. */
function requestBudget(limit: number): RequestBudget {
  let used = 0;
  return {
    limit,
    tryAcquire: () => {
      if (used >= limit) return false;
      used++;
      return true;
    },
    release: () => {
      used--;
    },
  };
}

function defaultLog(level: 'info' | 'warn' | 'error', msg: string): void {
  if (level !== 'info') console.error(`[transport] ${level}: ${msg}`);
}
