/** `describering KEYSPACE`: every token range of the ring with its replicas, their client addresses, datacenters and racks. */
import { InvalidRequestError } from '../../util/errors.js';
import { requiredString, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';

export interface DescribeRingEndpoint {
  /** Internode endpoint, 'host:port'. */
  endpoint: string;
  /** Where clients reach it, 'host:port', or '?' when gossip has not said. */
  rpcEndpoint: string;
  dc: string;
  rack: string;
}

export interface DescribeRingAnswer {
  schemaVersion: string;
  ranges: { start: string; end: string; endpoints: DescribeRingEndpoint[] }[];
}

export async function describering(view: NodeView, args: AdminArgs): Promise<DescribeRingAnswer> {
  const keyspace = requiredString(args, 'keyspace', 'describering');
  view.catalog.requireKeyspace(keyspace);
  if (!view.tokenRanges) throw new InvalidRequestError('describering: this node has no token ring');
  const members = new Map((await view.ring()).map((m) => [m.endpoint, m]));
  const describe = (endpoint: string): DescribeRingEndpoint => {
    const m = members.get(endpoint);
    return { endpoint, rpcEndpoint: m?.nativeAddress ?? '?', dc: m?.dc ?? '?', rack: m?.rack ?? '?' };
  };
  return {
    schemaVersion: view.catalog.version,
    ranges: view.tokenRanges(keyspace).map((r) => ({ start: r.start, end: r.end, endpoints: r.replicas.map(describe) })),
  };
}
