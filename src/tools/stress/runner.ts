/**
 * Drives a workload: `concurrency` loops each run one operation at a time
 * until the operation count is reached or the duration is over, recording
 * latency per operation kind, counting errors, and reporting a progress
 * window every interval. Latencies are those of successful operations.
 */
import type { Clock } from '../../clock/clock.js';
import type { OpKind } from './options.js';
import { LatencyRecorder } from './stats.js';
import type { Workload } from './workload.js';

export interface RunLimits {
  ops: number | undefined;
  durationMs: number | undefined;
  concurrency: number;
  /** Milliseconds between progress reports. */
  progressIntervalMs: number;
  /**
   * Ends the run early when aborted (the user's Ctrl-C): no new operation
   * starts, the ones in flight finish, and the result covers what was done.
   */
  signal?: AbortSignal;
}

/** One progress window: operations completed in it and their latencies. */
export interface ProgressWindow {
  elapsedMs: number;
  /** Operations completed since the start, errors included. */
  totalOps: number;
  /** Operations completed in this window. */
  windowOps: number;
  windowMs: number;
  latency: LatencyRecorder;
  /** Errors since the start. */
  errors: number;
}

export interface RunResult {
  elapsedMs: number;
  totalOps: number;
  errors: number;
  latency: LatencyRecorder;
  /** Latencies and counts per operation kind (only kinds that ran). */
  byKind: Map<OpKind, { ops: number; latency: LatencyRecorder }>;
  /** Error messages by class and text, with how often each happened. */
  errorCounts: Map<string, number>;
  /** The run was ended by `signal` before its -n or --duration was reached. */
  interrupted: boolean;
}

export interface RunHooks {
  progress(window: ProgressWindow): void;
  /** Called once for the first occurrence of each distinct error. */
  firstError(description: string): void;
}

export async function runWorkload(clock: Clock, workload: Workload, limits: RunLimits, hooks: RunHooks): Promise<RunResult> {
  const latency = new LatencyRecorder();
  const windowLatency = new LatencyRecorder();
  const byKind = new Map<OpKind, { ops: number; latency: LatencyRecorder }>();
  const errorCounts = new Map<string, number>();
  let next = 0;
  let totalOps = 0;
  let errors = 0;
  let stopped = false;
  const startUs = clock.nowUs();
  let windowStartUs = startUs;
  let windowStartOps = 0;

  const report = () => {
    const nowUs = clock.nowUs();
    hooks.progress({
      elapsedMs: (nowUs - startUs) / 1000,
      totalOps,
      windowOps: totalOps - windowStartOps,
      windowMs: (nowUs - windowStartUs) / 1000,
      latency: windowLatency,
      errors,
    });
    windowLatency.reset();
    windowStartUs = nowUs;
    windowStartOps = totalOps;
  };
  const progressTimer = clock.setInterval(report, limits.progressIntervalMs);
  const deadline = limits.durationMs !== undefined ? clock.setTimeout(() => (stopped = true), limits.durationMs) : undefined;
  let interrupted = false;
  const interrupt = () => {
    if (!stopped) interrupted = stopped = true;
  };
  if (limits.signal?.aborted) interrupt();
  limits.signal?.addEventListener('abort', interrupt);

  const worker = async () => {
    for (;;) {
      if (stopped) return;
      const i = next++;
      if (limits.ops !== undefined && i >= limits.ops) return;
      const { kind, key } = workload.plan(i);
      const t0 = clock.nowUs();
      try {
        await workload.execute(kind, key);
        const us = clock.nowUs() - t0;
        latency.record(us);
        windowLatency.record(us);
        let perKind = byKind.get(kind);
        if (!perKind) byKind.set(kind, (perKind = { ops: 0, latency: new LatencyRecorder() }));
        perKind.ops++;
        perKind.latency.record(us);
      } catch (err) {
        errors++;
        const description = describeError(err);
        const seen = errorCounts.get(description) ?? 0;
        errorCounts.set(description, seen + 1);
        if (seen === 0) hooks.firstError(description);
      }
      totalOps++;
    }
  };
  try {
    await Promise.all(Array.from({ length: limits.concurrency }, worker));
  } finally {
    progressTimer.cancel();
    deadline?.cancel();
    limits.signal?.removeEventListener('abort', interrupt);
  }
  // The last, partial window, so the progress lines add up to the total.
  if (totalOps > windowStartOps) report();
  return { elapsedMs: (clock.nowUs() - startUs) / 1000, totalOps, errors, latency, byKind, errorCounts, interrupted };
}

/** `ClassName: message`, with the key number taken out so one failure mode counts as one kind of error. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.replace(/\bkey \d+/g, 'key N')}`;
  return String(err);
}
