/**
 * Version 1 (time-based) UUIDs, as Cassandra's timeuuid type, now() and list
 * element paths use them. Times are in 100 ns units since 1582-10-15 (the
 * UUID epoch); the clock sequence and node bytes come from a random source
 * so two coordinators writing in the same microsecond still make distinct ids.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** 100 ns intervals between the UUID epoch (1582-10-15) and the Unix epoch. */
const UUID_EPOCH_OFFSET_TICKS = 0x01b21dd213814000n;

export function timeUuidFromTicks(ticks: bigint, clockSeqAndNode: Buffer): Buffer {
  const out = Buffer.alloc(16);
  const timeLow = Number(ticks & 0xffffffffn);
  const timeMid = Number((ticks >> 32n) & 0xffffn);
  const timeHi = Number((ticks >> 48n) & 0x0fffn) | 0x1000;
  out.writeUInt32BE(timeLow, 0);
  out.writeUInt16BE(timeMid, 4);
  out.writeUInt16BE(timeHi, 6);
  clockSeqAndNode.copy(out, 8, 0, 8);
  // RFC 4122 variant: the top two bits of the clock sequence are 10.
  out[8] = (out[8]! & 0x3f) | 0x80;
  return out;
}

/** The 60-bit timestamp of a version 1 UUID, in 100 ns units since the UUID epoch. */
export function timeUuidTicks(uuid: Buffer): bigint {
  const timeLow = BigInt(uuid.readUInt32BE(0));
  const timeMid = BigInt(uuid.readUInt16BE(4));
  const timeHi = BigInt(uuid.readUInt16BE(6) & 0x0fff);
  return (timeHi << 48n) | (timeMid << 32n) | timeLow;
}

/** Milliseconds since the Unix epoch encoded in a timeuuid (what toTimestamp(now()) returns). */
export function timeUuidUnixMs(uuid: Buffer): number {
  return Number((timeUuidTicks(uuid) - UUID_EPOCH_OFFSET_TICKS) / 10_000n);
}

/**
 * Orders timeuuids by time, then by the remaining bytes, as Cassandra's
 * TimeUUIDType does. List elements are ordered this way, not by raw bytes
 * (a timeuuid's bytes start with the low bits of its time).
 */
export function compareTimeUuids(a: Buffer, b: Buffer): number {
  const ta = timeUuidTicks(a);
  const tb = timeUuidTicks(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Buffer.compare(a.subarray(8), b.subarray(8));
}

export function formatUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function parseUuid(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

/** Randomness, injectable so tests produce the same ids every run. */
export interface RandomSource {
  bytes(count: number): Buffer;
  /** A version 4 uuid as text. */
  uuid(): string;
}

export const cryptoRandom: RandomSource = {
  bytes: (count) => randomBytes(count),
  uuid: () => randomUUID(),
};

/**
 * Cassandra's list prepend reference time (2010-01-01): prepended elements get
 * times mirrored below it, so each prepend sorts before everything written
 * earlier, and later prepends sort before earlier ones.
 */
const PREPEND_REFERENCE_US = 1_262_304_000_000_000;

/**
 * Makes timeuuids that never repeat a time within this generator: each new
 * id's time is at least one tick past the previous one (appends), or one
 * tick below the previous prepend.
 */
export class TimeUuidGenerator {
  private lastTicks = 0n;
  private lastPrependTicks: bigint | undefined;
  constructor(private readonly random: RandomSource = cryptoRandom) {}

  /** A timeuuid for the given time (µs since the Unix epoch), later than any made before. */
  next(timeUs: number): Buffer {
    let ticks = BigInt(Math.floor(timeUs)) * 10n + UUID_EPOCH_OFFSET_TICKS;
    if (ticks <= this.lastTicks) ticks = this.lastTicks + 1n;
    this.lastTicks = ticks;
    return timeUuidFromTicks(ticks, this.random.bytes(8));
  }

  /**
   * `count` timeuuids, in list order, all earlier than any made so far for
   * the given write time and earlier than previous prepends.
   */
  prepend(timeUs: number, count: number): Buffer[] {
    const mirroredUs = 2 * PREPEND_REFERENCE_US - Math.floor(timeUs);
    let first = BigInt(mirroredUs) * 10n + UUID_EPOCH_OFFSET_TICKS - BigInt(count);
    if (this.lastPrependTicks !== undefined && first + BigInt(count) > this.lastPrependTicks) {
      first = this.lastPrependTicks - BigInt(count);
    }
    this.lastPrependTicks = first;
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) out.push(timeUuidFromTicks(first + BigInt(i), this.random.bytes(8)));
    return out;
  }
}
