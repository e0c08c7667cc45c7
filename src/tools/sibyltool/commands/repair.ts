/**
 * `sibyltool repair`: nodetool repair. The node runs the repair as a
 * background job; this command starts it, then polls `repairstatus` every
 * 200 ms and prints each progress line as it arrives, stamped with the time
 * the node wrote it, and on a terminal a progress bar beneath them.
 * `--history` prints the recorded runs instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DriverError } from '../../../client/errors.js';
import type { RepairRecord } from '../../../repair/history.js';
import type { ProgressLine, RepairJobStatus } from '../../../repair/service.js';
import { UsageError } from '../../args.js';
import type { ToolCommand, ToolContext } from '../command.js';
import { table } from '../format.js';

const POLL_INTERVAL_MS = 200;
const BAR_WIDTH = 40;

/** The repair job failed; main prints the message alone. */
export class RepairFailedError extends Error {
  readonly code = 'ERR_SIBYL_REPAIR_FAILED';
  override readonly name = 'RepairFailedError';
}

export const repairCommand: ToolCommand = {
  name: 'repair',
  summary: 'Repair one or more tables: compare replicas by Merkle trees and stream what differs',
  help: `Usage: sibyltool [global options] repair [--full] [-pr] [-st TOKEN -et TOKEN] [--preview] [--history] [keyspace [tables ...]]

Compares every replica of the ranges this node replicates by Merkle trees and
streams only the partitions that differ, in every direction, applying them
through reconcile. Without a keyspace, repairs every non-system keyspace.
Every repair is a full repair (incremental repair is not supported); --full
is accepted for nodetool's sake.

  --full                   full repair (the only kind; accepted and ignored)
  -pr, --partitioner-range repair only the ranges this node is primary owner of
  -st, --start-token TOKEN repair only tokens after TOKEN ...
  -et, --end-token TOKEN   ... up to and including TOKEN
  --preview                report the ranges and rows out of sync without streaming
  --history                print the repairs this node ran
`,
  valued: ['-st', '--start-token', '-et', '--end-token'],
  bare: ['--full', '-full', '-pr', '--partitioner-range', '--preview', '-prv', '--history', '-inc'],
  maxArguments: Infinity,
  async run(ctx, args) {
    if (args.flags.has('--history')) {
      const { runs } = (await ctx.call('repairhistory')) as { runs: RepairRecord[] };
      return formatHistory(runs);
    }
    if (args.flags.has('-inc')) throw new UsageError('incremental repair is not supported; every repair is full');
    const [keyspace, ...tables] = args.positional;
    const startToken = flagValue(args.flags, '-st', '--start-token');
    const endToken = flagValue(args.flags, '-et', '--end-token');
    if ((startToken === undefined) !== (endToken === undefined)) throw new UsageError('-st and -et must be given together');
    const { job } = (await ctx.call('repair', {
      keyspace,
      tables,
      primaryRange: args.flags.has('-pr') || args.flags.has('--partitioner-range'),
      preview: args.flags.has('--preview') || args.flags.has('-prv'),
      startToken,
      endToken,
    })) as { job: number };

    let printed = '';
    const print = (text: string) => (ctx.print ? ctx.print(text) : (printed += text));
    const bar = ctx.isTTY === true && ctx.print !== undefined;
    let from = 0;
    for (;;) {
      const status = await pollStatus(ctx, job, from, keyspace);
      if (status.lines.length > 0) {
        if (bar) print('\r\x1b[K');
        print(status.lines.map(formatLine).join(''));
      }
      from = status.next;
      if (bar) print(`\r\x1b[K${progressBar(status.progress)}`);
      if (status.done) {
        if (bar) print('\r\x1b[K');
        if (!status.succeeded) throw new RepairFailedError(`Repair job has failed with the error(s): ${status.error ?? 'unknown error'}`);
        return printed;
      }
      await sleep(POLL_INTERVAL_MS);
    }
  },
};

/**
 * One poll of the job. Losing the node mid-repair says what nodetool says
 * when its JMX connection closes: the repair may still be running or may
 * have died with the node, and only the node's log knows which.
 */
async function pollStatus(ctx: ToolContext, job: number, from: number, keyspace: string | undefined): Promise<RepairJobStatus> {
  try {
    return (await ctx.call('repairstatus', { job, from })) as RepairJobStatus;
  } catch (err) {
    if (!(err instanceof DriverError)) throw err;
    const which = keyspace === undefined ? 'the non-system keyspaces' : `keyspace ${keyspace}`;
    throw new RepairFailedError(`Connection to the node closed during repair (${err.message}). You should check server log for repair status of ${which}.`);
  }
}

function flagValue(flags: Map<string, string | true>, short: string, long: string): string | undefined {
  const v = flags.get(short) ?? flags.get(long);
  return typeof v === 'string' ? v : undefined;
}

/** `[2026-11-22 03:04:05,678] text`, in this machine's local time, as nodetool stamps its lines. */
export function formatLine(line: ProgressLine): string {
  return `[${timestamp(line.atMs)}] ${line.text}\n`;
}

export function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

export function progressBar(fraction: number): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(done)}${'.'.repeat(BAR_WIDTH - done)}] ${Math.floor(fraction * 100)}%`;
}

export function formatHistory(runs: readonly RepairRecord[]): string {
  if (runs.length === 0) return 'No repair has run on this node.\n';
  const rows = [['id', 'keyspace', 'tables', 'status', 'started', 'finished', 'ranges', 'rows repaired', 'bytes streamed']];
  for (const r of runs) {
    rows.push([
      r.id,
      r.keyspace,
      r.tables.join(','),
      r.status,
      timestamp(r.startedAtMs),
      timestamp(r.finishedAtMs),
      String(r.ranges.length),
      String(r.rowsRepaired),
      String(r.bytesStreamed),
    ]);
  }
  let out = table(rows);
  for (const r of runs) if (r.error) out += `${r.id}: ${r.error}\n`;
  return out;
}
