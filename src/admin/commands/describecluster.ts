/** `describecluster`: the cluster's name, snitch, partitioner, schema and release versions, member counts and keyspaces. */
import type { NodeView } from '../node-view.js';

export interface DescribeClusterAnswer {
  name: string;
  snitch: string;
  partitioner: string;
  /** Each schema version with the endpoints holding it; more than one version means schema is still spreading. */
  schemaVersions: { version: string; endpoints: string[] }[];
  stats: { live: number; joining: number; moving: number; leaving: number; unreachable: number };
  datacenters: { name: string; nodes: number; down: number }[];
  releaseVersions: { version: string; endpoints: string[] }[];
  keyspaces: { name: string; class: string; factors: Record<string, number> }[];
}

export async function describecluster(view: NodeView): Promise<DescribeClusterAnswer> {
  const members = await view.ring();
  const up = (s: string) => s.startsWith('U');
  const datacenters = new Map<string, { nodes: number; down: number }>();
  const releases = new Map<string, string[]>();
  for (const m of members) {
    const dc = datacenters.get(m.dc) ?? { nodes: 0, down: 0 };
    dc.nodes++;
    if (!up(m.status)) dc.down++;
    datacenters.set(m.dc, dc);
    releases.set(m.releaseVersion, [...(releases.get(m.releaseVersion) ?? []), m.endpoint]);
  }
  return {
    name: view.settings.cluster_name,
    snitch: view.snitch,
    partitioner: 'Murmur3Partitioner',
    schemaVersions: [...view.schemaVersions()].map(([version, endpoints]) => ({ version, endpoints: [...endpoints].sort() })),
    stats: {
      live: members.filter((m) => up(m.status)).length,
      joining: members.filter((m) => m.status[1] === 'J').length,
      moving: members.filter((m) => m.status[1] === 'M').length,
      leaving: members.filter((m) => m.status[1] === 'L').length,
      unreachable: members.filter((m) => !up(m.status)).length,
    },
    datacenters: [...datacenters].sort(([a], [b]) => a.localeCompare(b)).map(([name, d]) => ({ name, ...d })),
    releaseVersions: [...releases].map(([version, endpoints]) => ({ version, endpoints: endpoints.sort() })),
    keyspaces: view.catalog
      .keyspaces()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((ks) => ({ name: ks.name, class: ks.replication.class, factors: { ...ks.replication.factors } })),
  };
}
