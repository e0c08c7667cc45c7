/**
 * CQL types as values. `formatType` / `parseTypeName` convert to and from the
 * CQL text (`map<text, int>`), which is also how column types travel in the
 * client protocol's result metadata.
 */
export const NATIVE_TYPES = [
  'ascii',
  'text',
  'varchar',
  'int',
  'bigint',
  'smallint',
  'tinyint',
  'varint',
  'float',
  'double',
  'decimal',
  'boolean',
  'uuid',
  'timeuuid',
  'timestamp',
  'date',
  'time',
  'blob',
  'inet',
  'counter',
] as const;
export type NativeTypeName = (typeof NATIVE_TYPES)[number];

export type CqlType =
  | { kind: 'native'; name: NativeTypeName }
  | { kind: 'set'; element: CqlType; frozen: boolean }
  | { kind: 'list'; element: CqlType; frozen: boolean }
  | { kind: 'map'; key: CqlType; value: CqlType; frozen: boolean };

export function isNativeTypeName(name: string): name is NativeTypeName {
  return (NATIVE_TYPES as readonly string[]).includes(name);
}

/** True for a non-frozen collection: stored one cell per element. */
export function isMultiCell(type: CqlType): boolean {
  return type.kind !== 'native' && !type.frozen;
}

export function formatType(type: CqlType): string {
  switch (type.kind) {
    case 'native':
      return type.name;
    case 'set':
    case 'list': {
      const inner = `${type.kind}<${formatType(type.element)}>`;
      return type.frozen ? `frozen<${inner}>` : inner;
    }
    case 'map': {
      const inner = `map<${formatType(type.key)}, ${formatType(type.value)}>`;
      return type.frozen ? `frozen<${inner}>` : inner;
    }
  }
}

/** Parses the text `formatType` produces. Throws a plain Error naming the text on anything else. */
export function parseTypeName(text: string): CqlType {
  let pos = 0;
  const src = text.replace(/\s+/g, '');
  const word = (): string => {
    const m = /^[a-z_]+/i.exec(src.slice(pos));
    if (!m) throw new Error(`Unknown CQL type: ${text}`);
    pos += m[0].length;
    return m[0].toLowerCase();
  };
  const expect = (ch: string) => {
    if (src[pos] !== ch) throw new Error(`Unknown CQL type: ${text}`);
    pos++;
  };
  const parse = (frozen: boolean): CqlType => {
    const name = word();
    if (name === 'frozen') {
      expect('<');
      const inner = parse(true);
      expect('>');
      return inner;
    }
    if (name === 'set' || name === 'list') {
      expect('<');
      const element = parse(false);
      expect('>');
      return { kind: name, element, frozen };
    }
    if (name === 'map') {
      expect('<');
      const key = parse(false);
      expect(',');
      const value = parse(false);
      expect('>');
      return { kind: 'map', key, value, frozen };
    }
    if (!isNativeTypeName(name)) throw new Error(`Unknown CQL type: ${text}`);
    return { kind: 'native', name };
  };
  const type = parse(false);
  if (pos !== src.length) throw new Error(`Unknown CQL type: ${text}`);
  return type;
}
