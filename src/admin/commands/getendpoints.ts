/** `getendpoints KEYSPACE TABLE KEY`: the replicas of one partition. */
import { InvalidRequestError } from '../../util/errors.js';
import { namedTable, requiredString, type AdminArgs } from '../args.js';
import { partitionKeyFromText } from '../key-text.js';
import type { NodeView } from '../node-view.js';

export interface GetEndpointsAnswer {
  endpoints: string[];
}

export async function getendpoints(view: NodeView, args: AdminArgs): Promise<GetEndpointsAnswer> {
  const keyspace = requiredString(args, 'keyspace', 'getendpoints');
  const table = namedTable(view.catalog, keyspace, requiredString(args, 'table', 'getendpoints'));
  // An empty key is a valid text key, so only a missing one is refused.
  const key = args['key'];
  if (typeof key !== 'string') throw new InvalidRequestError("getendpoints: argument 'key' is required");
  return { endpoints: view.naturalReplicas(keyspace, partitionKeyFromText(table, key)) };
}
