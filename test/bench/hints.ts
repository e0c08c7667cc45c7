/**
 * Hint replay benchmark (`npm run bench:hints`): a coordinator holding
 * 100,000 hints of small single-row partitions for one target replays them
 * all. The coordinator is a HintStore and HintedHandoff on a LevelEngine in
 * a temporary directory with a MessagingService to send from; the target
 * (hint-target.ts) runs in a worker thread, so that it has an event loop of
 * its own as a real target node does: a MessagingService on loopback with
 * the HINT handler applying to its own LevelEngine. The replay path is the
 * one a node runs (the same store, replay loop, verb, handler and engine);
 * only gossip is replaced by a membership that reports the target alive.
 *
 * The main figure is measured with `hinted_handoff_throttle` at 0
 * (unthrottled), because the throttle is an operator's bound on replay, not
 * the replay path's speed; a second, shorter run at the default
 * (1024 KiB/s) shows what an operator gets out of the box. It asserts
 * nothing (benchmarks are run, not tested), but checks that the target holds
 * every hinted row and that no hint is left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SystemClock } from '../../src/clock/clock.js';
import { HintStore } from '../../src/hints/hint-store.js';
import { HintedHandoff } from '../../src/hints/hinted-handoff.js';
import { MessagingService } from '../../src/net/messaging.js';
import { LevelEngine } from '../../src/storage/engine.js';
import { silentLogger } from '../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/util/settings.js';
import type { HintTargetData, HintTargetReply } from './hint-target.js';
import { kvLayouts, kvRow } from './kv-table.js';

const HINTS = Number(process.env['HINTS'] ?? 100_000);
/** Hints replayed at the default throttle: enough for a steady rate, few enough to take seconds, not minutes. */
const THROTTLED_HINTS = Number(process.env['THROTTLED_HINTS'] ?? 20_000);
const APPEND_BATCH = 1000;
const TARGET_HOST = 'host-target';


interface RunResult {
  hints: number;
  bytes: number;
  wallS: number;
  left: number;
  rowsOnTarget: number;
}

/** Stores `count` hints on a fresh coordinator, replays them to a fresh target at `throttleKiB`, and measures the replay. */
async function run(root: string, count: number, throttleKiB: number): Promise<RunResult> {
  const clock = new SystemClock();
  const settings: Settings = { ...DEFAULT_SETTINGS, listen_address: '127.0.0.1', storage_port: 0, hinted_handoff_throttle: throttleKiB };
  const engineOf = (name: string) =>
    new LevelEngine({ path: join(root, name), clock, commitlogSync: settings.commitlog_sync, commitlogSyncPeriodMs: settings.commitlog_sync_period, layouts: kvLayouts });
  const coordinatorEngine = engineOf('coordinator');
  await coordinatorEngine.open();
  const coordinator = new MessagingService({ settings, clock, log: silentLogger });
  await coordinator.listen();
  const target = new TargetWorker({ path: join(root, 'target'), hostId: TARGET_HOST });
  const targetEp = ((await target.next()) as { endpoint: string }).endpoint;
  const store = new HintStore(coordinatorEngine);
  const handoff = new HintedHandoff({
    store,
    settings,
    clock,
    log: silentLogger,
    self: coordinator.self,
    membership: {
      hostIdOf: (ep) => (ep === targetEp ? TARGET_HOST : undefined),
      endpointOf: (id) => (id === TARGET_HOST ? targetEp : undefined),
      isAlive: () => true,
      onAlive: () => () => {},
      onDead: () => () => {},
    },
    send: async (ep, request) => void (await coordinator.request(ep, 'HINT', request, { timeoutMs: settings.write_request_timeout })),
  });
  try {
    await handoff.start();
    for (let from = 0; from < count; from += APPEND_BATCH) {
      const n = Math.min(APPEND_BATCH, count - from);
      await Promise.all(Array.from({ length: n }, (_, i) => handoff.offer(targetEp, kvRow(from + i, 'hints'))));
    }
    const before = store.totalsOf(TARGET_HOST);
    if (before?.count !== count) throw new Error(`stored ${before?.count ?? 0} hints, expected ${count}`);

    const started = performance.now();
    await handoff.replayEndpoint(targetEp);
    const wallS = (performance.now() - started) / 1000;

    const left = store.totalsOf(TARGET_HOST)?.count ?? 0;
    target.post('count');
    const rowsOnTarget = ((await target.next()) as { rows: number }).rows;
    return { hints: count, bytes: before.bytes, wallS, left, rowsOnTarget };
  } finally {
    await handoff.stop();
    await coordinator.close();
    await target.close();
    await coordinatorEngine.close();
  }
}

/** The target node in its worker thread, answering one message at a time. */
class TargetWorker {
  private readonly worker: Worker;
  private readonly replies: HintTargetReply[] = [];
  private waiting: ((reply: HintTargetReply) => void) | undefined;

  constructor(data: HintTargetData) {
    this.worker = new Worker(new URL('./hint-target.js', import.meta.url), { workerData: data });
    this.worker.on('message', (reply: HintTargetReply) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(reply);
      } else this.replies.push(reply);
    });
    this.worker.on('error', (err) => {
      console.error(`hint target failed: ${err.message}`);
      process.exit(1);
    });
  }

  next(): Promise<HintTargetReply> {
    const reply = this.replies.shift();
    return reply ? Promise.resolve(reply) : new Promise((resolve) => (this.waiting = resolve));
  }

  post(message: 'count' | 'close'): void {
    this.worker.postMessage(message);
  }

  async close(): Promise<void> {
    this.post('close');
    await this.next();
    await this.worker.terminate();
  }
}

function report(label: string, r: RunResult): void {
  console.log(
    `${label}: ${r.hints} hints (${(r.bytes / 1024 / 1024).toFixed(1)} MiB stored) replayed in ${r.wallS.toFixed(2)} s = ` +
      `${Math.round(r.hints / r.wallS)} hints/s, ${(r.bytes / 1024 / r.wallS).toFixed(0)} KiB/s; ` +
      `left ${r.left}, target holds ${r.rowsOnTarget} rows${r.left === 0 && r.rowsOnTarget === r.hints ? '' : ' (INCOMPLETE)'}`,
  );
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sibyl-bench-hints-'));
  try {
    report('Unthrottled (hinted_handoff_throttle 0; target ≥ 20000 hints/s)', await run(join(root, 'free'), HINTS, 0));
    if (THROTTLED_HINTS > 0) {
      const kib = DEFAULT_SETTINGS.hinted_handoff_throttle;
      report(`Default throttle (hinted_handoff_throttle ${kib} KiB/s)`, await run(join(root, 'throttled'), THROTTLED_HINTS, kib));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
