/**
 * `sibyl cluster start [-n 3] [--dir D] [--dcs dc1:2,dc2:1]`: creates the
 * cluster's folders, state file and per-node configs on first use, then
 * starts every node detached and waits until each accepts clients (on first
 * use one at a time after the seed, so their tokens balance) and sees every
 * other up. On a cluster
 * that exists and is stopped it starts the same nodes again, together.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusAnswer } from '../../admin/commands/status.js';
import { Client } from '../../client/index.js';
import { parseArgs, UsageError } from '../args.js';
import { parseDurationMs, parsePort, parsePositiveInt } from '../duration.js';
import { flag, START_TIMEOUT_MS, type ClusterContext } from './context.js';
import { nodeConfigYaml } from './node-config.js';
import { formatStatusTable, nodeStatuses, runningNodes } from './node-status.js';
import { DEFAULT_CLUSTER_DIR, parseDcs, planCluster, type ClusterPlan, type NodeSpec } from './plan.js';
import { sleep, spawnNode, waitForStartup } from './processes.js';
import { ClusterError, readState, stateExists, writeState } from './state.js';
import { nodeList } from './table.js';

export const START_USAGE = `Usage: sibyl cluster start [-n 3] [--dir ${DEFAULT_CLUSTER_DIR}] [--dcs dc1:2,dc2:1]
                           [--cluster-name NAME] [--native-port 9042] [--storage-port 7000] [--timeout 60s]
                           [--if-not-running]

Node i listens on 127.0.0.i. Layout flags apply when the cluster is created;
starting an existing, stopped cluster starts the same nodes with the same data.
With --if-not-running, a running cluster is not an error: the nodes that are
down are started and the others left alone (what 'npm start' uses).
`;

const LAYOUT_FLAGS = ['-n', '--dcs', '--cluster-name', '--native-port', '--storage-port'];

export async function startCommand(ctx: ClusterContext, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--dir', '--timeout', ...LAYOUT_FLAGS], ['--if-not-running']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const dir = flag(args.flags, '--dir') ?? DEFAULT_CLUSTER_DIR;
  const timeoutText = flag(args.flags, '--timeout');
  const timeoutMs = timeoutText !== undefined ? parseDurationMs(timeoutText, '--timeout') : START_TIMEOUT_MS;

  let plan: ClusterPlan;
  let toStart: NodeSpec[];
  if (stateExists(dir)) {
    plan = readState(dir);
    const running = runningNodes(plan);
    if (running.length > 0 && !args.flags.has('--if-not-running')) {
      throw new ClusterError(`cluster in ${plan.dir} is already running (${nodeList(running.map((r) => r.node.index))}); use 'sibyl cluster stop' first`);
    }
    const up = new Set(running.map((r) => r.node.index));
    toStart = plan.nodes.filter((node) => !up.has(node.index));
    const n = flag(args.flags, '-n');
    if (n !== undefined && parsePositiveInt(n, '-n') !== plan.nodes.length) {
      throw new ClusterError(`cluster in ${plan.dir} has ${plan.nodes.length} nodes; use 'sibyl cluster clear' first to create one of ${n}`);
    }
    const other = LAYOUT_FLAGS.filter((f) => f !== '-n' && args.flags.has(f));
    if (other.length > 0) {
      throw new ClusterError(`cluster in ${plan.dir} already exists, so ${other.join(', ')} cannot change it; use 'sibyl cluster clear' first`);
    }
  } else {
    plan = createCluster(dir, args.flags);
    toStart = plan.nodes;
  }

  // The seed (node 1) comes up first so the others find it when they gossip. Nodes that already hold their
  // tokens then start together; a node's first start comes one at a time, so each new node chooses tokens
  // that balance against those of the nodes before it (nodes joining at once would split the same ranges).
  const seed = plan.nodes[0]!;
  if (toStart.includes(seed)) await startNodes(ctx, [seed], timeoutMs);
  const others = toStart.filter((node) => node !== seed);
  await startNodes(ctx, others.filter((node) => !isFirstStart(node)), timeoutMs);
  for (const node of others.filter(isFirstStart)) await startNodes(ctx, [node], timeoutMs);
  if (toStart.length > 0) await awaitEveryoneUp(ctx, runningNodes(plan).map((r) => r.node), timeoutMs);

  const statuses = await nodeStatuses(ctx.clock, plan);
  ctx.out(`Cluster '${plan.clusterName}' in ${plan.dir}: ${statuses.filter((s) => s.up).length} of ${plan.nodes.length} nodes up\n`);
  ctx.out(formatStatusTable(statuses));
  ctx.out(`Connect with: sibylsh ${seed.address} ${seed.nativePort}\n`);
  return 0;
}

function createCluster(dir: string, flags: Map<string, string | true>): ClusterPlan {
  const n = flag(flags, '-n');
  const dcsText = flag(flags, '--dcs');
  const dcs = dcsText !== undefined ? parseDcs(dcsText) : undefined;
  const nativePort = flag(flags, '--native-port');
  const storagePort = flag(flags, '--storage-port');
  const plan = planCluster({
    dir,
    nodeCount: n !== undefined ? parsePositiveInt(n, '-n') : (dcs?.reduce((s, d) => s + d.nodes, 0) ?? 3),
    dcs,
    clusterName: flag(flags, '--cluster-name'),
    nativePort: nativePort !== undefined ? parsePort(nativePort, '--native-port') : undefined,
    storagePort: storagePort !== undefined ? parsePort(storagePort, '--storage-port') : undefined,
  });
  plan.secretFile = writeClusterSecret(plan.dir);
  for (const node of plan.nodes) {
    mkdirSync(node.dataDir, { recursive: true });
    if (!existsSync(node.configFile)) writeFileSync(node.configFile, nodeConfigYaml(plan, node));
  }
  writeState(plan);
  return plan;
}

/**
 * Waits until every running node sees every other one up (`UN` in its
 * `sibyltool status`), as ccm's wait_other_notice does: nodes that restart
 * together serve clients before gossip has marked each other up again, and
 * a request in that moment would find its replicas unavailable.
 */
async function awaitEveryoneUp(ctx: ClusterContext, nodes: readonly NodeSpec[], timeoutMs: number): Promise<void> {
  const deadline = ctx.clock.nowMs() + timeoutMs;
  const expected = nodes.map((n) => n.address);
  for (const node of nodes) {
    const client = new Client({ contactPoints: [`${node.address}:${node.nativePort}`], discoverNodes: false });
    try {
      await client.connect();
      for (;;) {
        const answer = (await client.admin('status')) as StatusAnswer;
        const up = new Set(answer.endpoints.filter((e) => e.status === 'UN').map((e) => e.endpoint.slice(0, e.endpoint.lastIndexOf(':'))));
        if (expected.every((address) => up.has(address))) break;
        if (ctx.clock.nowMs() >= deadline) {
          throw new ClusterError(`node ${node.index} did not see every node up within ${timeoutMs} ms (it sees ${[...up].join(', ') || 'none'} up)`);
        }
        await sleep(ctx.clock, 100);
      }
    } finally {
      await client.shutdown();
    }
  }
}

/** Whether the node has never started: its data directory is still empty, so it has no tokens yet. */
function isFirstStart(node: NodeSpec): boolean {
  return !existsSync(node.dataDir) || readdirSync(node.dataDir).length === 0;
}

/** Spawns the nodes together and waits for each to accept clients. */
export async function startNodes(ctx: ClusterContext, nodes: readonly NodeSpec[], timeoutMs: number): Promise<void> {
  const started = nodes.map((node) => ({ node, ...spawnNode(node) }));
  const results = await Promise.allSettled(started.map((s) => waitForStartup(ctx.clock, s.node, s.pid, s.logOffset, timeoutMs)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Makes the cluster's secret: 32 random bytes, readable by the owner only,
 * which every node's config names as cluster_secret_file, so the nodes of
 * this cluster prove membership to each other and nothing else on the
 * machine can join them or send them mutations.
 */
function writeClusterSecret(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'cluster.secret');
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return path;
}
