/**
 * `dump KEYSPACE TABLE KEY`: what this one node's storage holds for a
 * partition, read from its own engine (not through the coordinator), every
 * cell with its write time, ttl and tombstones; see partition-dump.ts.
 */
import { InvalidRequestError } from '../../util/errors.js';
import { namedTable, requiredString, type AdminArgs } from '../args.js';
import { partitionKeyFromText } from '../key-text.js';
import type { NodeView } from '../node-view.js';
import { dumpPartition, type DumpedPartition } from '../partition-dump.js';

export interface DumpAnswer {
  /** The node that answered, 'host:port'. */
  endpoint: string;
  /** The partition, or none when this node holds nothing for it. */
  partitions: DumpedPartition[];
}

export async function dump(view: NodeView, args: AdminArgs): Promise<DumpAnswer> {
  const keyspace = requiredString(args, 'keyspace', 'dump');
  const table = namedTable(view.catalog, keyspace, requiredString(args, 'table', 'dump'));
  const keyText = args['key'];
  if (typeof keyText !== 'string') throw new InvalidRequestError("dump: argument 'key' is required");
  if (!view.localPartition) throw new InvalidRequestError('dump: this node cannot read its storage directly');
  const key = partitionKeyFromText(table, keyText);
  const partition = await view.localPartition(table.id, key);
  return { endpoint: view.endpoint, partitions: partition ? [dumpPartition(table, partition)] : [] };
}
