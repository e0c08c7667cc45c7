/** `sibyl cluster stop [--dir D]`: SIGTERM to every running node, then wait for each to drain and exit. */
import { parseArgs, UsageError } from '../args.js';
import { parseDurationMs } from '../duration.js';
import { flag, STOP_TIMEOUT_MS, type ClusterContext } from './context.js';
import { runningNodes } from './node-status.js';
import { DEFAULT_CLUSTER_DIR, type ClusterPlan, type NodeSpec } from './plan.js';
import { removePidFile, waitForExit } from './processes.js';
import { ClusterError, readState } from './state.js';
import { nodeList } from './table.js';

export const STOP_USAGE = `Usage: sibyl cluster stop [--dir ${DEFAULT_CLUSTER_DIR}] [--timeout 30s]\n`;

export async function stopCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir', '--timeout']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const timeoutText = flag(args.flags, '--timeout');
  const stopped = await stopCluster(ctx, plan, timeoutText !== undefined ? parseDurationMs(timeoutText, '--timeout') : STOP_TIMEOUT_MS);
  ctx.out(stopped.length > 0 ? `Stopped ${nodeList(stopped)} of cluster in ${plan.dir}\n` : `Cluster in ${plan.dir} is not running\n`);
  return 0;
}

/** Stops every running node of `plan` and returns their numbers; a node that outlives the timeout is an error. */
export async function stopCluster(ctx: ClusterContext, plan: ClusterPlan, timeoutMs: number): Promise<number[]> {
  const running = runningNodes(plan);
  await Promise.all(running.map(({ node, pid }) => stopNode(ctx, node, pid, timeoutMs)));
  return running.map((r) => r.node.index);
}

/** SIGTERM, then wait up to timeoutMs for the node to drain and close its storage. */
export async function stopNode(ctx: ClusterContext, node: NodeSpec, pid: number, timeoutMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(ctx.clock, pid, timeoutMs))) {
    throw new ClusterError(`node ${node.index} (pid ${pid}) did not stop within ${timeoutMs} ms; use 'sibyl cluster kill ${node.index}'`);
  }
  removePidFile(node);
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    // The process ended between the check and the signal: that is what was wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
