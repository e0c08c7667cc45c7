/** `sibyl cluster kill <i> [--dir D]`: SIGKILL one node, as a crash would, to rehearse failures. */
import { parseArgs, UsageError } from '../args.js';
import { flag, type ClusterContext } from './context.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { removePidFile, runningPid, waitForExit } from './processes.js';
import { ClusterError, nodeByIndex, readState } from './state.js';
import { signal } from './stop.js';

export const KILL_USAGE = `Usage: sibyl cluster kill <node> [--dir ${DEFAULT_CLUSTER_DIR}]\n`;

/** Milliseconds a SIGKILLed process may take to disappear. */
const KILL_WAIT_MS = 5000;

export async function killCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir']);
  if (args.positional.length > 1) throw new UsageError(`unexpected argument '${args.positional[1]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const node = nodeByIndex(plan, args.positional[0]);
  const pid = runningPid(node);
  if (pid === undefined) throw new ClusterError(`node ${node.index} is not running`);
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(ctx.clock, pid, KILL_WAIT_MS))) throw new ClusterError(`node ${node.index} (pid ${pid}) survived SIGKILL for ${KILL_WAIT_MS} ms`);
  removePidFile(node);
  ctx.out(`Killed node ${node.index} (${node.address}, pid ${pid})\n`);
  return 0;
}
