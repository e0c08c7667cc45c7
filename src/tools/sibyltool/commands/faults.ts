/** `sibyltool faults drop|delay|list|clear`: the node's fault rules, to rehearse partitions and slow replicas. */
import type { FaultsAnswer } from '../../../admin/commands/faults.js';
import { UsageError } from '../../args.js';
import type { ToolCommand } from '../command.js';
import { table } from '../format.js';

export const faultsCommand: ToolCommand = {
  name: 'faults',
  summary: 'Drop or delay internode messages, list or clear the rules',
  help: `Usage: sibyltool [global options] faults drop <VERB|*> [from ENDPOINT] [to ENDPOINT]
       sibyltool [global options] faults delay <VERB|*> <DURATION> [from ENDPOINT] [to ENDPOINT]
       sibyltool [global options] faults list
       sibyltool [global options] faults clear [ID]

Adds a rule to the node's fault filter, which drops or delays the internode
messages of a verb (MUTATION, READ, ... or * for all) sent from and to the
endpoints given (any when left out). The node applies a rule to what it
sends and what it receives. DURATION is 200ms, 2s or bare milliseconds; an
ENDPOINT is host or host:port (the storage_port by default).
'list' prints the rules with how many messages each matched; 'clear' removes
one rule by id, or all of them.
`,
  maxArguments: Infinity,
  async run(ctx, args) {
    const [action, ...rest] = args.positional;
    switch (action) {
      case 'drop':
      case 'delay': {
        if (rest.length === 0) throw new UsageError(`faults ${action} needs a verb (or *)`);
        return formatFaults((await ctx.call('faults', { action: 'add', rule: [action, ...rest].join(' ') })) as FaultsAnswer);
      }
      case 'list':
        if (rest.length > 0) throw new UsageError('faults list takes no arguments');
        return formatFaults((await ctx.call('faults', { action: 'list' })) as FaultsAnswer);
      case 'clear': {
        if (rest.length > 1 || (rest[0] !== undefined && !/^\d+$/.test(rest[0]))) throw new UsageError('faults clear takes at most one rule id');
        const id = rest[0] === undefined ? undefined : Number(rest[0]);
        return formatFaults((await ctx.call('faults', { action: 'clear', id })) as FaultsAnswer);
      }
      default:
        throw new UsageError(action === undefined ? 'faults needs drop, delay, list or clear' : `unknown faults action '${action}'`);
    }
  },
};

export function formatFaults(a: FaultsAnswer): string {
  switch (a.action) {
    case 'add':
      return `Added fault rule ${a.id}: ${a.rule}\n`;
    case 'list':
      if (a.rules.length === 0) return 'No fault rules.\n';
      return table([['ID', 'Matched', 'Rule'], ...a.rules.map((r) => [String(r.id), String(r.matched), r.rule])]);
    case 'clear':
      if (!a.all) return `Removed fault rule ${a.removed[0]}.\n`;
      return `Removed ${a.removed.length} fault rule${a.removed.length === 1 ? '' : 's'}.\n`;
  }
}
