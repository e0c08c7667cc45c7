/**
 * Sorting a failed request into `failed` (certainly not applied) or
 * `unknown` (it may have applied). Only errors raised before the coordinator
 * sent anything are definite: Unavailable (too few live replicas, checked
 * first), a refused statement, or no open connection to send it on (writes
 * are not idempotent, so the driver never retries them elsewhere). A
 * WriteTimeout says the replicas were asked; a driver timeout or a lost
 * connection says nothing; Overloaded may come from an internode queue after
 * some replicas were sent the write. All of those are unknown.
 */
import { ArgumentError, InvalidRequestError, NoHostAvailableError, SyntaxError, UnauthorizedError, UnavailableError } from '../../../src/client/index.js';
import type { Outcome } from './history.js';

export function outcomeOfError(err: unknown): Exclude<Outcome, 'ok'> {
  if (
    err instanceof UnavailableError ||
    err instanceof InvalidRequestError ||
    err instanceof SyntaxError ||
    err instanceof UnauthorizedError ||
    err instanceof ArgumentError ||
    err instanceof NoHostAvailableError
  ) {
    return 'failed';
  }
  return 'unknown';
}

/** The error as one short line for the history. */
export function describeError(err: unknown): string {
  const e = err as Error;
  return `${e?.name ?? 'Error'}: ${String(e?.message ?? err).split('\n')[0]!.slice(0, 160)}`;
}
