/**
 * Overload: one real node flooded from 50 raw connections. Forty fire 500
 * small SELECTs at once and read the answers (most are Overloaded); ten never
 * read a byte, and send 10 SELECTs of ~200 KiB answers every 20 ms for as
 * long as the node takes them. Invariants: the node answers excess requests
 * Overloaded instead of queueing them, its memory stays bounded while the
 * flood lasts, it does not crash, and a separate, well-behaved driver client
 * still gets its queries answered throughout (retrying after an Overloaded,
 * as a driver's retry policy would).
 *
 * The memory bound, from the settings below: a non-reading connection holds
 * at most native_transport_max_requests_per_connection (8) requests' answers
 * in flight (~200 KiB each, ~1.6 MiB) plus
 * native_transport_max_pending_response_bytes (256 KiB) of answers queued
 * before the node stops reading it: about 2 MiB each, 20 MiB for ten. A
 * reading connection holds less (its answers are small and taken). Allowing
 * several times that for the garbage collector's slack and the requests
 * decoded in a burst, the node may grow by at most 150 MiB over its RSS
 * before the flood. Without the pause, the node would keep answering the
 * non-reading connections into memory as fast as it can build answers.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Client } from '../../src/client/index.js';
import { ErrorCode, OverloadedError } from '../../src/util/errors.js';
import { createPackr, encodeFrame, FrameDecoder } from '../../src/util/framing.js';
import { Opcode, PROTOCOL_VERSION } from '../../src/transport/protocol.js';
import { removeDir, startNode, tempDir, type NodeProcess } from '../integration/harness.js';

const CONNECTIONS = 50;
const READING_CONNECTIONS = 40;
const BURST_REQUESTS = 500;
const FLOOD_MS = 10_000;
const GROWTH_BOUND_BYTES = 150 * 1024 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** A raw client connection that fires requests without waiting; `reading` false never reads a byte back. */
class Flooder {
  readonly socket: Socket;
  overloaded = 0;
  results = 0;
  overloadedMessage = '';
  private readonly packr = createPackr();
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024, 'test');

  constructor(port: number, reading: boolean) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    if (reading) {
      this.socket.on('data', (chunk: Buffer) => {
        for (const body of this.decoder.push(chunk) as { o: number; b: { code?: number; message?: string } }[]) {
          if (body.o === Opcode.ERROR && body.b.code === ErrorCode.Overloaded) {
            this.overloaded++;
            this.overloadedMessage = body.b.message ?? '';
          } else if (body.o === Opcode.RESULT) this.results++;
        }
      });
    } else {
      this.socket.pause();
    }
  }

  private sent = 0;
  private timer: NodeJS.Timeout | undefined;

  private queries(n: number, partition: number): Buffer {
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++, this.sent++) {
      const body = { query: `SELECT k, v FROM ovl.t WHERE p = ${partition}`, consistency: 'ONE' };
      frames.push(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: 2 + (this.sent % 30_000), o: Opcode.QUERY, b: body }));
    }
    return Buffer.concat(frames);
  }

  /** All requests at once. */
  burst(): void {
    this.socket.write(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: 1, o: Opcode.STARTUP, b: { options: {} } }));
    this.socket.write(this.queries(BURST_REQUESTS, 1));
  }

  /** A wave of requests every 20 ms, while the node keeps taking them (our own send buffer stays small). */
  paced(): void {
    this.socket.write(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: 1, o: Opcode.STARTUP, b: { options: {} } }));
    this.timer = setInterval(() => {
      if (this.socket.writableLength < 256 * 1024) this.socket.write(this.queries(10, 2));
    }, 20);
  }

  sentCount(): number {
    return this.sent;
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.destroy();
  }
}

describe('overload: a node flooded from many connections', function () {
  this.timeout(60_000);
  const root = tempDir('sibyl-overload-');
  let node: NodeProcess | undefined;
  let client: Client | undefined;
  const flooders: Flooder[] = [];

  after(async () => {
    for (const f of flooders) f.stop();
    await client?.shutdown().catch(() => {});
    await node?.stop('SIGKILL');
    removeDir(root);
  });

  it('answers Overloaded, keeps its memory bounded, stays up and keeps answering a well-behaved client', async () => {
    const config = join(root, 'sibyl.yaml');
    writeFileSync(
      config,
      stringify({
        native_transport_max_requests_per_connection: 8,
        native_transport_max_concurrent_requests: 128,
        native_transport_max_pending_response_bytes: 256 * 1024,
      }),
    );
    node = await startNode({ dataDir: join(root, 'data'), args: ['--config', config], timeoutMs: 20_000 });
    client = new Client({ contactPoints: [`${node.host}:${node.port}`], discoverNodes: false });
    await client.connect();
    await client.execute("CREATE KEYSPACE ovl WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE ovl.t (p int, k int, v text, PRIMARY KEY (p, k))');
    const value = 'x'.repeat(1000);
    for (let k = 0; k < 20; k++) await client.execute('INSERT INTO ovl.t (p, k, v) VALUES (1, ?, ?)', [k, value], { prepare: true });
    for (let k = 0; k < 200; k++) await client.execute('INSERT INTO ovl.t (p, k, v) VALUES (2, ?, ?)', [k, value], { prepare: true });
    for (let i = 0; i < 50; i++) await client.execute('SELECT k, v FROM ovl.t WHERE p = 1');
    const baseline = rssBytes(node.child.pid!);

    for (let i = 0; i < CONNECTIONS; i++) flooders.push(new Flooder(node.port, i < READING_CONNECTIONS));
    await Promise.all(flooders.map((f) => new Promise((resolve) => f.socket.once('connect', resolve))));
    flooders.forEach((f, i) => (i < READING_CONNECTIONS ? f.burst() : f.paced()));

    // While the flood lasts: sample memory, and query through the driver one request at a time.
    let peak = baseline;
    let succeeded = 0;
    let overloadedAnswers = 0;
    const startMs = Date.now();
    while (Date.now() - startMs < FLOOD_MS) {
      peak = Math.max(peak, rssBytes(node.child.pid!));
      // Overloaded is an answer (the node-wide limit is shared with the flood): retry it, as a driver would.
      for (let attempt = 0; ; attempt++) {
        try {
          const rs = await client.execute('SELECT k, v FROM ovl.t WHERE p = 1', [], { consistency: 'ONE' });
          expect(rs.rows).to.have.length(20);
          succeeded++;
          break;
        } catch (err) {
          if (!(err instanceof OverloadedError) || attempt === 100) throw err;
          overloadedAnswers++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    peak = Math.max(peak, rssBytes(node.child.pid!));

    const readers = flooders.slice(0, READING_CONNECTIONS);
    const overloaded = readers.reduce((n, f) => n + f.overloaded, 0);
    const pacedSent = flooders.slice(READING_CONNECTIONS).reduce((n, f) => n + f.sentCount(), 0);
    const results = readers.reduce((n, f) => n + f.results, 0);
    console.log(
      `      RSS ${Math.round(baseline / 2 ** 20)} MiB before, peak ${Math.round(peak / 2 ** 20)} MiB; ` +
        `reading flooders got ${results} results and ${overloaded} Overloaded; non-reading ones sent ${pacedSent} requests; ` +
        `the driver client got all ${succeeded} of its queries answered, after ${overloadedAnswers} Overloaded retried`,
    );
    expect(node.child.exitCode, 'the node is still running').to.equal(null);
    expect(peak - baseline, `RSS grew from ${baseline} to ${peak} bytes`).to.be.below(GROWTH_BOUND_BYTES);
    expect(overloaded, 'Overloaded answers reached the reading flooders').to.be.greaterThan(0);
    expect(readers.some((f) => /^too many requests in flight on this (connection|node): native_transport_max_(requests_per_connection is 8|concurrent_requests is 128)$/.test(f.overloadedMessage))).to.equal(true);
    expect(succeeded, 'the well-behaved client got results during the flood').to.be.greaterThan(10);

    // Once the flood is over the node serves normally.
    for (const f of flooders) f.stop();
    const rs = await client.execute('SELECT k, v FROM ovl.t WHERE p = 1');
    expect(rs.rows).to.have.length(20);
  });
});
