/**
 * The cluster secret's challenge-response, as pure functions. Each side of
 * an internode connection sends a fresh random nonce; each proves it knows
 * the secret with an HMAC-SHA256 over both nonces, the cluster name, the
 * initiator's endpoint, its own role and, on TLS, the session's exported
 * keying material:
 *
 *   - the role label keeps one side's proof from ever serving as the other's
 *     (a node cannot be made to answer its own challenge);
 *   - the other side's nonce makes every proof fresh, so a recorded
 *     handshake cannot be replayed;
 *   - the TLS binding ties the proof to one TLS session, so a
 *     man-in-the-middle relaying the handshake between two sessions of its
 *     own gets proofs that do not verify.
 *
 * Proofs are compared with timingSafeEqual, so a forger learns nothing from
 * how long a refusal takes. The secret itself never travels.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of each side's nonce. */
export const NONCE_BYTES = 32;
/** Bytes of an HMAC-SHA256 proof. */
export const PROOF_BYTES = 32;
/** Label and length of the TLS keying material a proof is bound to (RFC 5705 exporter). */
export const TLS_BINDING_LABEL = 'EXPORTER-sibyl-internode-proof';
export const TLS_BINDING_BYTES = 32;

export type Role = 'initiator' | 'acceptor';

export interface ProofInput {
  role: Role;
  clusterName: string;
  /** The endpoint the initiator announced in its HELLO. */
  initiator: string;
  initiatorNonce: Uint8Array;
  acceptorNonce: Uint8Array;
  /** The TLS session's exported keying material; empty on a plain-text connection. */
  binding: Uint8Array;
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** HMAC-SHA256 keyed by the secret over every field, each length-prefixed so no two inputs encode alike. */
export function computeProof(secret: string, input: ProofInput): Buffer {
  const hmac = createHmac('sha256', secret);
  const fields = [
    Buffer.from(`sibyl-internode-${input.role}`, 'utf8'),
    Buffer.from(input.clusterName, 'utf8'),
    Buffer.from(input.initiator, 'utf8'),
    input.initiatorNonce,
    input.acceptorNonce,
    input.binding,
  ];
  const length = Buffer.alloc(4);
  for (const field of fields) {
    length.writeUInt32BE(field.length, 0);
    hmac.update(length);
    hmac.update(field);
  }
  return hmac.digest();
}

/** Whether `proof` is the one `secret` gives for `input`, compared in constant time. */
export function verifyProof(secret: string, input: ProofInput, proof: unknown): boolean {
  if (!(proof instanceof Uint8Array) || proof.length !== PROOF_BYTES) return false;
  return timingSafeEqual(computeProof(secret, input), proof);
}

/** Whether a value is a nonce as the wire carries it. */
export function isNonce(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === NONCE_BYTES;
}
