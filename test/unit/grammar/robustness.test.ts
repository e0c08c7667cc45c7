import { expect } from 'chai';
import fc from 'fast-check';
import { CqlSyntaxError, parseStatement, parseStatements } from '../../../grammar/index.js';

/** Parses `text` both ways; anything thrown must be a CqlSyntaxError. */
function parsesOrFailsCleanly(text: string): void {
  for (const parse of [parseStatement, parseStatements]) {
    try {
      parse(text);
    } catch (error) {
      if (!(error instanceof CqlSyntaxError)) throw error;
      expect(error.line).to.be.at.least(1);
      expect(error.column).to.be.at.least(0);
      expect(error.message).to.match(/^line \d+:\d+ /);
    }
  }
}

const fragments = [
  'SELECT', 'INSERT', 'INTO', 'UPDATE', 'DELETE', 'FROM', 'WHERE', 'AND', 'SET', 'VALUES', 'USING', 'TTL',
  'TIMESTAMP', 'CONSISTENCY', 'QUORUM', 'CREATE', 'ALTER', 'DROP', 'TABLE', 'KEYSPACE', 'WITH', 'PRIMARY', 'KEY',
  'IF', 'NOT', 'EXISTS', 'BEGIN', 'UNLOGGED', 'COUNTER', 'BATCH', 'APPLY', 'IN', 'CONTAINS', 'TOKEN', 'COUNT',
  'WRITETIME', 'DISTINCT', 'AS', 'ORDER', 'BY', 'ASC', 'DESC', 'LIMIT', 'PER', 'PARTITION', 'ALLOW', 'FILTERING',
  'CLUSTERING', 'STATIC', 'frozen', 'map', 'list', 'set', 'int', 'text', 'USE', 'TRUNCATE', 'ADD', 'NULL', 'true',
  'NaN', '-Infinity', 'k', 'v', '"Q"', 'ks.t', '(', ')', '[', ']', '{', '}', '<', '>', '<=', '>=', '=', '!=', ',',
  ';', '.', '*', '?', ':n', ':', '+', '-', "'s'", "'it''s'", '$$x$$', '1', '-2', '3.5e2', '0xff', '1h',
  '123e4567-e89b-12d3-a456-426614174000', 'now()', '--c\n', '/*c*/', "'", '"', '$$', '/*',
];

describe('grammar: robustness', function () {
  // A generous bound: parsing is linear, so a hang shows up as this timeout.
  this.timeout(60_000);

  it('returns or throws CqlSyntaxError for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => parsesOrFailsCleanly(text)),
      { numRuns: 2000 },
    );
  });

  it('returns or throws CqlSyntaxError for any soup of CQL tokens', () => {
    const soup = fc
      .tuple(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), fc.constantFrom(' ', '', '\n'))
      .map(([parts, sep]) => parts.join(sep));
    fc.assert(fc.property(soup, (text) => parsesOrFailsCleanly(text)), { numRuns: 3000 });
  });

  it('returns or throws CqlSyntaxError for a valid statement with any one edit', () => {
    const statements = [
      "INSERT INTO ks.t (k, c, v) VALUES (?, 'a', {1: [2]}) IF NOT EXISTS USING TTL 5 AND TIMESTAMP :ts",
      'SELECT DISTINCT k, COUNT(*) AS n FROM t WHERE token(k) > ? AND (a, b) IN ((1, 2)) ORDER BY a DESC LIMIT 10 ALLOW FILTERING',
      "UPDATE t SET s = s + {'x'}, m['k'] = 1 WHERE k = 1 AND c IN ? IF EXISTS",
      'CREATE TABLE t (k int, c text, m map<text, frozen<list<int>>>, PRIMARY KEY ((k), c)) WITH CLUSTERING ORDER BY (c DESC)',
      'BEGIN UNLOGGED BATCH DELETE v FROM t WHERE k = 1; INSERT INTO t (k) VALUES (2) APPLY BATCH',
    ];
    const edited = fc
      .tuple(fc.constantFrom(...statements), fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 }))
      .map(([text, at, cut, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + cut);
      });
    fc.assert(fc.property(edited, (text) => parsesOrFailsCleanly(text)), { numRuns: 3000 });
  });

  it('parses generated column names, folding unquoted ones and keeping quoted ones', () => {
    const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/);
    fc.assert(
      fc.property(name, fc.boolean(), (raw, quoted) => {
        const reserved = /^(select|from|where|and|insert|into|update|set|delete|using|create|alter|drop|if|not|with|use|primary|order|by|asc|desc|add|truncate|in|limit|allow|begin|batch|apply|null|true|false|nan|infinity)$/i;
        fc.pre(quoted || !reserved.test(raw));
        const written = quoted ? `"${raw}"` : raw;
        const expected = quoted ? raw : raw.toLowerCase();
        expect(parseStatement(`SELECT ${written} FROM t WHERE ${written} = 1`).statement).to.deep.include({
          selectors: [{ expr: { kind: 'column', name: expected } }],
          where: [{ kind: 'compare', column: expected, op: '=', value: { kind: 'constant', type: 'INTEGER', text: '1' } }],
        });
      }),
      { numRuns: 1000 },
    );
  });
});
