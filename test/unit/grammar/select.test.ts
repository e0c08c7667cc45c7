import { expect } from 'chai';
import { parseStatement, type Select } from '../../../grammar/index.js';
import { bind, int, str, stmt } from './helpers.js';

const select = (text: string): Select => stmt(text) as Select;

describe('grammar: SELECT', () => {
  it('parses SELECT * with every defaulted field', () => {
    expect(stmt('SELECT * FROM t')).to.deep.equal({
      kind: 'select',
      table: { name: 't' },
      distinct: false,
      selectors: '*',
      where: [],
      orderBy: [],
      allowFiltering: false,
      using: {},
    });
  });

  it('parses every clause in order', () => {
    expect(
      stmt(
        'SELECT DISTINCT k FROM ks.t WHERE k IN (1, 2) AND c >= 3 ORDER BY c DESC, d PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING USING CONSISTENCY ALL',
      ),
    ).to.deep.equal({
      kind: 'select',
      table: { keyspace: 'ks', name: 't' },
      distinct: true,
      selectors: [{ expr: { kind: 'column', name: 'k' } }],
      where: [
        { kind: 'in', column: 'k', values: [int('1'), int('2')] },
        { kind: 'compare', column: 'c', op: '>=', value: int('3') },
      ],
      orderBy: [
        { column: 'c', order: 'DESC' },
        { column: 'd', order: 'ASC' },
      ],
      perPartitionLimit: int('2'),
      limit: bind(0),
      allowFiltering: true,
      using: { consistency: 'ALL' },
    });
  });

  it('parses every selector kind, with aliases', () => {
    expect(
      select('SELECT k, COUNT(*), count(1) AS n, WRITETIME(v) AS wt, TTL(v), TOKEN(a, b) AS tok, "Mixed" FROM t').selectors,
    ).to.deep.equal([
      { expr: { kind: 'column', name: 'k' } },
      { expr: { kind: 'count' } },
      { expr: { kind: 'count' }, alias: 'n' },
      { expr: { kind: 'writetime', column: 'v' }, alias: 'wt' },
      { expr: { kind: 'ttl', column: 'v' } },
      { expr: { kind: 'token', columns: ['a', 'b'] }, alias: 'tok' },
      { expr: { kind: 'column', name: 'Mixed' } },
    ]);
  });

  it('parses every relation kind', () => {
    expect(
      select(
        "SELECT * FROM t WHERE token(a, b) > token(?, ?) AND (c1, c2) >= (1, 'x') AND (c1, c2) IN ((1, 'a'), (2, 'b')) AND k IN ? AND s CONTAINS 'v' AND m CONTAINS KEY 'k' AND x != 4 AND y < 5",
      ).where,
    ).to.deep.equal([
      {
        kind: 'token',
        columns: ['a', 'b'],
        op: '>',
        value: { kind: 'function', name: 'token', args: [bind(0), bind(1)] },
      },
      { kind: 'tuple', columns: ['c1', 'c2'], op: '>=', values: [int('1'), str('x')] },
      {
        kind: 'tupleIn',
        columns: ['c1', 'c2'],
        tuples: [
          [int('1'), str('a')],
          [int('2'), str('b')],
        ],
      },
      { kind: 'in', column: 'k', values: [], marker: bind(2) },
      { kind: 'contains', column: 's', key: false, value: str('v') },
      { kind: 'contains', column: 'm', key: true, value: str('k') },
      { kind: 'compare', column: 'x', op: '!=', value: int('4') },
      { kind: 'compare', column: 'y', op: '<', value: int('5') },
    ]);
  });

  it('parses an empty IN list', () => {
    expect(select('SELECT * FROM t WHERE k IN ()').where).to.deep.equal([{ kind: 'in', column: 'k', values: [] }]);
  });

  it('records named bind markers', () => {
    expect(parseStatement('SELECT * FROM t WHERE k = :k AND c IN :cs LIMIT :n').bindMarkers).to.deep.equal(['k', 'cs', 'n']);
  });
});

describe('grammar: unreserved keywords as names', () => {
  it('accepts common keywords and type names as column names', () => {
    const names = [
      'key', 'value', 'values', 'type', 'ttl', 'writetime', 'count', 'token', 'date', 'time', 'timestamp', 'text',
      'int', 'uuid', 'counter', 'level', 'consistency', 'user', 'comment', 'keyspaces', 'keyspace', 'table',
      'static', 'exists', 'clustering', 'partition', 'per', 'filtering', 'contains', 'distinct', 'as', 'map', 'list',
    ];
    for (const name of names) {
      expect(select(`SELECT ${name} FROM t WHERE ${name} = 1`), name).to.deep.include({
        selectors: [{ expr: { kind: 'column', name } }],
        where: [{ kind: 'compare', column: name, op: '=', value: int('1') }],
      });
      expect(stmt(`CREATE TABLE t (${name} int PRIMARY KEY)`), name).to.deep.include({ partitionKey: [name] });
      expect(stmt(`UPDATE t SET ${name} = 2 WHERE k = 1`), name).to.deep.include({
        assignments: [{ kind: 'set', column: name, value: int('2') }],
      });
    }
  });

  it('accepts keywords as keyspace and table names', () => {
    expect(select('SELECT * FROM keyspace.table').table).to.deep.equal({ keyspace: 'keyspace', name: 'table' });
    expect(stmt('USE key')).to.deep.equal({ kind: 'use', keyspace: 'key' });
  });

  it('reads DISTINCT as a column when FROM or a comma follows it', () => {
    expect(select('SELECT distinct FROM t')).to.deep.include({
      distinct: false,
      selectors: [{ expr: { kind: 'column', name: 'distinct' } }],
    });
    expect(select('SELECT DISTINCT distinct FROM t')).to.deep.include({
      distinct: true,
      selectors: [{ expr: { kind: 'column', name: 'distinct' } }],
    });
  });
});
