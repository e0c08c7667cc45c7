/**
 * `sibyl cluster decommission <i> [--dir D]`: runs `sibyltool decommission`
 * on node i, which streams its ranges to the nodes taking them over, leaves
 * the ring and stops; then waits for the process to end and takes the node
 * out of the cluster's layout. Its data directory is deleted (a decommissioned
 * node refuses to start on it); its log stays.
 */
import { rmSync } from 'node:fs';
import { parseArgs, UsageError } from '../args.js';
import { main as sibyltool } from '../sibyltool/main.js';
import { flag, STOP_TIMEOUT_MS, type ClusterContext } from './context.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { removePidFile, runningPid, waitForExit } from './processes.js';
import { ClusterError, nodeByIndex, readState, writeState } from './state.js';

export const DECOMMISSION_USAGE = `Usage: sibyl cluster decommission <node> [--dir ${DEFAULT_CLUSTER_DIR}]\n`;

export async function decommissionCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir']);
  if (args.positional.length > 1) throw new UsageError(`unexpected argument '${args.positional[1]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const node = nodeByIndex(plan, args.positional[0]);
  const pid = runningPid(node);
  if (pid === undefined) throw new ClusterError(`node ${node.index} is not running; a dead node is taken out with 'sibyltool removenode <host id>' on another node`);
  if (plan.nodes[0] === node) throw new ClusterError(`node ${node.index} is the seed of this cluster; decommission another node`);
  let errors = '';
  const code = await sibyltool(['-h', node.address, '-p', String(node.nativePort), 'decommission'], {
    stdout: (text) => ctx.out(text),
    stderr: (text) => (errors += text),
  });
  if (code !== 0) throw new ClusterError(`decommission of node ${node.index} failed: ${errors.trim().replace(/^sibyltool: /, '')}`);
  if (!(await waitForExit(ctx.clock, pid, STOP_TIMEOUT_MS))) throw new ClusterError(`node ${node.index} (pid ${pid}) left the ring but did not exit within ${STOP_TIMEOUT_MS} ms`);
  removePidFile(node);
  rmSync(node.dataDir, { recursive: true, force: true });
  writeState({ ...plan, nodes: plan.nodes.filter((n) => n !== node) });
  ctx.out(`Node ${node.index} (${node.address}) left the ring and stopped; it is no longer part of this cluster\n`);
  return 0;
}
