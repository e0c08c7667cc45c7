import { expect } from 'chai';
import fc from 'fast-check';
import { parseTypeName, type CqlType } from '../../../src/schema/cql-type.js';
import { compareValues, decodeOrdered, encodeOrdered, serialize } from '../../../src/schema/codec.js';

/** Arbitrary valid serialized values per type, generated through serialize so every one is a real encoding. */
function arbitraryBytes(type: string): fc.Arbitrary<Buffer> {
  const ty = parseTypeName(type);
  const of = (arb: fc.Arbitrary<unknown>) => arb.map((v) => serialize(ty, v, 'v'));
  switch (type) {
    case 'int':
      return of(fc.integer());
    case 'smallint':
      return of(fc.integer({ min: -32768, max: 32767 }));
    case 'tinyint':
      return of(fc.integer({ min: -128, max: 127 }));
    case 'bigint':
    case 'timestamp':
      return of(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    case 'varint':
      return of(fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }));
    case 'float':
      return of(fc.float({ noDefaultInfinity: false }));
    case 'double':
      return of(fc.double());
    case 'decimal':
      return fc
        .tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: -6, max: 12 }))
        .map(([u, s]) => serialize(ty, s >= 0 ? `${u}e-${s}` : `${u}e${-s}`, 'v'));
    case 'text':
      return of(fc.string({ unit: 'binary' }));
    case 'blob':
      return of(fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)));
    case 'boolean':
      return of(fc.boolean());
    case 'uuid':
      return of(fc.uuid());
    case 'timeuuid':
      return of(fc.uuid({ version: 1 }));
    case 'date':
      return of(fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * 86_400_000)));
    case 'time':
      return of(fc.bigInt({ min: 0n, max: 86_399_999_999_999n }));
    case 'inet':
      return fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })).map((a) => Buffer.from(a));
    case 'frozen<list<int>>':
      return of(fc.array(fc.integer(), { maxLength: 4 }));
    case 'frozen<map<text, int>>':
      return of(fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 3 }));
    default:
      throw new Error(type);
  }
}

const TYPES = [
  'int', 'smallint', 'tinyint', 'bigint', 'timestamp', 'varint', 'float', 'double', 'decimal', 'text', 'blob',
  'boolean', 'uuid', 'timeuuid', 'date', 'time', 'inet', 'frozen<list<int>>', 'frozen<map<text, int>>',
];

describe('codec: compareValues and encodeOrdered agree', () => {
  for (const type of TYPES) {
    const ty: CqlType = parseTypeName(type);
    it(`orders ${type} encodings as compareValues orders values, and decodes them back`, () => {
      fc.assert(
        fc.property(arbitraryBytes(type), arbitraryBytes(type), (a, b) => {
          const ea = encodeOrdered(ty, a);
          const eb = encodeOrdered(ty, b);
          expect(Math.sign(Buffer.compare(ea, eb))).to.equal(Math.sign(compareValues(ty, a, b)));
          // Self-delimiting: decoding from a concatenation finds the boundary.
          const joined = Buffer.concat([ea, eb]);
          const first = decodeOrdered(ty, joined, 0);
          expect(first.next).to.equal(ea.length);
          expect(decodeOrdered(ty, joined, first.next).bytes).to.deep.equal(type === 'varint' || type === 'decimal' ? decodeOrdered(ty, eb, 0).bytes : b);
          expect(compareValues(ty, first.bytes, a)).to.equal(0);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('orders numbers numerically and text by bytes', () => {
    const cmp = (type: string, a: unknown, b: unknown) =>
      compareValues(parseTypeName(type), serialize(parseTypeName(type), a, 'v'), serialize(parseTypeName(type), b, 'v'));
    expect(cmp('int', -1, 1)).to.equal(-1);
    expect(cmp('varint', -(2n ** 70n), -1n)).to.equal(-1);
    expect(cmp('decimal', '0.5', '0.05')).to.equal(1);
    expect(cmp('decimal', '-0.5', '-0.05')).to.equal(-1);
    expect(cmp('decimal', '1.0', '1.00')).to.equal(-1);
    expect(cmp('double', -0, 0)).to.equal(-1);
    expect(cmp('double', Infinity, NaN)).to.equal(-1);
    expect(cmp('text', 'a', 'a\u0000')).to.equal(-1);
    expect(cmp('boolean', false, true)).to.equal(-1);
    expect(cmp('date', '1969-12-31', '1970-01-01')).to.equal(-1);
    // A version 1 uuid sorts by time first, not by its leading bytes.
    expect(cmp('timeuuid', 'ffffffff-0000-11ee-8000-000000000000', '00000000-0001-11ee-8000-000000000000')).to.equal(-1);
    expect(cmp('frozen<list<int>>', [1], [1, 0])).to.equal(-1);
  });
});
