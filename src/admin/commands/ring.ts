/** `ring`: every token of every endpoint, with the endpoint's state, load and ownership. */
import { optionalString, type AdminArgs } from '../args.js';
import type { EndpointStatus, NodeView } from '../node-view.js';
import { ownershipFor } from '../ownership.js';

export interface RingEndpoint {
  dc: string;
  rack: string;
  endpoint: string;
  status: EndpointStatus;
  loadBytes: number | null;
  owns: number | null;
  /** Decimal token strings, ascending. */
  tokens: string[];
}

export interface RingAnswer {
  effective: boolean;
  note?: string;
  endpoints: RingEndpoint[];
}

export async function ring(view: NodeView, args: AdminArgs): Promise<RingAnswer> {
  const ownership = ownershipFor(view, optionalString(args, 'keyspace', 'ring'));
  const endpoints = (await view.ring()).map((m) => ({
    dc: m.dc,
    rack: m.rack,
    endpoint: m.endpoint,
    status: m.status,
    loadBytes: m.loadBytes,
    owns: ownership.byEndpoint.get(m.endpoint) ?? null,
    tokens: [...m.tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String),
  }));
  return { effective: ownership.effective, ...(ownership.note ? { note: ownership.note } : {}), endpoints };
}
