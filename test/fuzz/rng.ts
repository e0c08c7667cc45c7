/**
 * The fuzzers' randomness: src/clock/random.ts's seeded generator, with the
 * helpers every target needs. Each iteration draws from its own generator,
 * seeded from the run's seed and the iteration number, so one failing
 * iteration replays alone (`--seed S --from I --iterations 1`).
 */
import { seededRandom, type RandomSource } from '../../src/clock/random.js';

/** A 32-bit mix of the run seed and the iteration (murmur3's finalizer over both). */
export function iterationSeed(seed: number, iteration: number): number {
  let h = (seed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private readonly next: RandomSource;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** A size skewed towards small ones, up to `max`: most inputs are short, a few are long. */
  size(max: number): number {
    return Math.min(max, Math.floor(Math.pow(this.next(), 3) * (max + 1)));
  }
}
