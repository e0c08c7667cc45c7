/**
 * Every CQL type through a real node and the driver: written as literals and
 * as bind values, read back exactly (extremes, empty values, unicode, dates
 * before 1970, nanosecond times, IPv6, varints past 64 bits, decimals in
 * Cassandra's text form), collections of each, and Cassandra's wording for
 * values of the wrong type.
 */
import { expect } from 'chai';
import { InvalidRequestError } from '../../src/client/index.js';
import { closeSession, expectFailure, openSession, plain, type Session } from './helpers.js';

const COLUMNS = 'k, a, t, vc, i, bi, si, ti, vi, f, d, dec, b, u, tu, ts, dt, tm, bl, ip';
const MARKERS = COLUMNS.split(', ').map(() => '?').join(', ');

describe('CQL types through the driver', function () {
  this.timeout(30_000);
  let s: Session;
  const one = async (k: number, cols = '*') => plain((await s.client.execute(`SELECT ${cols} FROM ty.all WHERE k = ${k}`)).rows)[0];

  before(async () => {
    s = await openSession(['ty']);
    await s.client.execute(`CREATE TABLE ty.all (k int PRIMARY KEY, a ascii, t text, vc varchar, i int, bi bigint, si smallint,
      ti tinyint, vi varint, f float, d double, dec decimal, b boolean, u uuid, tu timeuuid, ts timestamp, dt date, tm time,
      bl blob, ip inet)`);
    await s.client.execute(`CREATE TABLE ty.coll (k int PRIMARY KEY, si set<int>, st set<text>, sts set<timestamp>, sd set<decimal>,
      lv list<varint>, lb list<blob>, lu list<uuid>, mi map<inet, date>, mt map<text, time>, mb map<bigint, boolean>,
      fl frozen<list<frozen<set<int>>>>)`);
  });
  after(() => closeSession(s));

  it('reads back every native type written as literals, maxima included', async () => {
    await s.client.execute(`INSERT INTO ty.all (${COLUMNS}) VALUES (1, 'abc', 'héllo ☃ 𝄞', '', 2147483647, 9223372036854775807,
      32767, 127, 123456789012345678901234567890, 3.5, 1.7976931348623157E308, -12.3450, true,
      123E4567-E89B-12D3-A456-426614174000, 50554d6e-29bb-11e5-b345-feff819cdc9f, '2021-03-04 05:06:07.891+0000',
      '1969-07-20', '13:14:15.123456789', 0xCAFE, '2001:0db8:0000:0000:0000:ff00:0042:8329')`);
    const rs = await s.client.execute('SELECT * FROM ty.all WHERE k = 1');
    expect(rs.columns.map((c) => `${c.name}:${c.type}`)).to.deep.equal([
      'k:int', 'a:ascii', 'b:boolean', 'bi:bigint', 'bl:blob', 'd:double', 'dec:decimal', 'dt:date', 'f:float', 'i:int',
      'ip:inet', 'si:smallint', 't:text', 'ti:tinyint', 'tm:time', 'ts:timestamp', 'tu:timeuuid', 'u:uuid', 'vc:varchar', 'vi:varint',
    ]);
    expect(plain(rs.rows)[0]).to.deep.equal({
      k: 1, a: 'abc', b: true, bi: 9223372036854775807n, bl: Buffer.from('cafe', 'hex'), d: 1.7976931348623157e308,
      dec: '-12.3450', dt: '1969-07-20', f: 3.5, i: 2147483647, ip: '2001:db8::ff00:42:8329', si: 32767, t: 'héllo ☃ 𝄞',
      ti: 127, tm: '13:14:15.123456789', ts: new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 891)),
      tu: '50554d6e-29bb-11e5-b345-feff819cdc9f', u: '123e4567-e89b-12d3-a456-426614174000', vc: '',
      vi: 123456789012345678901234567890n,
    });
  });

  it('reads back minima, infinities and NaN written as literals', async () => {
    await s.client.execute(`INSERT INTO ty.all (k, i, bi, si, ti, vi, f, d, dec) VALUES (2, -2147483648, -9223372036854775808,
      -32768, -128, -123456789012345678901234567890, -Infinity, NaN, 0.000001)`);
    expect(await one(2, 'i, bi, si, ti, vi, f, d, dec')).to.deep.equal({
      i: -2147483648, bi: -9223372036854775808n, si: -32768, ti: -128, vi: -123456789012345678901234567890n,
      f: -Infinity, d: NaN, dec: '0.000001',
    });
  });

  it('reads back every native type written as bind values of a prepared statement', async () => {
    const values = [3, 'abc', 'héllo ☃ 𝄞', '', 2147483647, 9223372036854775807n, -32768, -128, -(2n ** 100n), 3.5, -0,
      '-12.3450', false, '123E4567-E89B-12D3-A456-426614174000', '50554d6e-29bb-11e5-b345-feff819cdc9f', new Date(-1),
      '1900-01-01', '23:59:59.999999999', Buffer.from([0, 1, 255]), '2001:db8::1'];
    await s.client.execute(`INSERT INTO ty.all (${COLUMNS}) VALUES (${MARKERS})`, values);
    const rs = await s.client.execute('SELECT * FROM ty.all WHERE k = ?', [3]);
    expect(plain(rs.rows)[0]).to.deep.equal({
      k: 3, a: 'abc', b: false, bi: 9223372036854775807n, bl: Buffer.from([0, 1, 255]), d: -0, dec: '-12.3450',
      dt: '1900-01-01', f: 3.5, i: 2147483647, ip: '2001:db8::1', si: -32768, t: 'héllo ☃ 𝄞', ti: -128,
      tm: '23:59:59.999999999', ts: new Date(-1), tu: '50554d6e-29bb-11e5-b345-feff819cdc9f',
      u: '123e4567-e89b-12d3-a456-426614174000', vc: '', vi: -1267650600228229401496703205376n,
    });
  });

  it('takes the alternative driver values: numbers for bigint, Date for date, bigint nanoseconds for time, ms for timestamp', async () => {
    await s.client.execute('INSERT INTO ty.all (k, bi, vi, dt, tm, ts, dec) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [4, 12, 5, new Date(Date.UTC(1960, 0, 2)), 3_723_000_000_001n, 1614834367891, 1.25]);
    expect(await one(4, 'bi, vi, dt, tm, ts, dec')).to.deep.equal({
      bi: 12n, vi: 5n, dt: '1960-01-02', tm: '01:02:03.000000001', ts: new Date(1614834367891), dec: '1.25',
    });
  });

  it('parses the timestamp, date and time literal forms Cassandra accepts', async () => {
    const cases: [string, Date][] = [
      ['2021-03-04', new Date(Date.UTC(2021, 2, 4))],
      ['2021-03-04T05:06:07Z', new Date(Date.UTC(2021, 2, 4, 5, 6, 7))],
      ['2021-03-04 05:06:07.1+0100', new Date(Date.UTC(2021, 2, 4, 4, 6, 7, 100))],
    ];
    for (const [i, [text, date]] of cases.entries()) {
      await s.client.execute(`INSERT INTO ty.all (k, ts) VALUES (${10 + i}, '${text}')`);
      expect((await one(10 + i, 'ts'))!['ts'], text).to.deep.equal(date);
    }
    await s.client.execute(`INSERT INTO ty.all (k, ts, dt, tm) VALUES (13, -1000, '-0001-01-01', 86399999999999)`);
    expect(await one(13, 'ts, dt, tm')).to.deep.equal({ ts: new Date(-1000), dt: '-0001-01-01', tm: '23:59:59.999999999' });
    // An integer date literal counts days from 2^31, as Cassandra's unsigned encoding does.
    await s.client.execute('INSERT INTO ty.all (k, ts, dt, tm) VALUES (14, 0, 2147483648, 0)');
    expect(await one(14, 'ts, dt, tm')).to.deep.equal({ ts: new Date(0), dt: '1970-01-01', tm: '00:00:00.000000000' });
  });

  it('writes decimals in Java BigDecimal text form, as Cassandra returns them', async () => {
    const cases: [string, string][] = [['1.5e10', '1.5E+10'], ['1e-400', '1E-400'], ['12345678901234567890.123456789', '12345678901234567890.123456789'], ['0.0000001', '1E-7'], ['-0.00', '0.00']];
    for (const [i, [literal, text]] of cases.entries()) {
      await s.client.execute(`INSERT INTO ty.all (k, dec) VALUES (${20 + i}, ${literal})`);
      expect((await one(20 + i, 'dec'))!['dec'], literal).to.equal(text);
      await s.client.execute('INSERT INTO ty.all (k, dec) VALUES (?, ?)', [30 + i, literal]);
      expect((await one(30 + i, 'dec'))!['dec'], `bound ${literal}`).to.equal(text);
    }
  });

  it('keeps empty strings, empty blobs, $$ strings and doubled quotes apart from null', async () => {
    await s.client.execute(`INSERT INTO ty.all (k, t, a, bl, vc) VALUES (40, 'it''s $$', $$it's$$, 0x, null)`);
    expect(await one(40, 't, a, bl, vc, i')).to.deep.equal({ t: "it's $$", a: "it's", bl: Buffer.alloc(0), vc: null, i: null });
    await s.client.execute('INSERT INTO ty.all (k, t, bl) VALUES (?, ?, ?)', [41, '', Buffer.alloc(0)]);
    expect(await one(41, 't, bl')).to.deep.equal({ t: '', bl: Buffer.alloc(0) });
  });

  it('rounds a float to 32 bits and reads an IPv4-mapped IPv6 address as the IPv4 address, as Java does', async () => {
    await s.client.execute(`INSERT INTO ty.all (k, f, ip) VALUES (42, 16777217, '::ffff:10.0.0.255')`);
    expect(await one(42, 'f, ip')).to.deep.equal({ f: 16777216, ip: '10.0.0.255' });
    await s.client.execute('INSERT INTO ty.all (k, ip) VALUES (?, ?)', [43, '::ffff:1.2.3.4']);
    expect(await one(43, 'ip')).to.deep.equal({ ip: '1.2.3.4' });
  });

  it('reads back collections of every kind, sorted as Cassandra sorts them, from literals', async () => {
    await s.client.execute(`INSERT INTO ty.coll (k, si, st, sts, sd, lv, lb, lu, mi, mt, mb, fl) VALUES (1,
      {3, -1, 3}, {'b', 'A', 'a'}, {'2000-01-01', '1960-01-01'}, {1.10, 1.1}, [18446744073709551616, -1], [0x01, 0x],
      [123e4567-e89b-12d3-a456-426614174000], {'::1': '2000-01-01', '1.2.3.4': '1999-12-31'}, {'z': '01:00:00', 'y': '00:00:00.5'},
      {-5: true, 7: false}, [{2, 1}, {}])`);
    expect((await s.client.execute('SELECT * FROM ty.coll WHERE k = 1')).rows[0]).to.deep.include({
      si: [-1, 3], st: ['A', 'a', 'b'], sts: [new Date(Date.UTC(1960, 0, 1)), new Date(Date.UTC(2000, 0, 1))],
      sd: ['1.1', '1.10'], lv: [18446744073709551616n, -1n], lb: [Buffer.from([1]), Buffer.alloc(0)],
      lu: ['123e4567-e89b-12d3-a456-426614174000'],
      mi: new Map([['1.2.3.4', '1999-12-31'], ['::1', '2000-01-01']]),
      mt: new Map([['y', '00:00:00.500000000'], ['z', '01:00:00.000000000']]),
      mb: new Map([[-5n, true], [7n, false]]),
      fl: [[1, 2], []],
    });
  });

  it('reads back collections written as bind values: arrays, Maps and plain objects', async () => {
    await s.client.execute('INSERT INTO ty.coll (k, si, st, lv, mt, mb, fl) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      2, [5, 4, 5], ['x'], [2n ** 70n], { b: '10:00:00', a: 5n }, new Map([[1n, true]]), [[3], [2, 2]],
    ]);
    expect(plain((await s.client.execute('SELECT si, st, lv, mt, mb, fl FROM ty.coll WHERE k = 2')).rows)[0]).to.deep.equal({
      si: [4, 5], st: ['x'], lv: [2n ** 70n], mt: new Map([['a', '00:00:00.000000005'], ['b', '10:00:00.000000000']]),
      mb: new Map([[1n, true]]), fl: [[3], [2]],
    });
  });

  it('reads an empty collection as null', async () => {
    await s.client.execute('INSERT INTO ty.coll (k, si, lv, mt) VALUES (3, {}, [], {})');
    expect(plain((await s.client.execute('SELECT si, lv, mt FROM ty.coll WHERE k = 3')).rows)[0]).to.deep.equal({ si: null, lv: null, mt: null });
  });

  describe('refuses values of the wrong type with Cassandra\'s wording', () => {
    const cases: [string, string][] = [
      ["INSERT INTO ty.all (k, i) VALUES (0, 'abc')", 'Invalid STRING constant (abc) for "i" of type int'],
      ['INSERT INTO ty.all (k, i) VALUES (0, 1.5)', 'Invalid FLOAT constant (1.5) for "i" of type int'],
      ['INSERT INTO ty.all (k, b) VALUES (0, 1)', 'Invalid INTEGER constant (1) for "b" of type boolean'],
      ["INSERT INTO ty.all (k, bl) VALUES (0, 'abc')", 'Invalid STRING constant (abc) for "bl" of type blob'],
      ['INSERT INTO ty.all (k, t) VALUES (0, 0xff)', 'Invalid HEX constant (0xff) for "t" of type text'],
      ["INSERT INTO ty.all (k, u) VALUES (0, 'abc')", 'Invalid STRING constant (abc) for "u" of type uuid'],
      ['INSERT INTO ty.all (k, i) VALUES (0, 2147483648)', "Unable to make int from '2147483648'"],
      ['INSERT INTO ty.all (k, si) VALUES (0, 32768)', "Unable to make short from '32768'"],
      ['INSERT INTO ty.all (k, ti) VALUES (0, 128)', "Unable to make byte from '128'"],
      ['INSERT INTO ty.all (k, bi) VALUES (0, 9223372036854775808)', "Unable to make long from '9223372036854775808'"],
      ["INSERT INTO ty.all (k, a) VALUES (0, 'é')", "Invalid ASCII character in string literal: 'é'"],
      ["INSERT INTO ty.all (k, ts) VALUES (0, 'notadate')", "Unable to coerce 'notadate' to a formatted date (long)"],
      ["INSERT INTO ty.all (k, tm) VALUES (0, '00:00')", "(TimeType) Unable to coerce '00:00' to a formatted time (long)"],
      ['INSERT INTO ty.all (k, tm) VALUES (0, 86400000000000)', "Unable to make long (for time) from: '86400000000000'"],
      ["INSERT INTO ty.all (k, dt) VALUES (0, '2021-13-01')", "Unable to coerce '2021-13-01' to a formatted date (long)"],
      ["INSERT INTO ty.all (k, ip) VALUES (0, '1.2.3.256')", "Unable to make inet address from '1.2.3.256'"],
      ['INSERT INTO ty.all (k, tu) VALUES (0, 9f4d6a1e-6c2f-4a4e-9a0e-0d1f2e3c4b5a)', 'Unsupported UUID version (4) for timeuuid: 9f4d6a1e-6c2f-4a4e-9a0e-0d1f2e3c4b5a'],
      ['INSERT INTO ty.coll (k, si) VALUES (0, {null})', 'null is not supported inside collections'],
      ["INSERT INTO ty.coll (k, mt) VALUES (0, {'a': null})", 'null is not supported inside collections'],
      ["INSERT INTO ty.coll (k, lv) VALUES (0, {'a': 'b'})", 'Invalid map literal for lv of type list<varint>'],
      ["INSERT INTO ty.coll (k, si) VALUES (0, {1, 'a'})", "Invalid set literal for si: value 'a' is not of type int"],
      ['INSERT INTO ty.coll (k, lv) VALUES (0, [1, 2.5])', 'Invalid list literal for lv: value 2.5 is not of type varint'],
      ["INSERT INTO ty.coll (k, mt) VALUES (0, {1: '10:00:00'})", 'Invalid map literal for mt: key 1 is not of type text'],
      ["INSERT INTO ty.coll (k, mb) VALUES (0, {1: 'yes'})", "Invalid map literal for mb: value 'yes' is not of type boolean"],
      ['INSERT INTO ty.coll (k, si) VALUES (0, {2147483648})', "Unable to make int from '2147483648'"],
      ["UPDATE ty.coll SET si = si + {'a'} WHERE k = 0", "Invalid set literal for si: value 'a' is not of type int"],
    ];
    for (const [cql, message] of cases) {
      it(cql, () => expectFailure(s.client.execute(cql), InvalidRequestError, message));
    }

    it('refuses bind values of the wrong JavaScript type before sending, naming the column', async () => {
      await expectFailure(s.client.execute('INSERT INTO ty.all (k, i) VALUES (?, ?)', [0, 'abc']), InvalidRequestError,
        'Invalid value for column "i": expected int (32-bit integer), got string \'abc\'');
      await expectFailure(s.client.execute('INSERT INTO ty.all (k, i) VALUES (?, ?)', [0, 2 ** 31]), InvalidRequestError,
        'Invalid value for column "i": expected int (32-bit integer), got number 2147483648');
      await expectFailure(s.client.execute('INSERT INTO ty.all (k, u) VALUES (?, ?)', [0, 'not-a-uuid']), InvalidRequestError,
        'Invalid value for column "u": expected uuid (uuid string), got string \'not-a-uuid\'');
      expect((await s.client.execute('SELECT COUNT(*) FROM ty.all WHERE k = 0')).rows[0]!['count']).to.equal(0n);
    });
  });
});
