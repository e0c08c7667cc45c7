/** `sibyltool ring [keyspace]`: nodetool ring, every token of every node. */
import type { RingAnswer } from '../../../admin/commands/ring.js';
import type { ToolCommand } from '../command.js';
import { address, byDatacenter, fileSize, left, percent, statusWords } from '../format.js';

export const ringCommand: ToolCommand = {
  name: 'ring',
  summary: 'Print every token of the ring with its node',
  help: `Usage: sibyltool [global options] ring [keyspace]

Prints, per datacenter, every token in ring order with the node owning it:
address, rack, status, state, load and ownership (effective for the
keyspace, or for the user keyspaces when they share one replication).
`,
  maxArguments: 1,
  async run(ctx, args) {
    const answer = (await ctx.call('ring', { keyspace: args.positional[0] })) as RingAnswer;
    return formatRing(answer, ctx.printPort);
  },
};

export function formatRing(answer: RingAnswer, printPort: boolean): string {
  const addressWidth = Math.max(7, ...answer.endpoints.map((e) => address(e.endpoint, printPort).length));
  // nodetool's "%-Ns  %-12s%-7s%-8s%-16s%-20s%-44s%n".
  const line = (cells: string[]) =>
    left(cells[0]!, addressWidth) + '  ' + [12, 7, 8, 16, 20, 44].map((w, i) => left(cells[i + 1]!, w)).join('') + '\n';
  let out = '\n';
  for (const [dc, endpoints] of byDatacenter(answer.endpoints)) {
    const rows = endpoints
      .flatMap((e) => e.tokens.map((token) => ({ e, token: BigInt(token) })))
      .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    out += `Datacenter: ${dc}\n==========\n`;
    out += line(['Address', 'Rack', 'Status', 'State', 'Load', 'Owns', 'Token']);
    out += line(['', '', '', '', '', '', rows.length > 0 ? String(rows[rows.length - 1]!.token) : '']);
    for (const { e, token } of rows) {
      const words = statusWords(e.status);
      out += line([address(e.endpoint, printPort), e.rack, words.status, words.state, fileSize(e.loadBytes), percent(e.owns, 2), String(token)]);
    }
    out += '\n';
  }
  if (answer.endpoints.some((e) => e.tokens.length > 1)) {
    out += '  Warning: "sibyltool ring" is used to output all the tokens of a node.\n';
    out += '  To view status related info of a node use "sibyltool status" instead.\n\n';
  }
  return out + (answer.note ? `\n  Note: ${answer.note}\n` : '');
}
