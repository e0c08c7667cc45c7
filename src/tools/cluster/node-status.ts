/**
 * What `status` and `start` report about each node: its pid (from the pid
 * file, if that process is alive) and whether it answers a request on its
 * client port.
 */
import type { Clock } from '../../clock/clock.js';
import type { ClusterPlan, NodeSpec } from './plan.js';
import { probeAnswer, runningPid } from './processes.js';
import { formatTable } from './table.js';

export interface NodeStatus {
  node: NodeSpec;
  pid: number | undefined;
  /** The node answered a request on its client port. */
  up: boolean;
}

export async function nodeStatuses(clock: Clock, plan: ClusterPlan): Promise<NodeStatus[]> {
  return Promise.all(
    plan.nodes.map(async (node) => {
      const pid = runningPid(node);
      const up = pid !== undefined && (await probeAnswer(clock, node.address, node.nativePort));
      return { node, pid, up };
    }),
  );
}

export function runningNodes(plan: ClusterPlan): { node: NodeSpec; pid: number }[] {
  const running: { node: NodeSpec; pid: number }[] = [];
  for (const node of plan.nodes) {
    const pid = runningPid(node);
    if (pid !== undefined) running.push({ node, pid });
  }
  return running;
}

/**
 * One row per node. A process that is alive but does not answer on its
 * client port is `starting` (or hung), which is different from `down`.
 */
export function formatStatusTable(statuses: readonly NodeStatus[]): string {
  return formatTable(
    ['node', 'status', 'address', 'client', 'internode', 'dc', 'rack', 'pid'],
    statuses.map(({ node, pid, up }) => [
      String(node.index),
      up ? 'up' : pid !== undefined ? 'no-answer' : 'down',
      node.address,
      `${node.address}:${node.nativePort}`,
      `${node.address}:${node.storagePort}`,
      node.dc,
      node.rack,
      pid !== undefined ? String(pid) : '-',
    ]),
  );
}
