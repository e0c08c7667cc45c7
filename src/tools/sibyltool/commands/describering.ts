/** `sibyltool describering <keyspace>`: nodetool describering, every token range with its replicas. */
import type { DescribeRingAnswer } from '../../../admin/commands/describering.js';
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';
import { address } from '../format.js';

export const describeringCommand: ToolCommand = {
  name: 'describering',
  summary: 'Print every token range of a keyspace with its replicas',
  help: `Usage: sibyltool [global options] describering <keyspace>

Prints the schema version, then every token range (start_token, end_token]
of the ring in token order with the endpoints replicating it under the
keyspace's replication, in replica order: their internode addresses, client
(rpc) addresses, datacenters and racks, in nodetool's TokenRange layout.
`,
  maxArguments: 1,
  async run(ctx, args) {
    const [keyspace] = args.positional;
    if (keyspace === undefined) throw new UsageError('describering needs a keyspace');
    return formatDescribeRing((await ctx.call('describering', { keyspace })) as DescribeRingAnswer, ctx.printPort);
  },
};

export function formatDescribeRing(a: DescribeRingAnswer, printPort: boolean): string {
  let out = `Schema Version:${a.schemaVersion}\nTokenRange: \n`;
  for (const r of a.ranges) {
    const list = (items: string[]) => `[${items.join(', ')}]`;
    const endpoints = list(r.endpoints.map((e) => address(e.endpoint, printPort)));
    const rpc = list(r.endpoints.map((e) => address(e.rpcEndpoint, printPort)));
    const details = list(r.endpoints.map((e) => `EndpointDetails(host:${address(e.endpoint, printPort)}, datacenter:${e.dc}, rack:${e.rack})`));
    out += `\tTokenRange(start_token:${r.start}, end_token:${r.end}, endpoints:${endpoints}, rpc_endpoints:${rpc}, endpoint_details:${details})\n`;
  }
  return out;
}
