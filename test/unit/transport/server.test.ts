import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { ProtocolServer } from '../../../src/transport/server.js';
import { CONNECTION_STREAM, EVENT_STREAM, Opcode } from '../../../src/transport/protocol.js';
import type { ErrorBody, ResultBody } from '../../../src/transport/protocol.js';
import { ErrorCode, errorFromWire, UnavailableError } from '../../../src/util/errors.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { FakeProcessor } from './fake-processor.js';
import { RawClient } from './raw-client.js';

const Q = (query: string) => ({ query, consistency: 'ONE' });

describe('ProtocolServer', () => {
  let processor: FakeProcessor;
  let server: ProtocolServer;
  let port: number;
  let logs: string[];
  const clients: RawClient[] = [];

  async function start(overrides: Partial<Settings> = {}): Promise<void> {
    processor = new FakeProcessor();
    logs = [];
    server = new ProtocolServer({
      processor,
      settings: { ...DEFAULT_SETTINGS, ...overrides },
      log: (level, msg) => logs.push(`${level}: ${msg}`),
      admin: async (command, args) => ({ command, args }),
    });
    port = (await server.listen('127.0.0.1', 0)).port;
  }
  async function client(): Promise<RawClient> {
    const c = await RawClient.open(port);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close(0);
  });

  it('answers QUERY with a RESULT on the same stream carrying rows and warnings', async () => {
    await start();
    const c = await client();
    const answer = await c.request(5, Opcode.QUERY, Q('echo hello'));
    expect(answer.o).to.equal(Opcode.RESULT);
    expect(answer.s).to.equal(5);
    expect(answer.b).to.deep.equal({
      result: { kind: 'rows', columns: [{ keyspace: 'ks', table: 't', name: 'word', type: 'text' }], rows: [[Buffer.from('hello')]] },
      warnings: ['echoed'],
    });
  });

  it('answers STARTUP, OPTIONS and AUTH_RESPONSE', async () => {
    await start();
    const c = await client();
    expect((await c.request(1, Opcode.STARTUP, { options: { keyspace: 'shop' } })).o).to.equal(Opcode.READY);
    expect((await c.request(2, Opcode.AUTH_RESPONSE, { token: 'x' })).o).to.equal(Opcode.READY);
    const supported = await c.request(3, Opcode.OPTIONS, {});
    expect(supported.o).to.equal(Opcode.SUPPORTED);
    expect(supported.b).to.deep.equal({ versions: [1], cqlVersion: '3.4.6', compression: [] });
    const ks = await c.request(4, Opcode.QUERY, Q('keyspace'));
    expect((ks.b as ResultBody).result).to.have.property('rows').deep.equal([[Buffer.from('shop')]]);
  });

  it('answers out of order by stream id when an earlier request is slower', async () => {
    await start();
    const c = await client();
    c.send(1, Opcode.QUERY, Q('wait a'));
    c.send(2, Opcode.QUERY, Q('echo quick'));
    const [first] = await c.waitFor(1);
    expect(first!.s).to.equal(2);
    processor.release('a');
    const all = await c.waitFor(2);
    expect(all.map((e) => e.s)).to.deep.equal([2, 1]);
  });

  it('sends a SibylError as ERROR with its code and fields, which errorFromWire rebuilds', async () => {
    await start();
    const c = await client();
    const answer = await c.request(7, Opcode.QUERY, Q('unavailable'));
    expect(answer.o).to.equal(Opcode.ERROR);
    const body = answer.b as ErrorBody;
    expect(body).to.deep.equal({
      code: ErrorCode.Unavailable,
      message: 'Cannot achieve consistency level QUORUM',
      fields: { consistency: 'QUORUM', required: 2, alive: 1 },
    });
    const err = errorFromWire(body.code, body.message, body.fields);
    expect(err).to.be.instanceOf(UnavailableError);
    expect((err as UnavailableError).alive).to.equal(1);
  });

  it('turns a plain exception into a ServerError, logs it, and keeps the connection', async () => {
    await start();
    const c = await client();
    const answer = await c.request(1, Opcode.QUERY, Q('crash'));
    expect(answer.b).to.deep.equal({ code: ErrorCode.Server, message: 'disk on fire', fields: {} });
    expect(logs.some((l) => l.startsWith('error: ') && l.includes('disk on fire'))).to.equal(true);
    expect((await c.request(2, Opcode.QUERY, Q('echo still'))).o).to.equal(Opcode.RESULT);
  });

  it('keeps the keyspace of USE per connection', async () => {
    await start();
    const a = await client();
    const b = await client();
    const use = await a.request(1, Opcode.QUERY, Q('USE shop'));
    expect((use.b as ResultBody).result).to.deep.equal({ kind: 'setKeyspace', keyspace: 'shop' });
    expect(((await a.request(2, Opcode.QUERY, Q('keyspace'))).b as ResultBody).result).to.have.property('rows').deep.equal([[Buffer.from('shop')]]);
    expect(((await b.request(2, Opcode.QUERY, Q('keyspace'))).b as ResultBody).result).to.have.property('rows').deep.equal([[null]]);
  });

  it('passes paging, consistency and timestamp options through to the processor', async () => {
    await start();
    const c = await client();
    await c.request(1, Opcode.QUERY, { query: 'numbers', consistency: 'QUORUM', fetchSize: 10, pageState: Buffer.from([0, 0, 0, 10]), timestamp: 1234n });
    expect(processor.calls[0]!.options).to.deep.equal({ consistency: 'QUORUM', fetchSize: 10, pageState: Buffer.from([0, 0, 0, 10]), timestampUs: 1234 });
  });

  it('prepares and executes, answering PREPARE with the Prepared object', async () => {
    await start();
    const c = await client();
    const prep = await c.request(1, Opcode.PREPARE, { query: 'bound :a:int', keyspace: 'ks' });
    const result = (prep.b as ResultBody).result;
    expect(result.kind).to.equal('prepared');
    const prepared = (result as { prepared: { id: Buffer; params: unknown[] } }).prepared;
    expect(prepared.params).to.deep.equal([{ keyspace: 'ks', table: 't', name: 'a', type: 'int' }]);
    const exec = await c.request(2, Opcode.EXECUTE, { id: prepared.id, values: [Buffer.from([1]), null, undefined], consistency: 'ONE' });
    expect((exec.b as ResultBody).result).to.have.property('rows').deep.equal([[Buffer.from([1]), null, Buffer.from('unset')]]);
  });

  it('runs BATCH and ADMIN', async () => {
    await start();
    const c = await client();
    const batch = await c.request(1, Opcode.BATCH, {
      type: 'UNLOGGED',
      entries: [{ query: 'x', values: [] }, { id: Buffer.from('ab'), values: [null] }],
      consistency: 'ONE',
      timestamp: 99,
    });
    expect(batch.b).to.deep.equal({ result: { kind: 'void' }, warnings: ['batch of 2'] });
    expect(processor.calls[0]!.options).to.deep.equal({ type: 'UNLOGGED', consistency: 'ONE', timestampUs: 99 });
    const admin = await c.request(2, Opcode.ADMIN, { command: 'status', args: { verbose: true } });
    expect(admin.b).to.deep.equal({ result: { kind: 'admin', value: { command: 'status', args: { verbose: true } } }, warnings: [] });
  });

  it('pushes schema changes on stream -1 to connections that registered, and only to them', async () => {
    await start();
    const registered = await client();
    const other = await client();
    expect((await registered.request(1, Opcode.REGISTER, { events: ['SCHEMA_CHANGE'] })).o).to.equal(Opcode.READY);
    await other.request(1, Opcode.QUERY, Q('echo x'));
    processor.emitSchemaChange({ change: 'CREATED', target: 'TABLE', keyspace: 'ks', table: 't' });
    const [event] = await registered.waitFor(1);
    expect(event).to.deep.equal({ v: 1, s: EVENT_STREAM, o: Opcode.EVENT, b: { type: 'SCHEMA_CHANGE', change: 'CREATED', target: 'TABLE', keyspace: 'ks', table: 't' } });
    await other.request(2, Opcode.QUERY, Q('echo y'));
    expect(other.received).to.deep.equal([]);
    registered.close();
    await registered.closed;
    await new Promise((r) => setTimeout(r, 20));
    expect(processor.listenerCount()).to.equal(0);
  });

  it('closes a connection that sends random bytes, and only that one', async () => {
    await start();
    const good = await client();
    const bad = await client();
    bad.socket.write(Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]));
    await bad.closed;
    const [error] = bad.received;
    expect(error!.o).to.equal(Opcode.ERROR);
    expect(error!.s).to.equal(CONNECTION_STREAM);
    expect((error!.b as ErrorBody).code).to.equal(ErrorCode.Protocol);
    expect((await good.request(1, Opcode.QUERY, Q('echo alive'))).o).to.equal(Opcode.RESULT);
  });

  it('survives any random bytes: the sender gets at most ProtocolErrors and its socket closes, others keep working', async () => {
    await start({ native_transport_max_frame_size: 4096 });
    const good = await client();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const bad = await client();
        bad.socket.end(Buffer.from(bytes));
        await bad.closed;
        for (const e of bad.received) {
          expect([e.o, (e.b as ErrorBody).code]).to.deep.equal([Opcode.ERROR, ErrorCode.Protocol]);
        }
        expect((await good.request(1, Opcode.QUERY, Q('echo alive'))).o).to.equal(Opcode.RESULT);
      }),
      { numRuns: 40 },
    );
    expect(logs.filter((l) => l.startsWith('error'))).to.deep.equal([]);
  });

  it('closes a connection whose body is not a valid request, answering on its stream', async () => {
    await start();
    const c = await client();
    c.send(9, 0x33, {});
    await c.closed;
    expect(c.received).to.deep.equal([{ v: 1, s: 9, o: Opcode.ERROR, b: { code: ErrorCode.Protocol, message: 'unknown request opcode 51', fields: {} } }]);
  });

  it('refuses an oversized frame with a ProtocolError naming the setting, then closes that connection', async () => {
    await start({ native_transport_max_frame_size: 1000 });
    const c = await client();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(300_000_000);
    c.socket.write(header);
    await c.closed;
    expect(c.received).to.deep.equal([
      {
        v: 1,
        s: CONNECTION_STREAM,
        o: Opcode.ERROR,
        b: { code: ErrorCode.Protocol, message: 'frame of 300000000 bytes exceeds native_transport_max_frame_size (1000)', fields: {} },
      },
    ]);
  });

  it('answers Overloaded, naming the setting, past native_transport_max_requests_per_connection', async () => {
    await start({ native_transport_max_requests_per_connection: 2 });
    const c = await client();
    c.send(1, Opcode.QUERY, Q('wait g'));
    c.send(2, Opcode.QUERY, Q('wait g'));
    c.send(3, Opcode.QUERY, Q('wait g'));
    const [over] = await c.waitFor(1);
    expect(over).to.deep.equal({
      v: 1,
      s: 3,
      o: Opcode.ERROR,
      b: {
        code: ErrorCode.Overloaded,
        message: 'too many requests in flight on this connection: native_transport_max_requests_per_connection is 2',
        fields: {},
      },
    });
    expect(server.inFlight()).to.equal(2);
    processor.release('g');
    const all = await c.waitFor(3);
    expect(all.slice(1).map((e) => [e.s, e.o])).to.deep.equal([[1, Opcode.RESULT], [2, Opcode.RESULT]]);
  });

  it('close() lets in-flight requests answer before closing their sockets', async () => {
    await start();
    const c = await client();
    c.send(1, Opcode.QUERY, Q('wait d'));
    while (server.inFlight() === 0) await new Promise((r) => setTimeout(r, 2));
    let closed = false;
    const closing = server.close(5000).then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(closed).to.equal(false);
    // A new connection is refused while draining.
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => resolve(true));
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
    });
    expect(refused).to.equal(true);
    processor.release('d');
    await closing;
    await c.closed;
    expect(c.received.map((e) => [e.s, e.o])).to.deep.equal([[1, Opcode.RESULT]]);
  });

  it('close() gives up on requests still running after drainMs', async () => {
    await start();
    const c = await client();
    c.send(1, Opcode.QUERY, Q('wait never'));
    while (server.inFlight() === 0) await new Promise((r) => setTimeout(r, 2));
    const started = Date.now();
    await server.close(50);
    await c.closed;
    expect(Date.now() - started).to.be.within(40, 1000);
    expect(c.received).to.deep.equal([]);
    expect(logs).to.include('warn: closing with 1 requests still in flight after 50 ms');
  });
});
