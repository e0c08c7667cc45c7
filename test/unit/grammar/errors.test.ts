import { expect } from 'chai';
import { CqlSyntaxError, NESTING_DEPTH_MAX, parseStatement, parseStatements } from '../../../grammar/index.js';

/** The CqlSyntaxError that parsing `text` throws. */
function syntaxError(text: string, parse: (text: string) => unknown = parseStatement): CqlSyntaxError {
  try {
    parse(text);
  } catch (error) {
    expect(error).to.be.instanceOf(CqlSyntaxError);
    return error as CqlSyntaxError;
  }
  throw new Error(`expected a syntax error for: ${text}`);
}

/** The error's fields, for exact comparison. */
function fieldsOf(error: CqlSyntaxError) {
  return { message: error.message, line: error.line, column: error.column, offending: error.offending, expected: error.expected };
}

describe('grammar: syntax errors', () => {
  it('names a misspelt keyword, its position and the keyword expected', () => {
    expect(fieldsOf(syntaxError('SELECT * FORM t'))).to.deep.equal({
      message: "line 1:9 mismatched input 'FORM' expecting FROM",
      line: 1,
      column: 9,
      offending: 'FORM',
      expected: ['FROM'],
    });
  });

  it('reports end of input just past the last token', () => {
    expect(fieldsOf(syntaxError('SELECT * FROM t WHERE k IN (1'))).to.deep.equal({
      message: "line 1:29 mismatched input '<EOF>' expecting ')'",
      line: 1,
      column: 29,
      offending: '<EOF>',
      expected: ["')'"],
    });
    expect(syntaxError('SELECT * FROM').message).to.equal("line 1:13 mismatched input '<EOF>' expecting IDENT");
  });

  it('reports no viable alternative at the token where every path ends', () => {
    expect(fieldsOf(syntaxError('SELECT a FROM t WHERE a x 1'))).to.deep.equal({
      message: "line 1:24 no viable alternative at input 'x'",
      line: 1,
      column: 24,
      offending: 'x',
      expected: ["'='", "'!='", "'<='", "'>='", "'<'", "'>'", 'IN', 'CONTAINS'],
    });
    expect(syntaxError('SELECT count(x) FROM t').message).to.equal("line 1:13 no viable alternative at input 'x'");
  });

  it('counts lines from 1 and columns from 0 across newlines', () => {
    const error = syntaxError('SELECT a\nFROM t\nWHERE k = = 1');
    expect([error.line, error.column, error.offending]).to.deep.equal([3, 10, '=']);
    expect(error.message).to.equal("line 3:10 no viable alternative at input '='");
  });

  it('reports input left over after a statement', () => {
    expect(syntaxError('SELECT * FROM t garbage').message).to.equal("line 1:16 mismatched input 'garbage' expecting EOF");
    expect(syntaxError('USE a USE b', parseStatements).message).to.equal("line 1:6 mismatched input 'USE' expecting EOF");
  });

  it('reports an empty statement as no viable alternative at <EOF>', () => {
    expect(fieldsOf(syntaxError(''))).to.deep.equal({
      message: "line 1:0 no viable alternative at input '<EOF>'",
      line: 1,
      column: 0,
      offending: '<EOF>',
      expected: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'BEGIN', 'CREATE', 'ALTER', 'DROP', 'USE', 'TRUNCATE', 'GRANT', 'REVOKE', 'LIST'],
    });
  });
});

describe('grammar: lexical errors', () => {
  it('reports an unterminated string at the end of input', () => {
    expect(fieldsOf(syntaxError("SELECT * FROM t WHERE k = 'abc"))).to.deep.equal({
      message: "line 1:30 mismatched character '<EOF>' expecting '''",
      line: 1,
      column: 30,
      offending: '<EOF>',
      expected: ["'''"],
    });
  });

  it('reports unterminated comments, quoted names and $$ strings', () => {
    expect(syntaxError('SELECT /* x').message).to.equal("line 1:11 mismatched character '<EOF>' expecting '*/'");
    expect(syntaxError('SELECT "abc FROM t').message).to.equal("line 1:18 mismatched character '<EOF>' expecting '\"'");
    expect(syntaxError('SELECT $$abc\nFROM t').message).to.equal("line 2:6 mismatched character '<EOF>' expecting '$$'");
  });

  it('reports a character no token starts with, and an empty quoted name', () => {
    expect(fieldsOf(syntaxError('SELECT # FROM t'))).to.deep.equal({
      message: "line 1:7 token recognition error at: '#'",
      line: 1,
      column: 7,
      offending: '#',
      expected: [],
    });
    expect(syntaxError('SELECT "" FROM t').message).to.equal('line 1:7 empty quoted identifier');
  });
});

describe('grammar: errors beyond token order', () => {
  it('rejects unknown types and wrong type arities', () => {
    const unknown = syntaxError('CREATE TABLE t (k foo PRIMARY KEY)');
    expect([unknown.message, unknown.offending]).to.deep.equal(["line 1:18 unknown type 'foo'", 'foo']);
    expect(syntaxError('CREATE TABLE t (k map<int> PRIMARY KEY)').message).to.equal(
      'line 1:18 map<> takes 2 type arguments, got 1',
    );
    expect(syntaxError('CREATE TABLE t (k frozen<int> PRIMARY KEY)').message).to.equal(
      'line 1:18 frozen<> is only allowed on collections',
    );
  });

  it('rejects two primary keys', () => {
    expect(syntaxError('CREATE TABLE t (k int PRIMARY KEY, c int, PRIMARY KEY (k))').message).to.equal(
      'line 1:42 multiple PRIMARY KEYs specified (exactly one required)',
    );
  });

  it('rejects unknown consistency levels and USING items a statement does not take', () => {
    const level = syntaxError('SELECT * FROM t USING CONSISTENCY FOO');
    expect(level.message).to.equal("line 1:34 mismatched input 'FOO' expecting a consistency level");
    expect(level.expected).to.include('LOCAL_QUORUM');
    expect(syntaxError('DELETE FROM t USING TTL 5 WHERE k = 1').message).to.equal(
      "line 1:20 mismatched input 'TTL' expecting TIMESTAMP or CONSISTENCY",
    );
    expect(syntaxError('SELECT * FROM t USING TIMESTAMP 5').message).to.equal(
      "line 1:22 mismatched input 'TIMESTAMP' expecting CONSISTENCY",
    );
    expect(syntaxError('INSERT INTO t (k) VALUES (1) USING TTL 1 AND TTL 2').message).to.equal(
      'line 1:45 TTL given more than once in USING',
    );
  });

  it('rejects a plain assignment combined with any other SET item on the same column, as Cassandra does', () => {
    expect(syntaxError('UPDATE t SET v = 1, v = 2 WHERE k = 1').message).to.equal('line 1:20 Multiple incompatible setting of column v');
    expect(syntaxError('UPDATE t SET l = l + [1], w = 0, l = [2] WHERE k = 1').message).to.equal(
      'line 1:33 Multiple incompatible setting of column l',
    );
    expect(syntaxError('UPDATE t SET l[0] = 1, l = [2] WHERE k = 1').message).to.equal('line 1:23 Multiple incompatible setting of column l');
    const combined = parseStatement('UPDATE t SET l = l + [1], l = l - [2], l[0] = 3, l = [4] + l WHERE k = 1').statement;
    expect(combined.kind === 'update' && combined.assignments.map((a) => a.kind)).to.deep.equal(['append', 'remove', 'setElement', 'prepend']);
  });

  it('rejects collection arithmetic on another column', () => {
    expect(syntaxError('UPDATE t SET a = b + 1 WHERE k = 1').message).to.equal(
      'line 1:17 only expressions of the form a = a + <value> or a = <value> + a are supported',
    );
    expect(syntaxError('UPDATE t SET a = [1] + b WHERE k = 1').column).to.equal(23);
  });

  it('accepts only * and 1 inside COUNT()', () => {
    expect(syntaxError('SELECT count(2) FROM t').message).to.equal("line 1:13 mismatched input '2' expecting '*' or 1");
  });

  it('bounds nesting at NESTING_DEPTH_MAX', () => {
    const deep = (depth: number) => `INSERT INTO t (v) VALUES (${'['.repeat(depth)}${']'.repeat(depth)})`;
    expect(() => parseStatement(deep(NESTING_DEPTH_MAX))).not.to.throw();
    const error = syntaxError(deep(NESTING_DEPTH_MAX + 1));
    expect(error.message).to.equal(`line 1:${26 + NESTING_DEPTH_MAX} input nested deeper than NESTING_DEPTH_MAX (64)`);
    expect(syntaxError(deep(100_000)).message).to.match(/nested deeper than NESTING_DEPTH_MAX/);
  });
});
