import { expect } from 'chai';
import { MessageTimeoutError, PeerUnreachableError } from '../../../src/net/errors.js';
import type { Partition, ReadCommand } from '../../../src/storage/model.js';
import { ProtocolError, ServerError, UnavailableError } from '../../../src/util/errors.js';
import { Cluster, sleep } from './harness.js';

function partition(key: string, token: bigint): Partition {
  return {
    tableId: '5a1c0e0e-0000-4000-8000-000000000001',
    key: Buffer.from(key),
    token,
    rangeTombstones: [],
    rows: [
      {
        clustering: [Buffer.from([1, 2])],
        isStatic: false,
        collectionDeletions: [],
        cells: [{ column: 'v', cell: { value: Buffer.from('x'), timestampUs: 1_700_000_000_000_123, ttlS: 0, localDeletionTimeS: 0x7fffffff } }],
      },
    ],
  };
}

function readOf(key: string, token: bigint): ReadCommand {
  return { tableId: 'tid', key: Buffer.from(key), token, slices: [], withStatic: false, reversed: false };
}

describe('MessagingService', function () {
  this.timeout(10_000);
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  it('answers a request with the handler result, keeping Buffers and bigint tokens exact', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    let seenFrom = '';
    b.messaging.handle('READ', ({ command }, from) => {
      seenFrom = from;
      return { partition: partition(command.key.toString(), command.token) };
    });
    const token = -(2n ** 63n) + 1n;
    const rsp = await a.messaging.request(b.messaging.self, 'READ', { command: readOf('k1', token) });
    expect(rsp.partition).to.deep.equal(partition('k1', token));
    expect(seenFrom).to.equal(a.messaging.self);
  });

  it('delivers one-way messages with the sender endpoint', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    const got = new Promise<[unknown, string]>((resolve) => b.messaging.handle('GOSSIP_DIGEST_SYN', (p, from) => resolve([p, from])));
    a.messaging.send(b.messaging.self, 'GOSSIP_DIGEST_SYN', { clusterName: 'Sibyl Cluster', digests: [{ endpoint: 'x:1', generation: 5, maxVersion: 9 }] });
    expect(await got).to.deep.equal([{ clusterName: 'Sibyl Cluster', digests: [{ endpoint: 'x:1', generation: 5, maxVersion: 9 }] }, a.messaging.self]);
  });

  it('matches responses that arrive out of order to their requests', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    let releaseFirst!: () => void;
    const firstGate = new Promise<void>((resolve) => (releaseFirst = resolve));
    b.messaging.handle('READ', async ({ command }) => {
      if (command.key.toString() === 'slow') await firstGate;
      return { partition: partition(command.key.toString(), command.token) };
    });
    const order: string[] = [];
    const slow = a.messaging.request(b.messaging.self, 'READ', { command: readOf('slow', 1n) }).then((r) => order.push(r.partition!.key.toString()));
    const fast = a.messaging.request(b.messaging.self, 'READ', { command: readOf('fast', 2n) }).then((r) => order.push(r.partition!.key.toString()));
    await fast;
    releaseFirst();
    await slow;
    expect(order).to.deep.equal(['fast', 'slow']);
  });

  it('carries requests to several peers and to itself', async () => {
    const nodes = [await cluster.start(), await cluster.start(), await cluster.start()];
    for (const n of nodes) n.messaging.handle('ECHO', () => ({}));
    const from = nodes[0]!.messaging;
    const answers = await Promise.all(nodes.map((n) => from.request(n.messaging.self, 'ECHO', {})));
    expect(answers).to.deep.equal([{}, {}, {}]);
  });

  it("rejects with MessageTimeoutError after the verb's timeout setting", async () => {
    const a = await cluster.start({ write_request_timeout: 80 });
    const b = await cluster.start();
    b.messaging.handle('MUTATION', () => new Promise(() => {}));
    const started = Date.now();
    const err = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MessageTimeoutError);
    const timeout = err as MessageTimeoutError;
    expect([timeout.verb, timeout.to, timeout.timeoutMs]).to.deep.equal(['MUTATION', b.messaging.self, 80]);
    expect(timeout.message).to.equal(`MUTATION to ${b.messaging.self} timed out after 80 ms`);
    expect(Date.now() - started).to.be.at.least(75);
    expect(a.messaging.pendingRequests()).to.equal(0);
  });

  it("takes the caller's timeout over the verb's", async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    b.messaging.handle('READ', () => new Promise(() => {}));
    const err = await a.messaging.request(b.messaging.self, 'READ', { command: readOf('k', 1n) }, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect((err as MessageTimeoutError).timeoutMs).to.equal(30);
    expect((err as MessageTimeoutError).verb).to.equal('READ');
  });

  it('rethrows the error class and fields the remote handler threw', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    b.messaging.handle('MUTATION', () => {
      throw new UnavailableError('QUORUM', 2, 1);
    });
    b.messaging.handle('TRUNCATE', () => {
      throw new Error('disk on fire');
    });
    const err = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UnavailableError);
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'QUORUM', required: 2, alive: 1 });
    const plain = await a.messaging.request(b.messaging.self, 'TRUNCATE', { tableId: 't' }).catch((e: unknown) => e);
    expect(plain).to.be.instanceOf(ServerError);
    expect((plain as Error).message).to.equal('disk on fire');
  });

  it('answers a request for a verb without a handler with a ServerError naming it', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    const err = await a.messaging.request(b.messaging.self, 'HINT', { targetHostId: 'h', partitions: [] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServerError);
    expect((err as Error).message).to.equal(`no handler for verb HINT on ${b.messaging.self}`);
  });

  it('refuses an outgoing message over internode_max_message_size', async () => {
    const a = await cluster.start({}, 1000);
    const b = await cluster.start();
    b.messaging.handle('MUTATION', () => ({}));
    const big = partition('k', 1n);
    big.rows[0]!.cells[0]!.cell.value = Buffer.alloc(2000);
    const err = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [big] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as Error).message).to.match(/^frame of \d+ bytes exceeds internode_max_message_size \(1000\)$/);
    expect(() => a.messaging.send(b.messaging.self, 'SCHEMA_PUSH', { version: 'v', entries: [{ kind: 'keyspace', name: 'x'.repeat(2000), timestampUs: 1 }] })).to.throw(
      ProtocolError,
      /internode_max_message_size \(1000\)/,
    );
  });

  it('turns a response over internode_max_message_size into an error naming the setting', async () => {
    const a = await cluster.start();
    const b = await cluster.start({}, 1000);
    b.messaging.handle('RANGE_READ', () => {
      const p = partition('k', 1n);
      p.rows[0]!.cells[0]!.cell.value = Buffer.alloc(5000);
      return { partitions: [p] };
    });
    const err = await a.messaging
      .request(b.messaging.self, 'RANGE_READ', { tableId: 't', range: { start: 0n, end: 0n }, limitPartitions: 10, withStatic: true })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as Error).message).to.match(/internode_max_message_size \(1000\)$/);
  });

  it('refuses a destination that is not a host:port endpoint', async () => {
    const a = await cluster.start();
    const err = await a.messaging.request('nowhere', 'ECHO', {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PeerUnreachableError);
    expect((err as Error).message).to.equal("peer nowhere unreachable: 'nowhere' is not a host:port endpoint");
    expect(a.messaging.connectionStats('nowhere')).to.equal(undefined);
  });

  it('fails requests waiting on a peer whose connection closes, and those sent after close', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    b.messaging.handle('READ', () => new Promise(() => {}));
    const pending = a.messaging.request(b.messaging.self, 'READ', { command: readOf('k', 1n) }).catch((e: unknown) => e);
    await sleep(50);
    await b.messaging.close();
    const err = await pending;
    expect(err).to.be.instanceOf(PeerUnreachableError);
    expect((err as PeerUnreachableError).to).to.equal(b.messaging.self);
    await a.messaging.close();
    const after = await a.messaging.request(b.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect((after as PeerUnreachableError).reason).to.equal('messaging service closed');
  });
});
