/** `sibyltool getendpoints KEYSPACE TABLE KEY`: the nodes holding a partition, one per line. */
import type { GetEndpointsAnswer } from '../../../admin/commands/getendpoints.js';
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';
import { address } from '../format.js';

export const getendpointsCommand: ToolCommand = {
  name: 'getendpoints',
  summary: 'Print the nodes that own a partition key',
  help: `Usage: sibyltool [global options] getendpoints <keyspace> <table> <key>

Prints the replicas of the partition with that key, one address per line.
The key is written as a value of the partition key's type, without quotes;
the parts of a composite key are separated by ':' (acme:2026-11-22).
`,
  maxArguments: 3,
  async run(ctx, args) {
    const [keyspace, table, key, ...extra] = args.positional;
    if (key === undefined || extra.length > 0) throw new UsageError('getendpoints needs exactly <keyspace> <table> <key>');
    const answer = (await ctx.call('getendpoints', { keyspace, table, key })) as GetEndpointsAnswer;
    return answer.endpoints.map((e) => address(e, ctx.printPort) + '\n').join('');
  },
};
