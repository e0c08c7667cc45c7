/**
 * The driver's one door to the value codecs of src/schema: CQL type text →
 * CqlType (cached, since every row of a result repeats its column types), and
 * JS values ⇄ bytes. The JS mapping is documented in docs/driver.md.
 */
import { parseTypeName, type CqlType } from '../schema/cql-type.js';
import { deserialize, serialize } from '../schema/codec.js';

export class TypeCache {
  private readonly types = new Map<string, CqlType>();

  get(typeText: string): CqlType {
    let type = this.types.get(typeText);
    if (!type) {
      type = parseTypeName(typeText);
      this.types.set(typeText, type);
    }
    return type;
  }
}

export function toBytes(type: CqlType, value: unknown, what: string): Buffer {
  return serialize(type, value, what);
}

export function fromBytes(type: CqlType, bytes: Buffer): unknown {
  return deserialize(type, bytes);
}
