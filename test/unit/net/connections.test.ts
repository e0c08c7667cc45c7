import { expect } from 'chai';
import fc from 'fast-check';
import { createServer, type Server, type Socket } from 'node:net';
import { PeerUnreachableError } from '../../../src/net/errors.js';
import { reconnectDelayMs } from '../../../src/net/outbound.js';
import { OverloadedError } from '../../../src/util/errors.js';
import { closedWithin, Cluster, eventually, sleep } from './harness.js';

describe('internode connections', function () {
  this.timeout(20_000);
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  it('doubles the reconnection delay per failure up to the maximum', () => {
    const table: [number, number][] = [
      [0, 0],
      [1, 100],
      [2, 200],
      [3, 400],
      [6, 3200],
      [7, 4000],
      [60, 4000],
    ];
    for (const [failures, delayMs] of table) expect(reconnectDelayMs(failures, 100, 4000), `failures ${failures}`).to.equal(delayMs);
  });

  it('reconnects to a restarted peer after the backoff, and reports connect and disconnect', async () => {
    const a = await cluster.start({ internode_reconnect_base_delay: 150 });
    let b = await cluster.start();
    const port = b.messaging.address().port;
    const peer = b.messaging.self;
    const events: string[] = [];
    a.messaging.onPeerConnected((p) => events.push(`up ${p}`));
    a.messaging.onPeerDisconnected((p) => events.push(`down ${p}`));
    b.messaging.handle('ECHO', () => ({}));
    await a.messaging.request(peer, 'ECHO', {});
    await b.messaging.close();
    await eventually(() => events.length === 2);

    // The peer is down: the first attempt fails at once, the next waits out the backoff.
    const down = await a.messaging.request(peer, 'ECHO', {}).catch((e: unknown) => e);
    expect(down).to.be.instanceOf(PeerUnreachableError);
    expect(a.messaging.connectionStats(peer)).to.include({ state: 'idle', connectAttempts: 2, consecutiveFailures: 2, retryDelayMs: 300 });
    const queued = a.messaging.request(peer, 'ECHO', {}).catch((e: unknown) => e);
    await sleep(100);
    expect(a.messaging.connectionStats(peer)!.connectAttempts, 'no attempt inside the backoff').to.equal(2);

    b = await cluster.start({ storage_port: port });
    b.messaging.handle('ECHO', () => ({ }));
    expect(await queued).to.deep.equal({});
    expect(a.messaging.connectionStats(peer)).to.include({ state: 'open', connectAttempts: 3, consecutiveFailures: 0 });
    expect(events).to.deep.equal([`up ${peer}`, `down ${peer}`, `up ${peer}`]);
  });

  it('connects at once to a peer that has just connected to this node, instead of waiting out the backoff', async () => {
    // A restarted peer announces itself by connecting (its gossip SYN); this node's
    // answer must not wait up to internode_reconnect_max_delay behind a backoff
    // earned while the peer was down.
    const a = await cluster.start({ internode_reconnect_base_delay: 10_000, internode_reconnect_max_delay: 10_000 });
    a.messaging.handle('ECHO', () => ({}));
    let b = await cluster.start();
    const port = b.messaging.address().port;
    const peer = b.messaging.self;
    b.messaging.handle('ECHO', () => ({}));
    await a.messaging.request(peer, 'ECHO', {});
    await b.messaging.close();
    await eventually(() => a.messaging.connectionStats(peer)?.state === 'idle');
    expect(a.messaging.connectionStats(peer)).to.include({ consecutiveFailures: 1, retryDelayMs: 10_000 });
    const queued = a.messaging.request(peer, 'ECHO', {}).then(
      () => 'answered',
      (e: unknown) => e,
    );

    b = await cluster.start({ storage_port: port });
    b.messaging.handle('ECHO', () => ({}));
    await b.messaging.request(a.messaging.self, 'ECHO', {});
    const outcome = await Promise.race([queued, sleep(2000).then(() => 'still waiting for the backoff')]);
    expect(outcome).to.equal('answered');
    expect(a.messaging.connectionStats(peer)).to.include({ state: 'open', consecutiveFailures: 0 });
  });

  it('refuses a peer of another cluster, with a log line naming both names', async () => {
    const a = await cluster.start({ cluster_name: 'Other' });
    const b = await cluster.start();
    b.messaging.handle('ECHO', () => ({}));
    const err = await a.messaging.request(b.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PeerUnreachableError);
    const reason = "cluster_name 'Other' does not match this node's 'Sibyl Cluster'";
    expect((err as PeerUnreachableError).reason).to.equal(`handshake refused: ${reason}`);
    expect(b.logs.filter((l) => l.includes(`WARN  Refusing internode connection from ${a.messaging.self} `) && l.endsWith(reason))).to.have.length(1);
    expect(a.logs.some((l) => l.includes(`Peer ${b.messaging.self} refused this node's internode connection: ${reason}`))).to.equal(true);
  });

  it('closes a connection sending a frame over internode_max_message_size, and only that one', async () => {
    const a = await cluster.start();
    const b = await cluster.start({}, 4096);
    b.messaging.handle('ECHO', () => ({}));
    await a.messaging.request(b.messaging.self, 'ECHO', {});
    const raw = await cluster.raw(b);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(4097);
    raw.write(header);
    expect(await closedWithin(raw, 2000)).to.equal(true);
    expect(b.logs.some((l) => l.endsWith('frame of 4097 bytes exceeds internode_max_message_size (4096)'))).to.equal(true);
    expect(await a.messaging.request(b.messaging.self, 'ECHO', {})).to.deep.equal({});
    expect(a.messaging.connectionStats(b.messaging.self)!.connectAttempts).to.equal(1);
  });

  it('survives any garbage on its port: bad connections close, good ones keep working', async () => {
    const a = await cluster.start();
    const b = await cluster.start({ internode_tcp_connect_timeout: 300 });
    b.messaging.handle('ECHO', () => ({}));
    await a.messaging.request(b.messaging.self, 'ECHO', {});
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const raw = await cluster.raw(b);
        raw.write(bytes);
        // Garbage either fails to decode (closed now) or waits for a frame that never completes (closed by the handshake timeout).
        expect(await closedWithin(raw, 1500)).to.equal(true);
        expect(await a.messaging.request(b.messaging.self, 'ECHO', {})).to.deep.equal({});
      }),
      { numRuns: 25 },
    );
    expect(a.messaging.connectionStats(b.messaging.self)!.connectAttempts).to.equal(1);
  });

  describe('send queue bound', () => {
    let silent: Server;
    let port = 0;
    const accepted: Socket[] = [];
    // A peer that accepts TCP but never answers the handshake keeps messages queued.
    before(async () => {
      silent = createServer((s) => accepted.push(s));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
      port = (silent.address() as { port: number }).port;
    });
    after(async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('refuses a message that would pass internode_send_queue_max_bytes, naming it', async () => {
      const a = await cluster.start({ internode_send_queue_max_bytes: 1000 });
      const peer = `127.0.0.1:${port}`;
      const payload = { partitions: [], pad: Buffer.alloc(600) } as never;
      const first = a.messaging.request(peer, 'MUTATION', payload, { timeoutMs: 5000 }).catch((e: unknown) => e);
      const err = await a.messaging.request(peer, 'MUTATION', payload).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(OverloadedError);
      expect((err as Error).message).to.match(
        new RegExp(`^send queue to ${peer} holds \\d+ bytes; \\d+ more would exceed internode_send_queue_max_bytes \\(1000\\)$`),
      );
      expect(() => a.messaging.send(peer, 'BATCHLOG_REMOVE', { batchId: 'x'.repeat(600) })).to.throw(OverloadedError, /internode_send_queue_max_bytes/);
      expect(a.messaging.connectionStats(peer)!.state).to.equal('connecting');
      await a.messaging.close();
      expect(await first).to.be.instanceOf(PeerUnreachableError);
    });
  });
});
