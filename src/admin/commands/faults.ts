/**
 * `faults add|list|clear`: the rules of this node's fault filter. A rule
 * arrives as its text form (src/net/fault-spec.ts), so the operator's words
 * are parsed in one place; endpoints without a port get this node's own
 * internode port (the nodes of a cluster share one).
 */
import { formatFaultRule, parseFaultSpec } from '../../net/fault-spec.js';
import { InvalidRequestError } from '../../util/errors.js';
import { optionalInteger, requiredString, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';

export interface FaultRuleAnswer {
  id: number;
  rule: string;
  matched: number;
}

export type FaultsAnswer =
  | { action: 'add'; id: number; rule: string }
  | { action: 'list'; rules: FaultRuleAnswer[] }
  | { action: 'clear'; all: boolean; removed: number[] };

export async function faults(view: NodeView, args: AdminArgs): Promise<FaultsAnswer> {
  const action = requiredString(args, 'action', 'faults');
  switch (action) {
    case 'add': {
      const rule = parseFaultSpec(requiredString(args, 'rule', 'faults'), { defaultPort: internodePort(view) });
      const id = view.faults.add(rule);
      return { action, id, rule: formatFaultRule(rule) };
    }
    case 'list':
      return { action, rules: view.faults.list().map((r) => ({ id: r.id, rule: formatFaultRule(r), matched: r.matched })) };
    case 'clear': {
      const id = optionalInteger(args, 'id', 'faults');
      if (id === undefined) {
        const removed = view.faults.list().map((r) => r.id);
        view.faults.clear();
        return { action, all: true, removed };
      }
      if (!view.faults.remove(id)) throw new InvalidRequestError(`faults: no fault rule with id ${id}`);
      return { action, all: false, removed: [id] };
    }
    default:
      throw new InvalidRequestError(`faults: unknown action '${action}' (expected add, list or clear)`);
  }
}

/** The port this node's internode endpoint listens on: peers of a local cluster share it, and storage_port 0 means the bound one. */
function internodePort(view: NodeView): number {
  return Number(view.endpoint.slice(view.endpoint.lastIndexOf(':') + 1));
}
