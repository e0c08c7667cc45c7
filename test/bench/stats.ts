/** The one printed line per benchmark phase; latencies are recorded by the stress tool's recorder. */
import { LatencyRecorder } from '../../src/tools/stress/stats.js';

export interface PhaseResult {
  name: string;
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `op` from `inFlight` concurrent loops until `total` operations have
 * completed, recording each operation's latency.
 */
export async function runPhase(name: string, total: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<PhaseResult> {
  const rec = new LatencyRecorder();
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await op(i);
      rec.record((performance.now() - t0) * 1000);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { name, ops: total, seconds, opsPerSec: total / seconds, p50Ms: rec.percentileMs(50), p99Ms: rec.percentileMs(99) };
}

export function formatPhase(r: PhaseResult): string {
  return (
    `${r.name.padEnd(34)} ${r.ops.toString().padStart(8)} ops  ${r.seconds.toFixed(2).padStart(6)} s  ` +
    `${Math.round(r.opsPerSec).toString().padStart(8)} ops/s  p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(3)} ms`
  );
}
