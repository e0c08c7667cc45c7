/** `proxyhistograms`: coordinator latency percentiles for reads, writes and range reads. */
import type { HistogramSnapshot } from '../metrics/latency-histogram.js';
import type { NodeView } from '../node-view.js';

export interface ProxyHistogramsAnswer {
  read: HistogramSnapshot;
  write: HistogramSnapshot;
  range: HistogramSnapshot;
}

export async function proxyhistograms(view: NodeView): Promise<ProxyHistogramsAnswer> {
  return view.metrics().proxy;
}
