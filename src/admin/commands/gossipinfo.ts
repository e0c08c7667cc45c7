/** `gossipinfo`: what gossip holds about every endpoint. */
import type { GossipEndpointInfo, NodeView } from '../node-view.js';

export interface GossipInfoAnswer {
  endpoints: GossipEndpointInfo[];
}

export async function gossipinfo(view: NodeView): Promise<GossipInfoAnswer> {
  return { endpoints: [...view.gossipInfo()].sort((a, b) => a.endpoint.localeCompare(b.endpoint)) };
}
