/** `sibyltool version`: the release the node runs. */
import type { ToolCommand } from '../command.js';

export const versionCommand: ToolCommand = {
  name: 'version',
  summary: 'Print the release version of the node',
  help: `Usage: sibyltool [global options] version

Prints the release version of the node sibyltool talks to.
`,
  async run(ctx) {
    const answer = (await ctx.call('version')) as { releaseVersion: string };
    return `ReleaseVersion: ${answer.releaseVersion}\n`;
  },
};
