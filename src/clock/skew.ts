/**
 * The timestamp_skew_warn check: a client timestamp (USING TIMESTAMP or the
 * driver's own) far in this node's future usually means the client's clock
 * is wrong, and every write it makes will shadow later writes from correct
 * clocks until real time catches up. The write still applies, as in
 * Cassandra; the client gets a warning and the node logs it.
 */
import { formatSeconds } from './hlc.js';

/**
 * A warning when `timestampUs` lies more than `skewWarnMs` ahead of `nowUs`,
 * otherwise undefined.
 */
export function timestampSkewWarning(timestampUs: number, nowUs: number, skewWarnMs: number): string | undefined {
  const aheadUs = timestampUs - nowUs;
  if (aheadUs <= skewWarnMs * 1000) return undefined;
  return (
    `Timestamp ${timestampUs} is ${formatSeconds(aheadUs)} s in the future of this node's clock ` +
    `(timestamp_skew_warn is ${skewWarnMs} ms)`
  );
}
