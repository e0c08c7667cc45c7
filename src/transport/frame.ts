/**
 * Framing for the client protocol (and, later, internode messaging): each
 * frame is a 4-byte big-endian body length followed by a msgpackr body. The
 * server and the driver build their Packr with `createPackr()`, so both ends
 * agree on how integers, Buffers and `undefined` travel.
 */
import { Packr } from 'msgpackr';
import { ProtocolError } from '../util/errors.js';

export const FRAME_HEADER_BYTES = 4;

/**
 * The one msgpackr configuration of the protocol. Records are off so bodies
 * are plain maps any msgpack reader understands; 64-bit integers decode as
 * bigint so nothing is silently rounded. `undefined` survives a round trip
 * (msgpackr writes it as a fixext), which is how an unset bind value travels.
 */
export function createPackr(): Packr {
  return new Packr({ useRecords: false, int64AsType: 'bigint' });
}

/** Encodes one body as a complete frame (header and body in one Buffer). */
export function encodeFrame(packr: Packr, body: unknown): Buffer {
  const payload = packr.pack(body);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  // Copy out of msgpackr's reusable buffer so the frame may sit in a write queue.
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** The message for a frame over the bound; both ends use it, so operators see one wording. */
export function oversizedFrameMessage(bodyBytes: number, frameBytesMax: number): string {
  return `frame of ${bodyBytes} bytes exceeds native_transport_max_frame_size (${frameBytesMax})`;
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

  constructor(private readonly frameBytesMax: number) {}

  /** Bytes held while waiting for the rest of a frame. */
  bufferedBytes(): number {
    return this.chunkBytes;
  }

  /** Feeds one chunk; returns the bodies of every frame it completed, in order. */
  push(chunk: Buffer): unknown[] {
    if (this.failed) throw new ProtocolError('connection already failed to decode a frame');
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
      throw new ProtocolError(oversizedFrameMessage(bodyBytes, this.frameBytesMax));
    }
    if (bodyBytes === 0) throw new ProtocolError('empty frame body');
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
      throw new ProtocolError(`malformed frame body: ${(err as Error).message}`);
    }
  }
}
