import { expect } from 'chai';
import {
  ArgumentError,
  Client,
  ErrorCode,
  OperationTimedOutError,
  UnavailableError,
  type Row,
  type SchemaChange,
} from '../../../src/client/index.js';
import { eventually, int, startServer, userCalls, type TestServer } from './harness.js';

describe('Client', () => {
  let s: TestServer;
  let client: Client;

  beforeEach(async () => {
    s = await startServer();
    client = new Client({ contactPoints: [s.address] });
    await client.connect();
  });
  afterEach(async () => {
    await client.shutdown();
    await s.server.close(0);
  });

  it('decodes rows by column type and reports columns, host and warnings', async () => {
    const rs = await client.execute('echo hello');
    expect(rs.rows).to.deep.equal([{ word: 'hello' }]);
    expect(rs.columns).to.deep.equal([{ name: 'word', type: 'text' }]);
    expect(rs.info).to.deep.equal({
      queriedHost: s.address,
      triedHosts: { [s.address]: null },
      warnings: ['echoed'],
      achievedConsistency: 'ONE',
      isSchemaInAgreement: true,
    });
    expect(rs.rowLength).to.equal(1);
    expect(rs.first()).to.deep.equal({ word: 'hello' });
    expect([...rs]).to.deep.equal([{ word: 'hello' }]);
    expect(rs.pageState).to.equal(null);
    expect(rs.wasApplied()).to.equal(true);
  });

  it('rejects with the server error class and its fields', async () => {
    const err = await client.execute('unavailable').then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(UnavailableError);
    const u = err as UnavailableError;
    expect([u.code, u.consistency, u.required, u.alive]).to.deep.equal([ErrorCode.Unavailable, 'QUORUM', 2, 1]);
    expect(u.message).to.equal('Cannot achieve consistency level QUORUM');
  });

  it('sends consistency, fetchSize and a generated monotonic timestamp with each request', async () => {
    await client.execute('options', [], { consistency: 'QUORUM', fetchSize: 7 });
    await client.execute('options');
    await client.execute('options', null, { timestamp: 42n });
    const opts = userCalls(s.processor).map((c) => c.options as { consistency: string; fetchSize: number; timestampUs: number });
    expect(opts.map((o) => [o.consistency, o.fetchSize])).to.deep.equal([['QUORUM', 7], ['ONE', 5000], ['ONE', 5000]]);
    expect(opts[1]!.timestampUs).to.be.greaterThan(opts[0]!.timestampUs);
    expect(opts[0]!.timestampUs).to.be.within(Date.now() * 1000 - 60e6, Date.now() * 1000 + 60e6);
    expect(opts[2]!.timestampUs).to.equal(42);
  });

  it('takes timestamps from a shared timestampGenerator, or sends none when it is null', async () => {
    let nextUs = 1000;
    const shared = { next: () => nextUs++ };
    const first = new Client({ contactPoints: [s.address], timestampGenerator: shared });
    const second = new Client({ contactPoints: [s.address], timestampGenerator: shared });
    const serverStamped = new Client({ contactPoints: [s.address], timestampGenerator: null });
    try {
      await first.execute('options');
      await second.execute('options');
      await serverStamped.execute('options');
      await serverStamped.execute('options', null, { timestamp: 7 });
      const opts = userCalls(s.processor).map((c) => (c.options as { timestampUs?: number }).timestampUs);
      expect(opts).to.deep.equal([1000, 1001, undefined, 7]);
    } finally {
      await Promise.all([first.shutdown(), second.shutdown(), serverStamped.shutdown()]);
    }
  });

  it('pages with fetchSize and pageState (hex or Buffer), every row once', async () => {
    const seen: number[] = [];
    let pageState: string | undefined;
    let pages = 0;
    do {
      const rs = await client.execute('numbers', [], { fetchSize: 10, pageState });
      pages++;
      seen.push(...rs.rows.map((r) => r['k'] as number));
      pageState = rs.pageState ?? undefined;
      if (pageState) expect(rs.rawPageState).to.deep.equal(Buffer.from(pageState, 'hex'));
    } while (pageState);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
  });

  it('iterate() and stream() run through every page', async () => {
    const iterated: Row[] = [];
    for await (const row of client.iterate('numbers', null, { fetchSize: 4 })) iterated.push(row);
    expect(iterated.map((r) => r['k'])).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    expect(iterated[3]).to.deep.equal({ k: 3, v: 'v3' });
    const streamed: Row[] = [];
    for await (const row of client.stream('numbers', null, { fetchSize: 10 })) streamed.push(row as Row);
    expect(streamed).to.deep.equal(iterated);
    expect(s.processor.calls.filter((c) => c.cql === 'numbers').length).to.equal(7 + 3);
  });

  it('eachRow() numbers rows across pages with autoPage, and stops after one page without it', async () => {
    const run = (autoPage: boolean) =>
      new Promise<{ rows: [number, unknown][]; pageState: string | null }>((resolve, reject) => {
        const rows: [number, unknown][] = [];
        client.eachRow('numbers', [], { fetchSize: 10, autoPage }, (n, row) => rows.push([n, row['k']]), (err, rs) =>
          err ? reject(err) : resolve({ rows, pageState: rs!.pageState }),
        );
      });
    const all = await run(true);
    expect(all.rows).to.deep.equal(Array.from({ length: 25 }, (_, i) => [i, i]));
    expect(all.pageState).to.equal(null);
    const first = await run(false);
    expect(first.rows.length).to.equal(10);
    expect(first.pageState).to.equal(int(10).toString('hex'));
  });

  it('prepares statements with params once, serializing values by the parameter types', async () => {
    const rs = await client.execute('bound :a:int :b:text', [5, 'x']);
    expect(rs.rows).to.deep.equal([{ p0: int(5), p1: Buffer.from('x') }]);
    const named = await client.execute('bound :a:int :b:text', { b: 'y', a: 6 });
    expect(named.rows).to.deep.equal([{ p0: int(6), p1: Buffer.from('y') }]);
    const unset = await client.execute('bound :a:int :b:text', [null, undefined]);
    expect(unset.rows).to.deep.equal([{ p0: null, p1: Buffer.from('unset') }]);
    expect(s.processor.calls.filter((c) => c.op === 'prepare').length).to.equal(1);
  });

  it('refuses a wrong number of params or an unknown name before sending', async () => {
    const few = await client.execute('bound :a:int :b:text', [1]).then(() => null, (e: unknown) => e);
    expect(few).to.be.instanceOf(ArgumentError);
    expect((few as Error).message).to.equal('The query has 2 parameter(s) but 1 value(s) were given');
    const unknown = await client.execute('bound :a:int', { zz: 1 }).then(() => null, (e: unknown) => e);
    expect((unknown as Error).message).to.equal('The query has no parameter named "zz"');
    expect(s.processor.calls.filter((c) => c.op === 'execute').length).to.equal(0);
  });

  it('re-prepares once and retries when the node answers Unprepared', async () => {
    await client.execute('bound :a:int', [1]);
    const id = Buffer.from('/bound :a:int').toString('hex');
    s.processor.forget.add(id);
    const rs = await client.execute('bound :a:int', [2]);
    expect(rs.rows).to.deep.equal([{ p0: int(2) }]);
    expect(userCalls(s.processor).map((c) => c.op)).to.deep.equal(['prepare', 'execute', 'execute', 'prepare', 'execute']);
  });

  it('sends batches as LOGGED by default, preparing only entries with params', async () => {
    const rs = await client.batch(['plain', { query: 'bound :a:int', params: [3] }], { timestamp: 77 });
    expect(rs.info.warnings).to.deep.equal(['batch of 2']);
    const batch = s.processor.calls.find((c) => c.op === 'batch')!;
    expect(batch.entries).to.deep.equal([
      { query: 'plain', values: [] },
      { id: Buffer.from('/bound :a:int'), values: [int(3)] },
    ]);
    expect(batch.options).to.deep.equal({ type: 'LOGGED', consistency: 'ONE', timestampUs: 77 });
    await client.batch(['plain'], { logged: false, consistency: 'ALL' });
    const second = s.processor.calls.filter((c) => c.op === 'batch')[1]!;
    expect(second.options).to.include({ type: 'UNLOGGED', consistency: 'ALL' });
  });

  it('follows USE on every connection and starts new ones in the keyspace', async () => {
    const two = new Client({ contactPoints: [s.address, s.address], keyspace: 'shop' });
    try {
      await two.connect();
      const before = await Promise.all([two.execute('keyspace'), two.execute('keyspace')]);
      expect(before.map((r) => r.first()!['ks'])).to.deep.equal(['shop', 'shop']);
      await two.execute('USE other');
      expect(two.keyspace).to.equal('other');
      const after = await Promise.all([two.execute('keyspace'), two.execute('keyspace')]);
      expect(after.map((r) => r.first()!['ks'])).to.deep.equal(['other', 'other']);
      expect(s.processor.calls.filter((c) => c.cql === 'USE "other"').length).to.equal(1);
    } finally {
      await two.shutdown();
    }
  });

  it("emits 'schemaChange' once per change even with several connections", async () => {
    const two = new Client({ contactPoints: [s.address, s.address] });
    const changes: SchemaChange[] = [];
    two.on('schemaChange', (c: SchemaChange) => changes.push(c));
    try {
      await two.connect();
      // One registration for the suite's client and one for this one, not one per connection.
      await eventually(() => s.processor.listenerCount() === 2);
      await new Promise((r) => setTimeout(r, 20));
      expect(s.processor.listenerCount()).to.equal(2);
      s.processor.emitSchemaChange({ change: 'DROPPED', target: 'KEYSPACE', keyspace: 'old' });
      await eventually(() => changes.length > 0);
      await new Promise((r) => setTimeout(r, 20));
      expect(changes).to.deep.equal([{ change: 'DROPPED', target: 'KEYSPACE', keyspace: 'old' }]);
    } finally {
      await two.shutdown();
    }
  });

  it('times out a request with OperationTimedOutError and ignores its late answer', async () => {
    const quick = new Client({ contactPoints: [s.address], requestTimeoutMs: 50 });
    try {
      const err = await quick.execute('wait late').then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(OperationTimedOutError);
      expect((err as Error).message).to.equal(`The host ${s.address} did not reply before timeout 50 ms (the driver option requestTimeoutMs)`);
      s.processor.release('late');
      expect((await quick.execute('echo after')).rows).to.deep.equal([{ word: 'after' }]);
      expect(quick.getState().hosts).to.deep.equal([
        { address: s.address, up: true, dc: null, rack: null, reportedDown: false, inFlight: 0, lastError: null },
      ]);
    } finally {
      await quick.shutdown();
    }
  });

  it('validates its options, naming the wrong one', () => {
    expect(() => new Client({ contactPoints: [] })).to.throw(ArgumentError, /^contactPoints must be/);
    expect(() => new Client({ contactPoints: ['h'], consistency: 'MOST' as never })).to.throw(ArgumentError, /^consistency must be one of/);
    expect(() => new Client({ contactPoints: ['h'], fetchSize: 0 })).to.throw(ArgumentError, 'fetchSize must be a positive integer; got 0');
    expect(() => new Client({ contactPoints: ['h:99999'] })).to.throw(ArgumentError, 'contactPoints entry "h:99999" has an invalid port');
    // An option the driver does not take is refused rather than ignored, and DataStax's names say what to write instead.
    const withOption = (name: string, value: unknown) => () => new Client({ contactPoints: ['h'], [name]: value } as never);
    expect(withOption('requestTimeoutMS', 5)).to.throw(ArgumentError, /^Client option requestTimeoutMS is unknown; the options are contactPoints, .*requestTimeoutMs/);
    expect(withOption('socketOptions', { readTimeout: 60_000 })).to.throw(
      ArgumentError,
      "Client option socketOptions is the DataStax driver's; Sibyl's driver takes requestTimeoutMs (socketOptions.readTimeout) and connectTimeoutMs (socketOptions.connectTimeout)",
    );
    expect(withOption('authProvider', {})).to.throw(ArgumentError, "Client option authProvider is the DataStax driver's; Sibyl's driver takes credentials: { username, password }");
    expect(new Client({ contactPoints: ['a', 'b:1', '[::1]:7'] }).hosts).to.deep.equal(['a:9042', 'b:1', '::1:7']);
  });
});
