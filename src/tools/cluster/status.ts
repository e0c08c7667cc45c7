/** `sibyl cluster status [--dir D]`: each node's number, address, pid and whether its client port answers. */
import { parseArgs, UsageError } from '../args.js';
import { flag, type ClusterContext } from './context.js';
import { formatStatusTable, nodeStatuses } from './node-status.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { readState } from './state.js';

export const STATUS_USAGE = `Usage: sibyl cluster status [--dir ${DEFAULT_CLUSTER_DIR}]\n`;

export async function statusCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const statuses = await nodeStatuses(ctx.clock, plan);
  ctx.out(`Cluster '${plan.clusterName}' in ${plan.dir}: ${statuses.filter((s) => s.up).length} of ${plan.nodes.length} nodes up\n`);
  ctx.out(formatStatusTable(statuses));
  return 0;
}
