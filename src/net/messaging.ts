/**
 * MessagingService: how a node talks to its peers. The layers above register
 * a handler per verb (gossip, the coordinator's replica side, hints, schema)
 * and call `request` or `send`; this class owns the sockets, the request ids
 * multiplexed over them, the per-verb timeouts, and the fault filter.
 *
 * Connections: one outbound connection per peer (outbound.ts) carries this
 * node's requests and brings their responses back; the peer answers on the
 * connection the request arrived on (inbound.ts). Every connection starts
 * with a handshake naming the cluster, the sender's endpoint and the
 * messaging version, followed, when the cluster has a secret, by both sides
 * proving they know it (handshake-proof.ts); with internode TLS every
 * connection is a TLS one (internode-security.ts). A message to this node itself skips the sockets but
 * not the handlers, timeouts or fault filter.
 *
 * Inbound load is bounded twice: a peer has at most
 * internode_max_requests_in_flight_per_peer requests running on this node,
 * further ones being answered Overloaded at once (the requester counts a
 * failed replica, as for any error a handler throws, rather than waiting out
 * a timeout); and a connection whose peer leaves more than
 * internode_max_pending_response_bytes of responses unread stops being read
 * until it drains (inbound.ts). One-way messages (gossip, schema pushes,
 * batchlog removals) are not counted: they carry no answer to say Overloaded
 * with, their handlers are short, and gossip must keep flowing under load.
 *
 * See docs/messaging.md for the wire format and the verb table.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Clock, Timer } from '../clock/clock.js';
import { assert, ConfigurationError, errorFromWire, OverloadedError, ServerError, SibylError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { MessageTimeoutError, PeerUnreachableError } from './errors.js';
import { FaultFilter } from './faults.js';
import { createPackr, encodeFrame } from '../util/framing.js';
import { InboundConnection } from './inbound.js';
import { loadInternodeSecurity, type InternodeSecurity } from './internode-security.js';
import { OutboundConnection, type OutboundStats } from './outbound.js';
import type { EndpointId } from './payloads.js';
import {
  verbById,
  VERBS,
  verbTimeoutMs,
  type HandledVerb,
  type OneWayVerb,
  type RequestVerb,
  type ResponseOf,
  type ResponseVerbOf,
  type VerbName,
  type VerbPayloads,
} from './verbs.js';
import { checkPayload } from './payload-check.js';
import { PeerAdmission } from './peer-admission.js';
import { messageBound, Kind, MESSAGING_VERSION, type Envelope, type Hello } from './wire.js';

export interface MessagingServiceOptions {
  /** This node's endpoint; defaults to listen_address:storage_port, with the bound port once listening on port 0. */
  self?: EndpointId;
  settings: Settings;
  clock: Clock;
  log: Logger;
  /** Defaults to settings.internode_max_message_size. */
  frameBytesMax?: number;
  /** Defaults to a fresh, empty filter. */
  faults?: FaultFilter;
  /** Defaults to what the settings name (cluster_secret, server_encryption_options); loading reads their files. */
  security?: InternodeSecurity;
}

export type VerbHandler<V extends HandledVerb> = (
  payload: VerbPayloads[V],
  from: EndpointId,
) => ResponseOf<V> | Promise<ResponseOf<V>>;

type AnyHandler = (payload: unknown, from: EndpointId) => unknown;

/** What the inbound bounds have done since the service started (`sibyltool netstats`). */
export interface InboundLoadStats {
  /** Peers' requests running on this node now. */
  requestsInFlight: number;
  /** Peers' requests answered Overloaded because internode_max_requests_in_flight_per_peer was reached. */
  overloadedRequests: number;
  /** Times an inbound connection stopped reading because its peer left internode_max_pending_response_bytes unread. */
  pausesForOutput: number;
  /** Inbound connections not being read now for that reason. */
  connectionsPausedNow: number;
}

interface Pending {
  to: EndpointId;
  responseVerbId: number;
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
  timer: Timer;
}

export class MessagingService {
  readonly faults: FaultFilter;
  private readonly settings: Settings;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly frameBytesMax: number;
  private readonly packr = createPackr();
  private readonly handlers = new Map<VerbName, AnyHandler>();
  private readonly pending = new Map<number, Pending>();
  private readonly outbound = new Map<EndpointId, OutboundConnection>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly delayed = new Set<Timer>();
  private readonly connectedListeners = new Set<(peer: EndpointId) => void>();
  private readonly disconnectedListeners = new Set<(peer: EndpointId) => void>();
  private server: Server | undefined;
  private selfId: EndpointId;
  private readonly selfGiven: boolean;
  private nextRequestId = 1;
  private closed = false;
  private readonly security: InternodeSecurity;
  private refused = 0;
  private readonly admission: PeerAdmission;
  private pausesForOutput = 0;
  /** Peers (claimed endpoint and source address) whose failed handshakes were already logged as warnings; later ones log at debug. */
  private readonly warnedRemotes = new Set<string>();

  constructor(options: MessagingServiceOptions) {
    this.settings = options.settings;
    this.clock = options.clock;
    this.log = options.log;
    this.frameBytesMax = options.frameBytesMax ?? options.settings.internode_max_message_size;
    this.faults = options.faults ?? new FaultFilter();
    this.selfGiven = options.self !== undefined;
    this.selfId = options.self ?? `${options.settings.listen_address}:${options.settings.storage_port}`;
    this.security = options.security ?? loadInternodeSecurity(options.settings);
    this.admission = new PeerAdmission(options.settings.internode_max_requests_in_flight_per_peer);
  }

  get self(): EndpointId {
    return this.selfId;
  }

  /** Listens for peers on listen_address:storage_port (0 picks a free port). */
  listen(): Promise<void> {
    assert(!this.server, 'MessagingService.listen called twice');
    const { listen_address: host, storage_port: port } = this.settings;
    const tls = this.security.tls;
    const server = tls ? createTlsServer(tls.server, (socket) => this.accept(socket)) : createServer((socket) => this.accept(socket));
    // A peer that fails the TLS handshake (plain text, a bad certificate) is refused like one failing the secret's proof.
    server.on('tlsClientError', (err: Error, socket: Socket) => this.onRefused(`${socket.remoteAddress}:${socket.remotePort}`, undefined, `TLS handshake failed: ${err.message}`));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        // A port taken by another process is the operator's to fix: a ConfigurationError, which sibyl node reports in one line.
        reject(err.code === 'EADDRINUSE' ? new ConfigurationError(`address ${host}:${port} is already in use (storage_port)`) : err);
      });
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.log.error(`internode server: ${err.message}`));
        if (!this.selfGiven) this.selfId = `${host}:${this.address().port}`;
        this.log.info(`Listening for peers on ${this.address().host}:${this.address().port}${tls ? ' (TLS)' : ''}`);
        if (this.security.secret === '') {
          this.log.warn(
            'Internode traffic is unauthenticated: neither cluster_secret nor cluster_secret_file is set, ' +
              `so any process that reaches ${host}:${this.address().port} can act as a node of this cluster`,
          );
        }
        resolve();
      });
    });
  }

  address(): { host: string; port: number } {
    const address = this.server?.address() as AddressInfo | null | undefined;
    assert(address, 'MessagingService is not listening');
    return { host: address.address, port: address.port };
  }

  /** Registers the handler of one request or one-way verb; a verb has exactly one handler. */
  handle<V extends HandledVerb>(verb: V, handler: VerbHandler<V>): void {
    assert(!this.handlers.has(verb), `a handler for ${verb} is already registered`);
    this.handlers.set(verb, handler as AnyHandler);
  }

  /**
   * Sends a one-way message. Throws OverloadedError when the peer's send
   * queue is full, and ProtocolError when the message exceeds
   * internode_max_message_size; a message lost afterwards is not reported.
   */
  send<V extends OneWayVerb>(to: EndpointId, verb: V, payload: VerbPayloads[V]): void {
    this.transmit(to, verb, [Kind.OneWay, VERBS[verb].id, payload], undefined);
  }

  /**
   * Sends a request and resolves with the peer's response. Rejects with
   * MessageTimeoutError after the verb's timeout (or options.timeoutMs), with
   * PeerUnreachableError when the connection fails, and with the error class
   * the remote handler threw.
   */
  request<V extends RequestVerb>(
    to: EndpointId,
    verb: V,
    payload: VerbPayloads[V],
    options: { timeoutMs?: number } = {},
  ): Promise<VerbPayloads[ResponseVerbOf<V>]> {
    const spec = VERBS[verb];
    const timeoutMs = options.timeoutMs ?? verbTimeoutMs(verb, this.settings);
    const id = this.nextRequestId++;
    return new Promise<VerbPayloads[ResponseVerbOf<V>]>((resolve, reject) => {
      if (this.closed) {
        reject(new PeerUnreachableError(to, 'messaging service closed'));
        return;
      }
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new MessageTimeoutError(verb, to, timeoutMs));
      }, timeoutMs);
      const responseVerbId = VERBS[spec.response].id;
      this.pending.set(id, { to, responseVerbId, resolve: resolve as (p: unknown) => void, reject, timer });
      try {
        this.transmit(to, verb, [Kind.Request, id, spec.id, payload], id);
      } catch (err) {
        this.fail(id, err as Error);
      }
    });
  }

  /** Called with a peer's endpoint each time an outbound connection to it completes its handshake. */
  onPeerConnected(listener: (peer: EndpointId) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Called when an established outbound connection to a peer is lost. */
  onPeerDisconnected(listener: (peer: EndpointId) => void): () => void {
    this.disconnectedListeners.add(listener);
    return () => this.disconnectedListeners.delete(listener);
  }

  /** The outbound connection to a peer, if one was ever asked for. */
  connectionStats(to: EndpointId): OutboundStats | undefined {
    return this.outbound.get(to)?.stats();
  }

  /** Inbound connections refused or closed before completing their handshake (wrong secret, stall, TLS failure, garbage). */
  refusedHandshakes(): number {
    return this.refused;
  }

  /** What the bounds on peers' requests and unread responses have done. */
  inboundLoadStats(): InboundLoadStats {
    let connectionsPausedNow = 0;
    for (const c of this.inbound) if (c.isPausedForOutput()) connectionsPausedNow++;
    return { requestsInFlight: this.admission.inFlight(), overloadedRequests: this.admission.refused(), pausesForOutput: this.pausesForOutput, connectionsPausedNow };
  }

  /** Requests still waiting for a response. */
  pendingRequests(): number {
    return this.pending.size;
  }

  /** Closes every connection and the listener; requests still waiting fail with PeerUnreachableError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.delayed) timer.cancel();
    this.delayed.clear();
    for (const [id, p] of this.pending) this.fail(id, new PeerUnreachableError(p.to, 'messaging service closed'));
    for (const connection of this.outbound.values()) connection.close();
    for (const connection of this.inbound) connection.close();
    this.inbound.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- sending ----

  /** Applies the fault filter on the sending side, then hands the envelope to its connection. */
  private transmit(to: EndpointId, verb: VerbName, envelope: Envelope, requestId: number | undefined): void {
    if (this.closed) throw new PeerUnreachableError(to, 'messaging service closed');
    const timeoutMs = verbTimeoutMs(verb, this.settings);
    // Encoding first refuses an oversized message to the caller, whatever the filter decides.
    const frame = to === this.selfId ? undefined : encodeFrame(this.packr, envelope, messageBound(this.frameBytesMax));
    const decision = this.faults.decide(verb, this.selfId, to);
    if (decision.action === 'drop') return;
    const deliver = () => {
      if (frame === undefined) this.deliverLocally(envelope);
      else this.connectionTo(to).enqueue(frame, timeoutMs);
    };
    if (decision.action === 'pass') {
      deliver();
      return;
    }
    this.later(decision.delayMs, () => {
      try {
        deliver();
      } catch (err) {
        if (requestId !== undefined) this.fail(requestId, err as Error);
        else this.log.debug(`delayed ${verb} to ${to} not sent: ${(err as Error).message}`);
      }
    });
  }

  private connectionTo(peer: EndpointId): OutboundConnection {
    let connection = this.outbound.get(peer);
    if (!connection) {
      connection = new OutboundConnection({
        peer,
        self: () => this.selfId,
        settings: this.settings,
        clock: this.clock,
        log: this.log,
        frameBytesMax: this.frameBytesMax,
        security: this.security,
        hooks: {
          onResponse: (from, envelope) => this.onResponse(from, envelope, true),
          onConnected: (p) => this.emit(this.connectedListeners, p),
          onLost: (p, reason, wasOpen) => this.onConnectionLost(p, reason, wasOpen),
        },
      });
      this.outbound.set(peer, connection);
    }
    return connection;
  }

  private deliverLocally(envelope: Envelope): void {
    setImmediate(() => {
      if (this.closed) return;
      this.dispatch(this.selfId, envelope, (response) => this.onResponse(this.selfId, response, false));
    });
  }

  private onConnectionLost(peer: EndpointId, reason: string, wasOpen: boolean): void {
    for (const [id, p] of this.pending) if (p.to === peer) this.fail(id, new PeerUnreachableError(peer, reason));
    if (wasOpen) this.emit(this.disconnectedListeners, peer);
  }

  // ---- receiving ----

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const connection = new InboundConnection({
      socket,
      self: () => this.selfId,
      clock: this.clock,
      log: this.log,
      frameBytesMax: this.frameBytesMax,
      handshakeTimeoutMs: this.settings.internode_tcp_connect_timeout,
      secret: this.security.secret,
      clusterName: this.settings.cluster_name,
      pendingResponseBytesMax: this.settings.internode_max_pending_response_bytes,
      hooks: {
        checkHello: (hello) => this.checkHello(hello),
        // A peer that connects to us is up: our own connection to it need not wait out its backoff.
        onAccepted: (hello) => this.outbound.get(hello.from)?.retryNow(),
        onRefused: (remote, claimed, reason) => this.onRefused(remote, claimed, reason),
        onMessage: (from, envelope, reply) => this.onInbound(from, envelope, reply),
        onPausedForOutput: () => this.pausesForOutput++,
      },
    });
    this.inbound.add(connection);
    socket.on('close', () => this.inbound.delete(connection));
  }

  private checkHello(hello: Hello): string | undefined {
    if (hello.cluster_name !== this.settings.cluster_name) {
      return `cluster_name '${hello.cluster_name}' does not match this node's '${this.settings.cluster_name}'`;
    }
    if (hello.version !== MESSAGING_VERSION) {
      return `messaging version ${hello.version} differs from this node's ${MESSAGING_VERSION}`;
    }
    return undefined;
  }

  /**
   * Counts a failed inbound handshake and logs it: as a warning the first
   * time for a peer, then at debug, so a misconfigured node retrying with
   * backoff does not flood the log. A peer is its claimed endpoint and its
   * source address together: on one machine every node connects from
   * 127.0.0.1, whatever its listen_address.
   */
  private onRefused(remote: string, claimed: EndpointId | undefined, reason: string): void {
    this.refused++;
    const peer = `${claimed ?? '?'} from ${remote.slice(0, remote.lastIndexOf(':'))}`;
    const level = this.warnedRemotes.has(peer) ? 'debug' : 'warn';
    this.warnedRemotes.add(peer);
    this.log[level](`Refusing internode connection from ${claimed ?? 'an unidentified peer'} (${remote}): ${reason}`);
  }

  /** A request or one-way message from a peer's connection: the receiving side of the fault filter, then dispatch. */
  private onInbound(from: EndpointId, envelope: Envelope, reply: (frame: Buffer) => void): void {
    const verbId = envelope[0] === Kind.Request ? envelope[2] : (envelope[1] as number);
    const verb = verbById(verbId);
    const decision = verb === undefined ? { action: 'pass' as const } : this.faults.decide(verb, from, this.selfId);
    if (decision.action === 'drop') return;
    const respond = (response: Envelope) => reply(this.encodeResponse(response));
    let done: (() => void) | undefined;
    if (envelope[0] === Kind.Request) {
      done = this.admission.admit(from);
      if (!done) {
        const limit = this.settings.internode_max_requests_in_flight_per_peer;
        const err = new OverloadedError(`too many internode requests in flight from this peer: internode_max_requests_in_flight_per_peer is ${limit}`);
        respond([Kind.Error, envelope[1], answerVerbId(verbId), { code: err.code, message: err.message, fields: err.fields() }]);
        return;
      }
    }
    if (decision.action === 'pass') this.dispatch(from, envelope, respond, done);
    else this.later(decision.delayMs, () => this.dispatch(from, envelope, respond, done));
  }

  /**
   * Runs the verb's handler; for a request, sends its result or its error back
   * through `reply`, calling `done` once the handler has finished.
   */
  private dispatch(from: EndpointId, envelope: Envelope, reply: (response: Envelope) => void, done?: () => void): void {
    if (envelope[0] === Kind.OneWay) {
      const [, verbId, payload] = envelope;
      const verb = verbById(verbId);
      const handler = verb && this.handlers.get(verb);
      if (!handler) {
        this.log.warn(`No handler for one-way verb ${verb ?? `#${verbId}`} from ${from}; message dropped`);
        return;
      }
      const malformed = payloadProblem(verb, payload);
      if (malformed) {
        this.log.warn(`Dropping a malformed ${verb} message from ${from}: ${malformed.message}`);
        return;
      }
      Promise.resolve()
        .then(() => handler(payload, from))
        .catch((err: unknown) => this.log.warn(`${verb} handler failed for a message from ${from}: ${String(err)}`));
      return;
    }
    if (envelope[0] !== Kind.Request) return;
    const [, id, verbId, payload] = envelope;
    const verb = verbById(verbId);
    const spec = verb === undefined ? undefined : VERBS[verb];
    const handler = verb && this.handlers.get(verb);
    if (!spec || spec.kind !== 'request' || !handler) {
      done?.();
      const err = new ServerError(`no handler for verb ${verb ?? `#${verbId}`} on ${this.selfId}`);
      reply([Kind.Error, id, answerVerbId(verbId), { code: err.code, message: err.message, fields: {} }]);
      return;
    }
    const responseVerb = spec.response;
    const responseVerbId = VERBS[responseVerb].id;
    Promise.resolve()
      .then(() => {
        const malformed = payloadProblem(verb, payload);
        if (malformed) throw malformed;
        return handler(payload, from);
      })
      .then(
        (result) => [Kind.Response, id, responseVerbId, result] as Envelope,
        (err: unknown) => {
          const e = err instanceof SibylError ? err : new ServerError(err instanceof Error ? err.message : String(err));
          return [Kind.Error, id, responseVerbId, { code: e.code, message: e.message, fields: e.fields() }] as Envelope;
        },
      )
      .then((response) => {
        if (this.closed) return;
        const decision = this.faults.decide(responseVerb, this.selfId, from);
        if (decision.action === 'pass') reply(response);
        else if (decision.action === 'delay') this.later(decision.delayMs, () => reply(response));
      })
      .finally(() => done?.());
  }

  /** Encodes a response; one over the size bound becomes an error naming the setting. */
  private encodeResponse(response: Envelope): Buffer {
    try {
      return encodeFrame(this.packr, response, messageBound(this.frameBytesMax));
    } catch (err) {
      const e = err instanceof SibylError ? err : new ServerError(String(err));
      const [, id, verbId] = response as [number, number, number];
      return encodeFrame(this.packr, [Kind.Error, id, verbId, { code: e.code, message: e.message, fields: e.fields() }], messageBound(this.frameBytesMax));
    }
  }

  /** A response or error for one of this node's requests; the receiving side of the fault filter applies to remote ones. */
  private onResponse(peer: EndpointId, envelope: Envelope, remote: boolean): void {
    if (envelope[0] !== Kind.Response && envelope[0] !== Kind.Error) return;
    const [, id, verbId] = envelope;
    const p = this.pending.get(id);
    // A response after its timeout, or naming a request another peer owns, has no one waiting.
    if (!p || p.to !== peer || p.responseVerbId !== verbId) return;
    const complete = () => {
      if (!this.pending.delete(id)) return;
      p.timer.cancel();
      const malformed = envelope[0] === Kind.Response ? payloadProblem(verbById(verbId)!, envelope[3]) : undefined;
      if (malformed) p.reject(malformed);
      else if (envelope[0] === Kind.Response) p.resolve(envelope[3]);
      else p.reject(errorFromWire(envelope[3].code, envelope[3].message, envelope[3].fields ?? {}));
    };
    const verb = verbById(verbId)!;
    const decision = remote ? this.faults.decide(verb, peer, this.selfId) : { action: 'pass' as const };
    if (decision.action === 'pass') complete();
    else if (decision.action === 'delay') this.later(decision.delayMs, complete);
  }

  // ---- helpers ----

  private fail(id: number, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.timer.cancel();
    p.reject(err);
  }

  private later(delayMs: number, fn: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(timer);
      if (!this.closed) fn();
    }, delayMs);
    this.delayed.add(timer);
  }

  private emit(listeners: Set<(peer: EndpointId) => void>, peer: EndpointId): void {
    for (const listener of listeners) {
      try {
        listener(peer);
      } catch (err) {
        this.log.error(`peer listener failed for ${peer}: ${String(err)}`);
      }
    }
  }
}

/** The verb an answer to a request of `verbId` carries: its response verb; an id this node does not know is echoed back. */
function answerVerbId(verbId: number): number {
  const verb = verbById(verbId);
  const spec = verb === undefined ? undefined : VERBS[verb];
  return spec?.kind === 'request' ? VERBS[spec.response].id : verbId;
}

/** The ProtocolError a payload that does not fit its verb's declared shape earns (payload-check.ts), or undefined. */
function payloadProblem(verb: VerbName, payload: unknown): SibylError | undefined {
  try {
    checkPayload(verb, payload);
    return undefined;
  } catch (err) {
    return err instanceof SibylError ? err : new ServerError(String(err));
  }
}
