import { expect } from 'chai';
import { StatementSplitter } from '../../../shell/splitter.js';

function split(...lines: string[]): { statements: string[]; rest: string | undefined } {
  const splitter = new StatementSplitter();
  const statements = lines.flatMap((l) => splitter.feed(l).map((s) => s.text));
  return { statements, rest: splitter.finish()?.text };
}

describe('sibylsh statement splitter', () => {
  it('ends a statement at each ; outside strings, names and comments', () => {
    expect(split(`INSERT INTO t (k, v) VALUES (1, 'a;b'); SELECT "x;y" FROM t; -- c;d`).statements).to.deep.equal([
      `INSERT INTO t (k, v) VALUES (1, 'a;b')`,
      'SELECT "x;y" FROM t',
    ]);
  });

  it('keeps a batch on one line whole, from BEGIN to APPLY BATCH, as cqlsh does', () => {
    const { statements, rest } = split(`BEGIN BATCH INSERT INTO a.t (k) VALUES (1); INSERT INTO b.t (k) VALUES (2); APPLY BATCH; SELECT * FROM a.t;`);
    expect(statements).to.deep.equal(['BEGIN BATCH INSERT INTO a.t (k) VALUES (1); INSERT INTO b.t (k) VALUES (2); APPLY BATCH', 'SELECT * FROM a.t']);
    expect(rest).to.equal(undefined);
  });

  it('keeps a batch over several lines whole, whatever its kind and case, with the prompt continuing until APPLY BATCH', () => {
    const splitter = new StatementSplitter();
    expect(splitter.feed('begin unlogged batch using timestamp 5')).to.deep.equal([]);
    expect(splitter.feed("  insert into t (k) values (1);  -- first; not the end")).to.deep.equal([]);
    expect(splitter.pending).to.equal(true);
    expect(splitter.feed("  update t set v = ';' where k = 2;")).to.deep.equal([]);
    const [batch] = splitter.feed('apply   batch ;');
    // The comment is dropped, the spaces before it stay.
    expect(batch!.text).to.equal("begin unlogged batch using timestamp 5\n  insert into t (k) values (1);  \n  update t set v = ';' where k = 2;\napply   batch");
    expect([batch!.firstLine, batch!.lastLine]).to.deep.equal([1, 4]);
    expect(splitter.pending).to.equal(false);
  });

  it('leaves a batch without its APPLY BATCH unfinished at the end of input', () => {
    expect(split('BEGIN BATCH INSERT INTO t (k) VALUES (1);')).to.deep.equal({ statements: [], rest: 'BEGIN BATCH INSERT INTO t (k) VALUES (1);' });
  });
});
