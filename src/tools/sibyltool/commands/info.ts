/** `sibyltool info [-T]`: nodetool info for the node sibyltool talks to. */
import type { InfoAnswer } from '../../../admin/commands/info.js';
import type { ToolCommand } from '../command.js';
import { fileSize } from '../format.js';

export const infoCommand: ToolCommand = {
  name: 'info',
  summary: 'Print node information (id, load, uptime, memory, datacenter, rack, tokens)',
  help: `Usage: sibyltool [global options] info [-T | --tokens]

Prints this node's host id, whether gossip and the client transport run,
its load, gossip generation, uptime, heap, datacenter and rack.

  -T, --tokens   list every token of the node instead of their count
`,
  bare: ['-T', '--tokens'],
  async run(ctx, args) {
    const answer = (await ctx.call('info')) as InfoAnswer;
    return formatInfo(answer, args.flags.has('-T') || args.flags.has('--tokens'));
  },
};

const MIB = 1024 * 1024;

export function formatInfo(a: InfoAnswer, showTokens: boolean): string {
  const line = (name: string, value: string) => `${name.padEnd(23)}: ${value}\n`;
  let out =
    line('ID', a.hostId) +
    line('Gossip active', String(a.gossipActive)) +
    line('Native Transport active', String(a.nativeTransportActive)) +
    line('Load', fileSize(a.loadBytes)) +
    line('Generation No', String(a.generation)) +
    line('Uptime (seconds)', String(a.uptimeSeconds)) +
    line('Heap Memory (MB)', `${(a.heapUsedBytes / MIB).toFixed(2)} / ${(a.heapMaxBytes / MIB).toFixed(2)}`) +
    line('Off Heap Memory (MB)', (a.offHeapBytes / MIB).toFixed(2)) +
    line('Data Center', a.dc) +
    line('Rack', a.rack);
  if (showTokens) for (const token of a.tokens) out += line('Token', token);
  else out += line('Token', `(invoke with -T/--tokens to see all ${a.tokens.length} tokens)`);
  if (a.hintsDropped) out += `Hints dropped: ${a.hintsDropped} (ranges need repair)\n`;
  for (const warning of a.repairWarnings ?? []) out += `${warning}\n`;
  return out;
}
