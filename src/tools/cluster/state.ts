/**
 * The cluster's state file, `cluster.json` in the cluster folder: the plan
 * the cluster was created with. Pids live in each node's pid file, so a node
 * started or stopped by hand is still seen correctly. Because everything is
 * on disk, `status`, `stop` and the rest work from any later shell session.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClusterPlan, NodeSpec } from './plan.js';

export const STATE_FILE = 'cluster.json';
const STATE_VERSION = 1;

/** A failure of a cluster subcommand; its message is the one line the user sees. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export function statePath(dir: string): string {
  return join(resolve(dir), STATE_FILE);
}

export function stateExists(dir: string): boolean {
  return existsSync(statePath(dir));
}

export function writeState(plan: ClusterPlan): void {
  mkdirSync(plan.dir, { recursive: true });
  const path = statePath(plan.dir);
  // Write then rename, so a launcher killed midway never leaves half a file.
  writeFileSync(`${path}.tmp`, JSON.stringify({ version: STATE_VERSION, ...plan }, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** Reads the state of the cluster in `dir`; a missing or unreadable file is a ClusterError naming the folder. */
export function readState(dir: string): ClusterPlan {
  const path = statePath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ClusterError(`no cluster in ${resolve(dir)}; create one with 'sibyl cluster start -n 3 --dir ${dir}'`);
  }
  let doc: ClusterPlan & { version?: number };
  try {
    doc = JSON.parse(text) as ClusterPlan & { version?: number };
  } catch (err) {
    throw new ClusterError(`state file ${path} is not valid JSON (${(err as Error).message}); remove the folder with 'sibyl cluster clear'`);
  }
  if (doc.version !== STATE_VERSION || !Array.isArray(doc.nodes)) {
    throw new ClusterError(`state file ${path} has an unknown layout (version ${String(doc.version)})`);
  }
  const { version: _version, ...plan } = doc;
  return plan;
}

/** The node numbered `text` (1-based), or a ClusterError listing the valid numbers. */
export function nodeByIndex(plan: ClusterPlan, text: string | undefined): NodeSpec {
  if (text === undefined) throw new ClusterError(`name a node: ${nodeNumbers(plan)}`);
  const node = /^\d+$/.test(text) ? plan.nodes.find((n) => n.index === Number(text)) : undefined;
  if (!node) throw new ClusterError(`no node ${text} in this cluster; its nodes are ${nodeNumbers(plan)}`);
  return node;
}

/**
 * The cluster's node numbers for a message: `1 to 3` while they run without
 * a gap, otherwise each one (`1, 3, 4`), since numbers are not reused after
 * a decommission.
 */
function nodeNumbers(plan: ClusterPlan): string {
  const indices = plan.nodes.map((n) => n.index);
  const first = indices[0]!;
  const last = indices[indices.length - 1]!;
  return last - first + 1 === indices.length ? `${first} to ${last}` : indices.join(', ');
}
