/**
 * Schema agreement: after a DDL statement, wait until every live host
 * reports the same schema version before answering, so the caller's next
 * statement, wherever the load balancer sends it, sees the new schema. The
 * DataStax drivers do the same, bounded by maxSchemaAgreementWaitSeconds.
 */
import type { Clock, Timer } from '../clock/clock.js';

/** How often the hosts' versions are read while they disagree. */
export const SCHEMA_AGREEMENT_INTERVAL_MS = 200;

export interface SchemaAgreementOptions {
  clock: Clock;
  /** The hosts to compare, read afresh each round (a host may go down meanwhile). */
  hosts: () => readonly string[];
  /**
   * One host's schema version; null when the host cannot say (it has no
   * system tables), which ends the wait. A rejection leaves that host out of
   * this round (its connection went away).
   */
  versionOf: (address: string) => Promise<string | null>;
  maxWaitMs: number;
}

/** Whether the versions agree: at least one, and all the same. */
export function versionsAgree(versions: readonly string[]): boolean {
  return versions.length > 0 && versions.every((v) => v === versions[0]);
}

/**
 * Resolves true once every live host agrees, false when the wait runs out
 * or a host cannot say. A host that does not answer before the wait runs
 * out (a hung process) ends it too: the bound is maxWaitMs, not the
 * request timeout of its query.
 */
export async function waitForSchemaAgreement(opts: SchemaAgreementOptions): Promise<boolean> {
  const deadlineMs = opts.clock.nowMs() + opts.maxWaitMs;
  for (;;) {
    const answers = await settledBefore(opts.clock, deadlineMs, opts.hosts().map((h) => opts.versionOf(h)));
    if (answers === undefined) return false;
    const versions: string[] = [];
    for (const a of answers) {
      if (a.status === 'rejected') continue;
      if (a.value === null) return false;
      versions.push(a.value);
    }
    if (versionsAgree(versions)) return true;
    if (opts.clock.nowMs() + SCHEMA_AGREEMENT_INTERVAL_MS > deadlineMs) return false;
    await new Promise<void>((resolve) => opts.clock.setTimeout(resolve, SCHEMA_AGREEMENT_INTERVAL_MS));
  }
}

/** Every promise settled, or undefined if the deadline comes first. */
async function settledBefore<T>(clock: Clock, deadlineMs: number, promises: Promise<T>[]): Promise<PromiseSettledResult<T>[] | undefined> {
  let timer: Timer | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = clock.setTimeout(() => resolve(undefined), Math.max(0, deadlineMs - clock.nowMs()));
  });
  try {
    return await Promise.race([Promise.allSettled(promises), expired]);
  } finally {
    timer?.cancel();
  }
}
