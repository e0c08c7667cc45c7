/**
 * Hint replay benchmark (`npm run bench:hints`): a coordinator holding
 * 100,000 hints of small single-row partitions for one target replays them
 * all. Both sides are in-process, as in the repair benchmark: the
 * coordinator is a HintStore and HintedHandoff on a LevelEngine in a
 * temporary directory with a MessagingService to send from; the target is a
 * MessagingService on loopback with the HINT handler applying to its own
 * LevelEngine. The replay path is the one a node runs (the same store,
 * replay loop, verb, handler and engine); only gossip is replaced by a
 * membership that reports the target alive.
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
import { SystemClock } from '../../src/clock/clock.js';
import { registerHintHandler } from '../../src/hints/hint-handler.js';
import { HintStore } from '../../src/hints/hint-store.js';
import { HintedHandoff } from '../../src/hints/hinted-handoff.js';
import { MessagingService } from '../../src/net/messaging.js';
import { LevelEngine } from '../../src/storage/engine.js';
import { silentLogger } from '../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/util/settings.js';
import { KV_LAYOUT, kvLayouts, kvRow } from './kv-table.js';

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
  const targetEngine = engineOf('target');
  await coordinatorEngine.open();
  await targetEngine.open();
  const coordinator = new MessagingService({ settings, clock, log: silentLogger });
  const target = new MessagingService({ settings, clock, log: silentLogger });
  await coordinator.listen();
  await target.listen();
  registerHintHandler(target, targetEngine, () => TARGET_HOST);
  const targetEp = target.self;
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
    let rowsOnTarget = 0;
    let after: { token: bigint; key: Buffer } | undefined;
    for (;;) {
      const page = await targetEngine.scan(KV_LAYOUT.id, { start: 0n, end: 0n }, { ...(after ? { after } : {}), limitPartitions: 10_000, withStatic: true });
      rowsOnTarget += page.length;
      if (page.length < 10_000) break;
      after = { token: page[page.length - 1]!.token, key: page[page.length - 1]!.key };
    }
    return { hints: count, bytes: before.bytes, wallS, left, rowsOnTarget };
  } finally {
    await handoff.stop();
    await coordinator.close();
    await target.close();
    await coordinatorEngine.close();
    await targetEngine.close();
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
