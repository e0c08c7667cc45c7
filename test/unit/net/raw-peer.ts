/** A hand-driven internode client for tests: speaks the framing and envelopes directly, as a forger would. */
import type { Socket } from 'node:net';
import { createPackr, encodeFrame, FrameDecoder } from '../../../src/util/framing.js';

export class RawPeer {
  private readonly packr = createPackr();
  private readonly decoder = new FrameDecoder(1 << 20, 'test');
  private readonly received: unknown[] = [];
  private waiter: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(...this.decoder.push(chunk));
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  send(...bodies: unknown[]): void {
    this.socket.write(Buffer.concat(bodies.map((b) => encodeFrame(this.packr, b))));
  }

  /** The next body the node sent, or undefined if the socket closed first or nothing came within `ms`. */
  async next(ms = 2000): Promise<unknown> {
    const deadline = Date.now() + ms;
    while (this.received.length === 0 && !this.socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 20);
      });
    }
    return this.received.shift();
  }
}
