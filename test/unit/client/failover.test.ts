import { expect } from 'chai';
import {
  Client,
  ClientShutdownError,
  ConnectionClosedError,
  NoHostAvailableError,
} from '../../../src/client/index.js';
import { eventually, startServer, userCalls, type TestServer } from './harness.js';

describe('Client connection failures', () => {
  const servers: TestServer[] = [];
  const clients: Client[] = [];
  const server = async (port = 0) => {
    const s = await startServer(port);
    servers.push(s);
    return s;
  };
  const client = (...args: ConstructorParameters<typeof Client>) => {
    const c = new Client(...args);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
    for (const s of servers.splice(0)) await s.server.close(0);
  });

  it('rejects connect() with NoHostAvailableError listing each host when none answers', async () => {
    const c = client({ contactPoints: ['127.0.0.1:1'] });
    const err = await c.connect().then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(NoHostAvailableError);
    expect(Object.keys((err as NoHostAvailableError).innerErrors)).to.deep.equal(['127.0.0.1:1']);
    expect((err as Error).message).to.match(/^All host\(s\) tried for query failed \(127\.0\.0\.1:1: connect ECONNREFUSED/);
  });

  it('fails in-flight requests when the connection drops, then reconnects once the server is back on its port', async () => {
    const first = await server();
    const c = client({ contactPoints: [first.address], reconnectDelayMs: 20 });
    const downs: string[] = [];
    c.on('hostDown', (h: string) => downs.push(h));
    await c.connect();
    const pending = c.execute('wait forever').then(() => null, (e: unknown) => e);
    await eventually(() => first.server.inFlight() === 1);
    await first.server.close(0);
    servers.splice(0);
    const err = await pending;
    expect(err).to.be.instanceOf(ConnectionClosedError);
    expect((err as Error).message).to.equal(`Connection to ${first.address} closed: closed by the server`);
    expect(downs).to.deep.equal([first.address]);

    const down = await c.execute('echo x').then(() => null, (e: unknown) => e);
    expect(down).to.be.instanceOf(NoHostAvailableError);
    expect(Object.keys((down as NoHostAvailableError).innerErrors)).to.deep.equal([first.address]);

    const second = await server(first.port);
    await eventually(() => c.getState().hosts[0]!.up);
    expect((await c.execute('echo back')).rows).to.deep.equal([{ word: 'back' }]);
    expect(userCalls(second.processor).map((call) => call.cql)).to.deep.equal(['echo back']);
  });

  it('retries an idempotent request once on another host after a connection failure', async () => {
    const a = await server();
    const b = await server();
    b.processor.release('z');
    const c = client({ contactPoints: [a.address, b.address] });
    await c.connect();
    const pending = c.execute('wait z', null, { idempotent: true });
    await eventually(() => a.server.inFlight() === 1);
    await a.server.close(0);
    const rs = await pending;
    expect(rs.info.queriedHost).to.equal(b.address);
    expect(userCalls(b.processor).map((call) => call.cql)).to.deep.equal(['wait z']);
  });

  it('never retries a request that is not marked idempotent', async () => {
    const a = await server();
    const b = await server();
    b.processor.release('z');
    const c = client({ contactPoints: [a.address, b.address] });
    await c.connect();
    const pending = c.execute('wait z').then(() => null, (e: unknown) => e);
    await eventually(() => a.server.inFlight() === 1);
    await a.server.close(0);
    expect(await pending).to.be.instanceOf(ConnectionClosedError);
    expect(userCalls(b.processor)).to.deep.equal([]);
    // The next request goes to the host that is still up.
    expect((await c.execute('echo on-b')).info.queriedHost).to.equal(b.address);
  });

  it('spreads requests round-robin over the connected hosts', async () => {
    const a = await server();
    const b = await server();
    const c = client({ contactPoints: [a.address, b.address] });
    await c.connect();
    const hosts = [];
    for (let i = 0; i < 4; i++) hosts.push((await c.execute('echo x')).info.queriedHost);
    expect(hosts).to.deep.equal([a.address, b.address, a.address, b.address]);
  });

  it('refuses requests after shutdown()', async () => {
    const s = await server();
    const c = client({ contactPoints: [s.address] });
    await c.connect();
    await c.shutdown();
    expect(await c.execute('echo x').then(() => null, (e: unknown) => e)).to.be.instanceOf(ClientShutdownError);
    expect(c.getState().hosts[0]!.up).to.equal(false);
  });
});
