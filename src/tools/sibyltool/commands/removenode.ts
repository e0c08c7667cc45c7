/** `sibyltool removenode <host id> | status | force`: takes a dead node out of the ring. */
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';
import { followOperation } from './ring-operation.js';

export const removenodeCommand: ToolCommand = {
  name: 'removenode',
  summary: 'Remove a dead node from the ring, re-replicating its data; or show or force the removal',
  help: `Usage: sibyltool [global options] removenode <host id> | status | force

  <host id>  remove the dead node owning this host id (see sibyltool status):
             the node sibyltool talks to marks it REMOVING, waits ring_delay,
             streams each of its ranges to the replica taking it over from the
             surviving replicas, then marks it LEFT on every node. Returns once
             done, printing progress. Refused for a live node (decommission it).
  status     print the removal under way on this node, if any, or the one
             whose streaming failed and why
  force      mark the node removed now, whether its streams are running or
             failed; its ranges then need 'sibyltool repair'
`,
  maxArguments: 1,
  async run(ctx, args) {
    const [what, ...extra] = args.positional;
    if (what === undefined || extra.length > 0) throw new UsageError('removenode takes one argument: a host id, status or force');
    if (what === 'status' || what === 'force') {
      const { text } = (await ctx.call('removenode', { action: what })) as { text: string };
      return `${text}\n`;
    }
    const { id } = (await ctx.call('removenode', { hostId: what })) as { id: string };
    const done = await followOperation(ctx, id, 'removenode');
    return `Removed ${done.target ? `/${done.target.endpoint} (${done.target.hostId})` : what}: ${done.rangesDone} ranges re-replicated.\n`;
  },
};
