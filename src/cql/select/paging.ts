/**
 * The paging state a client passes back for the next page. Opaque to
 * clients; inside, a msgpack map naming the partition to resume in and the
 * last clustering returned from it, so the next page starts exactly after
 * the last row, plus what is left of LIMIT and PER PARTITION LIMIT.
 */
import { pack, unpack } from 'msgpackr';
import { ProtocolError } from '../../util/errors.js';

export interface PageState {
  /** The partition to resume in: for named partitions also its index among them. */
  index?: number;
  token: bigint;
  key: Buffer;
  /** The last clustering returned from that partition; [] when its only row (static-only or DISTINCT) was returned. */
  clustering: Buffer[];
  /** Rows already returned from that partition (PER PARTITION LIMIT). */
  rowsInPartition: number;
  /** Rows LIMIT still allows; null without a LIMIT. */
  remaining: number | null;
}

const VERSION = 1;

export function encodePageState(s: PageState): Buffer {
  return pack({
    v: VERSION,
    i: s.index ?? -1,
    t: s.token.toString(),
    k: s.key,
    c: s.clustering,
    p: s.rowsInPartition,
    r: s.remaining ?? -1,
  });
}

function invalid(): ProtocolError {
  return new ProtocolError('Invalid value for the paging state');
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Decodes and checks the shape of a paging state; anything malformed is a ProtocolError. */
export function decodePageState(bytes: Buffer): PageState {
  let raw: unknown;
  try {
    raw = unpack(bytes);
  } catch {
    throw invalid();
  }
  if (typeof raw !== 'object' || raw === null) throw invalid();
  const o = raw as Record<string, unknown>;
  if (o['v'] !== VERSION || !isInt(o['i'], -1) || !isInt(o['p'], 0) || !isInt(o['r'], -1)) throw invalid();
  if (typeof o['t'] !== 'string' || !/^-?\d{1,19}$/.test(o['t']) || !isBytes(o['k'])) throw invalid();
  const c = o['c'];
  if (!Array.isArray(c) || !c.every(isBytes)) throw invalid();
  const token = BigInt(o['t']);
  if (token < -(2n ** 63n) || token >= 2n ** 63n) throw invalid();
  return {
    index: o['i'] === -1 ? undefined : o['i'],
    token,
    key: Buffer.from(o['k']),
    clustering: c.map((b) => Buffer.from(b)),
    rowsInPartition: o['p'],
    remaining: o['r'] === -1 ? null : o['r'],
  };
}
