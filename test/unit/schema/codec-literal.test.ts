import { expect } from 'chai';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import { deserialize, formatCql, fromConstant, type ConstantKind } from '../../../src/schema/codec.js';
import { InvalidRequestError } from '../../../src/util/errors.js';

const value = (type: string, kind: ConstantKind, text: string): unknown =>
  deserialize(parseTypeName(type), fromConstant(parseTypeName(type), kind, text, 'c'));

const failure = (type: string, kind: ConstantKind, text: string, column = 'age'): string => {
  try {
    fromConstant(parseTypeName(type), kind, text, column);
  } catch (e) {
    expect(e).to.be.instanceOf(InvalidRequestError);
    return (e as Error).message;
  }
  throw new Error('expected a failure');
};

describe('codec: fromConstant', () => {
  it('converts constants of the accepted kinds', () => {
    expect(value('int', 'INTEGER', '-12')).to.equal(-12);
    expect(value('bigint', 'INTEGER', '9223372036854775807')).to.equal(2n ** 63n - 1n);
    expect(value('varint', 'INTEGER', '-123456789012345678901234567890')).to.equal(-123456789012345678901234567890n);
    expect(value('double', 'INTEGER', '3')).to.equal(3);
    expect(value('double', 'FLOAT', '-Infinity')).to.equal(-Infinity);
    expect(value('float', 'FLOAT', 'NaN')).to.be.NaN;
    expect(value('double', 'FLOAT', '1.5e3')).to.equal(1500);
    expect(value('decimal', 'FLOAT', '-0.050')).to.equal('-0.050');
    expect(value('decimal', 'INTEGER', '12')).to.equal('12');
    expect(value('boolean', 'BOOLEAN', 'TRUE')).to.equal(true);
    expect(value('text', 'STRING', "it's")).to.equal("it's");
    expect(value('uuid', 'UUID', '550E8400-E29B-41D4-A716-446655440000')).to.equal('550e8400-e29b-41d4-a716-446655440000');
    expect(value('blob', 'HEX', '0xCAFE')).to.deep.equal(Buffer.from([0xca, 0xfe]));
    expect(value('inet', 'STRING', '10.0.0.1')).to.equal('10.0.0.1');
  });

  it('reads timestamps as integers, dates with times, ISO 8601 and zones', () => {
    const ms = (text: string, kind: ConstantKind = 'STRING') => (value('timestamp', kind, text) as Date).getTime();
    expect(ms('1767323045678', 'INTEGER')).to.equal(1767323045678);
    expect(ms('2026-01-02 03:04:05.678+0000')).to.equal(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(ms('2026-01-02 03:04:05')).to.equal(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(ms('2026-01-02T03:04:05.6Z')).to.equal(Date.UTC(2026, 0, 2, 3, 4, 5, 600));
    expect(ms('2026-01-02T03:04+01:00')).to.equal(Date.UTC(2026, 0, 2, 2, 4));
    expect(ms('2026-01-02')).to.equal(Date.UTC(2026, 0, 2));
    expect(ms('1969-12-31 23:59:59.999')).to.equal(-1);
  });

  it('reads dates and times as text or integers', () => {
    expect(value('date', 'STRING', '2026-01-02')).to.equal('2026-01-02');
    expect(value('date', 'INTEGER', '2147483648')).to.equal('1970-01-01');
    expect(value('date', 'STRING', '2147483647')).to.equal('1969-12-31');
    expect(value('time', 'STRING', '03:04:05.5')).to.equal('03:04:05.500000000');
    expect(value('time', 'INTEGER', '1')).to.equal('00:00:00.000000001');
  });

  it('rejects a constant of the wrong kind with Cassandra wording', () => {
    expect(failure('int', 'STRING', 'abc')).to.equal('Invalid STRING constant (abc) for "age" of type int');
    expect(failure('blob', 'STRING', 'cafe')).to.equal('Invalid STRING constant (cafe) for "age" of type blob');
    expect(failure('varint', 'FLOAT', '1.5')).to.equal('Invalid FLOAT constant (1.5) for "age" of type varint');
    expect(failure('uuid', 'STRING', 'x')).to.equal('Invalid STRING constant (x) for "age" of type uuid');
    expect(failure('set<int>', 'INTEGER', '1')).to.equal('Invalid INTEGER constant (1) for "age" of type set<int>');
    expect(failure('text', 'INTEGER', '1')).to.equal('Invalid INTEGER constant (1) for "age" of type text');
  });

  it('rejects bad values of the right kind with the type\'s message', () => {
    expect(failure('int', 'INTEGER', '99999999999')).to.equal("Unable to make int from '99999999999'");
    expect(failure('smallint', 'INTEGER', '40000')).to.equal("Unable to make short from '40000'");
    expect(failure('tinyint', 'INTEGER', '-129')).to.equal("Unable to make byte from '-129'");
    expect(failure('bigint', 'INTEGER', '9223372036854775808')).to.equal("Unable to make long from '9223372036854775808'");
    expect(failure('timestamp', 'STRING', 'yesterday')).to.equal("Unable to coerce 'yesterday' to a formatted date (long)");
    expect(failure('date', 'STRING', '2023-02-30')).to.equal("Unable to coerce '2023-02-30' to a formatted date (long)");
    expect(failure('time', 'STRING', '25:00:00')).to.equal("(TimeType) Unable to coerce '25:00:00' to a formatted time (long)");
    expect(failure('time', 'INTEGER', '86400000000000')).to.equal("Unable to make long (for time) from: '86400000000000'");
    expect(failure('inet', 'STRING', '1.2.3.256')).to.equal("Unable to make inet address from '1.2.3.256'");
    expect(failure('decimal', 'FLOAT', 'NaN')).to.equal("unable to make BigDecimal from 'NaN'");
    expect(failure('ascii', 'STRING', 'é')).to.equal("Invalid ASCII character in string literal: 'é'");
    expect(failure('timeuuid', 'UUID', '550e8400-e29b-41d4-a716-446655440000')).to.equal(
      'Unsupported UUID version (4) for timeuuid: 550e8400-e29b-41d4-a716-446655440000',
    );
  });
});

describe('codec: formatCql', () => {
  const cases: [string, unknown, string][] = [
    ['text', "it's", "'it''s'"],
    ['int', -3, '-3'],
    ['bigint', 5, '5'],
    ['double', -0, '-0.0'],
    ['double', NaN, 'NaN'],
    ['decimal', '1.50', '1.50'],
    ['boolean', false, 'false'],
    ['blob', Buffer.from([0xca, 0xfe]), '0xcafe'],
    ['uuid', '550E8400-E29B-41D4-A716-446655440000', '550e8400-e29b-41d4-a716-446655440000'],
    ['timestamp', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "'2026-01-02 03:04:05.678+0000'"],
    ['date', '2026-01-02', "'2026-01-02'"],
    ['time', 1n, "'00:00:00.000000001'"],
    ['inet', '::1', "'::1'"],
    ['set<int>', [2, 1], '{1, 2}'],
    ['list<text>', ['a', 'b'], "['a', 'b']"],
    ['map<text, int>', { a: 1 }, "{'a': 1}"],
  ];
  for (const [type, input, literal] of cases) {
    it(`formats ${type} as ${literal}`, () => expect(formatCql(parseTypeName(type), input)).to.equal(literal));
  }
  it('produces timestamp literals that parse back', () => {
    const type = parseTypeName('timestamp');
    const text = formatCql(type, new Date(-86_400_001));
    const bytes = fromConstant(type, 'STRING', text.slice(1, -1), 'c');
    expect((deserialize(type, bytes) as Date).getTime()).to.equal(-86_400_001);
  });
});
