import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { TombstonePurger } from '../../../src/repair/purger.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import { silentLogger } from '../../../src/util/log.js';
import { ck, LAYOUT, layouts, live, partition, row, tomb } from '../storage/fixtures.js';

describe('tombstone purge', () => {
  const nowS = () => Math.floor(clock.nowMs() / 1000);
  let clock: ManualClock;
  let engine: MemoryEngine;

  beforeEach(async () => {
    clock = new ManualClock(1_700_000_000_000_000);
    engine = new MemoryEngine({ clock, layouts });
    await engine.open();
    // A cell tombstone written now, and a live cell; the fixture table's gc_grace_seconds is 100.
    await engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: tomb(10, nowS()) }, { column: 'w', cell: live('x', 10) }] })] })]);
  });

  const stored = async () => (await engine.scan(LAYOUT.id, { start: 0n, end: 0n }, { limitPartitions: 10, withStatic: true }))[0]!.rows[0]!.cells.map((c) => c.column);

  it('keeps a tombstone younger than gc_grace_seconds and purges it once older', async () => {
    const purger = new TombstonePurger({ engine, tableIds: () => [LAYOUT.id], clock, log: silentLogger, intervalMs: 60_000 });
    expect(await purger.purgeNow()).to.equal(0);
    expect(await stored()).to.deep.equal(['v', 'w']);
    clock.advance(101_000);
    expect(await purger.purgeNow()).to.equal(1);
    expect(await stored()).to.deep.equal(['w']);
  });

  it('purges every compaction_interval once started, and not after it stops', async () => {
    const purged: string[] = [];
    const purger = new TombstonePurger({
      engine: { purgeTable: async (id) => (purged.push(id), 0) },
      tableIds: () => ['t1', 't2'],
      clock,
      log: silentLogger,
      intervalMs: 60_000,
    });
    purger.start();
    clock.advance(59_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(purged).to.deep.equal([]);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(purged).to.deep.equal(['t1', 't2']);
    await purger.stop();
    clock.advance(120_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(purged).to.deep.equal(['t1', 't2']);
  });

  it('does not start when compaction_interval is 0', async () => {
    const purged: string[] = [];
    const purger = new TombstonePurger({ engine: { purgeTable: async (id) => (purged.push(id), 0) }, tableIds: () => ['t1'], clock, log: silentLogger, intervalMs: 0 });
    purger.start();
    clock.advance(10_000_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(purged).to.deep.equal([]);
  });
});
