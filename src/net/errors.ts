/**
 * Failures of internode messaging itself, as opposed to errors a remote
 * handler threw (those come back as the SibylError class the handler threw).
 * They stay inside the cluster: the coordinator turns them into the
 * WriteTimeout, ReadTimeout or Unavailable a client sees.
 */
import type { EndpointId } from './payloads.js';

/** No response arrived within the verb's timeout (or the caller's own). */
export class MessageTimeoutError extends Error {
  override readonly name = 'MessageTimeoutError';
  readonly code = 'NET_TIMEOUT';
  constructor(
    readonly verb: string,
    readonly to: EndpointId,
    readonly timeoutMs: number,
  ) {
    super(`${verb} to ${to} timed out after ${timeoutMs} ms`);
  }
}

/** The message could not be delivered: the connection failed, closed, or the handshake was refused. */
export class PeerUnreachableError extends Error {
  override readonly name = 'PeerUnreachableError';
  readonly code = 'NET_UNREACHABLE';
  constructor(
    readonly to: EndpointId,
    readonly reason: string,
  ) {
    super(`peer ${to} unreachable: ${reason}`);
  }
}
