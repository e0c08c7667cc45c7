/**
 * The retry policy: what to do when an attempt fails, decided from the error
 * alone so it is tested as a table. It follows the DataStax drivers'
 * default policy, with one rule above all: a statement not marked
 * idempotent is never retried, because it may already have been applied
 * (a counter increment or a list append applied twice is a wrong answer).
 *
 * For idempotent statements, each retried at most once:
 * - the connection failed or the driver timed out waiting → the next host
 *   (this coordinator may be gone or stuck);
 * - ReadTimeout where enough replicas answered but the data replica did not
 *   → the same host (the data read was merely slow, a second try usually
 *   finds it);
 * - Unavailable → the next host (its view of the cluster may be stale);
 * - Overloaded → the next host;
 * - WriteTimeout while storing a logged batch's batchlog (write type
 *   BATCH_LOG: nothing of the batch was applied yet) → the same host, as
 *   the DataStax policy does: another try may pick luckier batchlog nodes;
 * - anything else (another WriteTimeout, a syntax or invalid request error)
 *   is the caller's to see.
 *
 * Above both rules: a connection with every stream id in use refuses the
 * request before sending anything, so it moves on to the next host whether
 * or not it is idempotent, and spends no retry.
 */
import { OverloadedError, ReadTimeoutError, UnavailableError, WriteTimeoutError } from '../util/errors.js';
import { BusyConnectionError, ConnectionClosedError, OperationTimedOutError } from './errors.js';

/** `unsent`: nothing reached the host, so the next one takes the request without spending a retry. */
export type RetryDecision = { action: 'rethrow' } | { action: 'retry'; sameHost: boolean } | { action: 'unsent' };

const RETHROW: RetryDecision = { action: 'rethrow' };

/** How many times one request is retried at most. */
export const RETRIES_MAX = 1;

export function retryDecision(error: unknown, idempotent: boolean, retriesSoFar: number): RetryDecision {
  if (error instanceof BusyConnectionError) return { action: 'unsent' };
  if (!idempotent || retriesSoFar >= RETRIES_MAX) return RETHROW;
  if (error instanceof ConnectionClosedError || error instanceof OperationTimedOutError) return { action: 'retry', sameHost: false };
  if (error instanceof ReadTimeoutError) {
    return error.received >= error.blockFor && !error.dataPresent ? { action: 'retry', sameHost: true } : RETHROW;
  }
  if (error instanceof UnavailableError || error instanceof OverloadedError) return { action: 'retry', sameHost: false };
  if (error instanceof WriteTimeoutError && error.writeType === 'BATCH_LOG') return { action: 'retry', sameHost: true };
  return RETHROW;
}
