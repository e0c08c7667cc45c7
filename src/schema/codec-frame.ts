/**
 * Byte framing shared by the value codec and the ordered key codec: the
 * native protocol's collection layout and decimal layout.
 */
import { bytesToVarint, varintToBytes } from './codec-text.js';

function int32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32BE(n);
  return buf;
}

export function encodeDecimal(unscaled: bigint, scale: number): Buffer {
  return Buffer.concat([int32(scale), varintToBytes(unscaled)]);
}

export function decodeDecimal(bytes: Buffer): { unscaled: bigint; scale: number } {
  return { scale: bytes.readInt32BE(0), unscaled: bytesToVarint(bytes.subarray(4)) };
}

/**
 * The native protocol's collection framing: int32 count, then per element
 * int32 length and bytes. A map passes keys and values alternately with
 * perEntry 2, since its count is of entries.
 */
export function frameCollection(elements: Buffer[], perEntry = 1): Buffer {
  const parts: Buffer[] = [int32(elements.length / perEntry)];
  for (const e of elements) parts.push(int32(e.length), e);
  return Buffer.concat(parts);
}

/** Splits a framed collection into its element bytes (a map yields key, value, key, value…); undefined if malformed. */
export function unframeCollection(bytes: Buffer, perEntry: number): Buffer[] | undefined {
  if (bytes.length < 4) return undefined;
  const count = bytes.readInt32BE(0);
  if (count < 0) return undefined;
  const out: Buffer[] = [];
  let pos = 4;
  for (let i = 0; i < count * perEntry; i++) {
    if (pos + 4 > bytes.length) return undefined;
    const len = bytes.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > bytes.length) return undefined;
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return pos === bytes.length ? out : undefined;
}

