/** `netstats`: the node's mode, streams, read repair counts, hinted handoff and internode load, as nodetool netstats shows them. */
import type { InternodeStats, NodeView, ReadRepairStats } from '../node-view.js';

export interface NetstatsAnswer {
  mode: string;
  /** One line per stream; empty when nothing streams. */
  streaming: string[];
  readRepair: ReadRepairStats;
  hints?: {
    running: boolean;
    pendingHints: number;
    pendingBytes: number;
    targets: number;
    stored: number;
    replayed: number;
    dropped: number;
  };
  internode?: InternodeStats;
}

export async function netstats(view: NodeView): Promise<NetstatsAnswer> {
  const hints = view.hints;
  const pending = hints?.pending() ?? [];
  const stats = hints?.stats();
  return {
    mode: view.ringChanges?.mode() ?? 'NORMAL',
    streaming: view.streamingLines?.() ?? [],
    readRepair: view.readRepairStats?.() ?? { attempted: 0, mismatchBlocking: 0, mismatchBackground: 0 },
    ...(view.internodeStats ? { internode: view.internodeStats() } : {}),
    ...(hints && stats
      ? {
          hints: {
            running: hints.isEnabled(),
            pendingHints: pending.reduce((n, p) => n + p.count, 0),
            pendingBytes: pending.reduce((n, p) => n + p.bytes, 0),
            targets: pending.length,
            stored: stats.stored,
            replayed: stats.replayed,
            dropped: stats.dropped,
          },
        }
      : {}),
  };
}
