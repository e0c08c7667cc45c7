/**
 * The one rule that decides every conflict between two versions of a cell,
 * on write, read, read repair, hint replay and repair alike.
 *
 * `reconcile` picks the greater cell under a total order: timestamp, then
 * tombstone over live, then value bytes, then localDeletionTimeS, then ttlS.
 * Picking the maximum of a total order is commutative, associative and
 * idempotent, so replicas that saw the same mutations in any order hold the
 * same bytes. It never reads the clock: whether a cell has expired is a
 * question for the read path, not for merging.
 */
import type { Cell, DeletionTime } from './model.js';

/** Orders two cells by the reconcile rule: positive when `a` wins, negative when `b` wins, 0 only for identical cells. */
export function compareCells(a: Cell, b: Cell): number {
  if (a.timestampUs !== b.timestampUs) return a.timestampUs > b.timestampUs ? 1 : -1;
  const aDead = a.value === null;
  const bDead = b.value === null;
  if (aDead !== bDead) return aDead ? 1 : -1;
  if (a.value !== null && b.value !== null) {
    const byValue = Buffer.compare(a.value, b.value);
    if (byValue !== 0) return byValue;
  }
  if (a.localDeletionTimeS !== b.localDeletionTimeS) return a.localDeletionTimeS > b.localDeletionTimeS ? 1 : -1;
  if (a.ttlS !== b.ttlS) return a.ttlS > b.ttlS ? 1 : -1;
  return 0;
}

/** The winner of two versions of one cell. */
export function reconcile(a: Cell, b: Cell): Cell {
  return compareCells(a, b) >= 0 ? a : b;
}

/** Orders deletions: higher timestamp, then higher localDeletionTimeS. */
export function compareDeletions(a: DeletionTime, b: DeletionTime): number {
  if (a.timestampUs !== b.timestampUs) return a.timestampUs > b.timestampUs ? 1 : -1;
  if (a.localDeletionTimeS !== b.localDeletionTimeS) return a.localDeletionTimeS > b.localDeletionTimeS ? 1 : -1;
  return 0;
}

/** The winner of two deletions of the same thing. */
export function reconcileDeletion(a: DeletionTime, b: DeletionTime): DeletionTime {
  return compareDeletions(a, b) >= 0 ? a : b;
}

/** Like reconcileDeletion, for deletions that may be absent. */
export function maxDeletion(a: DeletionTime | undefined, b: DeletionTime | undefined): DeletionTime | undefined {
  if (!a) return b;
  if (!b) return a;
  return reconcileDeletion(a, b);
}

/** A deletion at timestamp T shadows everything written at T or earlier. */
export function shadows(deletion: DeletionTime | undefined, timestampUs: number): boolean {
  return deletion !== undefined && timestampUs <= deletion.timestampUs;
}

/** True when a live cell has outlived its TTL at `nowS`. */
export function isExpired(cell: Cell, nowS: number): boolean {
  return cell.value !== null && cell.ttlS > 0 && cell.localDeletionTimeS <= nowS;
}
