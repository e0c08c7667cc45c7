/**
 * Overload: one real node flooded from 50 raw connections. Forty fire 500
 * small SELECTs at once and read the answers (most are Overloaded); ten never
 * read a byte, and keep sending SELECTs of a 1 MiB blob for as long as the
 * node takes them. Invariants: the node answers excess requests Overloaded
 * instead of queueing them, its memory stops growing instead of growing with
 * the flood, it does not crash, and a separate, well-behaved driver client
 * still gets its queries answered throughout (retrying after an Overloaded,
 * as a driver's retry policy would).
 *
 * The memory bound, from the settings below: a non-reading connection holds
 * at most native_transport_max_requests_per_connection (4) answers of 1 MiB
 * in flight plus native_transport_max_pending_response_bytes (256 KiB), and
 * one answer past it, queued before the node stops reading it: about 6 MiB
 * each, 60 MiB for ten (what the kernel's socket buffers hold is not in the
 * node's RSS). A reading connection holds less (its answers are small and
 * taken). Allowing for the garbage collector's slack (every answer is a fresh
 * 1 MiB buffer), the node may grow by at most 256 MiB over its RSS before the
 * flood, and by at most 96 MiB over the second half of the flood: the
 * bounded node reaches its plateau within seconds. Without the pause the
 * node keeps answering the non-reading connections into its own memory, at
 * the rate it can read 1 MiB rows (hundreds of MiB a second), and the flood
 * stops early, failing, as soon as the growth passes the bound.
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

const MiB = 1024 * 1024;
const CONNECTIONS = 50;
const READING_CONNECTIONS = 40;
const BURST_REQUESTS = 500;
const BLOB_BYTES = MiB;
const FLOOD_MS = 16_000;
const SAMPLE_MS = 200;
const GROWTH_BOUND_BYTES = 256 * MiB;
const SECOND_HALF_GROWTH_BOUND_BYTES = 96 * MiB;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

/** A raw client connection that fires requests without waiting; `reading` false never reads a byte back. */
class Flooder {
  readonly socket: Socket;
  overloaded = 0;
  results = 0;
  overloadedMessage = '';
  private readonly packr = createPackr();
  private readonly decoder = new FrameDecoder(64 * MiB, 'test');
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;

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

  private queries(n: number, query: string): Buffer {
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++, this.sent++) {
      const body = { query, consistency: 'ONE' };
      frames.push(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: 2 + (this.sent % 30_000), o: Opcode.QUERY, b: body }));
    }
    return Buffer.concat(frames);
  }

  private startup(): void {
    this.socket.write(encodeFrame(this.packr, { v: PROTOCOL_VERSION, s: 1, o: Opcode.STARTUP, b: { options: {} } }));
  }

  /** All requests at once. */
  burst(): void {
    this.startup();
    this.socket.write(this.queries(BURST_REQUESTS, 'SELECT k, v FROM ovl.t WHERE p = 1'));
  }

  /** A wave of 1 MiB reads every 20 ms, while the node keeps taking them (our own send buffer stays small). */
  paced(): void {
    this.startup();
    this.timer = setInterval(() => {
      if (this.socket.writableLength < 64 * 1024) this.socket.write(this.queries(4, 'SELECT v FROM ovl.big WHERE p = 1'));
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

  it('answers Overloaded, stops growing in memory, stays up and keeps answering a well-behaved client', async () => {
    const config = join(root, 'sibyl.yaml');
    writeFileSync(
      config,
      stringify({
        native_transport_max_requests_per_connection: 4,
        native_transport_max_concurrent_requests: 128,
        native_transport_max_pending_response_bytes: 256 * 1024,
      }),
    );
    node = await startNode({ dataDir: join(root, 'data'), args: ['--config', config], timeoutMs: 20_000 });
    const pid = node.child.pid!;
    client = new Client({ contactPoints: [`${node.host}:${node.port}`], discoverNodes: false });
    await client.connect();
    await client.execute("CREATE KEYSPACE ovl WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE ovl.t (p int, k int, v text, PRIMARY KEY (p, k))');
    await client.execute('CREATE TABLE ovl.big (p int PRIMARY KEY, v blob)');
    const value = 'x'.repeat(1000);
    for (let k = 0; k < 20; k++) await client.execute('INSERT INTO ovl.t (p, k, v) VALUES (1, ?, ?)', [k, value], { prepare: true });
    await client.execute('INSERT INTO ovl.big (p, v) VALUES (1, ?)', [Buffer.alloc(BLOB_BYTES, 7)], { prepare: true });
    const big = await client.execute('SELECT v FROM ovl.big WHERE p = 1');
    expect((big.rows[0]!['v'] as Buffer).length).to.equal(BLOB_BYTES);
    for (let i = 0; i < 50; i++) await client.execute('SELECT k, v FROM ovl.t WHERE p = 1');
    const baseline = rssBytes(pid);

    for (let i = 0; i < CONNECTIONS; i++) flooders.push(new Flooder(node.port, i < READING_CONNECTIONS));
    await Promise.all(flooders.map((f) => new Promise((resolve) => f.socket.once('connect', resolve))));
    flooders.forEach((f, i) => (i < READING_CONNECTIONS ? f.burst() : f.paced()));

    // Memory is sampled on a timer of its own, so a slow query cannot hide a spike; a
    // node past the bound has failed already, and the flood stops rather than fill the machine.
    const startMs = Date.now();
    const samples: { atMs: number; rss: number }[] = [];
    let overBound = false;
    const sampler = setInterval(() => {
      const rss = rssBytes(pid);
      samples.push({ atMs: Date.now() - startMs, rss });
      if (rss - baseline < GROWTH_BOUND_BYTES || overBound) return;
      overBound = true;
      for (const f of flooders) f.stop();
    }, SAMPLE_MS);

    // While the flood lasts, query through the driver one request at a time.
    let succeeded = 0;
    let overloadedAnswers = 0;
    try {
      while (Date.now() - startMs < FLOOD_MS && !overBound) {
        // Overloaded is an answer (the node-wide limit is shared with the flood): retry it, as a driver would.
        for (let attempt = 0; ; attempt++) {
          try {
            const rs = await client.execute('SELECT k, v FROM ovl.t WHERE p = 1', [], { consistency: 'ONE' });
            expect(rs.rows).to.have.length(20);
            succeeded++;
            break;
          } catch (err) {
            // A node past the memory bound has failed on that count; its slow answers are not the news.
            if (overBound) break;
            if (!(err instanceof OverloadedError) || attempt === 100) throw err;
            overloadedAnswers++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      clearInterval(sampler);
    }
    const floodMs = Date.now() - startMs;
    samples.push({ atMs: floodMs, rss: rssBytes(pid) });

    const peak = Math.max(...samples.map((s) => s.rss));
    const peakBy = (ms: number) => Math.max(baseline, ...samples.filter((s) => s.atMs <= ms).map((s) => s.rss));
    const firstHalfPeak = peakBy(floodMs / 2);
    const readers = flooders.slice(0, READING_CONNECTIONS);
    const overloaded = readers.reduce((n, f) => n + f.overloaded, 0);
    const pacedSent = flooders.slice(READING_CONNECTIONS).reduce((n, f) => n + f.sentCount(), 0);
    const results = readers.reduce((n, f) => n + f.results, 0);
    const curve = [1, 2, 3, 4].map((q) => `${mib(peakBy((floodMs * q) / 4))}`).join(', ');
    console.log(
      `      RSS ${mib(baseline)} before; peak by each quarter of the ${floodMs} ms flood: ${curve}; ` +
        `grew ${mib(peak - firstHalfPeak)} in the second half. ` +
        `Reading flooders got ${results} results and ${overloaded} Overloaded; non-reading ones sent ${pacedSent} requests of ${mib(BLOB_BYTES)} answers; ` +
        `the driver client got all ${succeeded} of its queries answered, after ${overloadedAnswers} Overloaded retried`,
    );
    expect(node.child.exitCode, 'the node is still running').to.equal(null);
    expect(peak - baseline, `RSS grew from ${mib(baseline)} to ${mib(peak)} within ${floodMs} ms (bound ${mib(GROWTH_BOUND_BYTES)})`).to.be.below(GROWTH_BOUND_BYTES);
    expect(peak - firstHalfPeak, `RSS kept growing in the second half of the flood: ${curve}`).to.be.below(SECOND_HALF_GROWTH_BOUND_BYTES);
    expect(overloaded, 'Overloaded answers reached the reading flooders').to.be.greaterThan(0);
    expect(readers.some((f) => /^too many requests in flight on this (connection|node): native_transport_max_(requests_per_connection is 4|concurrent_requests is 128)$/.test(f.overloadedMessage))).to.equal(true);
    expect(succeeded, 'the well-behaved client got results during the flood').to.be.greaterThan(10);

    // Once the flood is over the node serves normally.
    for (const f of flooders) f.stop();
    const rs = await client.execute('SELECT k, v FROM ovl.t WHERE p = 1');
    expect(rs.rows).to.have.length(20);
  });
});
