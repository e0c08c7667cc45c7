/**
 * The layout of a local cluster, decided once by `sibyl cluster start` and
 * kept in the state file: which address, ports, datacenter, rack and folders
 * each node gets. Pure, so the numbering rules are tested without processes.
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../args.js';

/** Where `sibyl cluster` keeps everything unless `--dir` says otherwise (.gitignore ignores `.sibyl/`). */
export const DEFAULT_CLUSTER_DIR = './.sibyl/cluster';
export const DEFAULT_CLUSTER_NAME = 'Sibyl Cluster';
export const DEFAULT_NATIVE_PORT = 9042;
export const DEFAULT_STORAGE_PORT = 7000;
/** Node i listens on 127.0.0.i, so a cluster can have at most this many nodes. */
export const NODES_MAX = 254;

export interface DatacenterSize {
  dc: string;
  nodes: number;
}

export interface NodeSpec {
  /** 1-based node number, as every subcommand names nodes. */
  index: number;
  address: string;
  nativePort: number;
  storagePort: number;
  dc: string;
  rack: string;
  /** Everything of this node lives under this folder. */
  nodeDir: string;
  dataDir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
}

export interface ClusterPlan {
  dir: string;
  clusterName: string;
  nativePort: number;
  storagePort: number;
  /** Internode endpoints (`host:port`) every node is configured with: the first node. */
  seeds: string[];
  /** The cluster secret's file (cluster_secret_file of every node); absent in clusters made before the launcher wrote one. */
  secretFile?: string;
  nodes: NodeSpec[];
}

export interface PlanOptions {
  dir: string;
  nodeCount: number;
  dcs?: DatacenterSize[];
  clusterName?: string;
  nativePort?: number;
  storagePort?: number;
}

/** Parses `dc1:2,dc2:1` into datacenters and their node counts, in order. */
export function parseDcs(text: string): DatacenterSize[] {
  const parts = text.split(',').map((p) => p.trim());
  const seen = new Set<string>();
  return parts.map((part) => {
    const m = /^([A-Za-z0-9_.-]+):(\d+)$/.exec(part);
    if (!m) throw new UsageError(`--dcs expects name:count pairs such as dc1:2,dc2:1; got '${part}'`);
    const dc = m[1]!;
    const nodes = Number(m[2]);
    if (nodes < 1) throw new UsageError(`--dcs: datacenter ${dc} needs at least one node`);
    if (seen.has(dc)) throw new UsageError(`--dcs names datacenter ${dc} twice`);
    seen.add(dc);
    return { dc, nodes };
  });
}

export function planCluster(options: PlanOptions): ClusterPlan {
  const dir = resolve(options.dir);
  const dcs = options.dcs ?? [{ dc: 'datacenter1', nodes: options.nodeCount }];
  const total = dcs.reduce((sum, d) => sum + d.nodes, 0);
  if (total !== options.nodeCount) {
    throw new UsageError(`-n ${options.nodeCount} does not match --dcs, which adds up to ${total} nodes`);
  }
  if (total < 1 || total > NODES_MAX) throw new UsageError(`-n must be between 1 and ${NODES_MAX}; got ${total}`);
  const nativePort = options.nativePort ?? DEFAULT_NATIVE_PORT;
  const storagePort = options.storagePort ?? DEFAULT_STORAGE_PORT;
  if (nativePort === storagePort) throw new UsageError(`--native-port and --storage-port must differ; both are ${nativePort}`);
  const nodes: NodeSpec[] = [];
  for (const { dc, nodes: count } of dcs) {
    for (let k = 0; k < count; k++) {
      const index = nodes.length + 1;
      const nodeDir = join(dir, `node${index}`);
      nodes.push({
        index,
        address: `127.0.0.${index}`,
        nativePort,
        storagePort,
        dc,
        rack: 'rack1',
        nodeDir,
        dataDir: join(nodeDir, 'data'),
        configFile: join(nodeDir, 'sibyl.yaml'),
        logFile: join(nodeDir, 'sibyl.log'),
        pidFile: join(nodeDir, 'sibyl.pid'),
      });
    }
  }
  return {
    dir,
    clusterName: options.clusterName ?? DEFAULT_CLUSTER_NAME,
    nativePort,
    storagePort,
    seeds: [`${nodes[0]!.address}:${storagePort}`],
    nodes,
  };
}
