/**
 * Randomness is an input like time: code that needs it takes a
 * `() => number` (uniform in [0, 1)). A node passes Math.random; tests and
 * simulations pass a seeded source so a run replays from its seed.
 */
export type RandomSource = () => number;

/** A small, fast, seeded generator (mulberry32); the same seed gives the same sequence. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
