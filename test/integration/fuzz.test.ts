/**
 * The fuzzers against a real `sibyl node` process: a few thousand generated
 * inputs (random bytes, mutated valid frames, valid frames with fields of
 * the wrong type) sent over real sockets to both its client port and its
 * internode port — internode ones after a valid handshake half the time, so
 * they reach verb dispatch and the handlers. Invariant: no input crashes or
 * hangs the node; afterwards, once gossip has run a few rounds over whatever
 * the inputs left behind, it still answers a normal query.
 */
import { expect } from 'chai';
import { connect } from 'node:net';
import { Client } from '../../src/client/index.js';
import { Kind, MESSAGING_VERSION } from '../../src/net/wire.js';
import { DEFAULT_SETTINGS } from '../../src/util/settings.js';
import { createPackr, encodeFrame } from '../../src/util/framing.js';
import { ClientTarget } from '../fuzz/client.js';
import { InternodeTarget } from '../fuzz/internode.js';
import { FUZZ_SCHEMA } from '../fuzz/memory-processor.js';
import { iterationSeed, Rng } from '../fuzz/rng.js';
import type { FuzzTarget } from '../fuzz/target.js';
import { removeDir, startNode, type NodeProcess } from './harness.js';

const SEED = 4242;
const INPUTS_PER_PORT = 2000;
const CONNECTIONS_IN_FLIGHT = 16;
/** How long one connection may stay open after its input was sent; the node closes most at once. */
const LINGER_MS = 300;

/** Sends `bytes` on a fresh connection and waits until it closes (or LINGER_MS passes). */
function sendOnce(host: string, port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.write(bytes);
      socket.end();
    });
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function fuzzPort(target: FuzzTarget, frame: (input: Buffer, rng: Rng) => Buffer, host: string, port: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < INPUTS_PER_PORT) {
      const i = next++;
      const rng = new Rng(iterationSeed(SEED, i));
      await sendOnce(host, port, frame(target.generate(rng).bytes, rng));
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS_IN_FLIGHT }, worker));
}

describe('fuzzing a real node over its sockets', function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let client: Client;

  before(async () => {
    node = await startNode();
    client = new Client({ contactPoints: [`${node.host}:${node.port}`] });
    await client.connect();
    for (const statement of FUZZ_SCHEMA) await client.execute(statement);
    await client.execute("CREATE KEYSPACE alive WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE alive.kv (k int PRIMARY KEY, v text)');
  });

  after(async () => {
    await client?.shutdown();
    await node?.stop();
    if (node) removeDir(node.dataDir);
  });

  it(`survives ${INPUTS_PER_PORT} fuzzed inputs on each port and still answers queries`, async () => {
    await fuzzPort(new ClientTarget(), (bytes) => bytes, node.host, node.port);
    expect(node.child.exitCode, node.stderr().slice(-3000)).to.equal(null);

    const [host, storagePort] = [node.endpoint.slice(0, node.endpoint.lastIndexOf(':')), Number(node.endpoint.slice(node.endpoint.lastIndexOf(':') + 1))];
    const packr = createPackr();
    const hello = encodeFrame(packr, [Kind.Hello, { cluster_name: DEFAULT_SETTINGS.cluster_name, from: '127.0.0.99:7000', version: MESSAGING_VERSION }]);
    await fuzzPort(new InternodeTarget(), (bytes, rng) => (rng.chance(0.5) ? Buffer.concat([hello, bytes]) : bytes), host, storagePort);

    // Let gossip run a few rounds over whatever state the inputs left, then ask as a client would.
    await new Promise((resolve) => setTimeout(resolve, 3 * DEFAULT_SETTINGS.gossip_interval));
    expect(node.child.exitCode, node.stderr().slice(-3000)).to.equal(null);
    await client.execute("INSERT INTO alive.kv (k, v) VALUES (1, 'still here')");
    const rs = await client.execute('SELECT v FROM alive.kv WHERE k = 1');
    expect(rs.rows.map((r) => r['v'])).to.deep.equal(['still here']);
    if (process.env['FUZZ_SHOW_LOG']) console.log(node.stderr());
    expect(node.stderr()).to.not.match(/uncaught|unhandled/i);
  });
});
