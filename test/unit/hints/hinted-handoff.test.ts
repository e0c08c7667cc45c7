import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { HintStore } from '../../../src/hints/hint-store.js';
import { chunksOf, HintedHandoff, type HintMembership } from '../../../src/hints/hinted-handoff.js';
import { replayChunkBytes, throttleDelayMs } from '../../../src/hints/throttle.js';
import type { HintRequest } from '../../../src/net/payloads.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import type { Partition } from '../../../src/storage/model.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { ck, layouts, live, partition, row } from '../storage/fixtures.js';

const TARGET = '127.0.0.3:7000';
const TARGET_HOST = 'host-3';

function hinted(key: number, value = `v${key}`, timestampUs = 1000 + key): Partition {
  return partition(key, { rows: [row(ck(key, 'a'), { cells: [{ column: 'v', cell: live(value, timestampUs) }] })] });
}

class FakeMembership implements HintMembership {
  alive = new Set<string>();
  private readonly aliveListeners = new Set<(ep: string) => void>();
  private readonly deadListeners = new Set<(ep: string) => void>();
  hostIdOf(ep: string) {
    return ep === TARGET ? TARGET_HOST : undefined;
  }
  endpointOf(hostId: string) {
    return hostId === TARGET_HOST ? TARGET : undefined;
  }
  isAlive(ep: string) {
    return this.alive.has(ep);
  }
  onAlive(fn: (ep: string) => void) {
    this.aliveListeners.add(fn);
    return () => this.aliveListeners.delete(fn);
  }
  onDead(fn: (ep: string) => void) {
    this.deadListeners.add(fn);
    return () => this.deadListeners.delete(fn);
  }
  markDead(ep: string) {
    this.alive.delete(ep);
    for (const fn of this.deadListeners) fn(ep);
  }
  markAlive(ep: string) {
    this.alive.add(ep);
    for (const fn of this.aliveListeners) fn(ep);
  }
}

describe('hinted handoff', () => {
  let clock: ManualClock;
  let engine: MemoryEngine;
  let membership: FakeMembership;
  let sent: HintRequest[];
  let sendFails: boolean;
  let handoff: HintedHandoff;

  async function make(overrides: Partial<Settings> = {}): Promise<HintedHandoff> {
    const settings: Settings = { ...DEFAULT_SETTINGS, hinted_handoff_throttle: 0, ...overrides };
    handoff = new HintedHandoff({
      store: new HintStore(engine),
      settings,
      clock,
      log: silentLogger,
      membership,
      self: '127.0.0.1:7000',
      send: async (_endpoint, request) => {
        if (sendFails) throw new Error('target unreachable');
        sent.push(request);
      },
    });
    await handoff.start();
    return handoff;
  }

  beforeEach(async () => {
    clock = new ManualClock();
    engine = new MemoryEngine({ clock, layouts });
    await engine.open();
    membership = new FakeMembership();
    sent = [];
    sendFails = false;
  });

  afterEach(async () => {
    await handoff?.stop();
  });

  it('stores a hint durably for a down target and lists it with its count, bytes and age', async () => {
    await make();
    membership.markDead(TARGET);
    expect(await handoff.offer(TARGET, hinted(1))).to.equal(true);
    clock.advance(5000);
    expect(await handoff.offer(TARGET, hinted(2))).to.equal(true);
    const [pending] = handoff.pending();
    expect(pending!.hostId).to.equal(TARGET_HOST);
    expect(pending!.endpoint).to.equal(TARGET);
    expect(pending!.count).to.equal(2);
    expect(pending!.newestMs - pending!.oldestMs).to.equal(5000);
    // A new store over the same storage sees the same hints: they are on disk, not in memory.
    const reloaded = new HintStore(engine);
    await reloaded.load();
    expect(reloaded.targets()).to.deep.equal(handoff.pending().map(({ endpoint: _e, ...t }) => t));
  });

  it('pages a target hints oldest first, in the order they were written', async () => {
    await make();
    membership.markDead(TARGET);
    for (const k of [5, 3, 9, 1]) {
      await handoff.offer(TARGET, hinted(k));
      clock.advance(1);
    }
    const store = new HintStore(engine);
    const page = await store.page(TARGET_HOST, 10);
    expect(page.map((h) => h.partition.key)).to.deep.equal([5, 3, 9, 1].map((k) => hinted(k).key));
    expect((await store.page(TARGET_HOST, 2)).length).to.equal(2);
  });

  it('refuses a hint past max_hints_size_per_host, counts it dropped, persists the count, and never throws', async () => {
    await make();
    membership.markDead(TARGET);
    expect(await handoff.offer(TARGET, hinted(1))).to.equal(true);
    const oneHintBytes = handoff.pending()[0]!.bytes;
    await handoff.stop();
    await make({ max_hints_size_per_host: oneHintBytes + 10 });
    membership.markDead(TARGET);
    expect(await handoff.offer(TARGET, hinted(2))).to.equal(false);
    expect(handoff.pending()[0]!.count).to.equal(1);
    expect(handoff.stats().dropped).to.equal(1);
    const reloaded = new HintStore(engine);
    await reloaded.load();
    expect(reloaded.droppedByTarget()).to.deep.equal(new Map([[TARGET_HOST, 1]]));
  });

  it('stops hinting a target down longer than max_hint_window', async () => {
    await make({ max_hint_window: 60_000 });
    membership.markDead(TARGET);
    clock.advance(60_000);
    expect(await handoff.offer(TARGET, hinted(1))).to.equal(true);
    clock.advance(1);
    expect(await handoff.offer(TARGET, hinted(2))).to.equal(false);
    expect(handoff.pending()[0]!.count).to.equal(1);
    expect(handoff.droppedByTarget().get(TARGET_HOST)).to.equal(1);
    // Back up and down again: the window starts over.
    membership.markAlive(TARGET);
    membership.markDead(TARGET);
    sendFails = true;
    expect(await handoff.offer(TARGET, hinted(3))).to.equal(true);
  });

  it('stores nothing while disabled, without counting drops, and stores again once enabled', async () => {
    await make({ hinted_handoff_enabled: false });
    membership.markDead(TARGET);
    expect(handoff.isEnabled()).to.equal(false);
    expect(await handoff.offer(TARGET, hinted(1))).to.equal(false);
    expect(handoff.stats().dropped).to.equal(0);
    handoff.setEnabled(true);
    expect(await handoff.offer(TARGET, hinted(1))).to.equal(true);
  });

  it('replays every hint with its original timestamps when the target comes back, deleting them once acknowledged', async () => {
    await make();
    membership.markDead(TARGET);
    for (let k = 0; k < 300; k++) await handoff.offer(TARGET, hinted(k, `v${k}`, 7_000_000 + k));
    membership.markAlive(TARGET);
    await handoff.replayEndpoint(TARGET);
    const delivered = sent.flatMap((r) => r.partitions);
    expect(sent.every((r) => r.targetHostId === TARGET_HOST)).to.equal(true);
    expect(delivered.map((p) => p.rows[0]!.cells[0]!.cell.timestampUs)).to.deep.equal(Array.from({ length: 300 }, (_, k) => 7_000_000 + k));
    expect(handoff.pending()).to.deep.equal([]);
    expect(await engine.listMeta('hints/')).to.deep.equal([]);
    expect(handoff.stats().replayed).to.equal(300);
  });

  it('keeps every hint when the target does not acknowledge, and delivers them on a later round', async () => {
    await make();
    membership.markDead(TARGET);
    await handoff.offer(TARGET, hinted(1));
    await handoff.offer(TARGET, hinted(2));
    sendFails = true;
    membership.alive.add(TARGET);
    await handoff.replayEndpoint(TARGET);
    expect(handoff.pending()[0]!.count).to.equal(2);
    expect(handoff.stats().replayFailures).to.equal(1);
    sendFails = false;
    // The periodic check finds the live target with hints.
    clock.advance(DEFAULT_SETTINGS.hints_replay_interval);
    await handoff.replayEndpoint(TARGET);
    expect(sent.flatMap((r) => r.partitions).length).to.equal(2);
    expect(handoff.pending()).to.deep.equal([]);
  });

  it('throttles replay: the next message waits until the bytes sent are due at hinted_handoff_throttle', async () => {
    await make();
    membership.markDead(TARGET);
    for (let k = 0; k < 4; k++) await handoff.offer(TARGET, hinted(k));
    const bytesEach = handoff.pending()[0]!.bytes / 4;
    await handoff.stop();
    // 1 KiB/s: a chunk is a tenth of a second's worth (102 bytes), so one hint per message, each due bytes/1024 s later.
    await make({ hinted_handoff_throttle: 1 });
    membership.markAlive(TARGET);
    const replay = handoff.replayEndpoint(TARGET);
    await settle();
    expect(sent.length).to.equal(1);
    const waitMs = throttleDelayMs(bytesEach, 0, 1);
    clock.advance(waitMs - 1);
    await settle();
    expect(sent.length).to.equal(1);
    clock.advance(1);
    await settle();
    expect(sent.length).to.equal(2);
    for (let i = 0; i < 3; i++) {
      clock.advance(waitMs);
      await settle();
    }
    await replay;
    expect(sent.length).to.equal(4);
  });

  it('truncatehints removes a target hints by endpoint and counts them as dropped', async () => {
    await make();
    membership.markDead(TARGET);
    await handoff.offer(TARGET, hinted(1));
    await handoff.offer(TARGET, hinted(2));
    expect(await handoff.truncate('127.0.0.3')).to.equal(2);
    expect(handoff.pending()).to.deep.equal([]);
    expect(handoff.droppedByTarget().get(TARGET_HOST)).to.equal(2);
  });

  it('never hints this node itself', async () => {
    await make();
    expect(await handoff.offer('127.0.0.1:7000', hinted(1))).to.equal(false);
  });
});

describe('hint replay arithmetic', () => {
  it('waits until the bytes sent are due at the throttle rate', () => {
    expect(throttleDelayMs(1024, 0, 1)).to.equal(1000);
    expect(throttleDelayMs(1024, 400, 1)).to.equal(600);
    expect(throttleDelayMs(1024, 1000, 1)).to.equal(0);
    expect(throttleDelayMs(1024 * 1024, 0, 1024)).to.equal(1000);
    expect(throttleDelayMs(10 ** 9, 0, 0)).to.equal(0);
  });

  it('sizes a replay message to a tenth of a second of the throttle, within bounds', () => {
    expect(replayChunkBytes(1024, 1 << 20)).to.equal(104_857);
    expect(replayChunkBytes(1, 1 << 20)).to.equal(102);
    expect(replayChunkBytes(100_000, 1 << 20)).to.equal(1 << 20);
    expect(replayChunkBytes(0, 5000)).to.equal(5000);
  });

  it('groups consecutive hints into chunks within the byte bound, a larger hint alone', () => {
    const h = (bytes: number) => ({ key: String(bytes), hostId: 'h', createdMs: 0, bytes, partition: hinted(1) });
    const chunks = chunksOf([h(40), h(50), h(20), h(200), h(10)], 100);
    expect(chunks.map((c) => c.map((x) => x.bytes))).to.deep.equal([[40, 50], [20], [200], [10]]);
  });
});

/** Lets pending promise chains (store reads, sends, deletes) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
