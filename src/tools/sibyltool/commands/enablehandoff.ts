/** `sibyltool enablehandoff`: the node stores hints again (until restart; hinted_handoff_enabled sets the default). */
import type { ToolCommand } from '../command.js';

export const enablehandoffCommand: ToolCommand = {
  name: 'enablehandoff',
  summary: 'Start storing hints for replicas that miss writes',
  help: `Usage: sibyltool [global options] enablehandoff

Makes the node store hints for replicas that are down or time out, until it
restarts (hinted_handoff_enabled sets what it starts with). Prints nothing.
`,
  async run(ctx) {
    await ctx.call('enablehandoff');
    return '';
  },
};
