/** `sibyl cluster logs <i> [-f] [--dir D]`: prints one node's log; with -f keeps printing what it appends until interrupted. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseArgs, UsageError } from '../args.js';
import { flag, type ClusterContext } from './context.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { ClusterError, nodeByIndex, readState } from './state.js';

export const LOGS_USAGE = `Usage: sibyl cluster logs <node> [-f] [--dir ${DEFAULT_CLUSTER_DIR}]\n`;

/** Milliseconds between looks at a followed log. */
const FOLLOW_POLL_MS = 200;

export async function logsCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir'], ['-f', '--follow']);
  if (args.positional.length > 1) throw new UsageError(`unexpected argument '${args.positional[1]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  const node = nodeByIndex(plan, args.positional[0]);
  let offset = 0;
  const printNew = () => {
    offset += copyFrom(node.logFile, offset, ctx.out);
  };
  try {
    statSync(node.logFile);
  } catch {
    throw new ClusterError(`node ${node.index} has no log yet (${node.logFile})`);
  }
  printNew();
  if (!args.flags.has('-f') && !args.flags.has('--follow')) return 0;
  const timer = ctx.clock.setInterval(printNew, FOLLOW_POLL_MS);
  await ctx.untilInterrupted();
  timer.cancel();
  printNew();
  return 0;
}

/** Writes the bytes of `path` from `offset` on and returns how many there were (0 if the file is gone). */
function copyFrom(path: string, offset: number, out: (text: string) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    const size = statSync(path).size;
    // A log that shrank was replaced; nothing to add from the old offset.
    if (size <= offset) return 0;
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    out(buffer.subarray(0, read).toString('utf8'));
    return read;
  } finally {
    closeSync(fd);
  }
}
