/** `tpstats`: per stage, the work running, waiting and done; per verb, the messages dropped. */
import type { NodeView, PoolStats } from '../node-view.js';

export interface TpStatsAnswer {
  pools: PoolStats[];
  dropped: Record<string, number>;
}

export async function tpstats(view: NodeView): Promise<TpStatsAnswer> {
  const metrics = view.metrics();
  return { pools: metrics.pools, dropped: metrics.dropped };
}
