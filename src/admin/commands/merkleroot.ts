/**
 * `merkleroot KEYSPACE TABLE`: this node's own Merkle root of a table, built
 * from its local data over the whole ring or (startToken, endToken]. Replicas
 * holding the same data report the same root when asked as of the same time
 * (`asOfS`), which is how one checks that a repair converged.
 */
import type { MerkleRootAnswer } from '../../repair/service.js';
import { namedTable, requiredString, optionalInteger, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';
import { optionalToken, repairOf } from './repair.js';

export async function merkleroot(view: NodeView, args: AdminArgs): Promise<MerkleRootAnswer> {
  const service = repairOf(view, 'merkleroot');
  const keyspace = requiredString(args, 'keyspace', 'merkleroot');
  const table = namedTable(view.catalog, keyspace, requiredString(args, 'table', 'merkleroot'));
  const start = optionalToken(args, 'startToken', 'merkleroot') ?? 0n;
  const end = optionalToken(args, 'endToken', 'merkleroot') ?? start;
  const asOfS = optionalInteger(args, 'asOfS', 'merkleroot') ?? view.clock.nowS();
  const depth = optionalInteger(args, 'depth', 'merkleroot');
  return service.merkleRoot(table, { start, end }, asOfS, depth);
}
