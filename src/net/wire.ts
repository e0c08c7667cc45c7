/**
 * The internode envelopes. Each frame body is a short array whose first
 * element is its kind; arrays rather than maps keep the per-message overhead
 * to a few bytes on the hot MUTATION and READ paths.
 *
 *   [HELLO, {cluster_name, from, version, nonce?}]  first frame of every connection, from the initiator;
 *                                               the nonce opens the cluster secret's challenge
 *   [CHALLENGE, {nonce, proof}]                 the acceptor's nonce and its proof of the secret
 *   [PROOF, proof]                              the initiator's proof of the secret
 *   [HELLO_ACK, {from, version}]                the acceptor agrees
 *   [REFUSED, reason]                           the acceptor refuses, then closes
 *   [REQUEST, id, verbId, payload]              expects a RESPONSE or ERROR with the same id
 *   [ONEWAY, verbId, payload]
 *   [RESPONSE, id, verbId, payload]
 *   [ERROR, id, verbId, {code, message, fields}]
 */
import { ProtocolError, type ErrorFields } from '../util/errors.js';
import type { EndpointId } from './payloads.js';

/** Bumped when an envelope or payload changes incompatibly; a peer on another version is refused. */
export const MESSAGING_VERSION = 1;

/** The setting that bounds an internode message; framing errors name it. */
export const MESSAGE_SIZE_SETTING = 'internode_max_message_size';

export function messageBound(frameBytesMax: number): { frameBytesMax: number; setting: string } {
  return { frameBytesMax, setting: MESSAGE_SIZE_SETTING };
}

export const Kind = {
  Hello: 1,
  HelloAck: 2,
  Refused: 3,
  Request: 4,
  OneWay: 5,
  Response: 6,
  Error: 7,
  Challenge: 8,
  Proof: 9,
} as const;

export interface Hello {
  cluster_name: string;
  from: EndpointId;
  version: number;
  /** The initiator's nonce, sent when it has a cluster secret (handshake-proof.ts). */
  nonce?: Uint8Array;
}

export interface Challenge {
  nonce: Uint8Array;
  proof: Uint8Array;
}

export interface WireError {
  code: number;
  message: string;
  fields: ErrorFields;
}

export type Envelope =
  | [typeof Kind.Hello, Hello]
  | [typeof Kind.HelloAck, { from: EndpointId; version: number }]
  | [typeof Kind.Refused, string]
  | [typeof Kind.Request, number, number, unknown]
  | [typeof Kind.OneWay, number, unknown]
  | [typeof Kind.Response, number, number, unknown]
  | [typeof Kind.Error, number, number, WireError]
  | [typeof Kind.Challenge, Challenge]
  | [typeof Kind.Proof, Uint8Array];

/** Checks a decoded body's shape; a peer sending anything else has its connection closed. */
export function asEnvelope(body: unknown): Envelope {
  if (!Array.isArray(body) || body.length < 2) throw new ProtocolError('internode frame is not an envelope');
  const kind = body[0];
  const ok = (length: number, ...ints: number[]) =>
    body.length === length && ints.every((i) => Number.isSafeInteger(body[i]));
  switch (kind) {
    case Kind.Hello: {
      const h = body[1] as Partial<Hello> | null;
      if (body.length === 2 && h && typeof h === 'object' && typeof h.cluster_name === 'string' && typeof h.from === 'string' && Number.isSafeInteger(h.version) && (h.nonce === undefined || h.nonce instanceof Uint8Array)) {
        return body as Envelope;
      }
      break;
    }
    case Kind.HelloAck: {
      const a = body[1] as { from?: unknown; version?: unknown } | null;
      if (body.length === 2 && a && typeof a === 'object' && typeof a.from === 'string' && Number.isSafeInteger(a.version)) return body as Envelope;
      break;
    }
    case Kind.Challenge: {
      const c = body[1] as Partial<Challenge> | null;
      if (body.length === 2 && c && typeof c === 'object' && c.nonce instanceof Uint8Array && c.proof instanceof Uint8Array) return body as Envelope;
      break;
    }
    case Kind.Proof:
      if (body.length === 2 && body[1] instanceof Uint8Array) return body as Envelope;
      break;
    case Kind.Refused:
      if (body.length === 2 && typeof body[1] === 'string') return body as Envelope;
      break;
    case Kind.Request:
    case Kind.Response:
      if (ok(4, 1, 2)) return body as Envelope;
      break;
    case Kind.OneWay:
      if (ok(3, 1)) return body as Envelope;
      break;
    case Kind.Error: {
      const e = body[3] as Partial<WireError> | null;
      if (ok(4, 1, 2) && e && typeof e === 'object' && typeof e.code === 'number' && typeof e.message === 'string') {
        return body as Envelope;
      }
      break;
    }
  }
  throw new ProtocolError(`malformed internode envelope of kind ${describeKind(kind)}`);
}

/**
 * A peer's envelope kind, for an error message: a number as itself, anything
 * else by its type alone. It is untrusted input, so it is never serialized
 * (a map holding a bigint would make JSON.stringify throw).
 */
function describeKind(kind: unknown): string {
  if (typeof kind === 'number' || typeof kind === 'bigint') return String(kind);
  if (typeof kind === 'string') return JSON.stringify(kind.slice(0, 32));
  return kind === null ? 'null' : Array.isArray(kind) ? 'a list' : kind instanceof Uint8Array ? 'bytes' : typeof kind === 'object' ? 'a map' : typeof kind;
}
