import { expect } from 'chai';
import { InvalidRequestError, SyntaxError, UnavailableError, UnpreparedError } from '../../../src/util/errors.js';
import type { SchemaChange } from '../../../src/cql/result.js';
import { harness, int32, rejects, text, type Harness } from './harness.js';

describe('CqlQueryProcessor', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
  });

  it('answers DDL with schema changes and tells subscribers', async () => {
    const seen: SchemaChange[] = [];
    h.processor.onSchemaChange((c) => seen.push(c));
    const result = await h.run('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
    expect(result).to.deep.equal({
      result: { kind: 'schemaChange', schemaChange: { change: 'CREATED', target: 'TABLE', keyspace: 'ks', table: 't' } },
      warnings: [],
    });
    expect(seen).to.deep.equal([{ change: 'CREATED', target: 'TABLE', keyspace: 'ks', table: 't' }]);
    expect(await h.run('CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)')).to.deep.equal({ result: { kind: 'void' }, warnings: [] });
  });

  it('USE sets the session keyspace; an unknown one and a missing one are named', async () => {
    await rejects(h.run('USE nope'), InvalidRequestError, "Keyspace 'nope' does not exist");
    await rejects(h.run('CREATE TABLE t (k int PRIMARY KEY)'), InvalidRequestError,
      'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
    expect((await h.run('USE ks')).result).to.deep.equal({ kind: 'setKeyspace', keyspace: 'ks' });
    expect(h.session.keyspace).to.equal('ks');
    await h.run('CREATE TABLE t (k int PRIMARY KEY)');
    await rejects(h.run('INSERT INTO missing (k) VALUES (1)'), InvalidRequestError, 'unconfigured table missing');
  });

  it('maps grammar errors to SyntaxError with the parser message', async () => {
    const err = await rejects(h.run('SELEC * FROM t'), SyntaxError, /^line 1:0 /);
    expect(err).to.be.instanceOf(SyntaxError);
  });

  it('QUORUM at RF 3 on one node is Unavailable with 2 required and 1 alive; ONE succeeds', async () => {
    await h.run('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    const err = (await rejects(
      h.processor.query(h.session, 'INSERT INTO ks.t (k, v) VALUES (1, 1)', { consistency: 'QUORUM' }),
      UnavailableError,
      'Cannot achieve consistency level QUORUM',
    )) as UnavailableError;
    expect(err.fields()).to.deep.equal({ consistency: 'QUORUM', required: 2, alive: 1 });
    await rejects(h.run('INSERT INTO ks.t (k, v) VALUES (1, 1) USING CONSISTENCY ALL'), UnavailableError,
      'Cannot achieve consistency level ALL');
    await h.processor.query(h.session, 'INSERT INTO ks.t (k, v) VALUES (1, 1)', { consistency: 'ONE' });
    await rejects(h.processor.query(h.session, 'INSERT INTO ks.t (k, v) VALUES (1, 1)', { consistency: 'SERIAL' }),
      InvalidRequestError, 'You must use conditional updates for serializable writes');
  });

  it('prepares with typed bind markers and executes with bound values', async () => {
    await h.run('USE ks');
    await h.run('CREATE TABLE t (k int, c int, v text, m map<text, int>, PRIMARY KEY (k, c))');
    const prepared = await h.processor.prepare(h.session, 'UPDATE t USING TTL ? SET v = :val, m[?] = ? WHERE k = ? AND c IN ?');
    expect(prepared.params.map((p) => [p.name, p.type])).to.deep.equal([
      ['[ttl]', 'int'], ['val', 'text'], ['key(m)', 'text'], ['value(m)', 'int'], ['k', 'int'], ['in(c)', 'frozen<list<int>>'],
    ]);
    expect(prepared.resultColumns).to.deep.equal([]);
    const again = await h.processor.prepare(h.session, 'UPDATE t USING TTL ? SET v = :val, m[?] = ? WHERE k = ? AND c IN ?');
    expect(again.id).to.deep.equal(prepared.id);
    const inList = Buffer.concat([int32(1), int32(4), int32(7)]);
    await h.processor.execute(h.session, prepared.id, [int32(30), text('x'), text('a'), int32(5), int32(1), inList], { consistency: 'ONE', timestampUs: 9 });
    const row = h.last()[0]!.rows[0]!;
    expect(row.clustering).to.deep.equal([int32(7)]);
    expect(row.cells.map((c) => [c.column, c.path?.toString(), c.cell.value, c.cell.ttlS])).to.deep.equal([
      ['m', 'a', int32(5), 30], ['v', undefined, text('x'), 30],
    ]);
  });

  it('an unset bound value leaves its column untouched; a null key is refused', async () => {
    await h.run('CREATE TABLE ks.u (k int PRIMARY KEY, a int, b int)');
    const p = await h.processor.prepare(h.session, 'INSERT INTO ks.u (k, a, b) VALUES (?, ?, ?)');
    await h.processor.execute(h.session, p.id, [int32(1), undefined, int32(2)], { consistency: 'ONE' });
    expect(h.last()[0]!.rows[0]!.cells.map((c) => c.column)).to.deep.equal(['b']);
    await rejects(h.processor.execute(h.session, p.id, [null, int32(1), int32(2)], { consistency: 'ONE' }), InvalidRequestError,
      'Invalid null value in condition for column k');
    await rejects(h.processor.execute(h.session, p.id, [undefined, int32(1), int32(2)], { consistency: 'ONE' }), InvalidRequestError,
      'Invalid unset value for column k');
  });

  it('counts bound values against markers, and refuses unknown prepared ids', async () => {
    await h.run('CREATE TABLE ks.u (k int PRIMARY KEY, a int)');
    const p = await h.processor.prepare(h.session, 'INSERT INTO ks.u (k, a) VALUES (?, ?)');
    await rejects(h.processor.execute(h.session, p.id, [int32(1)], { consistency: 'ONE' }), InvalidRequestError,
      'There were 2 markers(?) in CQL but 1 bound variables');
    await rejects(h.run('INSERT INTO ks.u (k, a) VALUES (?, 1)'), InvalidRequestError, 'There were 1 markers(?) in CQL but 0 bound variables');
    const err = await rejects(h.processor.execute(h.session, Buffer.from('00ff', 'hex'), [], { consistency: 'ONE' }), UnpreparedError,
      'Prepared query with ID 00ff not found');
    expect((err as UnpreparedError).id).to.equal('00ff');
  });

  it('evicts the least recently used prepared statement beyond prepared_statements_cache_size', async () => {
    const small = await harness({ prepared_statements_cache_size: 1 });
    await small.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await small.run('CREATE TABLE ks.u (k int PRIMARY KEY)');
    const first = await small.processor.prepare(small.session, 'INSERT INTO ks.u (k) VALUES (?)');
    await small.processor.prepare(small.session, 'DELETE FROM ks.u WHERE k = ?');
    await rejects(small.processor.execute(small.session, first.id, [int32(1)], { consistency: 'ONE' }), UnpreparedError, /not found/);
  });

  it('runs a protocol batch of prepared and plain statements as one logged write', async () => {
    await h.run("ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await h.run('CREATE TABLE ks.u (k int PRIMARY KEY, a int)');
    const p = await h.processor.prepare(h.session, 'INSERT INTO ks.u (k, a) VALUES (?, ?)');
    const result = await h.processor.batch(h.session, [
      { id: p.id, values: [int32(1), int32(2)] },
      { query: 'UPDATE ks.u SET a = 3 WHERE k = 1', values: [] },
    ], { type: 'LOGGED', consistency: 'ONE', timestampUs: 77 });
    expect(result).to.deep.equal({ result: { kind: 'void' }, warnings: [] });
    const [partition] = h.last();
    expect(partition!.rows[0]!.cells).to.deep.equal([
      { column: 'a', cell: { value: int32(3), timestampUs: 77, ttlS: 0, localDeletionTimeS: 0x7fffffff } },
    ]);
    await rejects(h.processor.batch(h.session, [{ query: 'SELECT * FROM ks.u', values: [] }], { type: 'LOGGED', consistency: 'ONE' }),
      InvalidRequestError, 'Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.');
  });

  it('TRUNCATE empties the table through the coordinator', async () => {
    await h.run("ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await h.run('CREATE TABLE ks.u (k int PRIMARY KEY, a int)');
    await h.run('INSERT INTO ks.u (k, a) VALUES (1, 1)');
    await h.run('TRUNCATE ks.u');
    const id = h.catalog.requireTable('ks', 'u').id;
    expect(await h.storage.scan(id, { start: 0n, end: 0n }, { limitPartitions: 10, withStatic: true })).to.deep.equal([]);
  });

  it('writes read back through SELECT: list prepend order, range deletion', async () => {
    await h.run("ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await h.run('USE ks');
    await h.run('CREATE TABLE r (k int, c int, v text, l list<int>, PRIMARY KEY (k, c))');
    await h.run("INSERT INTO r (k, c, v, l) VALUES (1, 2, 'x', [1, 2])");
    await h.run('UPDATE r SET l = [0] + l WHERE k = 1 AND c = 2');
    await h.run("INSERT INTO r (k, c, v) VALUES (1, 3, 'y')");
    await h.run('DELETE FROM r WHERE k = 1 AND c > 2');
    const { result } = await h.run('SELECT c, l FROM r WHERE k = 1');
    expect(result.kind === 'rows' && result.rows).to.deep.equal([
      [int32(2), Buffer.concat([int32(3), int32(4), int32(0), int32(4), int32(1), int32(4), int32(2)])],
    ]);
  });
});
