/** `info`: this node's identity, liveness of its services, load, uptime, memory and place in the cluster. */
import { lastSuccessfulRepairs } from '../../repair/history.js';
import type { NodeView } from '../node-view.js';
import { repairWarnings } from '../repair-warnings.js';

export interface InfoAnswer {
  hostId: string;
  gossipActive: boolean;
  nativeTransportActive: boolean;
  loadBytes: number;
  generation: number;
  uptimeSeconds: number;
  heapUsedBytes: number;
  heapMaxBytes: number;
  offHeapBytes: number;
  dc: string;
  rack: string;
  /** Decimal token strings, ascending. */
  tokens: string[];
  /** Hints this node dropped (target down past max_hint_window, or its hints full): those targets' ranges need repair. */
  hintsDropped?: number;
  /** Tables whose last successful repair is older than their gc_grace_seconds. */
  repairWarnings?: string[];
}

export async function info(view: NodeView): Promise<InfoAnswer> {
  const self = (await view.ring()).find((m) => m.endpoint === view.endpoint);
  const metrics = view.metrics();
  return {
    hostId: view.hostId,
    gossipActive: view.gossipActive(),
    nativeTransportActive: view.nativeTransportActive(),
    loadBytes: await view.load(),
    generation: view.generation,
    uptimeSeconds: Math.max(0, Math.floor((view.clock.nowMs() - view.startedAtMs) / 1000)),
    heapUsedBytes: metrics.heapUsedBytes,
    heapMaxBytes: metrics.heapMaxBytes,
    offHeapBytes: metrics.offHeapBytes,
    dc: view.dc,
    rack: view.rack,
    tokens: [...(self?.tokens ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String),
    ...(view.hints ? { hintsDropped: [...view.hints.droppedByTarget().values()].reduce((a, b) => a + b, 0) } : {}),
    ...(view.repair ? { repairWarnings: await staleRepairs(view, view.repair) } : {}),
  };
}

async function staleRepairs(view: NodeView, repair: NonNullable<NodeView['repair']>): Promise<string[]> {
  const tables = view.catalog.keyspaces().flatMap((k) => view.catalog.tables(k.name));
  return repairWarnings(tables, lastSuccessfulRepairs(await repair.history()), view.clock.nowMs());
}
