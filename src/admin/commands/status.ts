/** `status`: every endpoint with its state, load, tokens, ownership, host id, rack and clock offset, by datacenter. */
import { optionalString, type AdminArgs } from '../args.js';
import type { EndpointStatus, NodeView } from '../node-view.js';
import { ownershipFor } from '../ownership.js';

export interface StatusEndpoint {
  dc: string;
  rack: string;
  endpoint: string;
  status: EndpointStatus;
  loadBytes: number | null;
  tokens: number;
  /** Fraction 0..1, or null when unknown. */
  owns: number | null;
  hostId: string;
  clockOffsetMs: number | null;
}

export interface StatusAnswer {
  effective: boolean;
  note?: string;
  endpoints: StatusEndpoint[];
}

export async function status(view: NodeView, args: AdminArgs): Promise<StatusAnswer> {
  const ownership = ownershipFor(view, optionalString(args, 'keyspace', 'status'));
  const members = await view.ring();
  const endpoints = members.map((m) => ({
    dc: m.dc,
    rack: m.rack,
    endpoint: m.endpoint,
    status: m.status,
    loadBytes: m.loadBytes,
    tokens: m.tokens.length,
    owns: ownership.byEndpoint.get(m.endpoint) ?? null,
    hostId: m.hostId,
    clockOffsetMs: m.clockOffsetMs,
  }));
  return { effective: ownership.effective, ...(ownership.note ? { note: ownership.note } : {}), endpoints };
}
