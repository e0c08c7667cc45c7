/**
 * What `sibyl stress` prints: a header, one progress line per second and,
 * at the end, a Results block laid out like cassandra-stress's.
 */
import type { RunResult, ProgressWindow } from './runner.js';

const COLUMNS = ['time s', 'total ops', 'op/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'];
const WIDTHS = [8, 11, 9, 9, 9, 9, 9, 8];

export function progressHeader(): string {
  return COLUMNS.map((c, i) => c.padStart(WIDTHS[i]!)).join(',') + '\n';
}

export function progressLine(w: ProgressWindow): string {
  const rate = w.windowMs > 0 ? (w.windowOps * 1000) / w.windowMs : 0;
  const cells = [
    (w.elapsedMs / 1000).toFixed(1),
    String(w.totalOps),
    String(Math.round(rate)),
    ms(w.latency.percentileMs(50)),
    ms(w.latency.percentileMs(95)),
    ms(w.latency.percentileMs(99)),
    ms(w.latency.maxMs()),
    String(w.errors),
  ];
  return cells.map((c, i) => c.padStart(WIDTHS[i]!)).join(',') + '\n';
}

export function summary(result: RunResult): string {
  const seconds = result.elapsedMs / 1000;
  const rate = (ops: number) => `${Math.round(seconds > 0 ? ops / seconds : 0).toLocaleString('en-US')} op/s`;
  const kinds = [...result.byKind.entries()].map(([kind, k]) => `${kind}: ${rate(k.ops)}`);
  const l = result.latency;
  const lines: [string, string][] = [
    ['Op rate', `${rate(result.totalOps)}${kinds.length > 1 ? `  [${kinds.join(', ')}]` : ''}`],
    ['Latency mean', `${ms(l.meanMs())} ms`],
    ['Latency median', `${ms(l.percentileMs(50))} ms`],
    ['Latency 95th percentile', `${ms(l.percentileMs(95))} ms`],
    ['Latency 99th percentile', `${ms(l.percentileMs(99))} ms`],
    ['Latency 99.9th percentile', `${ms(l.percentileMs(99.9))} ms`],
    ['Latency max', `${ms(l.maxMs())} ms`],
    ['Total operations', result.totalOps.toLocaleString('en-US')],
    ['Total errors', result.errors.toLocaleString('en-US')],
    ['Total operation time', clockTime(result.elapsedMs)],
  ];
  let text = '\nResults:\n' + lines.map(([name, value]) => `${name.padEnd(26)}: ${value}`).join('\n') + '\n';
  if (result.errorCounts.size > 0) {
    text += '\nErrors:\n' + [...result.errorCounts.entries()].map(([what, count]) => `${String(count).padStart(10)}  ${what}`).join('\n') + '\n';
  }
  return text;
}

function ms(value: number): string {
  return Number.isNaN(value) ? '-' : value.toFixed(1 < value ? 1 : 3);
}

/** hh:mm:ss, as cassandra-stress prints the total operation time. */
export function clockTime(elapsedMs: number): string {
  const total = Math.round(elapsedMs / 1000);
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}
