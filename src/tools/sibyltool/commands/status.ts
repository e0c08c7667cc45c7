/** `sibyltool status [keyspace]`: nodetool status, plus each node's clock offset. */
import type { StatusAnswer, StatusEndpoint } from '../../../admin/commands/status.js';
import type { ToolCommand } from '../command.js';
import { address, byDatacenter, columnWidths, compareAddresses, fileSize, percent, table } from '../format.js';

export const statusCommand: ToolCommand = {
  name: 'status',
  summary: 'Print cluster information (state, load, ownership, host id, rack, clock offset)',
  help: `Usage: sibyltool [global options] status [keyspace]

Prints every node by datacenter: Up/Down and Normal/Leaving/Joining/Moving,
address, load, token count, ownership (effective for the keyspace, or for
the user keyspaces when they share one replication), host id, rack and how
far the node's clock is from this node's.
`,
  maxArguments: 1,
  async run(ctx, args) {
    const answer = (await ctx.call('status', { keyspace: args.positional[0] })) as StatusAnswer;
    return formatStatus(answer, ctx.printPort);
  },
};

export function formatStatus(answer: StatusAnswer, printPort: boolean): string {
  const header = ['--', 'Address', 'Load', 'Tokens', answer.effective ? 'Owns (effective)' : 'Owns', 'Host ID', 'Rack', 'Clock offset'];
  const row = (e: StatusEndpoint) => [
    e.status,
    address(e.endpoint, printPort),
    fileSize(e.loadBytes),
    String(e.tokens),
    percent(e.owns, 1),
    e.hostId,
    e.rack,
    clockOffset(e.clockOffsetMs),
  ];
  const groups = byDatacenter(answer.endpoints).map(([dc, endpoints]): [string, string[][]] => [
    dc,
    [header, ...[...endpoints].sort((a, b) => compareAddresses(a.endpoint, b.endpoint)).map(row)],
  ]);
  // One set of widths for every datacenter, so the tables line up.
  const widths = columnWidths(groups.flatMap(([, rows]) => rows));
  let out = '';
  for (const [dc, rows] of groups) {
    const title = `Datacenter: ${dc}`;
    out += `${title}\n${'='.repeat(title.length)}\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n`;
    out += table(rows, widths);
  }
  return out + '\n' + (answer.note ? `Note: ${answer.note}\n` : '');
}

function clockOffset(ms: number | null): string {
  if (ms === null) return '?';
  const rounded = Math.round(ms);
  return `${rounded > 0 ? '+' : ''}${rounded} ms`;
}
