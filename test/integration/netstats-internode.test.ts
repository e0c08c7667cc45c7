/**
 * `sibyltool netstats` against a real node shows its internode load: a
 * garbage connection to the internode port counts as a refused handshake,
 * and a peer past internode_max_requests_in_flight_per_peer (1 here) gets
 * Overloaded, counted in the same lines.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { VERBS } from '../../src/net/verbs.js';
import { Kind, MESSAGING_VERSION } from '../../src/net/wire.js';
import { ErrorCode } from '../../src/util/errors.js';
import { createPackr, encodeFrame, FrameDecoder } from '../../src/util/framing.js';
import { removeDir, SIBYL_BIN, startNode, tempDir, type NodeProcess } from './harness.js';

const SIBYLTOOL_BIN = join(dirname(SIBYL_BIN), 'sibyltool.js');

function netstats(node: NodeProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SIBYLTOOL_BIN, '-h', node.host, '-p', String(node.port), 'netstats'], { timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`sibyltool netstats failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

function internodeSocket(node: NodeProcess): Promise<Socket> {
  const [host, port] = node.endpoint.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host!, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Collects decoded frames from a socket until `count` have come. */
function frames(socket: Socket, count: number): Promise<unknown[][]> {
  const decoder = new FrameDecoder(1 << 20, 'test');
  const got: unknown[][] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      got.push(...(decoder.push(chunk) as unknown[][]));
      if (got.length >= count) resolve(got);
    });
    socket.once('close', () => reject(new Error(`connection closed after ${got.length} of ${count} frames`)));
  });
}

describe('sibyltool netstats: internode lines of a real node', function () {
  this.timeout(40_000);
  const root = tempDir('sibyl-netstats-');
  let node: NodeProcess | undefined;
  const sockets: Socket[] = [];

  after(async () => {
    for (const s of sockets) s.destroy();
    await node?.stop();
    removeDir(root);
  });

  it('counts a refused handshake and requests answered Overloaded', async () => {
    const config = join(root, 'sibyl.yaml');
    writeFileSync(config, stringify({ internode_max_requests_in_flight_per_peer: 1 }));
    node = await startNode({ dataDir: join(root, 'data'), args: ['--config', config], timeoutMs: 20_000 });
    expect(await netstats(node)).to.contain(
      'Internode requests in flight: 0, answered Overloaded: 0\n' +
        'Internode connections paused for unread responses: 0 now, 0 since start\n' +
        'Refused internode handshakes: 0\n',
    );

    const garbage = await internodeSocket(node);
    sockets.push(garbage);
    const closed = new Promise((resolve) => garbage.once('close', resolve));
    garbage.on('error', () => {});
    garbage.write(encodeFrame(createPackr(), 'not a handshake'));
    await closed;

    // A peer sends two ECHOs in one write: the first takes the one slot, the second is answered Overloaded.
    const peer = await internodeSocket(node);
    sockets.push(peer);
    const answers = frames(peer, 3);
    const packr = createPackr();
    peer.write(encodeFrame(packr, [Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION }]));
    peer.write(Buffer.concat([1, 2].map((id) => encodeFrame(packr, [Kind.Request, id, VERBS.ECHO.id, {}]))));
    const [ack, ...replies] = await answers;
    expect(ack![0]).to.equal(Kind.HelloAck);
    expect(replies.map((r) => [r[0], r[1], r[2]])).to.have.deep.members([
      [Kind.Response, 1, VERBS.ECHO_RSP.id],
      [Kind.Error, 2, VERBS.ECHO_RSP.id],
    ]);
    expect((replies.find((r) => r[0] === Kind.Error)![3] as { code: number }).code).to.equal(ErrorCode.Overloaded);

    expect(await netstats(node)).to.contain(
      'Internode requests in flight: 0, answered Overloaded: 1\n' +
        'Internode connections paused for unread responses: 0 now, 0 since start\n' +
        'Refused internode handshakes: 1\n',
    );
  });
});
