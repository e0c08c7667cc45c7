/** `sibyltool proxyhistograms`: coordinator latency percentiles, as nodetool proxyhistograms. */
import type { ProxyHistogramsAnswer } from '../../../admin/commands/proxyhistograms.js';
import type { HistogramSnapshot } from '../../../admin/metrics/latency-histogram.js';
import type { ToolCommand } from '../command.js';
import { left, right } from '../format.js';

export const proxyhistogramsCommand: ToolCommand = {
  name: 'proxyhistograms',
  summary: 'Print coordinator read, write and range latency percentiles',
  help: `Usage: sibyltool [global options] proxyhistograms

Prints the latency percentiles, minimum and maximum, in microseconds, of the
reads, writes and range reads this node coordinated since it started.
`,
  async run(ctx) {
    return formatProxyHistograms((await ctx.call('proxyhistograms')) as ProxyHistogramsAnswer);
  },
};

const ROWS: [string, (h: HistogramSnapshot) => number][] = [
  ['50%', (h) => h.percentilesUs['50']],
  ['75%', (h) => h.percentilesUs['75']],
  ['95%', (h) => h.percentilesUs['95']],
  ['98%', (h) => h.percentilesUs['98']],
  ['99%', (h) => h.percentilesUs['99']],
  ['Min', (h) => h.minUs],
  ['Max', (h) => h.maxUs],
];

export function formatProxyHistograms(a: ProxyHistogramsAnswer): string {
  // nodetool's "%-10s%19s%19s%19s", numbers as %19.2f.
  const line = (cells: string[]) => left(cells[0]!, 10) + cells.slice(1).map((c) => right(c, 19)).join('') + '\n';
  let out = 'proxy histograms\n';
  out += line(['Percentile', 'Read Latency', 'Write Latency', 'Range Latency']);
  out += line(['', '(micros)', '(micros)', '(micros)']);
  for (const [name, pick] of ROWS) out += line([name, ...[a.read, a.write, a.range].map((h) => pick(h).toFixed(2))]);
  return out + '\n';
}
