/**
 * The token ring as gossip sees it. Every endpoint that has published tokens
 * and has not left belongs to the ring, up or down (a down replica still owns
 * its ranges: writes to it become hints, and consistency levels count it as
 * missing). The ring is an immutable snapshot, rebuilt whenever an endpoint
 * joins, restarts, or changes its tokens, datacenter, rack or status, so a
 * request started on one ring finishes on it.
 */
import { decodeTokens, statusOf } from '../gossip/endpoint-state.js';
import type { Gossiper } from '../gossip/gossiper.js';
import type { EndpointInfo } from '../ring/token-ring.js';
import { TokenRing } from '../ring/token-ring.js';
import type { Logger } from '../util/log.js';

const RING_STATES = new Set(['TOKENS', 'DC', 'RACK', 'STATUS']);

export class RingView {
  private ring = TokenRing.empty();

  constructor(
    private readonly gossiper: Pick<Gossiper, 'endpoints' | 'onJoin' | 'onRestart' | 'onChange'>,
    private readonly defaults: { dc: string; rack: string },
    private readonly log: Logger,
  ) {
    const rebuild = () => this.refresh();
    gossiper.onJoin(rebuild);
    gossiper.onRestart(rebuild);
    gossiper.onChange((_ep, key) => {
      if (RING_STATES.has(key)) rebuild();
    });
    this.refresh();
  }

  current(): TokenRing {
    return this.ring;
  }

  /** The datacenter an endpoint gossips, or this node's own when it has not said. */
  dcOf(endpoint: string): string {
    return this.ring.has(endpoint) ? this.ring.dcOf(endpoint) : this.defaults.dc;
  }

  /** Rebuilds the ring from gossip now (gossip's start publishes this node's own state without an event). */
  refresh(): void {
    const members: EndpointInfo[] = [];
    for (const [id, state] of this.gossiper.endpoints()) {
      if (statusOf(state) === 'LEFT') continue;
      const tokens = decodeTokens(state.states['TOKENS']?.value);
      if (tokens.length === 0) continue;
      members.push({
        id,
        tokens,
        dc: state.states['DC']?.value ?? this.defaults.dc,
        rack: state.states['RACK']?.value ?? this.defaults.rack,
      });
    }
    try {
      this.ring = TokenRing.of(members);
    } catch (err) {
      // Two endpoints claiming one token: keep the last consistent ring and say why.
      this.log.error(`Ignoring a ring change: ${(err as Error).message}`);
    }
  }
}
