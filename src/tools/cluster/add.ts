/**
 * `sibyl cluster add [--dir D] [--dc NAME] [--rack NAME]`: adds one node to a
 * running cluster, numbered after the last, with the cluster's seeds. It
 * bootstraps (streams the ranges it will own from their replicas) and logs
 * its start-up line only once it has joined the ring as NORMAL, which is
 * what this waits for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { parseDurationMs } from '../duration.js';
import { flag, type ClusterContext } from './context.js';
import { nodeConfigYaml } from './node-config.js';
import { runningNodes } from './node-status.js';
import { DEFAULT_CLUSTER_DIR, NODES_MAX, type NodeSpec } from './plan.js';
import { runningPid } from './processes.js';
import { startNodes } from './start.js';
import { ClusterError, readState, writeState } from './state.js';

export const ADD_USAGE = `Usage: sibyl cluster add [--dir ${DEFAULT_CLUSTER_DIR}] [--dc NAME] [--rack NAME] [--timeout 10m]

Adds node N+1 on 127.0.0.(N+1), in the last node's datacenter and rack unless
--dc/--rack say otherwise, and waits until it has bootstrapped and joined the
ring. Then run 'sibyltool cleanup' on the other nodes.
`;

/** Milliseconds to wait for a bootstrap by default: streaming takes as long as the data takes. */
const ADD_TIMEOUT_MS = 600_000;

export async function addCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir', '--dc', '--rack', '--timeout']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const plan = readState(flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR);
  if (runningNodes(plan).length === 0) throw new ClusterError(`cluster in ${plan.dir} is not running; a new node joins through its seed, so start it first`);
  const timeoutText = flag(args.flags, '--timeout');
  const timeoutMs = timeoutText !== undefined ? parseDurationMs(timeoutText, '--timeout') : ADD_TIMEOUT_MS;
  const index = Math.max(...plan.nodes.map((n) => n.index)) + 1;
  if (index > NODES_MAX) throw new ClusterError(`a cluster has at most ${NODES_MAX} nodes (node i listens on 127.0.0.i)`);
  const last = plan.nodes[plan.nodes.length - 1]!;
  const nodeDir = join(plan.dir, `node${index}`);
  const node: NodeSpec = {
    index,
    address: `127.0.0.${index}`,
    nativePort: plan.nativePort,
    storagePort: plan.storagePort,
    dc: flag(args.flags, '--dc') ?? last.dc,
    rack: flag(args.flags, '--rack') ?? last.rack,
    nodeDir,
    dataDir: join(nodeDir, 'data'),
    configFile: join(nodeDir, 'sibyl.yaml'),
    logFile: join(nodeDir, 'sibyl.log'),
    pidFile: join(nodeDir, 'sibyl.pid'),
  };
  mkdirSync(node.dataDir, { recursive: true });
  writeFileSync(node.configFile, nodeConfigYaml(plan, node));
  // Recorded before it starts, so a failed bootstrap can be resumed with 'sibyl cluster restart'.
  writeState({ ...plan, nodes: [...plan.nodes, node] });
  ctx.out(`Adding node ${index} on ${node.address} (${node.dc}, ${node.rack}); it streams its ranges before it serves them\n`);
  await startNodes(ctx, [node], timeoutMs);
  ctx.out(`Node ${index} joined the ring on ${node.address}:${node.nativePort} (pid ${runningPid(node) ?? '?'}); run 'sibyltool cleanup' on the other nodes\n`);
  return 0;
}
