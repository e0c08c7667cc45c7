/** `sibyltool truncatehints [host]`: deletes the node's hints for one target or for all. */
import type { ToolCommand } from '../command.js';
import { UsageError } from '../../args.js';

export const truncatehintsCommand: ToolCommand = {
  name: 'truncatehints',
  summary: 'Delete the hints stored for one endpoint, or for all',
  help: `Usage: sibyltool [global options] truncatehints [host]

Deletes the hints this node holds for the target (an address, 'host:port',
or a host id), or for every target when none is given. The writes they
carried never reach that target: they count as dropped hints, and its
ranges need repair. Prints nothing.
`,
  maxArguments: 1,
  async run(ctx, args) {
    const [host, ...extra] = args.positional;
    if (extra.length > 0) throw new UsageError('truncatehints takes at most one host');
    await ctx.call('truncatehints', { host });
    return '';
  },
};
