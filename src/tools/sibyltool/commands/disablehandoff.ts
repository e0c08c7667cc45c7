/** `sibyltool disablehandoff`: the node stops storing hints; those already stored are still replayed. */
import type { ToolCommand } from '../command.js';

export const disablehandoffCommand: ToolCommand = {
  name: 'disablehandoff',
  summary: 'Stop storing hints for replicas that miss writes',
  help: `Usage: sibyltool [global options] disablehandoff

Makes the node stop storing hints, until it restarts or enablehandoff. Hints
already stored are still replayed. Writes a down replica misses meanwhile
are left to read repair and repair. Prints nothing.
`,
  async run(ctx) {
    await ctx.call('disablehandoff');
    return '';
  },
};
