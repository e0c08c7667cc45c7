/**
 * What each stress operation does: which key it touches, which value a key
 * holds, and the CQL it runs. Keys and values are pure functions of the key
 * number, so a read run can check what an earlier write run stored.
 */
import type { Client } from '../../client/index.js';
import type { StressOptions, OpKind } from './options.js';

export const TABLE = 'standard1';

/** A read that found no row, or a different value than the key's writes store. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** Key number n as a blob: its decimal digits, zero-padded to 10 bytes as cassandra-stress does. */
export function keyBytes(n: number): Buffer {
  return Buffer.from(n.toString().padStart(10, '0'), 'latin1');
}

/** The value every write gives key n: `valueBytes` bytes from a generator seeded by n. */
export function valueBytes(n: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = (n + 1) * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** xorshift32: a small seeded generator, so mixed runs repeat exactly for a given --seed. */
export class Xorshift32 {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }
}

export interface Workload {
  /** The kind of the i-th operation and the key it touches. */
  plan(i: number): { kind: OpKind; key: number };
  execute(kind: OpKind, key: number): Promise<void>;
}

/**
 * write and read walk keys 0, 1, 2, ... (wrapping at --keys), so `write -n K`
 * then `read -n K` reads back exactly what was written; mixed picks kinds by
 * --ratio and keys uniformly at random.
 */
export function createWorkload(client: Client, options: StressOptions): Workload {
  const insert = `INSERT INTO ${options.keyspace}.${TABLE} (key, value) VALUES (?, ?)`;
  const select = `SELECT value FROM ${options.keyspace}.${TABLE} WHERE key = ?`;
  const consistency = options.consistency;
  const random = new Xorshift32(options.seed);
  const writeShare = options.ratio.write / (options.ratio.write + options.ratio.read);
  return {
    plan(i) {
      if (options.command !== 'mixed') return { kind: options.command, key: i % options.keys };
      const kind = random.next() < writeShare ? 'write' : 'read';
      return { kind, key: Math.floor(random.next() * options.keys) };
    },
    async execute(kind, key) {
      if (kind === 'write') {
        // The INSERT sets a key to the one value its number gives, so applying it twice changes nothing: it is
        // idempotent, and the driver may retry it on another host when its coordinator dies mid-request, as
        // cassandra-stress retries a failed operation instead of counting a node taken down as errors.
        await client.execute(insert, [keyBytes(key), valueBytes(key, options.valueBytes)], { prepare: true, consistency, idempotent: true });
        return;
      }
      const rs = await client.execute(select, [keyBytes(key)], { prepare: true, consistency, idempotent: true });
      const row = rs.first();
      if (row === null) throw new ValidationError(`key ${key} not found`);
      const value = row['value'];
      if (!Buffer.isBuffer(value) || !value.equals(valueBytes(key, options.valueBytes))) {
        throw new ValidationError(`key ${key} holds a different value than its writes store (written with another --value-size?)`);
      }
    },
  };
}
