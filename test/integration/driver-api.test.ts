/**
 * The driver against one real `sibyl node`, used as a DataStax Node.js
 * driver user would use it: timeouts that name the option to raise, a
 * keyspace option naming no keyspace, prepared statements across a table
 * dropped and created again, and eachRow's overloads.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import {
  ArgumentError,
  Client,
  ClientShutdownError,
  InvalidRequestError,
  NoHostAvailableError,
  OperationTimedOutError,
  type ResultSet,
  type Row,
  type SchemaChange,
} from '../../src/client/index.js';
import { removeDir, startNode, type NodeProcess } from './harness.js';

async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the driver against one node, as a DataStax driver user uses it', function () {
  this.timeout(60_000);
  let node: NodeProcess;
  let address: string;
  const clients: Client[] = [];
  const client = (options: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client => {
    const c = new Client({ contactPoints: [address], ...options });
    clients.push(c);
    return c;
  };

  before(async () => {
    node = await startNode();
    address = `${node.host}:${node.port}`;
    const setup = client();
    await setup.execute(`CREATE KEYSPACE drv WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await setup.execute('CREATE TABLE drv.t (k int, c int, v text, PRIMARY KEY (k, c))');
    for (let c = 0; c < 5; c++) await setup.execute('INSERT INTO drv.t (k, c, v) VALUES (?, ?, ?)', [1, c, `v${c}`]);
  });

  afterEach(async () => {
    // A test that stopped the node must not leave it stopped for the next one.
    node.child.kill('SIGCONT');
  });

  after(async () => {
    for (const c of clients) await c.shutdown();
    await node?.stop('SIGKILL');
    if (node) removeDir(node.dataDir);
  });

  it('names requestTimeoutMs when a stopped node does not answer, retries only a statement marked idempotent or isIdempotent, and names connectTimeoutMs when it cannot finish connecting', async () => {
    const connected = client({ requestTimeoutMs: 500 });
    await connected.connect();
    node.child.kill('SIGSTOP');
    const timedOut = await connected.execute('SELECT * FROM drv.t WHERE k = 1').then(() => null, (e: unknown) => e);
    expect(timedOut).to.be.instanceOf(OperationTimedOutError);
    expect((timedOut as Error).message).to.equal(`The host ${address} did not reply before timeout 500 ms (the driver option requestTimeoutMs)`);
    expect((timedOut as OperationTimedOutError).option).to.equal('requestTimeoutMs');
    // DataStax's isIdempotent lets the read be retried: with the only host
    // tried, the plan runs out and says so, where the statement above failed as is.
    for (const options of [{ idempotent: true }, { isIdempotent: true }]) {
      const retried = await connected.execute('SELECT * FROM drv.t WHERE k = 1', [], options).then(() => null, (e: unknown) => e);
      expect(retried, JSON.stringify(options)).to.be.instanceOf(NoHostAvailableError);
      expect((retried as NoHostAvailableError).innerErrors[address]).to.be.instanceOf(OperationTimedOutError);
    }

    // The kernel still accepts the socket; the STARTUP answer never comes.
    const fresh = client({ connectTimeoutMs: 500 });
    const refused = await fresh.connect().then(() => null, (e: unknown) => e);
    expect(refused).to.be.instanceOf(NoHostAvailableError);
    const inner = (refused as NoHostAvailableError).innerErrors[address];
    expect(inner).to.be.instanceOf(OperationTimedOutError);
    expect(inner!.message).to.equal(`The host ${address} did not reply before timeout 500 ms (the driver option connectTimeoutMs)`);

    node.child.kill('SIGCONT');
    expect((await connected.execute('SELECT v FROM drv.t WHERE k = 1 AND c = 0')).first()).to.deep.equal({ v: 'v0' });
  });

  it("does not report the node down when the client itself shuts down, and fails a request cut short by it", async () => {
    const c = client();
    await c.connect();
    const downs: string[] = [];
    c.on('hostDown', (host: string) => downs.push(host));
    node.child.kill('SIGSTOP');
    const cut = c.execute('SELECT * FROM drv.t WHERE k = 1').then(() => null, (e: unknown) => e);
    await waitFor('the request to be in flight', 10_000, () => c.getState().hosts[0]!.inFlight === 1);
    await c.shutdown();
    const err = await cut;
    expect(err).to.be.instanceOf(ClientShutdownError);
    expect((err as Error).message).to.equal('The client was shut down while the request was in flight; it may have been applied');
    expect(downs).to.deep.equal([]);
    const after = await c.execute('SELECT * FROM drv.t WHERE k = 1').then(() => null, (e: unknown) => e);
    expect(after).to.be.instanceOf(ClientShutdownError);

    // A connect() under way when shutdown() is called fails with ClientShutdownError, not as if the node were unreachable.
    const connecting = client({ connectTimeoutMs: 500 });
    const pending = connecting.connect().then(() => null, (e: unknown) => e);
    await connecting.shutdown();
    expect(await pending).to.be.instanceOf(ClientShutdownError);
    node.child.kill('SIGCONT');
  });

  it("rejects connect() with the server's InvalidRequest when the keyspace option names no keyspace", async () => {
    const wrong = client({ keyspace: 'nosuchks' });
    const err = await wrong.connect().then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect((err as Error).message).to.equal("Keyspace 'nosuchks' does not exist");
    // So does every request that would have connected first.
    const again = await wrong.execute('SELECT * FROM system.local').then(() => null, (e: unknown) => e);
    expect((again as Error).message).to.equal("Keyspace 'nosuchks' does not exist");

    // The failed connect() closed its connections: a script that never calls shutdown() still exits.
    const driver = new URL('../../src/client/index.js', import.meta.url).href;
    const script = `import { Client } from ${JSON.stringify(driver)};
      new Client({ contactPoints: [${JSON.stringify(address)}], keyspace: 'nosuchks' }).connect().catch((e) => console.log(e.message));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ exitCode, out }).to.deep.equal({ exitCode: 0, out: "Keyspace 'nosuchks' does not exist\n" });

    const right = client({ keyspace: 'drv' });
    await right.connect();
    expect(right.keyspace).to.equal('drv');
    expect((await right.execute('SELECT v FROM t WHERE k = ? AND c = ?', [1, 2])).first()).to.deep.equal({ v: 'v2' });
  });

  it('rejects connect() when localDataCenter names no datacenter of the cluster, listing the ones there are', async () => {
    const typo = client({ localDataCenter: 'datacenter2' });
    const err = await typo.connect().then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(ArgumentError);
    expect((err as Error).message).to.equal("localDataCenter was configured as 'datacenter2', but only found hosts in data centers: [datacenter1]");

    const right = client({ localDataCenter: 'datacenter1' });
    expect((await right.execute('SELECT v FROM drv.t WHERE k = 1 AND c = 1', [], { consistency: 'LOCAL_ONE' })).first()).to.deep.equal({ v: 'v1' });
  });

  it("runs a statement in the keyspace its keyspace option names, not the client's", async () => {
    const setup = client();
    await setup.execute(`CREATE KEYSPACE drv2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await setup.execute('CREATE TABLE drv2.t (k int, c int, v text, PRIMARY KEY (k, c))');
    await setup.execute("INSERT INTO drv2.t (k, c, v) VALUES (1, 0, 'other')");

    const inDrv = client({ keyspace: 'drv' });
    expect((await inDrv.execute('SELECT v FROM t WHERE k = 1 AND c = 0')).first()).to.deep.equal({ v: 'v0' });
    expect((await inDrv.execute('SELECT v FROM t WHERE k = 1 AND c = 0', [], { keyspace: 'drv2' })).first()).to.deep.equal({ v: 'other' });
    expect((await inDrv.execute('SELECT v FROM t WHERE k = ? AND c = ?', [1, 0], { keyspace: 'drv2' })).first()).to.deep.equal({ v: 'other' });
    await inDrv.execute('INSERT INTO t (k, c, v) VALUES (?, ?, ?)', [2, 0, 'written'], { keyspace: 'drv2' });
    expect((await setup.execute('SELECT v FROM drv2.t WHERE k = 2')).rows).to.deep.equal([{ v: 'written' }]);
    expect((await setup.execute('SELECT v FROM drv.t WHERE k = 2')).rows).to.deep.equal([]);
    await inDrv.batch(["INSERT INTO t (k, c, v) VALUES (2, 1, 'text entry')", { query: 'INSERT INTO t (k, c, v) VALUES (?, ?, ?)', params: [2, 2, 'bound entry'] }], {
      keyspace: 'drv2',
    });
    expect((await setup.execute('SELECT v FROM drv2.t WHERE k = 2')).rows).to.deep.equal([{ v: 'written' }, { v: 'text entry' }, { v: 'bound entry' }]);
    // The client's own keyspace is unchanged, and so are its cached statements.
    expect(inDrv.keyspace).to.equal('drv');
    expect((await inDrv.execute('SELECT v FROM t WHERE k = ? AND c = ?', [1, 0])).first()).to.deep.equal({ v: 'v0' });

    const nowhere = client();
    expect((await nowhere.execute('SELECT v FROM t WHERE k = 1 AND c = 0', [], { keyspace: 'drv' })).first()).to.deep.equal({ v: 'v0' });
  });

  it('binds the new column types once another client drops a table and creates it again with other types', async () => {
    const user = client({ keyspace: 'drv' });
    const admin = client({ keyspace: 'drv' });
    await user.execute('CREATE TABLE recreated (k int PRIMARY KEY, v int)');
    await user.execute('INSERT INTO recreated (k, v) VALUES (?, ?)', [1, 10]);
    expect((await user.execute('SELECT * FROM recreated WHERE k = ?', [1])).rows).to.deep.equal([{ k: 1, v: 10 }]);

    const heard: SchemaChange[] = [];
    user.on('schemaChange', (change: SchemaChange) => heard.push(change));
    await admin.execute('DROP TABLE recreated');
    await admin.execute('CREATE TABLE recreated (k text PRIMARY KEY, v text)');
    await waitFor('the user client to hear both schema changes', 10_000, () => heard.length >= 2);

    await user.execute('INSERT INTO recreated (k, v) VALUES (?, ?)', ['a', 'b']);
    expect((await user.execute('SELECT * FROM recreated WHERE k = ?', ['a'])).rows).to.deep.equal([{ k: 'a', v: 'b' }]);
    const stale = await user.execute('SELECT * FROM recreated WHERE k = ?', [1]).then(() => null, (e: unknown) => e);
    expect((stale as Error).message).to.equal('Invalid value for column "k": expected text (string), got number 1');
  });

  it("accepts eachRow's DataStax overloads, and an error without endCallback does not crash the process", async () => {
    const c = client();
    const run = (...args: unknown[]) =>
      new Promise<{ rows: string[]; err: Error | null; rowLength: number | undefined }>((resolve) => {
        const rows: string[] = [];
        const onRow = (n: number, row: Row) => rows.push(`${n}:${String(row['v'])}`);
        const onEnd = (err: Error | null, rs?: { rowLength: number }) => resolve({ rows, err, rowLength: rs?.rowLength });
        (c.eachRow as (...a: unknown[]) => void)(...args.map((a) => (a === 'ROW' ? onRow : a === 'END' ? onEnd : a)));
      });
    const all = ['0:v0', '1:v1', '2:v2', '3:v3', '4:v4'];
    expect(await run('SELECT v FROM drv.t WHERE k = ?', [1], 'ROW', 'END')).to.deep.equal({ rows: all, err: null, rowLength: 5 });
    // With autoPage, endCallback's rowLength counts every page's rows, as DataStax's driver reports the total.
    expect(await run('SELECT v FROM drv.t WHERE k = ?', [1], { fetchSize: 2, autoPage: true }, 'ROW', 'END')).to.deep.equal({ rows: all, err: null, rowLength: 5 });
    expect(await run('SELECT v FROM drv.t WHERE k = 1', null, { fetchSize: 2 }, 'ROW', 'END')).to.deep.equal({ rows: all.slice(0, 2), err: null, rowLength: 2 });

    // Without autoPage, the result's nextPage() runs both callbacks over the next page, until none follows.
    const paged = await new Promise<{ rows: string[]; ends: number }>((resolve, reject) => {
      const rows: string[] = [];
      let ends = 0;
      c.eachRow('SELECT v FROM drv.t WHERE k = ?', [1], { fetchSize: 2 }, (n: number, row: Row) => rows.push(`${n}:${String(row['v'])}`), (err, rs) => {
        if (err) return reject(err);
        ends++;
        if (rs!.nextPage) rs!.nextPage();
        else resolve({ rows, ends });
      });
    });
    expect(paged).to.deep.equal({ rows: all, ends: 3 });

    const firstRow = await new Promise<Row>((resolve) => c.eachRow('SELECT v FROM drv.t WHERE k = 1 AND c = 3', (_n: number, row: Row) => resolve(row)));
    expect(firstRow).to.deep.equal({ v: 'v3' });

    const failed = await run('SELECT v FROM drv.nosuch', [], 'ROW', 'END');
    expect(failed.err).to.be.instanceOf(InvalidRequestError);
    expect(failed.err!.message).to.equal('unconfigured table nosuch');

    // No endCallback and no 'error' listener: the failure must not become an
    // unhandled 'error' event, which would end the process. A request sent
    // after it on the same connection returns after it.
    c.eachRow('SELECT v FROM drv.nosuch', [], {}, () => {});
    expect(await run('SELECT v FROM drv.t WHERE k = 1 AND c = 4', 'ROW', 'END')).to.deep.equal({ rows: ['0:v4'], err: null, rowLength: 1 });

    // With a listener, the failure goes to it.
    const listened = client();
    const heard: Error[] = [];
    listened.on('error', (err: Error) => heard.push(err));
    listened.eachRow('SELECT v FROM drv.nosuch', () => {});
    await waitFor("the client's 'error' listener to hear the failure", 10_000, () => heard.length > 0);
    expect(heard.map((e) => e.message)).to.deep.equal(['unconfigured table nosuch']);
  });
  it("takes DataStax's callbacks on connect, execute, batch and shutdown instead of the promise", async () => {
    const c = client();
    const callback = <T>(call: (cb: (err: Error | null, value?: T) => void) => unknown) =>
      new Promise<{ err: Error | null; value: T | undefined; returned: unknown }>((resolve) => {
        let returned: unknown = 'not yet';
        returned = call((err, value) => resolve({ err, value, returned }));
      });
    const connected = await callback((cb) => c.connect(cb));
    expect(connected.err).to.equal(null);
    expect(connected.returned).to.equal(undefined);

    const plain = await callback<ResultSet>((cb) => c.execute('SELECT v FROM drv.t WHERE k = 1 AND c = 0', cb));
    expect(plain.value!.first()).to.deep.equal({ v: 'v0' });
    const bound = await callback<ResultSet>((cb) => c.execute('SELECT v FROM drv.t WHERE k = ? AND c = ?', [1, 1], cb));
    expect(bound.value!.first()).to.deep.equal({ v: 'v1' });
    const paged = await callback<ResultSet>((cb) => c.execute('SELECT v FROM drv.t WHERE k = ?', [1], { fetchSize: 2 }, cb));
    expect(paged.value!.rowLength).to.equal(2);
    const failed = await callback<ResultSet>((cb) => c.execute('SELECT v FROM drv.nosuch', [], {}, cb));
    expect(failed.err).to.be.instanceOf(InvalidRequestError);
    expect(failed.value).to.equal(undefined);

    const batched = await callback<ResultSet>((cb) => c.batch(["INSERT INTO drv.t (k, c, v) VALUES (3, 0, 'cb')"], cb));
    expect(batched.err).to.equal(null);
    expect((await c.execute('SELECT v FROM drv.t WHERE k = 3')).rows).to.deep.equal([{ v: 'cb' }]);

    const streamed: unknown[] = [];
    const ended = await callback((cb) => c.stream('SELECT v FROM drv.t WHERE k = ?', [1], { fetchSize: 2 }, cb).on('data', (row: Row) => streamed.push(row['v'])));
    expect(ended.err).to.equal(null);
    expect(streamed).to.deep.equal(['v0', 'v1', 'v2', 'v3', 'v4']);

    const closed = await callback((cb) => c.shutdown(cb));
    expect(closed.err).to.equal(null);
  });

  it('fetches the following pages in for await over a ResultSet, and only this page in a plain for of', async () => {
    const c = client();
    const first = await c.execute('SELECT v FROM drv.t WHERE k = ?', [1], { fetchSize: 2 });
    expect(first.isPaged()).to.equal(true);
    expect([...first].map((r) => r['v'])).to.deep.equal(['v0', 'v1']);
    const all: unknown[] = [];
    for await (const row of first) all.push(row['v']);
    expect(all).to.deep.equal(['v0', 'v1', 'v2', 'v3', 'v4']);
    // The ResultSet itself still holds its own page.
    expect(first.rows.map((r) => r['v'])).to.deep.equal(['v0', 'v1']);

    const unpaged = await c.execute('SELECT v FROM drv.t WHERE k = 1');
    expect(unpaged.isPaged()).to.equal(false);
    const once: unknown[] = [];
    for await (const row of unpaged) once.push(row['v']);
    expect(once.length).to.equal(5);
  });

  it('reconnects once the node restarts on its port, and prepares again the statements the node forgot', async () => {
    const c = client({ keyspace: 'drv', reconnectDelayMs: 100, reconnectDelayMaxMs: 500 });
    const select = 'SELECT v FROM t WHERE k = ? AND c = ?';
    expect((await c.execute(select, [1, 2])).first()).to.deep.equal({ v: 'v2' });
    const events: string[] = [];
    c.on('hostDown', (host: string) => events.push(`down ${host}`));
    c.on('hostUp', (host: string) => events.push(`up ${host}`));

    await node.stop('SIGTERM');
    await waitFor('the driver to see the node down', 10_000, () => events.length === 1);
    node = await startNode({ dataDir: node.dataDir, args: ['--port', String(node.port)], timeoutMs: 30_000 });
    await waitFor('the driver to reconnect', 20_000, () => events.length === 2);
    expect(events).to.deep.equal([`down ${address}`, `up ${address}`]);
    // The restarted node no longer knows the statement: the driver prepares it again and carries on.
    expect((await c.execute(select, [1, 3])).first()).to.deep.equal({ v: 'v3' });
  });
});
