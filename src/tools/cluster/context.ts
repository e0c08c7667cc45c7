/** What every `sibyl cluster` subcommand is given: the clock to wait with and where to print. */
import type { Clock } from '../../clock/clock.js';

export interface ClusterContext {
  clock: Clock;
  out: (text: string) => void;
  /**
   * Resolves at the user's Ctrl-C, for a command that runs until stopped
   * (`logs -f`). Only such a command asks, so Ctrl-C still ends the others.
   */
  untilInterrupted(): Promise<void>;
}

/** Milliseconds start and restart wait for a node's client port unless `--timeout` says otherwise. */
export const START_TIMEOUT_MS = 60_000;
/** Milliseconds stop waits for SIGTERM to end a node (which drains for up to shutdown_drain_timeout, 10 s). */
export const STOP_TIMEOUT_MS = 30_000;

/** The value of a valued flag, or undefined when it was not given. */
export function flag(flags: Map<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

