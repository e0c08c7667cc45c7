/**
 * A 3-node Sibyl cluster for the benchmark, laid out by the launcher's own
 * plan and config (src/tools/cluster) but spawned as children of this
 * process, so they end with it and can run under extra Node flags
 * (`--cpu-prof` when profiling).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SystemClock } from '../../src/clock/clock.js';
import { nodeConfigYaml } from '../../src/tools/cluster/node-config.js';
import { planCluster, type NodeSpec } from '../../src/tools/cluster/plan.js';
import { SIBYL_BIN, waitForStartup } from '../../src/tools/cluster/processes.js';

export interface BenchCluster {
  /** Driver contact points, `host:port`. */
  hosts: string[];
  /** The node processes, for CPU accounting. */
  pids: number[];
  /** Stops every node with SIGTERM (so a CPU profile is written) and waits for the exits. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startSibylCluster(dir: string, ports: { nativePort: number; storagePort: number }, nodeArgs: string[]): Promise<BenchCluster> {
  const clock = new SystemClock();
  const plan = planCluster({ dir, nodeCount: 3, clusterName: 'Sibyl Bench', ...ports });
  const children: ChildProcess[] = [];
  const spawnOne = async (node: NodeSpec) => {
    mkdirSync(node.dataDir, { recursive: true });
    writeFileSync(node.configFile, nodeConfigYaml(plan, node));
    writeFileSync(node.logFile, '');
    const child = spawn(process.execPath, [...nodeArgs, SIBYL_BIN, 'node', '--config', node.configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: node.nodeDir,
    });
    children.push(child);
    // The start-up line goes to stderr; waitForStartup reads it from the log file.
    child.stderr!.on('data', (chunk: Buffer) => writeFileSync(node.logFile, chunk, { flag: 'a' }));
    try {
      await waitForStartup(clock, node, child.pid!, 0, START_TIMEOUT_MS);
    } catch (err) {
      // The folder is removed when the benchmark ends, so show the log's tail now.
      const tail = readFileSync(node.logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
      throw new Error(`${(err as Error).message}\n--- node ${node.index} log ---\n${tail}`);
    }
  };
  const stopAll = () =>
    Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res();
            c.once('exit', () => res());
            c.kill('SIGTERM');
          }),
      ),
    ).then(() => {});
  const [seed, ...rest] = plan.nodes;
  try {
    await spawnOne(seed!);
    await Promise.all(rest.map(spawnOne));
  } catch (err) {
    // Leave no node behind holding the benchmark's ports.
    await stopAll();
    throw err;
  }
  return {
    hosts: plan.nodes.map((n) => `${n.address}:${n.nativePort}`),
    pids: children.map((c) => c.pid!),
    stop: stopAll,
  };
}
