/** `sibyltool netstats`: mode, streams, read repair and hinted handoff, in nodetool netstats' layout. */
import type { NetstatsAnswer } from '../../../admin/commands/netstats.js';
import type { ToolCommand } from '../command.js';
import { fileSize } from '../format.js';

export const netstatsCommand: ToolCommand = {
  name: 'netstats',
  summary: 'Print streams, read repair and hinted handoff statistics',
  help: `Usage: sibyltool [global options] netstats

Prints the node's mode, the streams it is sending or receiving (repair),
read repair counts (reads whose replicas disagreed, and of those the ones
repaired before answering; every read repair blocks, so Background stays
0), and its hinted handoff: whether it runs, the hints pending, stored,
replayed and dropped since the node started.
`,
  async run(ctx) {
    return formatNetstats((await ctx.call('netstats')) as NetstatsAnswer);
  },
};

export function formatNetstats(a: NetstatsAnswer): string {
  let out = `Mode: ${a.mode}\n`;
  out += a.streaming.length === 0 ? 'Not sending any streams.\n' : a.streaming.map((l) => `${l}\n`).join('');
  out +=
    'Read Repair Statistics:\n' +
    `Attempted: ${a.readRepair.attempted}\n` +
    `Mismatch (Blocking): ${a.readRepair.mismatchBlocking}\n` +
    `Mismatch (Background): ${a.readRepair.mismatchBackground}\n`;
  if (a.hints) {
    const h = a.hints;
    out +=
      `Hinted Handoff: ${h.running ? 'running' : 'not running'}\n` +
      `Pending hints: ${h.pendingHints} (${fileSize(h.pendingBytes)}) for ${h.targets} endpoint${h.targets === 1 ? '' : 's'}\n` +
      `Hints stored: ${h.stored}, replayed: ${h.replayed}, dropped: ${h.dropped}\n`;
  }
  return out;
}
