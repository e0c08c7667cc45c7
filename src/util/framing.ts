/**
 * The wire format shared by the client protocol and internode messaging: each
 * frame is a 4-byte big-endian body length followed by a msgpackr body. Both
 * ends of both protocols build their Packr with `createPackr()`, so they agree
 * on how integers, Buffers and `undefined` travel; each bounds frame size by
 * its own setting, which the errors name.
 */
import type { Socket } from 'node:net';
import { Packr } from 'msgpackr';
import { ProtocolError } from './errors.js';

export const FRAME_HEADER_BYTES = 4;

/**
 * The one msgpackr configuration. Records are off so bodies are plain maps
 * any msgpack reader understands; 64-bit integers decode as bigint so nothing
 * (a token, a varint) is silently rounded. `undefined` survives a round trip
 * (msgpackr writes it as a fixext), which is how an unset bind value travels.
 */
export function createPackr(): Packr {
  return new Packr({ useRecords: false, int64AsType: 'bigint' });
}

/**
 * Bytes that arrived and are not a frame this side can read (too large,
 * empty, or not msgpack): a ProtocolError raised here, not sent by the peer,
 * so the peer may not speak this protocol at all.
 */
export class FrameDecodeError extends ProtocolError {}

/** The message for a frame over its bound; both ends use it, so operators see one wording. */
export function oversizedFrameMessage(bodyBytes: number, frameBytesMax: number, setting: string): string {
  return `frame of ${bodyBytes} bytes exceeds ${setting} (${frameBytesMax})`;
}

/**
 * Encodes one body as a complete frame (header and body in one Buffer). With
 * a bound, a body over it is refused before it is queued anywhere.
 */
export function encodeFrame(packr: Packr, body: unknown, bound?: { frameBytesMax: number; setting: string }): Buffer {
  const payload = packr.pack(body);
  if (bound && payload.length > bound.frameBytesMax) {
    throw new ProtocolError(oversizedFrameMessage(payload.length, bound.frameBytesMax, bound.setting));
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  // Copy out of msgpackr's reusable buffer so the frame may sit in a write queue.
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Turns a byte stream into decoded bodies, whatever the chunking: a frame may
 * be split across chunks and a chunk may hold many frames. A frame whose
 * declared length exceeds the bound is refused as soon as its header arrives,
 * before any of its body is buffered. Every failure is a ProtocolError; once
 * one is thrown the decoder is poisoned and the connection must be closed.
 */
export class FrameDecoder {
  private readonly packr = createPackr();
  /** Unconsumed chunks; joined only once a whole frame is present, so a large frame is copied once. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private failed = false;

  constructor(
    private readonly frameBytesMax: number,
    /** The setting that sets frameBytesMax, named in the error for an oversized frame. */
    private readonly setting: string,
  ) {}

  /** Bytes held while waiting for the rest of a frame. */
  bufferedBytes(): number {
    return this.chunkBytes;
  }

  /** Feeds one chunk; returns the bodies of every frame it completed, in order. */
  push(chunk: Buffer): unknown[] {
    if (this.failed) throw new FrameDecodeError('connection already failed to decode a frame');
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    const bodies: unknown[] = [];
    try {
      for (;;) {
        const needed = this.nextFrameBytes();
        if (needed === undefined || this.chunkBytes < needed) break;
        const data = this.join();
        let offset = 0;
        // Decode every complete frame of the joined data before joining again.
        for (;;) {
          const bodyBytes = this.checkedBodyBytes(data.readUInt32BE(offset));
          const end = offset + FRAME_HEADER_BYTES + bodyBytes;
          bodies.push(this.unpack(data.subarray(offset + FRAME_HEADER_BYTES, end)));
          offset = end;
          if (data.length - offset < FRAME_HEADER_BYTES) break;
          const nextEnd = offset + FRAME_HEADER_BYTES + this.checkedBodyBytes(data.readUInt32BE(offset));
          if (nextEnd > data.length) break;
        }
        const rest = data.subarray(offset);
        this.chunks = rest.length === 0 ? [] : [rest];
        this.chunkBytes = rest.length;
      }
    } catch (err) {
      this.failed = true;
      this.chunks = [];
      this.chunkBytes = 0;
      throw err;
    }
    return bodies;
  }

  /** Header plus body bytes of the next frame, or undefined while its header is incomplete. */
  private nextFrameBytes(): number | undefined {
    if (this.chunkBytes < FRAME_HEADER_BYTES) return undefined;
    const first = this.chunks[0]!;
    const header = first.length >= FRAME_HEADER_BYTES ? first : this.join();
    return FRAME_HEADER_BYTES + this.checkedBodyBytes(header.readUInt32BE(0));
  }

  private checkedBodyBytes(bodyBytes: number): number {
    if (bodyBytes > this.frameBytesMax) {
      throw new FrameDecodeError(oversizedFrameMessage(bodyBytes, this.frameBytesMax, this.setting));
    }
    if (bodyBytes === 0) throw new FrameDecodeError('empty frame body');
    return bodyBytes;
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.chunkBytes)];
    return this.chunks[0]!;
  }

  private unpack(body: Buffer): unknown {
    try {
      return this.packr.unpack(body);
    } catch (err) {
      throw new FrameDecodeError(`malformed frame body: ${(err as Error).message}`);
    }
  }
}

/**
 * Coalesces the frames written to one socket during an event-loop turn into
 * a single `socket.write`: at 64 requests in flight this is worth about half
 * again the throughput of one write per frame (see TOOLCHAIN.md).
 */
export class FrameWriter {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  write(frame: Buffer): void {
    if (this.socket.destroyed) return;
    this.queued.push(frame);
    this.queuedBytes += frame.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Bytes accepted but not yet taken by the kernel: this turn's frames plus the socket's own buffer. */
  pendingBytes(): number {
    return this.queuedBytes + this.socket.writableLength;
  }

  /** Writes everything queued now; the callback runs once the bytes are handed to the kernel. */
  flush(done?: () => void): void {
    this.scheduled = false;
    if (this.queued.length === 0 || this.socket.destroyed) {
      done?.();
      return;
    }
    const data = this.queued.length === 1 ? this.queued[0]! : Buffer.concat(this.queued, this.queuedBytes);
    this.queued = [];
    this.queuedBytes = 0;
    this.socket.write(data, done ? () => done() : undefined);
  }
}
