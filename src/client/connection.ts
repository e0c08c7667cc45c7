/**
 * One driver connection to one host: multiplexes requests over stream ids,
 * matches answers to requests whatever order they come back in, times
 * requests out, and fails every pending request when the socket goes away.
 */
import { EventEmitter } from 'node:events';
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Packr } from 'msgpackr';
import type { Clock, Timer } from '../clock/clock.js';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../util/framing.js';
import type { Envelope, ErrorBody, EventBody } from '../transport/protocol.js';
import { CONNECTION_STREAM, EVENT_STREAM, Opcode, PROTOCOL_VERSION, STREAM_ID_MAX } from '../transport/protocol.js';
import { AuthenticationError, errorFromWire, ProtocolError } from '../util/errors.js';
import { BusyConnectionError, ConnectionClosedError, DriverError, OperationTimedOutError } from './errors.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  clock: Clock;
  connectTimeoutMs: number;
  /** Largest answer frame accepted; bigger ones close the connection. */
  frameBytesMax: number;
  /** Sent in STARTUP so the connection starts in this keyspace. */
  keyspace?: string;
  /** Sent when the server asks for a login (PasswordAuthenticator). */
  credentials?: Credentials;
  /** Connect with TLS, with these options for tls.connect (the driver option `ssl`). */
  tls?: TlsConnectionOptions;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface Answer {
  opcode: number;
  body: unknown;
}

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
  /** Clock milliseconds after which the request has timed out; Infinity for none. */
  deadlineMs: number;
  timeoutMs: number;
  /** The driver option that set timeoutMs, named by the timeout error. */
  timeoutOption: string;
  /** Timed out and answered with an error; the stream id stays reserved until the late answer arrives. */
  expired: boolean;
}

/** Longest time a timed-out request waits past its deadline to be noticed. */
const SWEEP_INTERVAL_MS_MAX = 100;

/** Emits 'event' (EventBody) for pushed events and 'close' (Error) once, when the socket is gone. */
export class Connection extends EventEmitter {
  readonly address: string;
  /** The keyspace this connection's server-side session is in. */
  keyspace: string | undefined;
  private readonly packr: Packr = createPackr();
  private readonly decoder: FrameDecoder;
  private readonly writer: FrameWriter;
  private readonly pending = new Map<number, Pending>();
  private nextStream = 1;
  private closeReason: Error | undefined;
  /**
   * One timer per connection checks deadlines while requests are pending,
   * instead of a timer per request: at tens of thousands of requests a
   * second, creating and cancelling a timer each was a measurable cost.
   */
  private sweeper: Timer | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    super();
    this.address = `${opts.host}:${opts.port}`;
    this.decoder = new FrameDecoder(opts.frameBytesMax, 'the driver option frameBytesMax');
    this.writer = new FrameWriter(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('closed by the server')));
  }

  /** Connects and completes STARTUP; rejects with the connect or STARTUP error. */
  static open(opts: ConnectionOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = opts.tls ? connectTls(opts, opts.tls) : connect(opts.port, opts.host);
      const timer = opts.clock.setTimeout(() => {
        socket.destroy();
        reject(
          new DriverError(
            `Connecting to ${opts.host}:${opts.port} timed out after ${opts.connectTimeoutMs} ms (the driver option connectTimeoutMs)`,
            'ERR_SIBYL_CONNECT_TIMEOUT',
          ),
        );
      }, opts.connectTimeoutMs);
      socket.once('error', (err) => {
        timer.cancel();
        reject(opts.tls ? tlsFailure(opts, err) : err);
      });
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        timer.cancel();
        const connection = new Connection(socket, opts);
        const options = { keyspace: opts.keyspace, driver: 'sibyl-nodejs-driver' };
        connection
          .send(Opcode.STARTUP, { options }, opts.connectTimeoutMs, 'connectTimeoutMs')
          .then((answer) => (answer.opcode === Opcode.AUTHENTICATE ? connection.login(answer.body) : undefined))
          .then(
          () => {
            connection.keyspace = opts.keyspace;
            resolve(connection);
          },
          (err: Error) => {
            connection.close();
            reject(err);
          },
        );
      });
    });
  }

  /** Answers AUTHENTICATE with the credentials as a SASL PLAIN token; rejects with the server's AuthenticationError. */
  private async login(body: unknown): Promise<void> {
    const credentials = this.opts.credentials;
    if (!credentials) {
      const authenticator = (body as { authenticator?: unknown } | undefined)?.authenticator;
      throw new AuthenticationError(
        `Host ${this.address} requires authentication (${String(authenticator)}), but no credentials were given: pass the credentials option`,
      );
    }
    const token = Buffer.from(`\u0000${credentials.username}\u0000${credentials.password}`, 'utf8');
    await this.send(Opcode.AUTH_RESPONSE, { token }, this.opts.connectTimeoutMs, 'connectTimeoutMs');
  }

  isOpen(): boolean {
    return this.closeReason === undefined;
  }

  inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends one request; resolves with the answer, rejects with the server's
   * error, an OperationTimedOutError naming `timeoutOption`, or a
   * ConnectionClosedError.
   */
  send(opcode: number, body: unknown, timeoutMs: number, timeoutOption = 'requestTimeoutMs'): Promise<Answer> {
    if (this.closeReason) return Promise.reject(new ConnectionClosedError(this.address, this.closeReason.message));
    let stream: number;
    try {
      stream = this.allocateStream();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const frame = encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: stream, o: opcode, b: body } satisfies Envelope);
    return new Promise<Answer>((resolve, reject) => {
      const deadlineMs = timeoutMs > 0 ? this.opts.clock.nowMs() + timeoutMs : Number.POSITIVE_INFINITY;
      this.pending.set(stream, { resolve, reject, deadlineMs, timeoutMs, timeoutOption, expired: false });
      if (timeoutMs > 0) this.startSweeper(timeoutMs);
      this.writer.write(frame);
    });
  }

  private startSweeper(timeoutMs: number): void {
    if (this.sweeper) return;
    const intervalMs = Math.max(1, Math.min(SWEEP_INTERVAL_MS_MAX, Math.floor(timeoutMs / 5)));
    this.sweeper = this.opts.clock.setInterval(() => this.sweep(), intervalMs);
    this.sweeper.unref();
  }

  /** Fails every request past its deadline; stops once nothing is left waiting. */
  private sweep(): void {
    const nowMs = this.opts.clock.nowMs();
    let waiting = 0;
    for (const entry of this.pending.values()) {
      if (entry.expired) continue;
      if (nowMs >= entry.deadlineMs) {
        entry.expired = true;
        entry.reject(new OperationTimedOutError(this.address, entry.timeoutMs, entry.timeoutOption));
      } else if (entry.deadlineMs !== Number.POSITIVE_INFINITY) {
        waiting++;
      }
    }
    if (waiting === 0) {
      this.sweeper?.cancel();
      this.sweeper = undefined;
    }
  }

  close(): void {
    this.fail(new Error('closed by the client'));
  }

  private allocateStream(): number {
    if (this.pending.size >= STREAM_ID_MAX) {
      throw new BusyConnectionError(this.address, STREAM_ID_MAX);
    }
    while (this.pending.has(this.nextStream)) this.nextStream = (this.nextStream % STREAM_ID_MAX) + 1;
    const stream = this.nextStream;
    this.nextStream = (this.nextStream % STREAM_ID_MAX) + 1;
    return stream;
  }

  private onData(chunk: Buffer): void {
    let bodies: unknown[];
    try {
      bodies = this.decoder.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
      return;
    }
    for (const raw of bodies) this.onEnvelope(raw as Envelope);
  }

  private onEnvelope(envelope: Envelope): void {
    if (envelope.s === EVENT_STREAM && envelope.o === Opcode.EVENT) {
      this.emit('event', envelope.b as EventBody);
      return;
    }
    if (envelope.s === CONNECTION_STREAM && envelope.o === Opcode.ERROR) {
      // The server is about to close this connection because of something we sent.
      const e = envelope.b as ErrorBody;
      this.fail(errorFromWire(e.code, e.message, e.fields ?? {}));
      return;
    }
    const entry = this.pending.get(envelope.s);
    if (!entry) return;
    this.pending.delete(envelope.s);
    // A late answer to a request that already timed out only frees its stream id.
    if (entry.expired) return;
    if (envelope.o === Opcode.ERROR) {
      const e = envelope.b as ErrorBody;
      entry.reject(errorFromWire(e.code, e.message, e.fields ?? {}));
    } else {
      entry.resolve({ opcode: envelope.o, body: envelope.b });
    }
  }

  private fail(reason: Error): void {
    if (this.closeReason) return;
    this.closeReason = reason;
    const error =
      reason instanceof ProtocolError ? reason : new ConnectionClosedError(this.address, reason.message);
    for (const entry of this.pending.values()) if (!entry.expired) entry.reject(error);
    this.pending.clear();
    this.sweeper?.cancel();
    this.sweeper = undefined;
    this.socket.destroy();
    this.emit('close', reason);
  }
}

function connectTls(opts: ConnectionOptions, tls: TlsConnectionOptions): Socket {
  // SNI takes a host name, never an address.
  return tlsConnect({ host: opts.host, port: opts.port, ...(isIP(opts.host) === 0 ? { servername: opts.host } : {}), ...tls });
}

/** A failed TLS connection, saying what to check: the node may not speak TLS, or its certificate is not trusted. */
function tlsFailure(opts: ConnectionOptions, err: Error): DriverError {
  // A port that answers a TLS hello with plain bytes is not a TLS port; OpenSSL's own text for it is a multi-line dump of its internals.
  if ((err as NodeJS.ErrnoException).code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new DriverError(
      `TLS connection to ${opts.host}:${opts.port} failed: the port does not speak TLS (is client_encryption_options enabled on the node?)`,
      'ERR_SIBYL_TLS',
    );
  }
  return new DriverError(
    `TLS connection to ${opts.host}:${opts.port} failed: ${err.message} ` +
      `(is client_encryption_options enabled on the node, and does the ssl option's ca trust its certificate?)`,
    'ERR_SIBYL_TLS',
  );
}
