/**
 * A full disk under the storage engine, for real: the engine's store lives on
 * a 4 MiB tmpfs that a ballast file fills to ENOSPC. Invariants: a write the
 * disk refuses fails with a DiskWriteError naming the directory and ENOSPC;
 * reads keep being served; no write is acknowledged while the disk is full;
 * once space returns writes succeed again; and after a reopen every
 * acknowledged write is there (a torn log record must not take later
 * acknowledged writes with it).
 */
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../../src/clock/clock.js';
import { DiskWriteError, LevelEngine } from '../../src/storage/engine.js';
import type { ReadCommand } from '../../src/storage/model.js';
import { int, layouts, LAYOUT, live, partition, row, ck } from '../unit/storage/fixtures.js';
import { removeDir, tempDir } from '../integration/harness.js';
import { fillWithBallast, mountTmpfs, removeBallast, unmount } from './tmpfs.js';

const VALUE = 'v'.repeat(2000);

function write(key: number) {
  return [partition(key, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live(VALUE, 1000 + key) }] })] })];
}

function readCmd(key: number): ReadCommand {
  return { tableId: LAYOUT.id, key: int(key), token: BigInt(key), slices: [], withStatic: true, reversed: false };
}

for (const mode of ['batch', 'periodic'] as const) {
  describe(`a full disk under the storage engine (commitlog_sync ${mode})`, function () {
    this.timeout(30_000);
    const root = tempDir('sibyl-diskfull-');
    const mnt = join(root, 'mnt');
    let engine: LevelEngine | undefined;
    const logged: string[] = [];

    before(function () {
      mkdirSync(mnt);
      const refused = mountTmpfs(mnt, 4 * 1024 * 1024);
      if (refused) this.skip();
    });

    after(async () => {
      await engine?.close().catch(() => {});
      unmount(mnt);
      removeDir(root);
    });

    it('fails writes with ENOSPC naming the directory, keeps reading, and loses no acknowledged write once space returns', async () => {
      const path = join(mnt, 'data');
      const open = () =>
        new LevelEngine({ path, clock: new SystemClock(), commitlogSync: mode, commitlogSyncPeriodMs: 50, layouts, log: (_l, m) => logged.push(m) });
      engine = open();
      await engine.open();
      const acked = new Set<number>();
      for (let k = 0; k < 50; k++) {
        await engine.apply(write(k));
        acked.add(k);
      }
      const ballast = fillWithBallast(mnt);

      // Writes until the disk refuses one (a few may still fit in the log's last page).
      let failure: unknown;
      let k = 50;
      for (; k < 400 && failure === undefined; k++) {
        try {
          await engine.apply(write(k));
          acked.add(k);
        } catch (err) {
          failure = err;
        }
      }
      expect(failure, 'a write failed once the disk was full').to.be.instanceOf(DiskWriteError);
      expect((failure as Error).message).to.equal(`Cannot write to data_directory ${path}: No space left on device (ENOSPC)`);
      expect(logged.some((m) => m.startsWith(`Cannot write to data_directory ${path}: No space left on device (ENOSPC); writes fail`))).to.equal(true);

      // While full: further writes fail the same way, and reads are served.
      const refused = await engine.apply(write(1000)).then(() => undefined, (err: unknown) => err);
      expect((refused as Error).message).to.equal((failure as Error).message);
      expect((await engine.read(readCmd(3)))?.rows[0]?.cells[0]?.cell.value?.toString()).to.equal(VALUE);

      // Space returns: writes succeed again (the store is reopened first).
      removeBallast(ballast);
      for (let j = 2000; j < 2100; j++) {
        await engine.apply(write(j));
        acked.add(j);
      }
      expect(logged).to.include(`data_directory ${path} is writable again; reopened the store and accepting writes`);

      // Every acknowledged write survives a reopen; the refused ones are absent.
      await engine.close();
      engine = open();
      await engine.open();
      const missing: number[] = [];
      for (const key of acked) if ((await engine.read(readCmd(key))) === undefined) missing.push(key);
      expect(missing).to.deep.equal([]);
      expect(await engine.read(readCmd(1000))).to.equal(undefined);
    });
  });
}
