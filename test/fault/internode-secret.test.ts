/**
 * The cluster secret, against real `sibyl node` processes: nodes sharing it
 * form a cluster and serve QUORUM; a node with another secret never joins;
 * and a forged internode client, speaking the framing by hand, cannot get a
 * mutation applied. A control node without a secret applies the very same
 * forged frames, so the refusal is the secret's doing and nothing else's.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { Client } from '../../src/client/index.js';
import { newNonce } from '../../src/net/handshake-proof.js';
import { VERBS } from '../../src/net/verbs.js';
import { Kind, MESSAGING_VERSION } from '../../src/net/wire.js';
import { murmur3Token } from '../../src/ring/murmur3.js';
import { NO_DELETION_TIME, type Partition } from '../../src/storage/model.js';
import { removeDir, startNode, tempDir, type NodeProcess } from '../integration/harness.js';
import { RawPeer } from '../unit/net/raw-peer.js';
import { destroyAfterSuite, FaultCluster, SIBYLTOOL_BIN, waitFor } from './harness.js';

const UP3 = ['UN 127.0.0.1', 'UN 127.0.0.2', 'UN 127.0.0.3'];

function forgedMutation(tableId: string, key: string): unknown {
  const partition: Partition = {
    tableId,
    key: Buffer.from(key),
    token: murmur3Token(Buffer.from(key)),
    rangeTombstones: [],
    rows: [
      {
        clustering: [],
        isStatic: false,
        collectionDeletions: [],
        cells: [{ column: 'v', cell: { value: Buffer.from('forged'), timestampUs: 1_700_000_000_000_000, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME } }],
      },
    ],
  };
  return [Kind.Request, 1, VERBS.MUTATION.id, { partitions: [partition] }];
}

function rawConnect(host: string, port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, host, () => resolve(new RawPeer(socket)));
    socket.once('error', reject);
  });
}

function closed(peer: RawPeer, ms: number): Promise<boolean> {
  if (peer.socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    peer.socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function tableIdOf(client: Client, keyspace: string, table: string): Promise<string> {
  const rs = await client.execute(`SELECT id FROM system_schema.tables WHERE keyspace_name = '${keyspace}' AND table_name = '${table}'`);
  return String(rs.rows[0]!['id']);
}

describe('internode security: the cluster secret (real processes)', function () {
  this.timeout(90_000);
  const right = 'the-cluster-secret';
  const cluster = new FaultCluster([1, 2, 3, 4].map((index) => ({ index, dc: 'dc1', settings: {} as Record<string, unknown> })));
  const secretFile = join(cluster.root, 'cluster.secret');
  const wrongFile = join(cluster.root, 'wrong.secret');

  before(async () => {
    writeFileSync(secretFile, `${right}\n`);
    writeFileSync(wrongFile, 'another-secret\n');
    for (const spec of cluster.specs) spec.settings = { cluster_secret_file: spec.index === 4 ? wrongFile : secretFile };
    await cluster.startNode(1);
    await Promise.all([cluster.startNode(2), cluster.startNode(3)]);
  });
  destroyAfterSuite(cluster);

  it('forms a cluster of the nodes sharing the secret, which serves QUORUM writes and reads', async () => {
    for (const i of [1, 2, 3]) await waitFor(`node ${i} to see the three nodes up`, 30_000, async () => JSON.stringify(await cluster.statusOf(i)) === JSON.stringify(UP3));
    const c = await cluster.client(1);
    await c.execute(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await c.execute('CREATE TABLE ks.t (k text PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await c.execute(`INSERT INTO ks.t (k, v) VALUES ('a', 'one')`, null, { consistency: 'QUORUM' });
    const rs = await (await cluster.client(2)).execute(`SELECT v FROM ks.t WHERE k = 'a'`, null, { consistency: 'QUORUM' });
    expect(rs.rows.map((r) => r['v'])).to.deep.equal(['one']);
    for (const line of cluster.logOf(1).split('\n')) expect(line).to.not.include('Internode traffic is unauthenticated');
  });

  it('never lets a node with another secret join: it is refused at the handshake, never seen, and stops unable to gossip with its seed', async () => {
    // Node 4 dials the seed; the seed's proof does not verify under node 4's
    // secret, so node 4 hangs up, and the seed logs it. Hearing of no ring
    // from its seed, node 4 refuses to start, as Cassandra's does.
    const failure = await cluster.startNode(4).then(
      () => null,
      (err: Error) => err,
    );
    expect(failure?.message).to.match(/node 4 exited before serving clients/);
    expect(cluster.logOf(4)).to.match(/Refusing peer 127\.0\.0\.1:\d+ on this node's internode connection: its proof of the cluster secret is wrong/);
    expect(cluster.logOf(4)).to.include('sibyl node: cannot start: Unable to gossip with any peers: no seed (127.0.0.1:');
    expect(cluster.logOf(4)).to.not.include('Connected to peer');
    expect(cluster.logOf(1)).to.match(/WARN\s+Refusing internode connection from 127\.0\.0\.4:\d+ \(127\.0\.0\.\d+:\d+\): closed by the peer before completing the handshake/);
    for (const i of [1, 2, 3]) expect(await cluster.statusOf(i), `node ${i}'s view`).to.deep.equal(UP3);
  });

  it('refuses a forged internode client and does not apply its mutation, which a node without a secret does apply', async () => {
    const c = await cluster.client(1);
    const tableId = await tableIdOf(c, 'ks', 't');

    // No proof at all: a HELLO without a nonce, followed at once by a mutation.
    const bare = await rawConnect(cluster.host(1), cluster.storagePort);
    bare.send([Kind.Hello, { cluster_name: 'Sibyl Fault Test', from: '127.0.0.9:7000', version: MESSAGING_VERSION }], forgedMutation(tableId, 'forged-1'));
    expect(await bare.next()).to.deep.equal([Kind.Refused, 'this node requires the cluster secret, and the peer offered no challenge (is cluster_secret set on it?)']);
    expect(await closed(bare, 5000)).to.equal(true);

    // A wrong proof, followed by a mutation.
    const wrong = await rawConnect(cluster.host(1), cluster.storagePort);
    wrong.send([Kind.Hello, { cluster_name: 'Sibyl Fault Test', from: '127.0.0.9:7000', version: MESSAGING_VERSION, nonce: newNonce() }]);
    expect(((await wrong.next()) as unknown[])[0]).to.equal(Kind.Challenge);
    wrong.send([Kind.Proof, Buffer.alloc(32, 1)], forgedMutation(tableId, 'forged-2'));
    expect(await wrong.next()).to.deep.equal([Kind.Refused, 'its proof of the cluster secret is wrong (cluster_secret differs)']);
    expect(await closed(wrong, 5000)).to.equal(true);

    for (const key of ['forged-1', 'forged-2']) expect(await cluster.dump(1, 'ks.t', key), key).to.deep.equal([]);
    expect(await cluster.dump(1, 'ks.t', 'a'), 'the dump does show real rows').to.have.length(1);

    // Control: the same frames against a node without a secret are applied.
    const dataDir = tempDir('sibyl-open-');
    let open: NodeProcess | undefined;
    let client: Client | undefined;
    try {
      open = await startNode({ dataDir, args: ['--cluster-name', 'Sibyl Fault Test'] });
      expect(open.stderr()).to.include('Internode traffic is unauthenticated');
      client = new Client({ contactPoints: [`${open.host}:${open.port}`], discoverNodes: false });
      await client.execute(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute('CREATE TABLE ks.t (k text PRIMARY KEY, v text)');
      const openTableId = await tableIdOf(client, 'ks', 't');
      const [host, port] = [open.endpoint.slice(0, open.endpoint.lastIndexOf(':')), Number(open.endpoint.slice(open.endpoint.lastIndexOf(':') + 1))];
      const forger = await rawConnect(host, port);
      forger.send([Kind.Hello, { cluster_name: 'Sibyl Fault Test', from: '127.0.0.9:7000', version: MESSAGING_VERSION }], forgedMutation(openTableId, 'forged-1'));
      expect(((await forger.next()) as unknown[])[0]).to.equal(Kind.HelloAck);
      expect(((await forger.next(5000)) as unknown[])[0]).to.equal(Kind.Response);
      forger.socket.destroy();
      const rs = await client.execute(`SELECT v FROM ks.t WHERE k = 'forged-1'`);
      expect(rs.rows.map((r) => r['v'])).to.deep.equal(['forged']);
    } finally {
      await client?.shutdown();
      await open?.stop();
      removeDir(dataDir);
    }
  });
});

export { execFile, SIBYLTOOL_BIN };
