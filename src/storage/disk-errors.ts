/**
 * What a failed write to the data directory looks like to a client. LevelDB
 * reports an I/O failure as `LEVEL_IO_ERROR` with the operating system's text
 * inside ("IO error: /data/000003.log: No space left on device"); the engine
 * turns it into a DiskWriteError that names the data_directory, the OS error
 * in words and its errno name, e.g. "Cannot write to data_directory /data: No
 * space left on device (ENOSPC)". It is a ServerError (code 0x0000), so it
 * crosses the internode wire intact, and the coordinator reports it inside
 * the WriteFailure the client receives.
 */
import { open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerError, type ErrorFields } from '../util/errors.js';

/** The OS error texts LevelDB passes through (strerror), and their errno names. */
const OS_ERRORS: readonly [text: string, errno: string][] = [
  ['No space left on device', 'ENOSPC'],
  ['Disk quota exceeded', 'EDQUOT'],
  ['Read-only file system', 'EROFS'],
  ['Permission denied', 'EACCES'],
  ['Operation not permitted', 'EPERM'],
  ['File too large', 'EFBIG'],
  ['Input/output error', 'EIO'],
  ['Too many open files', 'EMFILE'],
  ['No such file or directory', 'ENOENT'],
];

export class DiskWriteError extends ServerError {
  constructor(
    readonly dataDirectory: string,
    /** The OS error in words, e.g. "No space left on device". */
    readonly reason: string,
    /** Its errno name (ENOSPC), or '' when LevelDB's text named none we know. */
    readonly errno: string,
    /** LevelDB's own message, kept for the node's log. */
    readonly detail: string,
  ) {
    super(`Cannot write to data_directory ${dataDirectory}: ${reason}${errno ? ` (${errno})` : ''}`);
  }

  override fields(): ErrorFields {
    return { dataDirectory: this.dataDirectory, errno: this.errno };
  }
}

/**
 * The DiskWriteError for an error a LevelDB write (or open, when reopening)
 * failed with, or undefined when it is not an I/O failure (a programming
 * error, a closed database), which callers rethrow unchanged.
 */
export function diskWriteError(dataDirectory: string, err: unknown): DiskWriteError | undefined {
  if (err instanceof DiskWriteError) return err;
  const io = ioCause(err);
  if (!io) return undefined;
  const detail = io.message;
  for (const [text, errno] of OS_ERRORS) {
    if (detail.includes(text)) return new DiskWriteError(dataDirectory, text, errno, detail);
  }
  // An I/O error whose OS text we do not know: LevelDB's message is the best description there is.
  return new DiskWriteError(dataDirectory, detail.replace(/^IO error: /, ''), '', detail);
}

/** The LEVEL_IO_ERROR in an error or its cause chain (a failed open wraps it in LEVEL_DATABASE_NOT_OPEN). */
function ioCause(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'LEVEL_IO_ERROR' || /^IO error: /.test(e.message)) return e;
  }
  return undefined;
}

/**
 * Whether `bytes` can be written to a new file in `dir` and synced: the test
 * that space has come back (or the directory became writable again) before
 * the engine reopens its store, since a reopen needs room to turn the log
 * into a table and would otherwise leave the node unable even to read.
 */
export async function probeWritable(dir: string, bytes: number): Promise<boolean> {
  const path = join(dir, PROBE_FILE);
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'w');
    const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
    for (let written = 0; written < bytes; written += chunk.length) await file.write(chunk, 0, Math.min(chunk.length, bytes - written));
    await file.sync();
    return true;
  } catch {
    return false;
  } finally {
    await file?.close().catch(() => {});
    await rm(path, { force: true }).catch(() => {});
  }
}

/** Bytes of LevelDB's write-ahead logs in `dir`: what a reopen turns into a table. */
export async function logBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.endsWith('.log')) total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

const PROBE_FILE = 'sibyl-write-probe';
