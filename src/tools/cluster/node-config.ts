/**
 * The YAML config the launcher writes for each node. Only keys the node
 * knows are written, because a node refuses to start on an unknown key: the
 * datacenter and rack go in once src/util/settings.ts has `dc` and `rack`.
 */
import { stringify } from 'yaml';
import { DEFAULT_SETTINGS } from '../../util/settings.js';
import type { ClusterPlan, NodeSpec } from './plan.js';

/** `known` is the set of setting names the node accepts (the defaults' keys unless a test says otherwise). */
export function nodeConfig(plan: ClusterPlan, node: NodeSpec, known: ReadonlySet<string> = new Set(Object.keys(DEFAULT_SETTINGS))): Record<string, unknown> {
  const config: Record<string, unknown> = {
    cluster_name: plan.clusterName,
    listen_address: node.address,
    native_transport_port: node.nativePort,
    storage_port: node.storagePort,
    data_directory: node.dataDir,
    seeds: plan.seeds,
    dc: node.dc,
    rack: node.rack,
    ...(plan.secretFile !== undefined ? { cluster_secret_file: plan.secretFile } : {}),
  };
  for (const key of Object.keys(config)) {
    if (!known.has(key)) delete config[key];
  }
  return config;
}

export function nodeConfigYaml(plan: ClusterPlan, node: NodeSpec, known?: ReadonlySet<string>): string {
  return `# Written by 'sibyl cluster start' for node ${node.index}; edits take effect at the node's next start.\n` + stringify(nodeConfig(plan, node, known));
}
