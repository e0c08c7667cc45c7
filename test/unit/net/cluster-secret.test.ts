import { expect } from 'chai';
import { computeProof, newNonce, verifyProof, type ProofInput } from '../../../src/net/handshake-proof.js';
import { PeerUnreachableError } from '../../../src/net/errors.js';
import { VERBS } from '../../../src/net/verbs.js';
import { Kind, MESSAGING_VERSION } from '../../../src/net/wire.js';
import { closedWithin, Cluster, eventually, type TestNode } from './harness.js';
import { RawPeer } from './raw-peer.js';

const SECRET = 'correct horse battery staple';

describe('the cluster secret handshake', function () {
  this.timeout(20_000);
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  /** A node whose ECHO handler counts the requests it ran. */
  async function counted(overrides: Parameters<Cluster['start']>[0] = {}): Promise<TestNode & { handled: () => number }> {
    const node = await cluster.start(overrides);
    let handled = 0;
    node.messaging.handle('ECHO', () => {
      handled++;
      return {};
    });
    return { ...node, handled: () => handled };
  }

  it('binds a proof to its role, both nonces, the cluster, the initiator and the TLS session', () => {
    const base: ProofInput = {
      role: 'initiator',
      clusterName: 'c',
      initiator: '127.0.0.1:7000',
      initiatorNonce: newNonce(),
      acceptorNonce: newNonce(),
      binding: Buffer.alloc(0),
    };
    const proof = computeProof(SECRET, base);
    expect(verifyProof(SECRET, base, proof)).to.equal(true);
    const variants: [string, ProofInput | string][] = [
      ['other secret', 'x'],
      ['other role', { ...base, role: 'acceptor' }],
      ['other cluster', { ...base, clusterName: 'd' }],
      ['other initiator', { ...base, initiator: '127.0.0.2:7000' }],
      ['other initiator nonce', { ...base, initiatorNonce: newNonce() }],
      ['other acceptor nonce', { ...base, acceptorNonce: newNonce() }],
      ['other TLS session', { ...base, binding: Buffer.alloc(32, 1) }],
    ];
    for (const [what, variant] of variants) {
      const ok = typeof variant === 'string' ? verifyProof(variant, base, proof) : verifyProof(SECRET, variant, proof);
      expect(ok, what).to.equal(false);
    }
    expect(verifyProof(SECRET, base, proof.subarray(0, 31)), 'short proof').to.equal(false);
    expect(verifyProof(SECRET, base, 'not bytes'), 'not bytes').to.equal(false);
  });

  it('lets nodes sharing the secret talk', async () => {
    const a = await counted({ cluster_secret: SECRET });
    const b = await counted({ cluster_secret: SECRET });
    expect(await a.messaging.request(b.messaging.self, 'ECHO', {})).to.deep.equal({});
    expect(await b.messaging.request(a.messaging.self, 'ECHO', {})).to.deep.equal({});
    expect([a.handled(), b.handled(), a.messaging.refusedHandshakes(), b.messaging.refusedHandshakes()]).to.deep.equal([1, 1, 0, 0]);
  });

  it('refuses a peer with another secret before running any of its messages, logging and counting it', async () => {
    const a = await counted({ cluster_secret: 'wrong' });
    const b = await counted({ cluster_secret: SECRET });
    const err = await a.messaging.request(b.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PeerUnreachableError);
    // The initiator checks the acceptor's proof first, so it is the one that gives up.
    expect((err as PeerUnreachableError).reason).to.equal('peer refused: its proof of the cluster secret is wrong (cluster_secret differs)');
    expect(b.handled()).to.equal(0);
    // The other way round the acceptor refuses: its own proof did not convince b, and b's PROOF never comes.
    const back = await b.messaging.request(a.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect(back).to.be.instanceOf(PeerUnreachableError);
    expect(a.handled()).to.equal(0);
    for (const node of [a, b]) {
      expect(node.logs.filter((l) => l.includes('WARN  Refusing peer') && l.endsWith('its proof of the cluster secret is wrong (cluster_secret differs)'))).to.have.length(1);
    }
  });

  it('refuses a peer without a secret, and will not talk to a peer that proves none', async () => {
    const secured = await counted({ cluster_secret: SECRET });
    const open = await counted();
    const err = await open.messaging.request(secured.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect((err as PeerUnreachableError).reason).to.equal(
      'handshake refused: this node requires the cluster secret, and the peer offered no challenge (is cluster_secret set on it?)',
    );
    expect(secured.messaging.refusedHandshakes()).to.equal(1);
    expect(secured.logs.some((l) => l.includes(`WARN  Refusing internode connection from ${open.messaging.self} (127.0.0.1:`))).to.equal(true);
    const back = await secured.messaging.request(open.messaging.self, 'ECHO', {}).catch((e: unknown) => e);
    expect((back as PeerUnreachableError).reason).to.equal('peer refused: it accepted the connection without proving the cluster secret (is cluster_secret set on it?)');
    expect([secured.handled(), open.handled()]).to.deep.equal([0, 0]);
  });

  it('warns once per address about refused connections and counts every one', async () => {
    const b = await counted({ cluster_secret: SECRET });
    for (let i = 0; i < 3; i++) {
      const raw = new RawPeer(await cluster.raw(b));
      raw.send([Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION }]);
      expect(await closedWithin(raw.socket, 2000)).to.equal(true);
    }
    await eventually(() => b.messaging.refusedHandshakes() === 3);
    const lines = b.logs.filter((l) => l.includes('Refusing internode connection from 127.0.0.9:7000'));
    expect(lines.map((l) => l.split(' ')[1])).to.deep.equal(['WARN', 'DEBUG', 'DEBUG']);
  });

  describe('a forged client on the internode port', () => {
    const echo = [Kind.Request, 1, VERBS.ECHO.id, {}];

    it('control: without a secret, a hand-made HELLO and request are run', async () => {
      // Proves the forged frames below are well formed: only the secret stops them.
      const b = await counted();
      const raw = new RawPeer(await cluster.raw(b));
      raw.send([Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION }], echo);
      expect(((await raw.next()) as unknown[])[0]).to.equal(Kind.HelloAck);
      expect(await raw.next()).to.deep.equal([Kind.Response, 1, VERBS.ECHO_RSP.id, {}]);
      expect(b.handled()).to.equal(1);
    });

    it('gets a request sent right after its HELLO dropped unread, and is disconnected', async () => {
      const b = await counted({ cluster_secret: SECRET });
      const raw = new RawPeer(await cluster.raw(b));
      raw.send([Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION, nonce: newNonce() }], echo);
      expect(await closedWithin(raw.socket, 2000)).to.equal(true);
      // At most the challenge got out before the connection closed; never an answer to the request.
      const got = (await raw.next(0)) as unknown[] | undefined;
      expect(got === undefined || got[0] === Kind.Challenge, `received ${JSON.stringify(got)}`).to.equal(true);
      expect(b.handled()).to.equal(0);
      expect(b.logs.some((l) => l.endsWith('expected the proof of the cluster secret, got an envelope of kind 4'))).to.equal(true);
    });

    it('gets a wrong proof refused, and nothing it sends after it is run', async () => {
      const b = await counted({ cluster_secret: SECRET });
      const raw = new RawPeer(await cluster.raw(b));
      raw.send([Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION, nonce: newNonce() }]);
      expect(((await raw.next()) as unknown[])[0]).to.equal(Kind.Challenge);
      raw.send([Kind.Proof, Buffer.alloc(32, 7)], echo);
      expect(await raw.next()).to.deep.equal([Kind.Refused, 'its proof of the cluster secret is wrong (cluster_secret differs)']);
      expect(await closedWithin(raw.socket, 2000)).to.equal(true);
      expect(b.handled()).to.equal(0);
      expect(b.messaging.refusedHandshakes()).to.equal(1);
    });

    it('is disconnected when it stalls after the challenge, after internode_tcp_connect_timeout', async () => {
      const b = await counted({ cluster_secret: SECRET, internode_tcp_connect_timeout: 300 });
      const raw = new RawPeer(await cluster.raw(b));
      raw.send([Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION, nonce: newNonce() }]);
      expect(((await raw.next()) as unknown[])[0]).to.equal(Kind.Challenge);
      expect(await closedWithin(raw.socket, 5000)).to.equal(true);
      expect(b.logs.some((l) => l.includes('Refusing internode connection from 127.0.0.9:7000') && l.endsWith('no handshake within internode_tcp_connect_timeout (300 ms)'))).to.equal(true);
    });
  });
});
