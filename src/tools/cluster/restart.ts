/**
 * `sibyl cluster restart <i> [--dir D]`: starts one node again with the same
 * config and data, stopping it first (SIGTERM) if it is still running.
 */
import { parseArgs, UsageError } from '../args.js';
import { parseDurationMs } from '../duration.js';
import { flag, START_TIMEOUT_MS, STOP_TIMEOUT_MS, type ClusterContext } from './context.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { runningPid } from './processes.js';
import { nodeByIndex, readState } from './state.js';
import { startNodes } from './start.js';
import { stopNode } from './stop.js';

export const RESTART_USAGE = `Usage: sibyl cluster restart <node> [--dir ${DEFAULT_CLUSTER_DIR}] [--timeout 60s]\n`;

export async function restartCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir', '--timeout']);
  if (args.positional.length > 1) throw new UsageError(`unexpected argument '${args.positional[1]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const node = nodeByIndex(plan, args.positional[0]);
  const timeoutText = flag(args.flags, '--timeout');
  const timeoutMs = timeoutText !== undefined ? parseDurationMs(timeoutText, '--timeout') : START_TIMEOUT_MS;
  const pid = runningPid(node);
  if (pid !== undefined) await stopNode(ctx, node, pid, STOP_TIMEOUT_MS);
  await startNodes(ctx, [node], timeoutMs);
  ctx.out(`Node ${node.index} is up on ${node.address}:${node.nativePort} (pid ${runningPid(node) ?? '?'})\n`);
  return 0;
}
