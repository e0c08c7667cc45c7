/**
 * The target of the hint replay benchmark, run in a worker thread so that it
 * has its own event loop, as a real target node has its own process: a
 * MessagingService on loopback with the HINT handler applying to a
 * LevelEngine in `path`. It posts its endpoint once listening, answers
 * 'count' with the rows it holds, and closes on 'close'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SystemClock } from '../../src/clock/clock.js';
import { registerHintHandler } from '../../src/hints/hint-handler.js';
import { MessagingService } from '../../src/net/messaging.js';
import { LevelEngine } from '../../src/storage/engine.js';
import { silentLogger } from '../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/util/settings.js';
import { KV_LAYOUT, kvLayouts } from './kv-table.js';

export interface HintTargetData {
  path: string;
  hostId: string;
}

export type HintTargetReply = { endpoint: string } | { rows: number } | { closed: true };

const { path, hostId } = workerData as HintTargetData;
const port = parentPort!;
const clock = new SystemClock();
const settings: Settings = { ...DEFAULT_SETTINGS, listen_address: '127.0.0.1', storage_port: 0 };
const engine = new LevelEngine({ path, clock, commitlogSync: settings.commitlog_sync, commitlogSyncPeriodMs: settings.commitlog_sync_period, layouts: kvLayouts });
await engine.open();
const messaging = new MessagingService({ settings, clock, log: silentLogger });
await messaging.listen();
registerHintHandler(messaging, engine, () => hostId);

async function countRows(): Promise<number> {
  let rows = 0;
  let after: { token: bigint; key: Buffer } | undefined;
  for (;;) {
    const page = await engine.scan(KV_LAYOUT.id, { start: 0n, end: 0n }, { ...(after ? { after } : {}), limitPartitions: 10_000, withStatic: true });
    rows += page.length;
    if (page.length < 10_000) return rows;
    after = { token: page[page.length - 1]!.token, key: page[page.length - 1]!.key };
  }
}

port.on('message', (message: 'count' | 'close') => {
  if (message === 'count') {
    void countRows().then((rows) => port.postMessage({ rows } satisfies HintTargetReply));
  } else {
    void messaging
      .close()
      .then(() => engine.close())
      .then(() => port.postMessage({ closed: true } satisfies HintTargetReply));
  }
});
port.postMessage({ endpoint: messaging.self } satisfies HintTargetReply);
