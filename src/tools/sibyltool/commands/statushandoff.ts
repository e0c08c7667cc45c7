/** `sibyltool statushandoff`: whether the node stores hints, in nodetool's words. */
import type { HandoffAnswer } from '../../../admin/commands/handoff.js';
import type { ToolCommand } from '../command.js';

export const statushandoffCommand: ToolCommand = {
  name: 'statushandoff',
  summary: 'Print whether hinted handoff is running',
  help: `Usage: sibyltool [global options] statushandoff

Prints 'Hinted handoff is running' when the node stores hints for replicas
that miss writes, 'Hinted handoff is not running' otherwise.
`,
  async run(ctx) {
    return formatHandoffStatus((await ctx.call('statushandoff')) as HandoffAnswer);
  },
};

export function formatHandoffStatus(answer: HandoffAnswer): string {
  return `Hinted handoff is ${answer.running ? 'running' : 'not running'}\n`;
}
