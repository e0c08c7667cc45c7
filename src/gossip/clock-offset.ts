/**
 * Estimates how far a peer's wall clock is from ours, from the WALL_CLOCK_MS
 * values it gossips.
 *
 * A peer stamps WALL_CLOCK_MS with its own clock when it bumps its heartbeat.
 * When a newer value reaches us, `value − our now` is the offset minus the
 * value's age (the time it spent waiting for the next exchange and crossing
 * the network, or being relayed by other nodes). Age only ever makes a
 * sample smaller, so the largest of the recent samples is the freshest and
 * the best estimate; it approaches the true offset from below, within a
 * network hop when the peer talks to us directly. A bounded window lets the
 * estimate follow a peer whose clock was stepped.
 */
export const CLOCK_OFFSET_SAMPLES = 16;

export class ClockOffsetEstimator {
  private readonly samples: number[] = [];

  constructor(private readonly size: number = CLOCK_OFFSET_SAMPLES) {}

  /** Records that the peer's clock read `remoteMs` when ours reads `localMs`, give or take the value's age. */
  add(remoteMs: number, localMs: number): void {
    this.samples.push(remoteMs - localMs);
    if (this.samples.length > this.size) this.samples.shift();
  }

  /** Milliseconds the peer's clock is ahead of ours (negative: behind); undefined before any sample. */
  offsetMs(): number | undefined {
    if (this.samples.length === 0) return undefined;
    return Math.max(...this.samples);
  }

  clear(): void {
    this.samples.length = 0;
  }
}
