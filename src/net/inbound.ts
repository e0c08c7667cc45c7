/**
 * One connection a peer opened to this node. Its first frame must be the
 * peer's HELLO; a peer of another cluster or messaging version is refused
 * with a REFUSED frame naming the reason, then closed. After the handshake it
 * carries the peer's requests and one-way messages in, and this node's
 * responses out on the same socket. Anything malformed or over
 * `internode_max_message_size` closes this connection only.
 */
import type { Socket } from 'node:net';
import type { Clock, Timer } from '../clock/clock.js';
import type { Logger } from '../util/log.js';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../util/framing.js';
import type { EndpointId } from './payloads.js';
import { MESSAGE_SIZE_SETTING, messageBound, asEnvelope, Kind, type Envelope, type Hello } from './wire.js';

export interface InboundHooks {
  /** Decides the handshake: undefined accepts, a string is the reason for refusing. */
  checkHello(hello: Hello): string | undefined;
  /** A request or one-way message; `reply` writes a response frame back on this connection. */
  onMessage(from: EndpointId, envelope: Envelope, reply: (frame: Buffer) => void): void;
}

export interface InboundOptions {
  socket: Socket;
  self: () => EndpointId;
  clock: Clock;
  log: Logger;
  frameBytesMax: number;
  handshakeTimeoutMs: number;
  hooks: InboundHooks;
}

export class InboundConnection {
  private from: EndpointId | undefined;
  private readonly writer: FrameWriter;
  private readonly decoder: FrameDecoder;
  private readonly handshakeTimer: Timer;
  private readonly remote: string;
  private closed = false;

  constructor(private readonly opts: InboundOptions) {
    const { socket } = opts;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    this.writer = new FrameWriter(socket);
    this.decoder = new FrameDecoder(opts.frameBytesMax, MESSAGE_SIZE_SETTING);
    this.handshakeTimer = opts.clock.setTimeout(
      () => this.abort(`no handshake within internode_tcp_connect_timeout (${opts.handshakeTimeoutMs} ms)`),
      opts.handshakeTimeoutMs,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.abort(err.message, 'debug'));
    socket.on('close', () => this.dispose());
  }

  /** The peer's endpoint once its handshake was accepted. */
  get peer(): EndpointId | undefined {
    return this.from;
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
      this.abort((err as Error).message);
    }
  }

  private receive(envelope: Envelope): void {
    if (this.from === undefined) {
      if (envelope[0] !== Kind.Hello) throw new Error(`expected a handshake, got an envelope of kind ${envelope[0]}`);
      this.handshake(envelope[1]);
      return;
    }
    if (envelope[0] !== Kind.Request && envelope[0] !== Kind.OneWay) {
      throw new Error(`unexpected internode envelope of kind ${envelope[0]} from ${this.from}`);
    }
    this.opts.hooks.onMessage(this.from, envelope, (frame) => this.writer.write(frame));
  }

  private handshake(hello: Hello): void {
    this.handshakeTimer.cancel();
    const refusal = this.opts.hooks.checkHello(hello);
    const packr = createPackr();
    if (refusal !== undefined) {
      this.opts.log.warn(`Refusing internode connection from ${hello.from} (${this.remote}): ${refusal}`);
      this.dispose();
      this.opts.socket.end(encodeFrame(packr, [Kind.Refused, refusal], messageBound(this.opts.frameBytesMax)));
      return;
    }
    this.from = hello.from;
    this.writer.write(encodeFrame(packr, [Kind.HelloAck, { from: this.opts.self(), version: hello.version }], messageBound(this.opts.frameBytesMax)));
  }

  private abort(reason: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.closed) return;
    this.opts.log[level](`Closing internode connection from ${this.from ?? 'an unidentified peer'} (${this.remote}): ${reason}`);
    this.close();
  }

  private dispose(): void {
    this.closed = true;
    this.handshakeTimer.cancel();
  }
}
