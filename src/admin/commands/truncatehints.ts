/** `truncatehints [host]`: deletes the hints this node holds for one target, or for all; their ranges then need repair. */
import { optionalString, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';
import { hintsOf } from './handoff.js';

export interface TruncateHintsAnswer {
  removed: number;
}

export async function truncatehints(view: NodeView, args: AdminArgs): Promise<TruncateHintsAnswer> {
  const host = optionalString(args, 'host', 'truncatehints');
  return { removed: await hintsOf(view, 'truncatehints').truncate(host) };
}
