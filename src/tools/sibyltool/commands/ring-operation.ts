/**
 * Following a bootstrap, decommission or removenode the node runs in the
 * background: polls `ringoperation` until it ends, printing a progress line
 * whenever a range finishes. A decommissioned node stops by itself a
 * ring_delay after it has left, so losing the connection once every range
 * has streamed is the end, not a failure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RingOperationStatus } from '../../../admin/node-view.js';
import { DriverError } from '../../../client/errors.js';
import type { ToolContext } from '../command.js';
import { fileSize } from '../format.js';

const POLL_INTERVAL_MS = 250;

/** The operation failed; main prints the message alone. */
export class RingOperationFailedError extends Error {
  readonly code = 'ERR_SIBYL_RING_OPERATION_FAILED';
  override readonly name = 'RingOperationFailedError';
}

/** `what` names the operation (decommission, removenode) for a message about losing the node mid-way. */
export async function followOperation(ctx: ToolContext, id: string, what: string): Promise<RingOperationStatus> {
  let last: RingOperationStatus | undefined;
  let printed = -1;
  for (;;) {
    let status: RingOperationStatus;
    try {
      status = (await ctx.call('ringoperation', { id })) as RingOperationStatus;
    } catch (err) {
      // Before streaming starts (the ring_delay wait) the total is still 0 of 0: that is not 'every range streamed'.
      if (last && last.rangesTotal > 0 && last.rangesDone === last.rangesTotal && !(err instanceof RingOperationFailedError)) return { ...last, state: 'succeeded' };
      // The node went away mid-operation: how it ended is for its log and the ring to tell, not 'cannot connect'.
      if (err instanceof DriverError) {
        const progress = last ? ` after ${last.rangesDone}/${last.rangesTotal} ranges` : '';
        throw new RingOperationFailedError(
          `Connection to the node closed during ${what}${progress} (${err.message}). ` +
            `You should check server log and 'sibyltool status' on another node for how it ended.`,
        );
      }
      throw err;
    }
    if (status.rangesDone !== printed && status.rangesTotal > 0) {
      printed = status.rangesDone;
      ctx.print?.(progressLine(status));
    }
    if (status.state === 'failed') throw new RingOperationFailedError(`${status.kind} failed: ${status.error ?? 'unknown error'}`);
    if (status.state === 'succeeded') return status;
    last = status;
    await sleep(POLL_INTERVAL_MS);
  }
}

export function progressLine(s: RingOperationStatus): string {
  return `${s.kind}: ${s.rangesDone}/${s.rangesTotal} ranges streamed, ${s.partitions} partitions, ${fileSize(s.bytes)} (${fileSize(Math.round(s.rate))}/s)\n`;
}
