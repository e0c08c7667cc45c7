/**
 * The bounds on what peers may load onto a node, over real loopback sockets:
 * internode_max_requests_in_flight_per_peer answers excess requests
 * Overloaded at once (not a timeout), and internode_max_pending_response_bytes
 * stops reading a peer that leaves its responses unread, resuming once it
 * reads them. Traffic under the bounds is unaffected.
 */
import { expect } from 'chai';
import { MessageTimeoutError } from '../../../src/net/errors.js';
import { VERBS } from '../../../src/net/verbs.js';
import { Kind, MESSAGING_VERSION } from '../../../src/net/wire.js';
import { OverloadedError } from '../../../src/util/errors.js';
import { Cluster, eventually, sleep } from './harness.js';
import { RawPeer } from './raw-peer.js';

describe('internode inbound limits', function () {
  this.timeout(30_000);
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  it('answers a peer Overloaded past internode_max_requests_in_flight_per_peer, and takes its requests again once slots free', async () => {
    const a = await cluster.start();
    const b = await cluster.start({ internode_max_requests_in_flight_per_peer: 4 });
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let handled = 0;
    b.messaging.handle('ECHO', async () => {
      handled++;
      await gate;
      return {};
    });

    const first = Array.from({ length: 10 }, () => a.messaging.request(b.messaging.self, 'ECHO', {}, { timeoutMs: 60_000 }));
    const settled = Promise.allSettled(first);
    await eventually(() => b.messaging.inboundLoadStats().overloadedRequests === 6, 10_000);
    expect(b.messaging.inboundLoadStats()).to.deep.equal({ requestsInFlight: 4, overloadedRequests: 6, pausesForOutput: 0, connectionsPausedNow: 0 });
    expect(handled).to.equal(4);

    open();
    const outcomes = await settled;
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    expect(fulfilled).to.have.length(4);
    expect(rejected).to.have.length(6);
    for (const err of rejected) {
      // An answer, not a silence: the requester sees the replica fail, long before any timeout.
      expect(err).to.be.instanceOf(OverloadedError).and.not.instanceOf(MessageTimeoutError);
      expect(err.message).to.equal('too many internode requests in flight from this peer: internode_max_requests_in_flight_per_peer is 4');
    }

    const again = await Promise.all(Array.from({ length: 4 }, () => a.messaging.request(b.messaging.self, 'ECHO', {})));
    expect(again).to.deep.equal([{}, {}, {}, {}]);
    expect(b.messaging.inboundLoadStats()).to.deep.equal({ requestsInFlight: 0, overloadedRequests: 6, pausesForOutput: 0, connectionsPausedNow: 0 });
  });

  it('keeps taking one-way messages from a peer at its request limit', async () => {
    const a = await cluster.start();
    const b = await cluster.start({ internode_max_requests_in_flight_per_peer: 1 });
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    b.messaging.handle('ECHO', async () => {
      await gate;
      return {};
    });
    const removed: string[] = [];
    b.messaging.handle('BATCHLOG_REMOVE', ({ batchId }) => void removed.push(batchId));

    const held = a.messaging.request(b.messaging.self, 'ECHO', {}, { timeoutMs: 60_000 });
    await eventually(() => b.messaging.inboundLoadStats().requestsInFlight === 1, 10_000);
    a.messaging.send(b.messaging.self, 'BATCHLOG_REMOVE', { batchId: 'b1' });
    await eventually(() => removed.length === 1, 10_000);
    expect(removed).to.deep.equal(['b1']);
    open();
    expect(await held).to.deep.equal({});
  });

  it('stops reading a peer that leaves more than internode_max_pending_response_bytes unread, and resumes when it reads', async () => {
    const pendingMax = 256 * 1024;
    const b = await cluster.start({ internode_max_pending_response_bytes: pendingMax });
    const pad = 'x'.repeat(64 * 1024);
    let handled = 0;
    b.messaging.handle('ECHO', () => {
      handled++;
      // A big answer on purpose; the raw peer does not check response shapes.
      return { pad } as unknown as Record<string, never>;
    });
    const raw = new RawPeer(await cluster.raw(b));
    raw.send([Kind.Hello, { cluster_name: b.settings.cluster_name, from: '127.0.0.9:7000', version: MESSAGING_VERSION }]);
    expect(((await raw.next(10_000)) as unknown[])[0]).to.equal(Kind.HelloAck);

    // The peer offers ten requests every 10 ms for two seconds, as long as its own send buffer is small,
    // and reads nothing: unbounded, the node would answer ~2000 requests, 125 MiB, into its memory.
    raw.socket.pause();
    let sent = 0;
    const pacer = setInterval(() => {
      if (raw.socket.writableLength > 16 * 1024) return;
      raw.send(...Array.from({ length: 10 }, () => [Kind.Request, ++sent, VERBS.ECHO.id, {}]));
    }, 10);
    try {
      await eventually(() => b.messaging.inboundLoadStats().connectionsPausedNow === 1, 10_000);
      await sleep(2000);
      // The node stopped reading for good: what it handled fills the socket buffers and the bound, and no more comes in.
      const handledAtRest = handled;
      await sleep(500);
      console.log(`      the node handled ${handledAtRest} requests and stopped reading; the peer sent ${sent}`);
      expect(handled, 'requests handled while the peer kept sending and reading nothing').to.equal(handledAtRest);
      expect(handled).to.be.below(512);
      expect(sent).to.be.above(handled + 500);
      expect(b.messaging.inboundLoadStats().connectionsPausedNow).to.equal(1);
      expect(b.messaging.inboundLoadStats().pausesForOutput).to.be.at.least(1);
    } finally {
      clearInterval(pacer);
    }

    raw.socket.resume();
    const ids = new Set<number>();
    while (ids.size < sent) {
      const body = (await raw.next(10_000)) as [number, number, number, { pad: string }] | undefined;
      expect(body, `answer ${ids.size + 1} of ${sent} arrived`).to.not.equal(undefined);
      expect([body![0], body![2], body![3].pad.length]).to.deep.equal([Kind.Response, VERBS.ECHO_RSP.id, pad.length]);
      ids.add(body![1]);
    }
    expect(handled).to.equal(sent);
    expect(b.messaging.inboundLoadStats().connectionsPausedNow).to.equal(0);
    expect(b.messaging.inboundLoadStats().requestsInFlight).to.equal(0);
  });

  it('leaves ordinary traffic alone: thousands of concurrent requests under the default bounds all succeed', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    b.messaging.handle('ECHO', () => ({}));
    a.messaging.handle('ECHO', () => ({}));
    const answers = await Promise.all([
      ...Array.from({ length: 3000 }, () => a.messaging.request(b.messaging.self, 'ECHO', {})),
      ...Array.from({ length: 3000 }, () => b.messaging.request(a.messaging.self, 'ECHO', {})),
    ]);
    expect(answers).to.have.length(6000);
    for (const node of [a, b]) {
      expect(node.messaging.inboundLoadStats()).to.deep.equal({ requestsInFlight: 0, overloadedRequests: 0, pausesForOutput: 0, connectionsPausedNow: 0 });
    }
  });
});
