import { expect } from 'chai';
import { CqlSyntaxError, parseStatement, parseStatements, type Insert, type Term } from '../../../grammar/index.js';
import { bool, float, int, str, stmt } from './helpers.js';

/** The single value of `INSERT INTO t (v) VALUES (<literal>)`. */
function literal(text: string): Term {
  return (stmt(`INSERT INTO t (v) VALUES (${text})`) as Insert).values[0]!;
}

describe('grammar: literals', () => {
  it('unescapes doubled quotes in strings and keeps $$ strings verbatim', () => {
    expect(literal("'it''s'")).to.deep.equal(str("it's"));
    expect(literal("''")).to.deep.equal(str(''));
    expect(literal("$$it's a 'quote'$$")).to.deep.equal(str("it's a 'quote'"));
    expect(literal("'line one\nline two'")).to.deep.equal(str('line one\nline two'));
  });

  it('reads integers and floats, negative ones included', () => {
    expect(literal('42')).to.deep.equal(int('42'));
    expect(literal('-12')).to.deep.equal(int('-12'));
    expect(literal('3.25')).to.deep.equal(float('3.25'));
    expect(literal('-1.5E-3')).to.deep.equal(float('-1.5E-3'));
    expect(literal('2e10')).to.deep.equal(float('2e10'));
  });

  it('reads NaN and Infinity as floats in any case, with a sign', () => {
    expect(literal('NaN')).to.deep.equal(float('NaN'));
    expect(literal('nan')).to.deep.equal(float('NaN'));
    expect(literal('Infinity')).to.deep.equal(float('Infinity'));
    expect(literal('-INFINITY')).to.deep.equal(float('-Infinity'));
  });

  it('reads booleans, UUIDs, blobs and durations', () => {
    expect(literal('TRUE')).to.deep.equal(bool('true'));
    expect(literal('false')).to.deep.equal(bool('false'));
    expect(literal('123e4567-E89B-12d3-a456-426614174000')).to.deep.equal({
      kind: 'constant',
      type: 'UUID',
      text: '123e4567-E89B-12d3-a456-426614174000',
    });
    expect(literal('0xCAFE')).to.deep.equal({ kind: 'constant', type: 'HEX', text: '0xCAFE' });
    expect(literal('0x')).to.deep.equal({ kind: 'constant', type: 'HEX', text: '0x' });
    expect(literal('1h30m')).to.deep.equal({ kind: 'constant', type: 'DURATION', text: '1h30m' });
  });

  it('parses nested collections', () => {
    expect(literal("{'a': [1, 2], 'b': []}")).to.deep.equal({
      kind: 'map',
      entries: [
        [str('a'), { kind: 'list', elements: [int('1'), int('2')] }],
        [str('b'), { kind: 'list', elements: [] }],
      ],
    });
    expect(literal('{{1}, {2}}')).to.deep.equal({
      kind: 'set',
      elements: [
        { kind: 'set', elements: [int('1')] },
        { kind: 'set', elements: [int('2')] },
      ],
    });
  });
});

describe('grammar: identifiers, case and comments', () => {
  it('folds keywords and unquoted names regardless of case', () => {
    expect(stmt('sElEcT A, b FrOm Ks.Tbl wHeRe A = 1')).to.deep.equal(stmt('SELECT a, b FROM ks.tbl WHERE a = 1'));
  });

  it('keeps the case of quoted names and unescapes doubled double quotes', () => {
    expect(stmt('SELECT "Name", "say ""hi""" FROM "Ks"."Tbl"')).to.deep.include({
      table: { keyspace: 'Ks', name: 'Tbl' },
      selectors: [{ expr: { kind: 'column', name: 'Name' } }, { expr: { kind: 'column', name: 'say "hi"' } }],
    });
    expect(stmt('SELECT "select" FROM t')).to.deep.include({ selectors: [{ expr: { kind: 'column', name: 'select' } }] });
  });

  it('treats a longer word that starts with a keyword as an identifier', () => {
    expect(stmt('SELECT selection, fromage, inside FROM t')).to.deep.include({
      selectors: [
        { expr: { kind: 'column', name: 'selection' } },
        { expr: { kind: 'column', name: 'fromage' } },
        { expr: { kind: 'column', name: 'inside' } },
      ],
    });
  });

  it('skips --, // and /* */ comments', () => {
    const text = `-- leading comment
      SELECT /* inline
      over lines */ a // trailing
      FROM t -- end`;
    expect(stmt(text)).to.deep.equal(stmt('SELECT a FROM t'));
  });
});

describe('grammar: scripts', () => {
  it('splits a script on semicolons and numbers bind markers per statement', () => {
    const parsed = parseStatements("USE ks; INSERT INTO t (k, v) VALUES (?, ?);; SELECT * FROM t WHERE k = :k; -- done");
    expect(parsed).to.deep.equal([
      { statement: { kind: 'use', keyspace: 'ks' }, bindMarkers: [] },
      {
        statement: {
          kind: 'insert',
          table: { name: 't' },
          columns: ['k', 'v'],
          values: [
            { kind: 'bind', index: 0 },
            { kind: 'bind', index: 1 },
          ],
          ifNotExists: false,
          using: {},
        },
        bindMarkers: [undefined, undefined],
      },
      {
        statement: {
          kind: 'select',
          table: { name: 't' },
          distinct: false,
          selectors: '*',
          where: [{ kind: 'compare', column: 'k', op: '=', value: { kind: 'bind', index: 0, name: 'k' } }],
          orderBy: [],
          allowFiltering: false,
          using: {},
        },
        bindMarkers: ['k'],
      },
    ]);
  });

  it('returns no statements for an empty or comment-only script', () => {
    expect(parseStatements('')).to.deep.equal([]);
    expect(parseStatements(' ; -- nothing\n;')).to.deep.equal([]);
  });

  it('accepts trailing semicolons on a single statement, as Cassandra does, but not a second statement', () => {
    expect(parseStatement('USE ks;')).to.deep.equal({ statement: { kind: 'use', keyspace: 'ks' }, bindMarkers: [] });
    expect(parseStatement('USE ks ; ;;')).to.deep.equal({ statement: { kind: 'use', keyspace: 'ks' }, bindMarkers: [] });
    expect(() => parseStatement('USE ks; USE ks2')).to.throw(CqlSyntaxError, "line 1:8 mismatched input 'USE' expecting EOF");
  });
});
