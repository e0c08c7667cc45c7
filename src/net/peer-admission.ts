/**
 * The bound on peers' requests running on this node
 * (internode_max_requests_in_flight_per_peer): each inbound request takes one
 * of its peer's slots until its handler has finished, and a request past the
 * bound is refused (answered Overloaded by messaging), so one peer cannot
 * queue unbounded work here. One-way messages take no slot.
 */
import type { EndpointId } from './payloads.js';

export class PeerAdmission {
  private readonly inFlightByPeer = new Map<EndpointId, number>();
  private refusedCount = 0;

  constructor(private readonly perPeerMax: number) {}

  /**
   * Takes one of the peer's slots; returns the function that gives it back
   * (once, however often called), or undefined when the peer is at the bound.
   */
  admit(from: EndpointId): (() => void) | undefined {
    const running = this.inFlightByPeer.get(from) ?? 0;
    if (running >= this.perPeerMax) {
      this.refusedCount++;
      return undefined;
    }
    this.inFlightByPeer.set(from, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlightByPeer.get(from) ?? 1) - 1;
      if (left === 0) this.inFlightByPeer.delete(from);
      else this.inFlightByPeer.set(from, left);
    };
  }

  /** Requests of every peer holding a slot now. */
  inFlight(): number {
    let total = 0;
    for (const n of this.inFlightByPeer.values()) total += n;
    return total;
  }

  /** Requests refused since start. */
  refused(): number {
    return this.refusedCount;
  }
}
