/**
 * Gossip seen from the client side of a node: the members that
 * `system.local` and `system.peers` list (TopologySource, for the query
 * processor) and the TOPOLOGY_CHANGE / STATUS_CHANGE events the protocol
 * server pushes to drivers (ClusterEventSource). Events name a node by its
 * client address, the one a driver connects to.
 */
import type { TopologyMember, TopologySource } from '../cql/topology.js';
import { decodeTokens, statusOf, type EndpointState } from '../gossip/endpoint-state.js';
import type { Gossiper } from '../gossip/gossiper.js';
import type { ClusterEvent } from '../transport/protocol.js';
import type { ClusterEventSource } from '../transport/connection.js';

type GossipView = Pick<Gossiper, 'self' | 'endpoints' | 'stateOf' | 'onJoin' | 'onAlive' | 'onDead' | 'onChange'>;

export function gossipTopology(gossip: GossipView, defaults: { dc: string; rack: string }): TopologySource {
  const member = (endpoint: string, state: EndpointState | undefined): TopologyMember => {
    const value = (key: string) => state?.states[key]?.value;
    return {
      endpoint,
      hostId: value('HOST_ID'),
      dc: value('DC') ?? defaults.dc,
      rack: value('RACK') ?? defaults.rack,
      tokens: decodeTokens(value('TOKENS')).map((t) => t.toString()),
      nativeAddress: usableAddress(value('NATIVE_ADDRESS')),
      schemaVersion: value('SCHEMA'),
      releaseVersion: value('RELEASE_VERSION'),
    };
  };
  return {
    local: () => member(gossip.self, gossip.endpoints().get(gossip.self)),
    peers: () => {
      const out: TopologyMember[] = [];
      for (const [endpoint, state] of gossip.endpoints()) {
        if (endpoint === gossip.self || statusOf(state) === 'LEFT') continue;
        out.push(member(endpoint, state));
      }
      return out.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
    },
  };
}

/** A peer's tokens or client address changing moves it in the drivers' view of the ring. */
const MOVING_STATES = new Set(['TOKENS', 'NATIVE_ADDRESS']);

export function gossipClusterEvents(gossip: GossipView): ClusterEventSource {
  return {
    onClusterEvent(listener: (event: ClusterEvent) => void): () => void {
      const emit = (endpoint: string, make: (address: string) => ClusterEvent) => {
        if (endpoint === gossip.self) return;
        const address = usableAddress(gossip.stateOf(endpoint, 'NATIVE_ADDRESS'));
        if (address !== undefined) listener(make(address));
      };
      const offs = [
        gossip.onJoin((ep) => emit(ep, (address) => ({ type: 'TOPOLOGY_CHANGE', change: 'NEW_NODE', address }))),
        gossip.onAlive((ep) => emit(ep, (address) => ({ type: 'STATUS_CHANGE', change: 'UP', address }))),
        gossip.onDead((ep) => emit(ep, (address) => ({ type: 'STATUS_CHANGE', change: 'DOWN', address }))),
        gossip.onChange((ep, key, value) => {
          if (key === 'STATUS' && value === 'LEFT') emit(ep, (address) => ({ type: 'TOPOLOGY_CHANGE', change: 'REMOVED_NODE', address }));
          else if (MOVING_STATES.has(key)) emit(ep, (address) => ({ type: 'TOPOLOGY_CHANGE', change: 'MOVED_NODE', address }));
        }),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
  };
}

/** A node publishes its client address with port 0 until its server has bound the real port. */
function usableAddress(address: string | undefined): string | undefined {
  if (address === undefined || address.endsWith(':0')) return undefined;
  return address;
}
