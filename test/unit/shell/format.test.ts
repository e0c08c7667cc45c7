import { expect } from 'chai';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import { formatFloat, formatValue } from '../../../shell/format-value.js';
import { StatementSplitter } from '../../../shell/splitter.js';
import { columnize } from '../../../shell/columnize.js';

describe('shell value formatting (cqlsh rules)', () => {
  const text = (type: string, value: unknown) => formatValue(parseTypeName(type), value).text;

  it('formats floats like Python %g with cqlsh precision', () => {
    expect(formatFloat(Math.fround(0.1), 5)).to.equal('0.1');
    expect(formatFloat(123456.789, 5)).to.equal('1.2346e+05');
    expect(formatFloat(12345.678, 5)).to.equal('12345.678');
    expect(formatFloat(0.00001234, 5)).to.equal('1.2e-05');
    expect(formatFloat(Math.PI, 12)).to.equal('3.14159265359');
    expect(formatFloat(Number.NaN, 5)).to.equal('NaN');
    expect(formatFloat(-Infinity, 12)).to.equal('-Infinity');
    expect(formatFloat(0, 5)).to.equal('0');
  });

  it('quotes text only inside collections and escapes control characters', () => {
    expect(text('text', "it's\n")).to.equal("it's\\n");
    expect(text('list<text>', ["it's", 'b'])).to.equal("['it''s', 'b']");
    expect(text('map<text, boolean>', new Map([['a', true]]))).to.equal("{'a': True}");
    expect(text('blob', Buffer.from([0xca, 0xfe]))).to.equal('0xcafe');
    expect(text('timestamp', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).to.equal('2026-01-02 03:04:05.678000+0000');
    expect(text('int', null)).to.equal('null');
  });
});

describe('shell statement splitter', () => {
  it('ends statements at ; outside strings, names, $$ strings and comments', () => {
    const s = new StatementSplitter();
    expect(s.feed("SELECT 'a;b', \"c;d\", $$e;f$$ -- g;")).to.deep.equal([]);
    expect(s.pending).to.equal(true);
    expect(s.feed('/* h; */ FROM t; USE ks;')).to.deep.equal([
      { text: "SELECT 'a;b', \"c;d\", $$e;f$$ \n  FROM t", firstLine: 1, lastLine: 2 },
      { text: 'USE ks', firstLine: 2, lastLine: 2 },
    ]);
    expect(s.pending).to.equal(false);
  });

  it('ends a shell command at the end of its line without a ;', () => {
    const s = new StatementSplitter();
    expect(s.feed('CONSISTENCY QUORUM')).to.deep.equal([{ text: 'CONSISTENCY QUORUM', firstLine: 1, lastLine: 1 }]);
  });
});

describe('columnize', () => {
  it('fills columns top to bottom, as Python cmd.columnize does', () => {
    expect(columnize(['a', 'bb', 'c'], 80)).to.deep.equal(['a  bb  c']);
    expect(columnize(['aaaa', 'bb', 'c'], 8)).to.deep.equal(['aaaa  c', 'bb  ']);
  });
});
