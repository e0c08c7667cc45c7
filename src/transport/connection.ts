/**
 * One client connection on the server: decodes frames, runs requests
 * concurrently (answers go out by stream id, in whatever order they finish),
 * bounds the requests in flight, and pushes events the client registered
 * for. A bad frame closes this connection and no other.
 *
 * Memory per connection is bounded three ways: a frame is at most
 * native_transport_max_frame_size; at most
 * native_transport_max_requests_per_connection requests run at once (and the
 * node as a whole runs at most native_transport_max_concurrent_requests),
 * further ones being answered Overloaded at once; and once more than
 * native_transport_max_pending_response_bytes of responses wait to be sent
 * (the client is not reading them), the connection stops reading requests
 * until the socket drains, so TCP flow control pushes back on the client
 * instead of the node buffering its answers without bound.
 */
import type { Socket } from 'node:net';
import type { Packr } from 'msgpackr';
import type { QueryProcessor, Session } from '../cql/processor.js';
import type { SchemaChange } from '../cql/result.js';
import { OverloadedError, ProtocolError, ServerError, SibylError } from '../util/errors.js';
import type { RequestDispatcher } from './dispatch.js';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../util/framing.js';
import type { ClusterEvent, Envelope, ErrorBody, EventBody } from './protocol.js';
import { CONNECTION_STREAM, EVENT_STREAM, Opcode, parseRequest, PROTOCOL_VERSION, streamOf } from './protocol.js';

const EMPTY = Buffer.alloc(0);

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface ConnectionOptions {
  socket: Socket;
  dispatcher: RequestDispatcher;
  processor: QueryProcessor;
  frameBytesMax: number;
  inFlightMax: number;
  /** The node-wide budget of requests in flight, shared by every connection. */
  nodeRequests: RequestBudget;
  /** Bytes of responses waiting to be sent past which this connection stops reading requests. */
  pendingResponseBytesMax: number;
  log: LogFn;
  /** Called whenever a request finishes, so the server can notice when draining is done. */
  onRequestDone: () => void;
  /** Topology and status changes to push to clients that register for them; none without it. */
  clusterEvents?: ClusterEventSource;
}

/** Requests in flight across the node; a request that cannot acquire a slot is answered Overloaded. */
export interface RequestBudget {
  readonly limit: number;
  tryAcquire(): boolean;
  release(): void;
}

/** Where the server learns of nodes joining, leaving, coming up and going down (gossip, in a node). */
export interface ClusterEventSource {
  onClusterEvent(listener: (event: ClusterEvent) => void): () => void;
}

export class ServerConnection {
  readonly session: Session = {};
  private readonly decoder: FrameDecoder;
  private readonly packr: Packr = createPackr();
  private readonly writer: FrameWriter;
  private inFlightCount = 0;
  private unsubscribeSchema: (() => void) | undefined;
  private unsubscribeCluster: (() => void) | undefined;
  private readonly clusterEventTypes = new Set<ClusterEvent['type']>();
  private closed = false;
  /** Reading stopped for good (server draining, or a protocol error); backpressure never resumes it. */
  private readingStopped = false;
  /** Reading paused because the client is not taking its responses. */
  private pausedForOutput = false;
  readonly remote: string;
  readonly clientAddress: string | undefined;

  constructor(private readonly opts: ConnectionOptions) {
    this.decoder = new FrameDecoder(opts.frameBytesMax, 'native_transport_max_frame_size');
    this.writer = new FrameWriter(opts.socket);
    this.remote = `${opts.socket.remoteAddress}:${opts.socket.remotePort}`;
    this.clientAddress = opts.socket.remoteAddress;
    opts.socket.setNoDelay(true);
    opts.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    opts.socket.on('error', (err) => opts.log('info', `client ${this.remote}: ${err.message}`));
    opts.socket.on('close', () => this.onClose());
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  /** Stops reading new requests; requests already running still answer. */
  pauseReading(): void {
    this.readingStopped = true;
    this.opts.socket.pause();
  }

  /** Whether reading is paused because this connection's client is not reading its responses. */
  isPausedForOutput(): boolean {
    return this.pausedForOutput;
  }

  /** Sends what is queued, then closes the socket. */
  end(): void {
    if (this.closed) return;
    this.writer.flush(() => this.opts.socket.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let bodies: unknown[];
    try {
      bodies = this.decoder.push(chunk);
    } catch (err) {
      this.fail(CONNECTION_STREAM, err as SibylError);
      return;
    }
    for (const raw of bodies) {
      let request;
      try {
        request = parseRequest(raw);
      } catch (err) {
        this.fail(streamOf(raw) ?? CONNECTION_STREAM, err as SibylError);
        return;
      }
      if (this.inFlightCount >= this.opts.inFlightMax) {
        this.sendError(
          request.stream,
          new OverloadedError(
            `too many requests in flight on this connection: ` +
              `native_transport_max_requests_per_connection is ${this.opts.inFlightMax}`,
          ),
        );
        continue;
      }
      if (!this.opts.nodeRequests.tryAcquire()) {
        this.sendError(
          request.stream,
          new OverloadedError(
            `too many requests in flight on this node: ` +
              `native_transport_max_concurrent_requests is ${this.opts.nodeRequests.limit}`,
          ),
        );
        continue;
      }
      this.inFlightCount++;
      this.opts.dispatcher
        .dispatch(this, request)
        .then(
          (response) => this.send(request.stream, response.opcode, response.body),
          (err: unknown) => this.sendError(request.stream, this.toSibylError(err)),
        )
        .finally(() => {
          this.inFlightCount--;
          this.opts.nodeRequests.release();
          this.opts.onRequestDone();
        });
    }
  }

  registerSchemaEvents(): void {
    if (this.unsubscribeSchema || this.closed) return;
    this.unsubscribeSchema = this.opts.processor.onSchemaChange((change: SchemaChange) => {
      const body: EventBody = { type: 'SCHEMA_CHANGE', ...change };
      this.send(EVENT_STREAM, Opcode.EVENT, body);
    });
  }

  registerClusterEvents(types: readonly ClusterEvent['type'][]): void {
    if (this.closed || !this.opts.clusterEvents) return;
    for (const t of types) this.clusterEventTypes.add(t);
    this.unsubscribeCluster ??= this.opts.clusterEvents.onClusterEvent((event) => {
      if (this.clusterEventTypes.has(event.type)) this.send(EVENT_STREAM, Opcode.EVENT, event satisfies EventBody);
    });
  }

  private toSibylError(err: unknown): SibylError {
    if (err instanceof SibylError) return err;
    const message = err instanceof Error ? err.message : String(err);
    this.opts.log('error', `request from ${this.remote} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
    return new ServerError(message);
  }

  private send(stream: number, opcode: number, body: unknown): void {
    if (this.closed) return;
    const envelope: Envelope = { v: PROTOCOL_VERSION, s: stream, o: opcode, b: body };
    let frame: Buffer;
    try {
      frame = encodeFrame(this.packr, envelope);
    } catch (err) {
      // A result msgpack cannot carry is a server bug; the client still gets an answer on its stream.
      this.opts.log('error', `cannot encode response to ${this.remote}: ${(err as Error).message}`);
      if (opcode === Opcode.ERROR) return;
      this.sendError(stream, new ServerError(`cannot encode response: ${(err as Error).message}`));
      return;
    }
    this.writer.write(frame);
    if (!this.pausedForOutput && this.writer.pendingBytes() > this.opts.pendingResponseBytesMax) {
      this.pausedForOutput = true;
      this.opts.socket.pause();
      this.awaitOutputDrained();
    }
  }

  /**
   * Resumes reading once the responses waiting to be sent fall back under
   * the bound. The check runs again each time everything written so far has
   * been handed to the kernel: an empty write's callback runs after every
   * write before it, which, unlike 'drain', also fires when the socket's
   * buffer never passed its high-water mark.
   */
  private awaitOutputDrained(): void {
    const recheck = () => {
      if (this.closed || this.opts.socket.destroyed) return;
      if (this.writer.pendingBytes() > this.opts.pendingResponseBytesMax) {
        this.awaitOutputDrained();
        return;
      }
      this.pausedForOutput = false;
      if (!this.readingStopped) this.opts.socket.resume();
    };
    this.writer.flush();
    this.opts.socket.write(EMPTY, () => recheck());
  }

  private sendError(stream: number, err: SibylError): void {
    const body: ErrorBody = { code: err.code, message: err.message, fields: err.fields() };
    this.send(stream, Opcode.ERROR, body);
  }

  /** Answers a protocol violation and closes this connection only. */
  private fail(stream: number, err: SibylError): void {
    const error = err instanceof ProtocolError ? err : new ProtocolError(String((err as Error)?.message ?? err));
    this.opts.log('warn', `closing connection from ${this.remote}: ${error.message}`);
    this.sendError(stream, error);
    this.end();
    this.closed = true;
    this.readingStopped = true;
    this.opts.socket.pause();
  }

  private onClose(): void {
    this.closed = true;
    this.unsubscribeSchema?.();
    this.unsubscribeSchema = undefined;
    this.unsubscribeCluster?.();
    this.unsubscribeCluster = undefined;
  }
}
