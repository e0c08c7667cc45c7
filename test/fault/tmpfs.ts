/**
 * A small tmpfs for tests that need a disk to really fill up (ENOSPC). Mounting
 * needs CAP_SYS_ADMIN (root in a container, usually); where it is refused the
 * tests that need it skip, saying why, and the error mapping stays covered by
 * test/unit/storage/disk-errors.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Mounts a tmpfs of `sizeBytes` on `dir`; returns why not when it cannot. */
export function mountTmpfs(dir: string, sizeBytes: number): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs (needs CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
  }
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // Already unmounted.
  }
}

/** Fills the file system holding `dir` with a ballast file until ENOSPC; returns its path. */
export function fillWithBallast(dir: string): string {
  const path = join(dir, 'ballast');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
    // Top up the last partial chunk's worth in small pieces so the disk is truly full.
    const small = Buffer.alloc(512, 1);
    try {
      for (;;) writeSync(fd, small);
    } catch {
      // Full.
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

export function removeBallast(path: string): void {
  rmSync(path, { force: true });
}
