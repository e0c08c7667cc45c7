/** A bare protocol client for server tests: sends envelopes or raw bytes and collects decoded answers. */
import { connect, type Socket } from 'node:net';
import { createPackr, encodeFrame, FrameDecoder } from '../../../src/util/framing.js';
import type { Envelope } from '../../../src/transport/protocol.js';
import { PROTOCOL_VERSION } from '../../../src/transport/protocol.js';

export class RawClient {
  readonly received: Envelope[] = [];
  private readonly packr = createPackr();
  private readonly decoder = new FrameDecoder(1 << 30, 'native_transport_max_frame_size');
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const body of this.decoder.push(chunk)) this.received.push(body as Envelope);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(stream: number, opcode: number, body: unknown): void {
    this.socket.write(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: stream, o: opcode, b: body }));
  }

  /** Waits until `count` envelopes have arrived in total. */
  async waitFor(count: number): Promise<Envelope[]> {
    while (this.received.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.received;
  }

  /** Sends one request and waits for the answer on its stream. */
  async request(stream: number, opcode: number, body: unknown): Promise<Envelope> {
    this.send(stream, opcode, body);
    for (;;) {
      const found = this.received.find((e) => e.s === stream);
      if (found) {
        this.received.splice(this.received.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
