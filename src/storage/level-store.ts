/**
 * The LevelDB handle of a LevelEngine, and what happens to it after a write
 * fails with an I/O error (a full disk, an unwritable directory).
 *
 * Such a write fails its callers with a DiskWriteError naming the data
 * directory and the OS error, and every later write fails the same way until
 * the store has been reopened: LevelDB would accept writes again as soon as
 * space returns, but a write that failed halfway leaves a torn record in its
 * log, and on the next open LevelDB drops the rest of that log block, which
 * would silently lose writes acknowledged after the failure. So before the
 * next write the store checks that space is back (probeWritable), waits for
 * running operations to finish, and reopens, which recovers the log up to the
 * torn record (only unacknowledged writes are there) and starts a new one.
 * Reads keep being served throughout, except for the moment of reopening.
 */
import { ClassicLevel } from 'classic-level';
import { diskWriteError, logBytes, probeWritable, type DiskWriteError } from './disk-errors.js';

/** Bytes, beyond the logs LevelDB replays, that must be writable before a store that failed a write is reopened. */
const REOPEN_HEADROOM_BYTES = 1024 * 1024;

export class LevelStore {
  private db: ClassicLevel<Buffer, Buffer> | undefined;
  /** Set once a write failed with an I/O error; writes fail with it until the store is reopened. */
  private writeFailure: DiskWriteError | undefined;
  private recovering: Promise<void> | undefined;
  /** Set while the store is being reopened: operations wait for it. */
  private reopening: Promise<void> | undefined;
  /** Operations using the store now; a reopen waits for them to finish. */
  private activeOps = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly path: string,
    private readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

  async open(): Promise<ClassicLevel<Buffer, Buffer>> {
    this.db = await openLevel(this.path);
    return this.db;
  }

  /** The open handle; throws when the store is closed. */
  get level(): ClassicLevel<Buffer, Buffer> {
    if (!this.db) throw new Error(`storage at ${this.path} is not open`);
    return this.db;
  }

  isOpen(): boolean {
    return this.db !== undefined;
  }

  /** The I/O failure writes fail with until the store is reopened, if any. */
  failure(): DiskWriteError | undefined {
    return this.writeFailure;
  }

  /**
   * Runs an operation that reads the store. It waits while the store is
   * being reopened, and a store left closed by a failed reopen is reopened
   * first if the disk allows.
   */
  async reading<T>(op: () => Promise<T>): Promise<T> {
    while (this.reopening) await this.reopening;
    if (!this.db && this.writeFailure) await this.recover().catch(() => {});
    this.activeOps++;
    try {
      return await op();
    } finally {
      this.opDone();
    }
  }

  /**
   * Runs an operation that writes the store: refused with the last disk
   * failure unless the store could be reopened, and an I/O error it fails
   * with becomes that failure.
   */
  async writing<T>(op: () => Promise<T>): Promise<T> {
    while (this.reopening) await this.reopening;
    if (this.writeFailure) await this.recover();
    this.activeOps++;
    try {
      return await op();
    } catch (err) {
      throw this.failedWrite(err);
    } finally {
      this.opDone();
    }
  }

  /** Closes the handle once no reopen is under way; a store a failed reopen left closed has nothing to close. */
  async close(): Promise<void> {
    while (this.reopening) await this.reopening;
    const db = this.db;
    this.db = undefined;
    await db?.close();
  }

  /** Records an I/O failure of a write, which then fails every write until a reopen; returns what to throw. */
  private failedWrite(err: unknown): unknown {
    const failure = diskWriteError(this.path, err);
    if (!failure) return err;
    if (!this.writeFailure) this.log?.('error', `${failure.message}; writes fail until it is writable again (${failure.detail})`);
    this.writeFailure = failure;
    return failure;
  }

  private opDone(): void {
    if (--this.activeOps === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Reopens the store after a failed write, if the disk takes writes again; throws the failure otherwise. */
  private recover(): Promise<void> {
    this.recovering ??= this.reopen().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async reopen(): Promise<void> {
    const failure = this.writeFailure!;
    if (!(await probeWritable(this.path, (await logBytes(this.path)) + REOPEN_HEADROOM_BYTES))) throw failure;
    let done!: () => void;
    this.reopening = new Promise((resolve) => (done = resolve));
    try {
      if (this.activeOps > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const old = this.db;
      this.db = undefined;
      await old?.close().catch(() => {});
      this.db = await openLevel(this.path);
      this.writeFailure = undefined;
      this.log?.('info', `data_directory ${this.path} is writable again; reopened the store and accepting writes`);
    } catch (err) {
      this.writeFailure = diskWriteError(this.path, err) ?? failure;
      this.log?.('error', `reopening the store after a failed write failed: ${(err as Error).message}`);
      throw this.writeFailure;
    } finally {
      this.reopening = undefined;
      done();
    }
  }
}

async function openLevel(path: string): Promise<ClassicLevel<Buffer, Buffer>> {
  const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return db;
}
