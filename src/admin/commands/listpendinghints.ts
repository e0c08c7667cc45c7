/** `listpendinghints`: per target with hints on this node, its identity, state, and the hints' count, bytes and age. */
import type { NodeView } from '../node-view.js';
import { hintsOf } from './handoff.js';

export interface PendingHintsRow {
  hostId: string;
  /** The target's internode endpoint, or '?' when gossip no longer knows it. */
  address: string;
  rack: string;
  dc: string;
  /** 'UP', 'DOWN' or '?'. */
  status: string;
  totalHints: number;
  totalBytes: number;
  /** Milliseconds since the epoch. */
  newestMs: number;
  oldestMs: number;
}

export interface ListPendingHintsAnswer {
  targets: PendingHintsRow[];
}

export async function listpendinghints(view: NodeView): Promise<ListPendingHintsAnswer> {
  const pending = hintsOf(view, 'listpendinghints').pending();
  const members = await view.ring();
  const targets = pending.map((p): PendingHintsRow => {
    const member = members.find((m) => m.hostId === p.hostId);
    return {
      hostId: p.hostId,
      address: p.endpoint ?? member?.endpoint ?? '?',
      rack: member?.rack ?? '?',
      dc: member?.dc ?? '?',
      status: member ? (member.status.startsWith('U') ? 'UP' : 'DOWN') : '?',
      totalHints: p.count,
      totalBytes: p.bytes,
      newestMs: p.newestMs,
      oldestMs: p.oldestMs,
    };
  });
  return { targets: targets.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true })) };
}
