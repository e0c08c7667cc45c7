/** `sibyltool decommission`: the node streams its ranges to the nodes taking them over, leaves the ring and stops. */
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';
import { followOperation } from './ring-operation.js';

export const decommissionCommand: ToolCommand = {
  name: 'decommission',
  summary: 'Stream the node\'s data to the others, remove it from the ring and stop it',
  help: `Usage: sibyltool [global options] decommission

Decommissions the node sibyltool talks to: it turns LEAVING (UL in status),
waits ring_delay so every coordinator also sends its writes to the nodes
that will take its ranges, streams each range to them from every live
replica, announces LEFT and stops. Prints progress while it streams and
returns once the node has left. Refused unless the node is NORMAL, while
other nodes join or leave, and when the nodes left would be fewer than a
keyspace's replication factor.
`,
  async run(ctx, args) {
    if (args.positional.length > 0) throw new UsageError(`decommission takes no arguments`);
    const { id } = (await ctx.call('decommission')) as { id: string };
    const done = await followOperation(ctx, id, 'decommission');
    return `Decommissioned: ${done.rangesDone} ranges streamed; the node has left the ring and stops.\n`;
  },
};
