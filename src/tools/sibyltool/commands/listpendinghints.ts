/** `sibyltool listpendinghints`: nodetool's table of targets this node holds hints for. */
import type { ListPendingHintsAnswer } from '../../../admin/commands/listpendinghints.js';
import type { ToolCommand } from '../command.js';
import { address, fileSize, table } from '../format.js';

export const listpendinghintsCommand: ToolCommand = {
  name: 'listpendinghints',
  summary: 'Print the hints this node holds, per target',
  help: `Usage: sibyltool [global options] listpendinghints

Prints one line per target this node holds hints for: its host id, address,
rack, datacenter, Up/Down, the number and size of its hints, and when the
newest and oldest were written (UTC).
`,
  async run(ctx) {
    return formatPendingHints((await ctx.call('listpendinghints')) as ListPendingHintsAnswer, ctx.printPort);
  },
};

export function formatPendingHints(answer: ListPendingHintsAnswer, printPort: boolean): string {
  if (answer.targets.length === 0) return 'This node does not have any pending hints\n';
  const rows = [
    ['Host ID', 'Address', 'Rack', 'DC', 'Status', 'Total hints', 'Total bytes', 'Newest', 'Oldest'],
    ...answer.targets.map((t) => [
      t.hostId,
      address(t.address, printPort),
      t.rack,
      t.dc,
      t.status,
      String(t.totalHints),
      fileSize(t.totalBytes),
      hintTime(t.newestMs),
      hintTime(t.oldestMs),
    ]),
  ];
  return table(rows);
}

/** nodetool's `yyyy-MM-dd HH:mm:ss,SSS`, in UTC. */
export function hintTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}
