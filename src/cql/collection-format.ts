/**
 * Cassandra's serialized form of a whole collection value (native protocol v3+):
 * a 4-byte element count, then each element (a map: each key, then its value)
 * as a 4-byte length and its bytes. Frozen collections are stored this way, and
 * clients bind non-frozen collections this way; a non-frozen collection column
 * is then split into one cell per element.
 */
import { InvalidRequestError } from '../util/errors.js';

export function serializeCollection(items: Buffer[], count: number): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4);
  head.writeInt32BE(count);
  parts.push(head);
  for (const item of items) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(item.length);
    parts.push(len, item);
  }
  return Buffer.concat(parts);
}

/** The length-prefixed items of a serialized collection (a map yields key, value, key, value…). */
export function parseCollection(bytes: Buffer, perElement: 1 | 2, what: string): Buffer[] {
  const fail = () => new InvalidRequestError(`Invalid collection value for ${what}: not enough bytes`);
  if (bytes.length < 4) throw fail();
  const count = bytes.readInt32BE(0);
  if (count < 0) throw new InvalidRequestError(`Invalid collection value for ${what}: negative element count`);
  const items: Buffer[] = [];
  let pos = 4;
  for (let i = 0; i < count * perElement; i++) {
    if (pos + 4 > bytes.length) throw fail();
    const len = bytes.readInt32BE(pos);
    pos += 4;
    if (len < 0) throw new InvalidRequestError('null is not supported inside collections');
    if (pos + len > bytes.length) throw fail();
    items.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  if (pos !== bytes.length) throw new InvalidRequestError(`Invalid collection value for ${what}: unexpected extraneous bytes`);
  return items;
}

export function serializeList(elements: Buffer[]): Buffer {
  return serializeCollection(elements, elements.length);
}

export function serializeMap(entries: [Buffer, Buffer][]): Buffer {
  return serializeCollection(entries.flat(), entries.length);
}

export function parseMapEntries(bytes: Buffer, what: string): [Buffer, Buffer][] {
  const items = parseCollection(bytes, 2, what);
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i]!, items[i + 1]!]);
  return out;
}
