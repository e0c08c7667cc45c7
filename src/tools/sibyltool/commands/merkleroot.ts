/** `sibyltool merkleroot KEYSPACE TABLE`: this node's own Merkle root of a table, to check replicas converged. */
import type { MerkleRootAnswer } from '../../../repair/service.js';
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';

export const merklerootCommand: ToolCommand = {
  name: 'merkleroot',
  summary: "Print this node's Merkle root of a table's local data",
  help: `Usage: sibyltool [global options] merkleroot [--as-of SECONDS] [-st TOKEN -et TOKEN] <keyspace> <table>

Builds the Merkle tree repair would build of the table's data on this node
alone, over the whole ring or (TOKEN, TOKEN], and prints its root. Replicas
holding the same data print the same root when asked with the same --as-of
(seconds since the epoch; expired cells hash as of then). Default: now.
`,
  valued: ['--as-of', '-st', '-et'],
  maxArguments: 2,
  async run(ctx, args) {
    const [keyspace, table, ...extra] = args.positional;
    if (table === undefined || extra.length > 0) throw new UsageError('merkleroot needs exactly <keyspace> <table>');
    const asOf = args.flags.get('--as-of');
    if (asOf !== undefined && !/^\d+$/.test(String(asOf))) throw new UsageError('--as-of must be seconds since the epoch');
    const st = args.flags.get('-st');
    const et = args.flags.get('-et');
    const answer = (await ctx.call('merkleroot', {
      keyspace,
      table,
      asOfS: asOf === undefined ? undefined : Number(asOf),
      startToken: typeof st === 'string' ? st : undefined,
      endToken: typeof et === 'string' ? et : undefined,
    })) as MerkleRootAnswer;
    return `${answer.root}  partitions: ${answer.partitions}  cells: ${answer.cells}  depth: ${answer.depth}  as of: ${answer.asOfS}\n`;
  },
};
