/**
 * Where a coordinator waits for its replicas: a promise that settles the
 * first time `check` returns a verdict. The caller pokes it after every
 * response it feeds into its tracker; at the deadline it is poked once more
 * with `timedOut` set, and `check` must then return a verdict. The pure
 * trackers decide; this is only the waiting and the timer.
 */
import type { Clock, Timer } from '../clock/clock.js';

export type Verdict<T> = undefined | { value: T } | { error: Error };

export class Rendezvous<T> {
  readonly result: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (err: Error) => void;
  private settled = false;
  private timedOut = false;
  private readonly timer: Timer;

  constructor(
    clock: Clock,
    timeoutMs: number,
    private readonly check: (timedOut: boolean) => Verdict<T>,
  ) {
    this.result = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = clock.setTimeout(() => {
      this.timedOut = true;
      this.poke();
    }, timeoutMs);
  }

  /** Re-evaluates `check`; settles the promise at the first verdict. */
  poke(): void {
    if (this.settled) return;
    let verdict: Verdict<T>;
    try {
      verdict = this.check(this.timedOut);
    } catch (err) {
      verdict = { error: err as Error };
    }
    if (!verdict) return;
    this.settled = true;
    this.timer.cancel();
    if ('error' in verdict) this.reject(verdict.error);
    else this.resolve(verdict.value);
  }
}
