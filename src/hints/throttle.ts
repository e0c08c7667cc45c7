/**
 * Hint replay's throttle, as pure arithmetic: a replay that has sent
 * `sentBytes` since it started `elapsedMs` ago, at `kibPerSecond`
 * (hinted_handoff_throttle), waits until its bytes are due. A target that
 * just came back is not flooded, and the node's own traffic keeps its share
 * of the network. 0 means unthrottled, as in Cassandra.
 */

/** Milliseconds to wait before sending more; 0 when the replay is within its rate. */
export function throttleDelayMs(sentBytes: number, elapsedMs: number, kibPerSecond: number): number {
  if (kibPerSecond <= 0) return 0;
  const dueMs = (sentBytes / (kibPerSecond * 1024)) * 1000;
  return Math.max(0, Math.ceil(dueMs - elapsedMs));
}

/**
 * Bytes one replay message may carry under the throttle: a tenth of a
 * second's worth, so the rate is smooth rather than one burst per second,
 * but never less than one hint and never more than `bytesMax`.
 */
export function replayChunkBytes(kibPerSecond: number, bytesMax: number): number {
  if (kibPerSecond <= 0) return bytesMax;
  return Math.max(1, Math.min(bytesMax, Math.floor((kibPerSecond * 1024) / 10)));
}
