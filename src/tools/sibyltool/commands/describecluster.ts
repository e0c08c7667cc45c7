/** `sibyltool describecluster`: nodetool describecluster. */
import type { DescribeClusterAnswer } from '../../../admin/commands/describecluster.js';
import type { ToolCommand } from '../command.js';
import { address } from '../format.js';

export const describeclusterCommand: ToolCommand = {
  name: 'describecluster',
  summary: 'Print the cluster name, snitch, partitioner, schema versions and keyspaces',
  help: `Usage: sibyltool [global options] describecluster

Prints the cluster's name, snitch and partitioner, each schema version with
the nodes holding it (more than one version: a schema change is still
spreading), node counts by state and datacenter, release versions and the
replication of every keyspace.
`,
  async run(ctx) {
    return formatDescribeCluster((await ctx.call('describecluster')) as DescribeClusterAnswer, ctx.printPort);
  },
};

export function formatDescribeCluster(a: DescribeClusterAnswer, printPort: boolean): string {
  const list = (endpoints: string[]) => `[${endpoints.map((e) => address(e, printPort)).join(', ')}]`;
  let out = 'Cluster Information:\n';
  out += `\tName: ${a.name}\n\tSnitch: ${a.snitch}\n\tPartitioner: ${a.partitioner}\n\tSchema versions:\n`;
  // nodetool's "\t\t%s: %s%n%n": a blank line after each version, the unreachable nodes' included.
  for (const v of a.schemaVersions) out += `\t\t${v.version}: ${list(v.endpoints)}\n\n`;
  out += 'Stats for all nodes:\n';
  out += `\tLive: ${a.stats.live}\n\tJoining: ${a.stats.joining}\n\tMoving: ${a.stats.moving}\n\tLeaving: ${a.stats.leaving}\n\tUnreachable: ${a.stats.unreachable}\n`;
  out += '\nData Centers: \n';
  for (const dc of a.datacenters) out += `\t${dc.name} #Nodes: ${dc.nodes} #Down: ${dc.down}\n`;
  out += '\nDatabase versions:\n';
  // As nodetool: release versions are listed with the internode port.
  for (const v of a.releaseVersions) out += `\t${v.version}: [${v.endpoints.join(', ')}]\n`;
  out += '\nKeyspaces:\n';
  for (const ks of a.keyspaces) {
    const factors = Object.entries(ks.factors).map(([k, n]) => `${k}=${n}`).join(', ');
    out += `\t${ks.name} -> Replication class: ${ks.class} {${factors}}\n`;
  }
  return out;
}
