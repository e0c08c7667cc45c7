/**
 * What the coordinator counts itself: read repair, as `sibyltool netstats`
 * shows it. Latencies and failures per operation are measured once, around
 * whichever coordinator the node runs, by src/admin's MeteredCoordinator.
 */

/**
 * Read repair as `sibyltool netstats` shows it: reads whose replicas
 * disagreed (a digest mismatch, or a range scan's answers differing), and
 * of those the ones that wrote the merged data back to stale replicas and
 * waited for it (every repair here is blocking; none runs in the background).
 */
export class ReadRepairCounters {
  attempted = 0;
  mismatchBlocking = 0;
}

export class CoordinatorMetrics {
  readonly readRepair = new ReadRepairCounters();
}
