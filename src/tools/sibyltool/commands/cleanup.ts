/**
 * `sibyltool cleanup`: nodetool cleanup. The node deletes the data of the
 * ranges it no longer replicates; nodetool prints next to nothing, so this
 * prints what went, per table, and a total.
 */
import type { CleanupReport } from '../../../admin/cleanup.js';
import type { ToolCommand } from '../command.js';
import { fileSize, table } from '../format.js';

export const cleanupCommand: ToolCommand = {
  name: 'cleanup',
  summary: 'Delete the data of ranges this node no longer replicates (after a topology or replication change)',
  help: `Usage: sibyltool [global options] cleanup [keyspace [tables ...]]

Deletes, from the storage of the node sibyltool talks to, every partition
whose token lies outside the ranges the node replicates in the current ring:
data left behind after a node joined or the keyspace's replication factor was
lowered. Without a keyspace, cleans every non-system keyspace. Prints, per
table, the partitions and bytes removed.

Refuses while any node is joining, leaving or being removed ("Node is involved in cluster
membership changes. Not safe to run cleanup."), and on a node that has not
joined the ring. Run it on one node at a time.
`,
  maxArguments: Infinity,
  async run(ctx, args) {
    const [keyspace, ...tables] = args.positional;
    const report = (await ctx.call('cleanup', { keyspace, tables })) as CleanupReport;
    return formatCleanup(report);
  },
};

export function formatCleanup(report: CleanupReport): string {
  if (report.tables.length === 0) return 'No tables to clean up.\n';
  const rows = [['Keyspace', 'Table', 'Partitions removed', 'Bytes removed']];
  let partitions = 0;
  let bytes = 0;
  for (const t of report.tables) {
    rows.push([t.keyspace, t.table, String(t.partitions), fileSize(t.bytes)]);
    partitions += t.partitions;
    bytes += t.bytes;
  }
  const count = report.tables.length;
  return `${table(rows)}Cleaned up ${count} table${count === 1 ? '' : 's'}: removed ${partitions} partition${partitions === 1 ? '' : 's'} (${fileSize(bytes)}).\n`;
}
