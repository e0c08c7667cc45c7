/** `sibyltool netstats`: mode, streams, read repair, hinted handoff and internode load, in nodetool netstats' layout. */
import type { NetstatsAnswer } from '../../../admin/commands/netstats.js';
import type { ToolCommand } from '../command.js';
import { fileSize } from '../format.js';

export const netstatsCommand: ToolCommand = {
  name: 'netstats',
  summary: 'Print streams, read repair, hinted handoff and internode statistics',
  help: `Usage: sibyltool [global options] netstats

Prints the node's mode, the streams it is sending or receiving (repair),
read repair counts (reads whose replicas disagreed, and of those the ones
repaired before answering; every read repair blocks, so Background stays
0), and its hinted handoff: whether it runs, the hints pending, stored,
replayed and dropped since the node started. Then its internode load:
peers' requests running now and those answered Overloaded (past
internode_max_requests_in_flight_per_peer), connections not read because
their peer leaves its answers unread (past
internode_max_pending_response_bytes), now and since start, and the
internode connections refused before completing their handshake.
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
  if (a.internode) {
    const i = a.internode;
    out +=
      `Internode requests in flight: ${i.requestsInFlight}, answered Overloaded: ${i.overloadedRequests}\n` +
      `Internode connections paused for unread responses: ${i.connectionsPausedNow} now, ${i.pausesForOutput} since start\n` +
      `Refused internode handshakes: ${i.refusedHandshakes}\n`;
  }
  return out;
}
