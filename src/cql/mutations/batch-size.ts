/**
 * How big a batch is, for batch_size_warn_threshold and
 * batch_size_fail_threshold. The size is counted as Cassandra's
 * PartitionUpdate.dataSize counts it: the bytes of every clustering value,
 * cell value and collection element key, plus the 16 bytes of timestamp, TTL
 * and deletion time that each cell, row marker and deletion carries. The
 * partition key itself is not counted, as in Cassandra.
 */
import type { Partition } from '../../storage/model.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';

/** Bytes of timestamp (8), TTL (4) and local deletion time (4) carried by every cell and deletion. */
const LIVENESS_BYTES = 16;

export type BatchSizeLimits = Pick<Settings, 'batch_size_warn_threshold' | 'batch_size_fail_threshold'>;

export function partitionDataBytes(p: Partition): number {
  let bytes = p.deletion ? LIVENESS_BYTES : 0;
  for (const rt of p.rangeTombstones) {
    bytes += LIVENESS_BYTES;
    for (const v of rt.start.prefix) bytes += v.length;
    for (const v of rt.end.prefix) bytes += v.length;
  }
  for (const row of p.rows) {
    for (const v of row.clustering) bytes += v.length;
    if (row.marker) bytes += LIVENESS_BYTES;
    if (row.deletion) bytes += LIVENESS_BYTES;
    bytes += row.collectionDeletions.length * LIVENESS_BYTES;
    for (const c of row.cells) bytes += LIVENESS_BYTES + (c.cell.value?.length ?? 0) + (c.path?.length ?? 0);
  }
  return bytes;
}

/**
 * Checks a batch's size against the thresholds (given in KiB): returns the
 * warning for a batch past batch_size_warn_threshold, or undefined, and
 * throws InvalidRequest for one past batch_size_fail_threshold. As in
 * Cassandra, a batch touching a single partition is never checked: it is
 * applied as one mutation however large, so batching it costs nothing extra.
 */
export function checkBatchSize(partitions: readonly Partition[], tables: readonly string[], limits: BatchSizeLimits): string | undefined {
  if (partitions.length <= 1) return undefined;
  let size = 0;
  for (const p of partitions) size += partitionDataBytes(p);
  const warnBytes = limits.batch_size_warn_threshold * 1024;
  const failBytes = limits.batch_size_fail_threshold * 1024;
  const names = `[${tables.join(', ')}]`;
  if (size > failBytes) {
    throw new InvalidRequestError(
      `Batch too large: batch for ${names} is of size ${size}, exceeding batch_size_fail_threshold (${failBytes} bytes) by ${size - failBytes}`,
    );
  }
  if (size > warnBytes) return `Batch for ${names} is of size ${size}, exceeding specified threshold of ${warnBytes} by ${size - warnBytes}.`;
  return undefined;
}
