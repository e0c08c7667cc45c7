/**
 * Schema agreement: after a DDL statement, wait until every live host
 * reports the same schema version before answering, so the caller's next
 * statement, wherever the load balancer sends it, sees the new schema. The
 * DataStax drivers do the same, bounded by maxSchemaAgreementWaitSeconds.
 */
import type { Clock } from '../clock/clock.js';

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

/** Resolves true once every live host agrees, false when the wait runs out or a host cannot say. */
export async function waitForSchemaAgreement(opts: SchemaAgreementOptions): Promise<boolean> {
  const deadlineMs = opts.clock.nowMs() + opts.maxWaitMs;
  for (;;) {
    const answers = await Promise.allSettled(opts.hosts().map((h) => opts.versionOf(h)));
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
