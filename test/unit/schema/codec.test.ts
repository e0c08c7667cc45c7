import { expect } from 'chai';
import { parseTypeName, type CqlType } from '../../../src/schema/cql-type.js';
import { deserialize, serialize, validate } from '../../../src/schema/codec.js';
import { InvalidRequestError } from '../../../src/util/errors.js';

const t = (name: string): CqlType => parseTypeName(name);

function roundTrip(type: string, value: unknown): unknown {
  const bytes = serialize(t(type), value, 'column "c"');
  validate(t(type), bytes, 'c');
  return deserialize(t(type), bytes);
}

describe('codec: serialize/deserialize', () => {
  const cases: [string, unknown, unknown?][] = [
    ['int', 0],
    ['int', -2147483648],
    ['int', 2147483647],
    ['smallint', -32768],
    ['smallint', 32767],
    ['tinyint', -128],
    ['tinyint', 127],
    ['bigint', -(2n ** 63n)],
    ['bigint', 2n ** 63n - 1n],
    ['bigint', 42, 42n],
    ['counter', 7n],
    ['varint', 0n],
    ['varint', -1n],
    ['varint', 128n],
    ['varint', -129n],
    ['varint', 123456789012345678901234567890123456789n],
    ['varint', -(2n ** 200n)],
    ['varint', 5, 5n],
    ['float', 1.5],
    ['float', -Infinity],
    ['double', Number.MAX_VALUE],
    ['double', Number.MIN_VALUE],
    ['double', Infinity],
    ['decimal', '-12.345'],
    ['decimal', '0.00'],
    ['decimal', '1.50'],
    ['decimal', '12E+3', '1.2E+4'],
    ['decimal', '1.5E+10'],
    ['decimal', '1E-400'],
    ['decimal', '0.000001'],
    ['decimal', '0.0000001', '1E-7'],
    ['decimal', '-0.00000012', '-1.2E-7'],
    ['decimal', '123456789012345678901234567890.000000000001'],
    ['decimal', 1.25, '1.25'],
    ['decimal', '1e-3', '0.001'],
    ['boolean', true],
    ['boolean', false],
    ['text', ''],
    ['text', 'naïve 日本語 🎉'],
    ['ascii', 'plain ascii ~'],
    ['varchar', 'v'],
    ['uuid', '550E8400-E29B-41D4-A716-446655440000', '550e8400-e29b-41d4-a716-446655440000'],
    ['timeuuid', 'e2d1c0a0-0000-11ee-8000-000000000001'],
    ['date', '1970-01-01'],
    ['date', '1969-12-31'],
    ['date', '1600-02-29'],
    ['date', '2026-01-02'],
    ['date', new Date(Date.UTC(2024, 1, 29, 13)), '2024-02-29'],
    ['time', '00:00:00', '00:00:00.000000000'],
    ['time', '23:59:59.999999999'],
    ['time', 3_600_000_000_001n, '01:00:00.000000001'],
    ['blob', Buffer.from([0, 1, 255])],
    ['blob', Buffer.alloc(0)],
    ['inet', '127.0.0.1'],
    ['inet', '::1'],
    ['inet', '2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['inet', '::ffff:1.2.3.4', '1.2.3.4'],
    ['inet', '::FFFF:0a00:0001', '10.0.0.1'],
    ['inet', '::fffe:1.2.3.4', '::fffe:102:304'],
    ['inet', 'fe80::', 'fe80::'],
    ['list<int>', [3, 1, 3]],
    ['set<int>', [3, 1, 3, -5], [-5, 1, 3]],
    ['set<text>', ['b', 'a'], ['a', 'b']],
    ['map<text, int>', { b: 2, a: 1 }, new Map([['a', 1], ['b', 2]])],
    ['map<int, text>', new Map([[2, 'x'], [-1, 'y']]), new Map([[-1, 'y'], [2, 'x']])],
    ['frozen<list<set<int>>>', [[2, 1], []], [[1, 2], []]],
  ];
  for (const [type, value, expected] of cases) {
    it(`round-trips ${type} ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`, () => {
      expect(roundTrip(type, value)).to.deep.equal(expected === undefined ? value : expected);
    });
  }

  it('round-trips NaN and negative zero', () => {
    expect(roundTrip('double', NaN)).to.be.NaN;
    expect(Object.is(roundTrip('double', -0), -0)).to.equal(true);
    expect(Object.is(roundTrip('float', -0), -0)).to.equal(true);
  });

  it('round-trips timestamps as Dates, including before the epoch', () => {
    expect(roundTrip('timestamp', new Date(-1))).to.deep.equal(new Date(-1));
    expect(roundTrip('timestamp', 1767323045678)).to.deep.equal(new Date(1767323045678));
  });

  it('encodes exactly as the native protocol does', () => {
    expect(serialize(t('int'), -2, 'x').toString('hex')).to.equal('fffffffe');
    expect(serialize(t('varint'), 128n, 'x').toString('hex')).to.equal('0080');
    expect(serialize(t('varint'), -128n, 'x').toString('hex')).to.equal('80');
    expect(serialize(t('decimal'), '-12.345', 'x').toString('hex')).to.equal('00000003cfc7');
    expect(serialize(t('date'), '1970-01-01', 'x').toString('hex')).to.equal('80000000');
    expect(serialize(t('list<int>'), [1], 'x').toString('hex')).to.equal('000000010000000400000001');
    expect(serialize(t('map<text, int>'), { a: 1 }, 'x').toString('hex')).to.equal('00000001000000016100000004' + '00000001');
  });

  it('lets the last duplicate map key win', () => {
    const bytes = serialize(t('map<int, int>'), new Map([[1, 1], [2, 2]]).set(1, 3), 'x');
    expect(deserialize(t('map<int, int>'), bytes)).to.deep.equal(new Map([[1, 3], [2, 2]]));
  });
});

describe('codec: serialize errors', () => {
  const error = (type: string, value: unknown): string => {
    try {
      serialize(t(type), value, 'column "age"');
    } catch (e) {
      expect(e).to.be.instanceOf(InvalidRequestError);
      return (e as Error).message;
    }
    throw new Error('expected a failure');
  };
  it('names the column, the expected type and the value', () => {
    expect(error('int', 'abc')).to.equal(`Invalid value for column "age": expected int (32-bit integer), got string 'abc'`);
    expect(error('int', 2 ** 31)).to.equal('Invalid value for column "age": expected int (32-bit integer), got number 2147483648');
    expect(error('tinyint', 1.5)).to.equal('Invalid value for column "age": expected tinyint (8-bit integer), got number 1.5');
    expect(error('bigint', 2n ** 63n)).to.equal(
      'Invalid value for column "age": expected bigint (64-bit integer as bigint or safe integer), got bigint 9223372036854775808n',
    );
    expect(error('ascii', 'é')).to.equal(`Invalid value for column "age": expected ascii (string of ASCII characters), got string 'é'`);
    expect(error('timeuuid', '550e8400-e29b-41d4-a716-446655440000')).to.equal(
      `Invalid value for column "age": expected timeuuid (version 1 uuid string), got string '550e8400-e29b-41d4-a716-446655440000'`,
    );
    expect(error('date', '2023-02-29')).to.equal(
      `Invalid value for column "age": expected date ('YYYY-MM-DD' string or Date), got string '2023-02-29'`,
    );
    expect(error('list<int>', 'x')).to.equal(`Invalid value for column "age": expected list<int> (Array), got string 'x'`);
    expect(error('map<int, int>', { a: 1 })).to.equal('Invalid value for column "age": expected map<int, int> (Map or object), got object');
    expect(error('set<int>', [1, null])).to.equal('Invalid value for column "age": null is not supported inside collections');
    expect(error('inet', '1.2.3')).to.equal(
      `Invalid value for column "age": expected inet (IPv4 or IPv6 address string), got string '1.2.3'`,
    );
    expect(error('time', '24:00:00')).to.equal(
      `Invalid value for column "age": expected time ('HH:MM:SS[.fffffffff]' string or bigint nanoseconds), got string '24:00:00'`,
    );
  });
});

describe('codec: validate', () => {
  const problem = (type: string, hex: string): string | undefined => {
    try {
      validate(t(type), Buffer.from(hex, 'hex'), 'c');
      return undefined;
    } catch (e) {
      expect(e).to.be.instanceOf(InvalidRequestError);
      return (e as Error).message;
    }
  };
  it('rejects wrong widths, bad text and wrong uuid versions with exact messages', () => {
    expect(problem('int', '000001')).to.equal('Invalid value for column "c" of type int: Expected 4 byte int (3)');
    expect(problem('bigint', '00')).to.equal('Invalid value for column "c" of type bigint: Expected 8 byte long (1)');
    expect(problem('text', 'c328')).to.equal('Invalid value for column "c" of type text: Invalid UTF-8 bytes');
    expect(problem('ascii', '41c8')).to.equal('Invalid value for column "c" of type ascii: Invalid byte for ascii: 200');
    expect(problem('timeuuid', '550e8400e29b41d4a716446655440000')).to.equal(
      'Invalid value for column "c" of type timeuuid: Invalid version for TimeUUID type.',
    );
    expect(problem('inet', '0102')).to.equal('Invalid value for column "c" of type inet: Expected 4 or 16 byte inet address (2)');
    expect(problem('list<int>', '000000020000000400000001')).to.equal(
      'Invalid value for column "c" of type list<int>: Not enough bytes to read a list',
    );
    expect(problem('set<int>', '00000001000000020001')).to.equal('Invalid value for column "c" of type set<int>: Expected 4 byte int (2)');
    expect(problem('time', '0000ffffffffffff')).to.equal(
      'Invalid value for column "c" of type time: Time value out of range: 281474976710655 nanoseconds',
    );
  });
  it('accepts valid encodings', () => {
    expect(problem('int', '00000001')).to.equal(undefined);
    expect(problem('text', 'e697a5')).to.equal(undefined);
    expect(problem('map<int, text>', '00000001000000040000000100000000')).to.equal(undefined);
  });
});
