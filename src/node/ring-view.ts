/**
 * The token ring as gossip sees it, in two snapshots.
 *
 * The current (natural) ring holds every endpoint that has published tokens
 * and is NORMAL, LEAVING, being removed (REMOVING) or shut down: up or down,
 * it still owns its ranges (writes to a down replica become hints, and
 * consistency levels count it as missing). Reads and writes are placed on it.
 *
 * The future ring is the ring once every change under way is done: joining
 * (BOOT) endpoints added, LEAVING and REMOVING ones taken away. While the two
 * differ, the replicas a token gains are its pending replicas
 * (src/ring/pending.ts), and writes go to them too. When nothing changes, the
 * future ring is the current ring itself.
 *
 * Rings are immutable snapshots, rebuilt whenever an endpoint joins,
 * restarts, or changes its tokens, datacenter, rack or status, so a request
 * started on one ring finishes on it.
 */
import { decodeTokens, statusOf } from '../gossip/endpoint-state.js';
import type { Gossiper } from '../gossip/gossiper.js';
import { pendingReplicas } from '../ring/pending.js';
import type { EndpointId, EndpointInfo } from '../ring/token-ring.js';
import { TokenRing } from '../ring/token-ring.js';
import type { ReplicationOptions } from '../schema/table.js';
import type { Logger } from '../util/log.js';

const RING_STATES = new Set(['TOKENS', 'DC', 'RACK', 'STATUS']);
/** Statuses of endpoints the current ring holds but the future ring no longer will. */
const GOING = new Set(['LEAVING', 'REMOVING']);

export class RingView {
  private ring = TokenRing.empty();
  private futureRing = this.ring;

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

  /** The ring once the joins, decommissions and removals under way finish; current() when there are none. */
  future(): TokenRing {
    return this.futureRing;
  }

  /** The replicas `token` gains in the future ring: writes go to them as well. */
  pendingReplicas(replication: ReplicationOptions, token: bigint): EndpointId[] {
    return pendingReplicas(this.ring, this.futureRing, replication, token);
  }

  /** The datacenter an endpoint gossips, or this node's own when it has not said. */
  dcOf(endpoint: string): string {
    if (this.ring.has(endpoint)) return this.ring.dcOf(endpoint);
    return this.futureRing.has(endpoint) ? this.futureRing.dcOf(endpoint) : this.defaults.dc;
  }

  /** Rebuilds the rings from gossip now (gossip's start publishes this node's own state without an event). */
  refresh(): void {
    const natural: EndpointInfo[] = [];
    const joining: EndpointInfo[] = [];
    const going = new Set<EndpointId>();
    for (const [id, state] of this.gossiper.endpoints()) {
      const status = statusOf(state);
      if (status === 'LEFT') continue;
      const tokens = decodeTokens(state.states['TOKENS']?.value);
      if (tokens.length === 0) continue;
      const info = {
        id,
        tokens,
        dc: state.states['DC']?.value ?? this.defaults.dc,
        rack: state.states['RACK']?.value ?? this.defaults.rack,
      };
      if (status === 'BOOT') {
        joining.push(info);
        continue;
      }
      natural.push(info);
      if (status !== undefined && GOING.has(status)) going.add(id);
    }
    let ring: TokenRing;
    try {
      ring = TokenRing.of(natural);
    } catch (err) {
      // Two endpoints claiming one token: keep the last consistent ring and say why.
      this.log.error(`Ignoring a ring change: ${(err as Error).message}`);
      return;
    }
    let future = ring;
    if (joining.length > 0 || going.size > 0) {
      try {
        future = TokenRing.of([...natural.filter((e) => !going.has(e.id)), ...joining]);
      } catch (err) {
        this.log.error(`Ignoring the joining nodes' tokens: ${(err as Error).message}`);
        future = TokenRing.of(natural.filter((e) => !going.has(e.id)));
      }
    }
    this.ring = ring;
    this.futureRing = future;
  }
}
