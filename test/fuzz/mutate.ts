/**
 * Mutations shared by the targets: byte-level edits of an encoded input
 * (flips, inserted and deleted runs, truncation, splices, "interesting"
 * bytes), and value-level edits of a decoded structure (one field somewhere
 * inside it replaced by a value of another type), which keep a frame
 * structurally valid msgpack while its fields are wrong.
 */
import type { Rng } from './rng.js';

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xc0, 0xc1, 0xc4, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xcf, 0xd3];

/** One to four byte-level edits of `input`. */
export function mutateBytes(rng: Rng, input: Buffer): Buffer {
  let out = Buffer.from(input);
  const edits = rng.between(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = out.length === 0 ? 0 : rng.int(out.length);
    switch (rng.int(7)) {
      case 0:
        if (out.length > 0) out[at] = out[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        if (out.length > 0) out[at] = rng.pick(INTERESTING_BYTES);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), rng.bytes(rng.between(1, 8)), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + rng.between(1, 8)))]);
        break;
      case 4:
        out = out.subarray(0, at);
        break;
      case 5: {
        // Duplicate a run elsewhere: repeats structure (a nested map, a string header).
        const len = rng.between(1, 16);
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + len), out.subarray(at)]);
        break;
      }
      default:
        if (out.length >= 4) out.writeUInt32BE(rng.pick([0, 1, 0x7fffffff, 0xffffffff, rng.int(2 ** 32)]), rng.int(out.length - 3));
    }
  }
  return out;
}

/** A random value of any msgpack type (and a few JavaScript-specific ones msgpackr carries). */
export function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 10 : 13)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return rng.chance(0.5);
    case 3:
      return rng.pick([0, -1, 1, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, rng.between(-1000, 1000)]);
    case 4:
      return rng.pick([0.5, -0.0, 1e300, NaN, Infinity, -Infinity]);
    case 5:
      return rng.pick([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n]);
    case 6:
      return rng.pick(['', 'x', 'NORMAL', '127.0.0.1:7000', '__proto__', 'constructor', 'ks', '\u0000', 'é'.repeat(rng.int(8))]);
    case 7:
      return rng.bytes(rng.size(40));
    case 8:
      return new Date(rng.int(2 ** 40));
    case 9:
      return rng.pick([{}, [], [[]], { a: {} }]);
    case 10:
      return Array.from({ length: rng.size(4) }, () => randomValue(rng, depth + 1));
    case 11: {
      const m: Record<string, unknown> = {};
      for (let i = rng.size(4); i > 0; i--) m[rng.pick(['a', 'value', 'token', 'tableId', 'partitions', 'states', '0'])] = randomValue(rng, depth + 1);
      return m;
    }
    default:
      return new Map([[randomValue(rng, depth + 1), randomValue(rng, depth + 1)]]);
  }
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Map);
}

/** Every path to a value inside `root` (root itself excluded), to pick one to replace. */
function paths(root: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (!isContainer(root) || out.length > 500) return out;
  const entries: [string | number, unknown][] = Array.isArray(root) ? root.map((v, i) => [i, v]) : Object.entries(root);
  for (const [k, v] of entries) {
    const path = [...prefix, k];
    out.push(path);
    paths(v, path, out);
  }
  return out;
}

/** A deep copy of `root` with one to three values somewhere inside replaced by random values (or removed). */
export function mutateValue(rng: Rng, root: unknown): unknown {
  const copy = structuredCopy(root);
  const edits = rng.between(1, 3);
  for (let e = 0; e < edits; e++) {
    const all = paths(copy);
    if (all.length === 0) return randomValue(rng);
    const path = rng.pick(all);
    let parent = copy as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    if (rng.chance(0.15) && !Array.isArray(parent)) delete parent[key];
    else parent[key] = randomValue(rng);
  }
  return copy;
}

/** Copies plain maps and arrays; Buffers, bigints and the rest are shared (never mutated in place). */
function structuredCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCopy);
  if (isContainer(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCopy(x)]));
  return v;
}
