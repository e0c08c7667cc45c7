/** `sibyl cluster clear [--dir D]`: stops the cluster and removes its folder, data and logs included. */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { flag, STOP_TIMEOUT_MS, type ClusterContext } from './context.js';
import { DEFAULT_CLUSTER_DIR } from './plan.js';
import { ClusterError, readState, stateExists, STATE_FILE } from './state.js';
import { stopCluster } from './stop.js';
import { nodeList } from './table.js';

export const CLEAR_USAGE = `Usage: sibyl cluster clear [--dir ${DEFAULT_CLUSTER_DIR}]\n`;

export async function clearCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const dir = resolve(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  if (!existsSync(dir)) {
    ctx.out(`No cluster in ${dir}; nothing to clear\n`);
    return 0;
  }
  // Only a folder the launcher made is removed, so a mistyped --dir cannot delete anything else.
  if (!stateExists(dir)) throw new ClusterError(`${dir} holds no ${STATE_FILE}, so it is not a cluster folder; not removing it`);
  const stopped = await stopCluster(ctx, readState(dir), STOP_TIMEOUT_MS);
  rmSync(dir, { recursive: true, force: true });
  ctx.out(`${stopped.length > 0 ? `Stopped ${nodeList(stopped)} and removed` : 'Removed'} ${dir}\n`);
  return 0;
}
