/**
 * One outbound connection to one peer: opened lazily by the first message,
 * handshaken, then carrying this node's requests and one-way messages to the
 * peer and the peer's responses back. Messages sent while it connects wait in
 * a queue bounded by `internode_send_queue_max_bytes`. When the connection
 * fails, queued messages are discarded (their requests fail at once through
 * `onLost`) and the next attempt waits out an exponential backoff, so a dead
 * peer costs one connection attempt per backoff period rather than one per
 * message.
 *
 * With a cluster secret, the HELLO carries a nonce and the connection opens
 * only after the peer proved the secret (CHALLENGE) and this node answered
 * with its own proof (PROOF): a peer that does not prove it never receives a
 * message. With internode TLS the socket is a TLS one and the proofs are
 * bound to its session.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Clock, Timer } from '../clock/clock.js';
import { OverloadedError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { PeerUnreachableError } from './errors.js';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../util/framing.js';
import type { EndpointId } from './payloads.js';
import { computeProof, newNonce, verifyProof } from './handshake-proof.js';
import { tlsBinding, type InternodeSecurity } from './internode-security.js';
import { MESSAGE_SIZE_SETTING, messageBound, asEnvelope, Kind, MESSAGING_VERSION, type Challenge, type Envelope, type Hello } from './wire.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closed';

export interface OutboundStats {
  state: ConnectionState;
  /** Connection attempts since this object was made. */
  connectAttempts: number;
  /** Failed attempts since the last successful handshake (0 while open). */
  consecutiveFailures: number;
  /** Delay before the next attempt may start, counted from the last failure. */
  retryDelayMs: number;
  /** Bytes waiting for the connection or not yet taken by the kernel. */
  pendingBytes: number;
}

export interface OutboundHooks {
  onResponse(peer: EndpointId, envelope: Envelope): void;
  onConnected(peer: EndpointId): void;
  /** The connection failed or closed; every request still waiting on this peer has lost its way back. */
  onLost(peer: EndpointId, reason: string, wasOpen: boolean): void;
}

export interface OutboundOptions {
  peer: EndpointId;
  self: () => EndpointId;
  settings: Settings;
  clock: Clock;
  log: Logger;
  frameBytesMax: number;
  security: InternodeSecurity;
  hooks: OutboundHooks;
}

interface Queued {
  frame: Buffer;
  enqueuedAtMs: number;
  timeoutMs: number;
}

/** Delay before reconnection attempt number `failures` + 1: doubling from the base, capped. */
export function reconnectDelayMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/** Splits `host:port` (or `[v6]:port`). */
export function splitEndpoint(endpoint: EndpointId): { host: string; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new PeerUnreachableError(endpoint, `'${endpoint}' is not a host:port endpoint`);
  }
  return { host: endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

export class OutboundConnection {
  private state: ConnectionState = 'idle';
  private socket: Socket | undefined;
  private writer: FrameWriter | undefined;
  private handshakeTimer: Timer | undefined;
  private retryTimer: Timer | undefined;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private connectAttempts = 0;
  private failures = 0;
  private nextAttemptAtMs = 0;
  private readonly packr = createPackr();
  /** This attempt's nonce (with a cluster secret), and whether the peer has proven the secret on it. */
  private nonce: Buffer | undefined;
  private peerProven = false;
  private readonly host: string;
  private readonly port: number;

  /** Throws PeerUnreachableError when the peer is not a `host:port` endpoint. */
  constructor(private readonly opts: OutboundOptions) {
    ({ host: this.host, port: this.port } = splitEndpoint(opts.peer));
  }

  get peer(): EndpointId {
    return this.opts.peer;
  }

  stats(): OutboundStats {
    const { internode_reconnect_base_delay: base, internode_reconnect_max_delay: max } = this.opts.settings;
    return {
      state: this.state,
      connectAttempts: this.connectAttempts,
      consecutiveFailures: this.failures,
      retryDelayMs: reconnectDelayMs(this.failures, base, max),
      pendingBytes: this.pendingBytes(),
    };
  }

  /**
   * Sends one encoded frame, or queues it until the connection is up. Throws
   * OverloadedError when the bound would be passed, and PeerUnreachableError
   * once closed.
   */
  enqueue(frame: Buffer, timeoutMs: number): void {
    if (this.state === 'closed') throw new PeerUnreachableError(this.peer, 'messaging service closed');
    const limit = this.opts.settings.internode_send_queue_max_bytes;
    const pending = this.pendingBytes();
    if (pending + frame.length > limit) {
      throw new OverloadedError(
        `send queue to ${this.peer} holds ${pending} bytes; ${frame.length} more would exceed internode_send_queue_max_bytes (${limit})`,
      );
    }
    if (this.state === 'open') {
      this.writer!.write(frame);
      return;
    }
    this.queue.push({ frame, enqueuedAtMs: this.opts.clock.nowMs(), timeoutMs });
    this.queuedBytes += frame.length;
    this.ensureConnecting();
  }

  /**
   * The peer was just heard from: it opened a connection to this node, so it
   * is up again. The backoff earned while it was down no longer applies, and
   * messages waiting for it (a restarted peer's first gossip answer, an ECHO)
   * go at once instead of up to internode_reconnect_max_delay later.
   */
  retryNow(): void {
    if (this.state !== 'idle' || this.failures === 0) return;
    this.failures = 0;
    this.nextAttemptAtMs = 0;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    if (this.queue.length > 0) this.connect();
  }

  close(): void {
    this.state = 'closed';
    this.retryTimer?.cancel();
    this.handshakeTimer?.cancel();
    const socket = this.socket;
    this.socket = undefined;
    this.writer = undefined;
    this.queue = [];
    this.queuedBytes = 0;
    socket?.destroy();
  }

  private pendingBytes(): number {
    return this.queuedBytes + (this.writer?.pendingBytes() ?? 0);
  }

  private ensureConnecting(): void {
    if (this.state !== 'idle' || this.retryTimer) return;
    const waitMs = this.nextAttemptAtMs - this.opts.clock.nowMs();
    if (waitMs <= 0) {
      this.connect();
      return;
    }
    this.retryTimer = this.opts.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.state === 'idle' && this.queue.length > 0) this.connect();
    }, waitMs);
  }

  private connect(): void {
    const { settings, clock, frameBytesMax } = this.opts;
    this.state = 'connecting';
    this.connectAttempts++;
    const tls = this.opts.security.tls;
    const socket: Socket = tls ? tlsConnect({ port: this.port, ...tls.client(this.host) }) : connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    const timeoutMs = settings.internode_tcp_connect_timeout;
    this.handshakeTimer = clock.setTimeout(
      () => this.fail(socket, `no handshake within internode_tcp_connect_timeout (${timeoutMs} ms)`),
      timeoutMs,
    );
    const decoder = new FrameDecoder(frameBytesMax, MESSAGE_SIZE_SETTING);
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      const hello: Hello = { cluster_name: settings.cluster_name, from: this.opts.self(), version: MESSAGING_VERSION };
      this.peerProven = false;
      this.nonce = this.opts.security.secret !== '' ? newNonce() : undefined;
      if (this.nonce) hello.nonce = this.nonce;
      socket.write(encodeFrame(this.packr, [Kind.Hello, hello], messageBound(frameBytesMax)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const body of decoder.push(chunk)) {
          if (socket !== this.socket) return;
          this.receive(socket, asEnvelope(body));
        }
      } catch (err) {
        this.fail(socket, (err as Error).message);
      }
    });
    socket.on('error', (err) => this.fail(socket, err.message));
    socket.on('close', () => this.fail(socket, 'connection closed by peer'));
  }

  private receive(socket: Socket, envelope: Envelope): void {
    switch (envelope[0]) {
      case Kind.Challenge:
        if (this.state !== 'connecting') break;
        this.answerChallenge(socket, envelope[1]);
        return;
      case Kind.HelloAck:
        if (this.state !== 'connecting') break;
        if (this.nonce && !this.peerProven) {
          this.refusePeer(socket, 'it accepted the connection without proving the cluster secret (is cluster_secret set on it?)');
          return;
        }
        this.open(socket);
        return;
      case Kind.Refused:
        this.opts.log.warn(`Peer ${this.peer} refused this node's internode connection: ${envelope[1]}`);
        this.fail(socket, `handshake refused: ${envelope[1]}`);
        return;
      case Kind.Response:
      case Kind.Error:
        if (this.state !== 'open') break;
        this.opts.hooks.onResponse(this.peer, envelope);
        return;
    }
    this.fail(socket, `unexpected internode envelope of kind ${envelope[0]} while ${this.state}`);
  }

  /** Checks the peer's proof of the secret, then proves it in turn. */
  private answerChallenge(socket: Socket, challenge: Challenge): void {
    const secret = this.opts.security.secret;
    if (!this.nonce || this.peerProven) {
      this.refusePeer(socket, 'it sent a cluster secret challenge this node did not ask for (is cluster_secret set here?)');
      return;
    }
    const input = {
      clusterName: this.opts.settings.cluster_name,
      initiator: this.opts.self(),
      initiatorNonce: this.nonce,
      acceptorNonce: challenge.nonce,
      binding: tlsBinding(socket),
    };
    if (!verifyProof(secret, { role: 'acceptor', ...input }, challenge.proof)) {
      this.refusePeer(socket, 'its proof of the cluster secret is wrong (cluster_secret differs)');
      return;
    }
    this.peerProven = true;
    const proof = computeProof(secret, { role: 'initiator', ...input });
    socket.write(encodeFrame(this.packr, [Kind.Proof, proof], messageBound(this.opts.frameBytesMax)));
  }

  private refusePeer(socket: Socket, reason: string): void {
    this.opts.log.warn(`Refusing peer ${this.peer} on this node's internode connection: ${reason}`);
    this.fail(socket, `peer refused: ${reason}`);
  }

  private open(socket: Socket): void {
    this.handshakeTimer?.cancel();
    this.state = 'open';
    this.failures = 0;
    this.nextAttemptAtMs = 0;
    this.writer = new FrameWriter(socket);
    const now = this.opts.clock.nowMs();
    // A message that waited longer than its verb's timeout has no one left waiting for it.
    for (const q of this.queue) if (now - q.enqueuedAtMs <= q.timeoutMs) this.writer.write(q.frame);
    this.queue = [];
    this.queuedBytes = 0;
    this.opts.log.info(`Connected to peer ${this.peer}`);
    this.opts.hooks.onConnected(this.peer);
  }

  private fail(socket: Socket, reason: string): void {
    if (socket !== this.socket) return;
    this.handshakeTimer?.cancel();
    this.socket = undefined;
    this.writer = undefined;
    socket.destroy();
    const wasOpen = this.state === 'open';
    this.state = 'idle';
    this.failures = wasOpen ? 1 : this.failures + 1;
    const { internode_reconnect_base_delay: base, internode_reconnect_max_delay: max } = this.opts.settings;
    const delayMs = reconnectDelayMs(this.failures, base, max);
    this.nextAttemptAtMs = this.opts.clock.nowMs() + delayMs;
    this.queue = [];
    this.queuedBytes = 0;
    if (wasOpen) this.opts.log.info(`Lost connection to peer ${this.peer}: ${reason}`);
    else if (this.failures === 1) this.opts.log.warn(`Cannot connect to peer ${this.peer}: ${reason}; retrying with backoff`);
    else this.opts.log.debug(`Cannot connect to peer ${this.peer} (attempt ${this.failures}): ${reason}; next in ${delayMs} ms`);
    this.opts.hooks.onLost(this.peer, reason, wasOpen);
  }
}
