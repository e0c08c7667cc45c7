/**
 * An open-loop, rate-limited run: operation i is due at start + i / rate and
 * is started when due, whether or not earlier ones have answered, so a slow
 * answer cannot hold back the load (no coordinated omission). Latency is
 * measured from when an operation was due, not from when it was started.
 */
import { LatencyRecorder } from '../../src/tools/stress/stats.js';

export interface RateResult {
  ops: number;
  opsPerSecTarget: number;
  opsPerSecDone: number;
  errors: number;
  latency: LatencyRecorder;
}

/** Most operations left in flight before the run stops starting new ones and reports itself overloaded. */
const IN_FLIGHT_MAX = 10_000;

export function runAtRate(ops: number, opsPerSec: number, op: (i: number) => Promise<unknown>): Promise<RateResult> {
  const latency = new LatencyRecorder();
  const start = performance.now();
  let started = 0;
  let finished = 0;
  let errors = 0;
  return new Promise((resolve, reject) => {
    const done = () => {
      const seconds = (performance.now() - start) / 1000;
      resolve({ ops, opsPerSecTarget: opsPerSec, opsPerSecDone: ops / seconds, errors, latency });
    };
    const launch = (i: number, dueMs: number) => {
      op(i).then(
        () => latency.record((performance.now() - dueMs) * 1000),
        () => errors++,
      ).finally(() => {
        if (++finished === ops) done();
      });
    };
    const tick = () => {
      const now = performance.now();
      while (started < ops) {
        const dueMs = start + (started * 1000) / opsPerSec;
        if (dueMs > now) break;
        if (started - finished > IN_FLIGHT_MAX) return reject(new Error(`more than ${IN_FLIGHT_MAX} operations in flight at ${opsPerSec} ops/s`));
        launch(started++, dueMs);
      }
      if (started < ops) setTimeout(tick, Math.max(0, start + (started * 1000) / opsPerSec - performance.now()));
    };
    tick();
  });
}
