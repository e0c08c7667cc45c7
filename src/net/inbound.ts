/**
 * One connection a peer opened to this node. Its first frame must be the
 * peer's HELLO; a peer of another cluster or messaging version is refused
 * with a REFUSED frame naming the reason, then closed. When this node has a
 * cluster secret, the peer must then prove it knows it (CHALLENGE, PROOF;
 * handshake-proof.ts) before anything else it sends is looked at: until the
 * HELLO_ACK, any other frame closes the connection unread. After the handshake it
 * carries the peer's requests and one-way messages in, and this node's
 * responses out on the same socket. Anything malformed or over
 * `internode_max_message_size` closes this connection only.
 *
 * Once more than `internode_max_pending_response_bytes` of responses wait to
 * be sent (the peer is not reading them), the connection stops reading the
 * peer's requests until the socket drains, so TCP flow control pushes back
 * on the peer instead of this node buffering its answers without bound.
 */
import type { Socket } from 'node:net';
import type { Clock, Timer } from '../clock/clock.js';
import type { Logger } from '../util/log.js';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../util/framing.js';
import type { EndpointId } from './payloads.js';
import { computeProof, isNonce, newNonce, verifyProof, type ProofInput } from './handshake-proof.js';
import { tlsBinding } from './internode-security.js';
import { MESSAGE_SIZE_SETTING, messageBound, asEnvelope, Kind, type Envelope, type Hello } from './wire.js';

const EMPTY = Buffer.alloc(0);

export interface InboundHooks {
  /** Decides the handshake: undefined accepts, a string is the reason for refusing. */
  checkHello(hello: Hello): string | undefined;
  /** The handshake completed (and the secret, if any, was proven): the peer is who it says and is up. */
  onAccepted(hello: Hello): void;
  /**
   * The handshake failed or stalled: `remote` is the socket's address,
   * `claimed` the endpoint its HELLO named, if one came. Called at most once
   * per connection.
   */
  onRefused(remote: string, claimed: EndpointId | undefined, reason: string): void;
  /** A request or one-way message; `reply` writes a response frame back on this connection. */
  onMessage(from: EndpointId, envelope: Envelope, reply: (frame: Buffer) => void): void;
  /** The connection stopped reading because its peer leaves more than the bound of responses unread. */
  onPausedForOutput?(): void;
}

export interface InboundOptions {
  socket: Socket;
  self: () => EndpointId;
  clock: Clock;
  log: Logger;
  frameBytesMax: number;
  handshakeTimeoutMs: number;
  /** The cluster secret the peer must prove it knows; empty for none. */
  secret: string;
  clusterName: string;
  /** Bytes of responses waiting to be sent past which the connection stops reading (internode_max_pending_response_bytes). */
  pendingResponseBytesMax: number;
  hooks: InboundHooks;
}

export class InboundConnection {
  private from: EndpointId | undefined;
  /** A HELLO whose sender still owes its proof of the secret, and what that proof must cover. */
  private awaitingProof: { hello: Hello; input: ProofInput } | undefined;
  private readonly packr = createPackr();
  private readonly writer: FrameWriter;
  private readonly decoder: FrameDecoder;
  private readonly handshakeTimer: Timer;
  private readonly remote: string;
  private closed = false;
  /** Reading paused because the peer is not taking its responses. */
  private pausedForOutput = false;

  constructor(private readonly opts: InboundOptions) {
    const { socket } = opts;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    this.writer = new FrameWriter(socket);
    this.decoder = new FrameDecoder(opts.frameBytesMax, MESSAGE_SIZE_SETTING);
    this.handshakeTimer = opts.clock.setTimeout(
      () => this.refuseUnidentified(`no handshake within internode_tcp_connect_timeout (${opts.handshakeTimeoutMs} ms)`),
      opts.handshakeTimeoutMs,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.abort(err.message, 'debug'));
    socket.on('close', () => {
      // A peer that hangs up mid-handshake (one that found this node's proof wrong, or a port scanner) is a failed handshake too.
      if (this.from === undefined) this.refuseUnidentified('closed by the peer before completing the handshake');
      this.dispose();
    });
  }

  /** The peer's endpoint once its handshake was accepted. */
  get peer(): EndpointId | undefined {
    return this.from;
  }

  /** Whether reading is paused because the peer is not reading its responses. */
  isPausedForOutput(): boolean {
    return this.pausedForOutput;
  }

  close(): void {
    this.dispose();
    this.opts.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      for (const body of this.decoder.push(chunk)) {
        if (this.closed) return;
        this.receive(asEnvelope(body));
      }
    } catch (err) {
      if (this.from === undefined) this.refuseUnidentified((err as Error).message);
      else this.abort((err as Error).message);
    }
  }

  private receive(envelope: Envelope): void {
    if (this.from === undefined) {
      if (this.awaitingProof) {
        if (envelope[0] !== Kind.Proof) throw new Error(`expected the proof of the cluster secret, got an envelope of kind ${envelope[0]}`);
        this.checkProof(envelope[1]);
        return;
      }
      if (envelope[0] !== Kind.Hello) throw new Error(`expected a handshake, got an envelope of kind ${envelope[0]}`);
      this.handshake(envelope[1]);
      return;
    }
    if (envelope[0] !== Kind.Request && envelope[0] !== Kind.OneWay) {
      throw new Error(`unexpected internode envelope of kind ${envelope[0]} from ${this.from}`);
    }
    this.opts.hooks.onMessage(this.from, envelope, (frame) => this.reply(frame));
  }

  /** Queues a response; past the bound of unsent bytes, stops reading the peer's requests until they drain. */
  private reply(frame: Buffer): void {
    if (this.closed) return;
    this.writer.write(frame);
    if (this.pausedForOutput || this.writer.pendingBytes() <= this.opts.pendingResponseBytesMax) return;
    this.pausedForOutput = true;
    this.opts.socket.pause();
    this.opts.hooks.onPausedForOutput?.();
    this.awaitOutputDrained();
  }

  /**
   * Resumes reading once the responses waiting to be sent fall back under the
   * bound. The check runs again each time everything written so far has been
   * handed to the kernel: an empty write's callback runs after every write
   * before it, which, unlike 'drain', also fires when the socket's buffer
   * never passed its high-water mark.
   */
  private awaitOutputDrained(): void {
    this.writer.flush();
    this.opts.socket.write(EMPTY, () => {
      if (this.closed || this.opts.socket.destroyed) return;
      if (this.writer.pendingBytes() > this.opts.pendingResponseBytesMax) {
        this.awaitOutputDrained();
        return;
      }
      this.pausedForOutput = false;
      this.opts.socket.resume();
    });
  }

  private handshake(hello: Hello): void {
    const refusal = this.opts.hooks.checkHello(hello);
    if (refusal !== undefined) {
      this.refuse(hello.from, refusal);
      return;
    }
    const { secret } = this.opts;
    if (secret === '') {
      this.accept(hello);
      return;
    }
    if (!isNonce(hello.nonce)) {
      this.refuse(hello.from, 'this node requires the cluster secret, and the peer offered no challenge (is cluster_secret set on it?)');
      return;
    }
    const acceptorNonce = newNonce();
    const input = {
      clusterName: this.opts.clusterName,
      initiator: hello.from,
      initiatorNonce: hello.nonce,
      acceptorNonce,
      binding: tlsBinding(this.opts.socket),
    };
    this.awaitingProof = { hello, input: { role: 'initiator', ...input } };
    const proof = computeProof(secret, { role: 'acceptor', ...input });
    this.writer.write(encodeFrame(this.packr, [Kind.Challenge, { nonce: acceptorNonce, proof }], messageBound(this.opts.frameBytesMax)));
  }

  private checkProof(proof: Uint8Array): void {
    const { hello, input } = this.awaitingProof!;
    this.awaitingProof = undefined;
    if (!verifyProof(this.opts.secret, input, proof)) {
      this.refuse(hello.from, 'its proof of the cluster secret is wrong (cluster_secret differs)');
      return;
    }
    this.accept(hello);
  }

  private accept(hello: Hello): void {
    this.handshakeTimer.cancel();
    this.from = hello.from;
    this.writer.write(encodeFrame(this.packr, [Kind.HelloAck, { from: this.opts.self(), version: hello.version }], messageBound(this.opts.frameBytesMax)));
    this.opts.hooks.onAccepted(hello);
  }

  /** Refuses the handshake with a REFUSED frame naming the reason, then closes. */
  private refuse(claimed: EndpointId, reason: string): void {
    this.dispose();
    this.opts.hooks.onRefused(this.remote, claimed, reason);
    this.opts.socket.end(encodeFrame(this.packr, [Kind.Refused, reason], messageBound(this.opts.frameBytesMax)));
  }

  /** Closes a connection that never completed its handshake: a stall, garbage, or a message before the proof. */
  private refuseUnidentified(reason: string): void {
    if (this.closed) return;
    this.opts.hooks.onRefused(this.remote, this.awaitingProof?.hello.from, reason);
    this.close();
  }

  private abort(reason: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.closed) return;
    if (this.from === undefined) {
      this.refuseUnidentified(reason);
      return;
    }
    this.opts.log[level](`Closing internode connection from ${this.from ?? 'an unidentified peer'} (${this.remote}): ${reason}`);
    this.close();
  }

  private dispose(): void {
    this.closed = true;
    this.handshakeTimer.cancel();
  }
}
