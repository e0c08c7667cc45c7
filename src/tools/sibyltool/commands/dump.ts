/** `sibyltool dump <keyspace>.<table> <key>`: the partition as this one node stores it, as JSON like sstabledump's. */
import type { DumpAnswer } from '../../../admin/commands/dump.js';
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';

export const dumpCommand: ToolCommand = {
  name: 'dump',
  summary: "Print a partition exactly as this node stores it (cells, write times, ttls, tombstones)",
  help: `Usage: sibyltool [global options] dump <keyspace>.<table> <key>
       sibyltool [global options] dump <keyspace> <table> <key>

Prints, as JSON in the manner of sstabledump, what the node sibyltool talks
to holds in its own storage for the partition: no other replica is asked
and nothing is reconciled or filtered. Each row shows its liveness info
(the INSERT marker), deletion and cells; each cell its value, write time
('tstamp', microseconds since the epoch), ttl and expiry ('expires_at',
seconds); tombstones show their 'deletion_info'. The key is written as in
getendpoints: a value of the key's type without quotes, the parts of a
composite key separated by ':'. Prints [] when the node holds nothing.
`,
  maxArguments: 3,
  async run(ctx, args) {
    const parts = args.positional;
    let keyspace: string | undefined;
    let table: string | undefined;
    let key: string | undefined;
    if (parts.length === 2 && parts[0]!.includes('.')) {
      const dot = parts[0]!.indexOf('.');
      [keyspace, table, key] = [parts[0]!.slice(0, dot), parts[0]!.slice(dot + 1), parts[1]];
    } else if (parts.length === 3) {
      [keyspace, table, key] = parts;
    } else {
      throw new UsageError('dump needs <keyspace>.<table> <key>');
    }
    const answer = (await ctx.call('dump', { keyspace, table, key })) as DumpAnswer;
    return JSON.stringify(answer.partitions, null, 2) + '\n';
  },
};
