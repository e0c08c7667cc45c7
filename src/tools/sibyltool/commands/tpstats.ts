/** `sibyltool tpstats`: nodetool tpstats. */
import type { TpStatsAnswer } from '../../../admin/commands/tpstats.js';
import type { ToolCommand } from '../command.js';
import { left, right } from '../format.js';

export const tpstatsCommand: ToolCommand = {
  name: 'tpstats',
  summary: 'Print work per stage and dropped messages per verb',
  help: `Usage: sibyltool [global options] tpstats

Prints, per stage, the operations running (Active), waiting (Pending) and
done (Completed), then the messages dropped per verb.
`,
  async run(ctx) {
    return formatTpStats((await ctx.call('tpstats')) as TpStatsAnswer);
  },
};

export function formatTpStats(a: TpStatsAnswer): string {
  // nodetool's "%-25s%10s%10s%15s%10s%18s%n" and "%-20s%10s%n".
  const pool = (c: string[]) => left(c[0]!, 25) + right(c[1]!, 10) + right(c[2]!, 10) + right(c[3]!, 15) + right(c[4]!, 10) + right(c[5]!, 18) + '\n';
  let out = pool(['Pool Name', 'Active', 'Pending', 'Completed', 'Blocked', 'All time blocked']);
  for (const p of a.pools) out += pool([p.name, p.active, p.pending, p.completed, p.blocked, p.allTimeBlocked].map(String));
  out += '\n' + left('Message type', 20) + right('Dropped', 10) + '\n';
  for (const [verb, n] of Object.entries(a.dropped)) out += left(verb, 20) + right(String(n), 10) + '\n';
  return out;
}
