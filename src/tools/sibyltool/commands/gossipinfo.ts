/** `sibyltool gossipinfo`: nodetool gossipinfo. */
import type { GossipInfoAnswer } from '../../../admin/commands/gossipinfo.js';
import type { ToolCommand } from '../command.js';
import { address } from '../format.js';

export const gossipinfoCommand: ToolCommand = {
  name: 'gossipinfo',
  summary: "Print gossip's state of every node",
  help: `Usage: sibyltool [global options] gossipinfo

Prints, for every node gossip knows, its generation, heartbeat and each
application state as NAME:version:value (tokens hidden).
`,
  async run(ctx) {
    return formatGossipInfo((await ctx.call('gossipinfo')) as GossipInfoAnswer, ctx.printPort);
  },
};

export function formatGossipInfo(a: GossipInfoAnswer, printPort: boolean): string {
  let out = '';
  for (const e of a.endpoints) {
    out += `/${address(e.endpoint, printPort)}\n  generation:${e.generation}\n  heartbeat:${e.heartbeat}\n`;
    for (const [key, { value, version }] of Object.entries(e.states)) {
      out += `  ${key}:${version}:${key === 'TOKENS' ? '<hidden>' : value}\n`;
    }
  }
  return out;
}
