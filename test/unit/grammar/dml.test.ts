import { expect } from 'chai';
import { parseStatement } from '../../../grammar/index.js';
import { bind, int, str, stmt } from './helpers.js';

describe('grammar: INSERT', () => {
  it('parses columns, values, IF NOT EXISTS and every USING item', () => {
    expect(
      stmt(
        "INSERT INTO ks.users (id, name, tags) VALUES (?, 'Ann', {'a', 'b'}) IF NOT EXISTS USING TTL 86400 AND TIMESTAMP 1700000000000000 AND CONSISTENCY QUORUM",
      ),
    ).to.deep.equal({
      kind: 'insert',
      table: { keyspace: 'ks', name: 'users' },
      columns: ['id', 'name', 'tags'],
      values: [bind(0), str('Ann'), { kind: 'set', elements: [str('a'), str('b')] }],
      ifNotExists: true,
      using: { ttl: int('86400'), timestamp: int('1700000000000000'), consistency: 'QUORUM' },
    });
  });

  it('accepts USING items in any order, with bind markers for TTL and TIMESTAMP', () => {
    expect(stmt('INSERT INTO t (k) VALUES (1) USING CONSISTENCY local_quorum AND TIMESTAMP :ts AND TTL ?')).to.deep.equal({
      kind: 'insert',
      table: { name: 't' },
      columns: ['k'],
      values: [int('1')],
      ifNotExists: false,
      using: { consistency: 'LOCAL_QUORUM', timestamp: bind(0, 'ts'), ttl: bind(1) },
    });
  });

  it('parses NULL, lists, maps, the empty map and function calls as values', () => {
    expect(stmt("INSERT INTO t (a, b, c, d, e, f) VALUES (null, [1, 2], {'k': 1}, {}, now(), toTimestamp(now()))")).to.deep.include({
      values: [
        { kind: 'null' },
        { kind: 'list', elements: [int('1'), int('2')] },
        { kind: 'map', entries: [[str('k'), int('1')]] },
        { kind: 'map', entries: [] },
        { kind: 'function', name: 'now', args: [] },
        { kind: 'function', name: 'totimestamp', args: [{ kind: 'function', name: 'now', args: [] }] },
      ],
    });
  });
});

describe('grammar: UPDATE', () => {
  it('parses every assignment form', () => {
    expect(
      stmt(
        "UPDATE t USING TTL 10 SET c = 1, s = s + {'x'}, s = s - {'y'}, l = l + [1], l = [0] + l, m['k'] = 'v', m = m + {'a': 1}, n = n - 1 WHERE k = 0 IF EXISTS",
      ),
    ).to.deep.equal({
      kind: 'update',
      table: { name: 't' },
      using: { ttl: int('10') },
      assignments: [
        { kind: 'set', column: 'c', value: int('1') },
        { kind: 'append', column: 's', value: { kind: 'set', elements: [str('x')] } },
        { kind: 'remove', column: 's', value: { kind: 'set', elements: [str('y')] } },
        { kind: 'append', column: 'l', value: { kind: 'list', elements: [int('1')] } },
        { kind: 'prepend', column: 'l', value: { kind: 'list', elements: [int('0')] } },
        { kind: 'setElement', column: 'm', key: str('k'), value: str('v') },
        { kind: 'append', column: 'm', value: { kind: 'map', entries: [[str('a'), int('1')]] } },
        { kind: 'remove', column: 'n', value: int('1') },
      ],
      where: [{ kind: 'compare', column: 'k', op: '=', value: int('0') }],
      ifExists: true,
    });
  });

  it('reads c = c + -1 as an append of a negative number', () => {
    expect(stmt('UPDATE t SET c = c + -1 WHERE k = 1')).to.deep.include({
      assignments: [{ kind: 'append', column: 'c', value: int('-1') }],
    });
  });

  it('numbers bind markers across USING, SET and WHERE in source order', () => {
    const parsed = parseStatement('UPDATE t USING TIMESTAMP ? SET a = :x, l[?] = ? WHERE k = :key');
    expect(parsed.bindMarkers).to.deep.equal([undefined, 'x', undefined, undefined, 'key']);
    expect(parsed.statement).to.deep.equal({
      kind: 'update',
      table: { name: 't' },
      using: { timestamp: bind(0) },
      assignments: [
        { kind: 'set', column: 'a', value: bind(1, 'x') },
        { kind: 'setElement', column: 'l', key: bind(2), value: bind(3) },
      ],
      where: [{ kind: 'compare', column: 'k', op: '=', value: bind(4, 'key') }],
      ifExists: false,
    });
  });
});

describe('grammar: DELETE', () => {
  it('parses a whole-row delete', () => {
    expect(stmt('DELETE FROM ks.t WHERE k = 1 AND c = 2')).to.deep.equal({
      kind: 'delete',
      table: { keyspace: 'ks', name: 't' },
      selections: [],
      using: {},
      where: [
        { kind: 'compare', column: 'k', op: '=', value: int('1') },
        { kind: 'compare', column: 'c', op: '=', value: int('2') },
      ],
      ifExists: false,
    });
  });

  it('parses cell and element selections, USING TIMESTAMP, a clustering range and IF EXISTS', () => {
    expect(stmt("DELETE v, m['k'], l[0] FROM t USING TIMESTAMP 5 WHERE k = 1 AND c > 1 AND c <= 5 IF EXISTS")).to.deep.equal({
      kind: 'delete',
      table: { name: 't' },
      selections: [{ column: 'v' }, { column: 'm', element: str('k') }, { column: 'l', element: int('0') }],
      using: { timestamp: int('5') },
      where: [
        { kind: 'compare', column: 'k', op: '=', value: int('1') },
        { kind: 'compare', column: 'c', op: '>', value: int('1') },
        { kind: 'compare', column: 'c', op: '<=', value: int('5') },
      ],
      ifExists: true,
    });
  });
});

describe('grammar: BATCH', () => {
  it('parses a logged batch with USING and statements separated by semicolons', () => {
    const parsed = parseStatement(
      "BEGIN BATCH USING TIMESTAMP 7 AND CONSISTENCY ONE INSERT INTO t (k, v) VALUES (?, 'a'); UPDATE t SET v = ? WHERE k = 2; DELETE FROM t WHERE k = :k; APPLY BATCH;",
    );
    expect(parsed.bindMarkers).to.deep.equal([undefined, undefined, 'k']);
    expect(parsed.statement).to.deep.equal({
      kind: 'batch',
      type: 'LOGGED',
      using: { timestamp: int('7'), consistency: 'ONE' },
      statements: [
        { kind: 'insert', table: { name: 't' }, columns: ['k', 'v'], values: [bind(0), str('a')], ifNotExists: false, using: {} },
        {
          kind: 'update',
          table: { name: 't' },
          using: {},
          assignments: [{ kind: 'set', column: 'v', value: bind(1) }],
          where: [{ kind: 'compare', column: 'k', op: '=', value: int('2') }],
          ifExists: false,
        },
        {
          kind: 'delete',
          table: { name: 't' },
          selections: [],
          using: {},
          where: [{ kind: 'compare', column: 'k', op: '=', value: bind(2, 'k') }],
          ifExists: false,
        },
      ],
    });
  });

  it('parses UNLOGGED and COUNTER batches, with the semicolons between statements optional', () => {
    expect(stmt('BEGIN UNLOGGED BATCH INSERT INTO t (k) VALUES (1) INSERT INTO t (k) VALUES (2) APPLY BATCH')).to.deep.include({
      type: 'UNLOGGED',
      using: {},
    });
    const counter = stmt('begin counter batch update c set n = n + 1 where k = 1 apply batch');
    expect(counter).to.deep.equal({
      kind: 'batch',
      type: 'COUNTER',
      using: {},
      statements: [
        {
          kind: 'update',
          table: { name: 'c' },
          using: {},
          assignments: [{ kind: 'append', column: 'n', value: int('1') }],
          where: [{ kind: 'compare', column: 'k', op: '=', value: int('1') }],
          ifExists: false,
        },
      ],
    });
  });

  it('accepts an empty batch', () => {
    expect(stmt('BEGIN BATCH APPLY BATCH')).to.deep.equal({ kind: 'batch', type: 'LOGGED', using: {}, statements: [] });
  });
});
