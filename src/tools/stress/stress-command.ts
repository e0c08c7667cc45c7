/**
 * `sibyl stress write|read|mixed`: a load generator like cassandra-stress.
 * It connects with the real driver, creates its keyspace and table if
 * missing, runs prepared statements from `--concurrency` loops, prints a
 * progress line every second and a Results block, and exits 1 when more
 * operations failed than `--max-errors` allows.
 */
import type { Clock } from '../../clock/clock.js';
import { SystemClock } from '../../clock/clock.js';
import { Client } from '../../client/index.js';
import { UsageError } from '../args.js';
import { parseStressOptions, STRESS_USAGE, type StressOptions } from './options.js';
import { progressHeader, progressLine, summary } from './report.js';
import { runWorkload } from './runner.js';
import { createSchema } from './schema.js';
import { createWorkload } from './workload.js';

export interface StressIo {
  clock: Clock;
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * Calls `handler` at the user's first Ctrl-C (SIGINT) and returns what
   * stops listening. By default a second Ctrl-C quits at once, for when the
   * requests in flight do not come back.
   */
  onInterrupt: (handler: () => void) => () => void;
}

const PROGRESS_INTERVAL_MS = 1000;

export async function runStressCommand(
  argv: string[],
  io: StressIo = {
    clock: new SystemClock(),
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    onInterrupt: processInterrupts,
  },
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(STRESS_USAGE);
    return 0;
  }
  let options: StressOptions;
  try {
    options = parseStressOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`sibyl stress: ${err.message}\n\n${STRESS_USAGE}`);
    return 2;
  }

  const client = new Client({ contactPoints: options.hosts, consistency: options.consistency, clock: io.clock });
  try {
    try {
      for (const { host, reason } of await createSchema(io.clock, options)) {
        io.err(`sibyl stress: warning: ${host} does not answer (${reason}); running through the other hosts\n`);
      }
      await client.connect();
    } catch (err) {
      io.err(`sibyl stress: cannot prepare the run on ${options.hosts.join(', ')}: ${(err as Error).message}\n`);
      return 1;
    }
    io.out(describeRun(options));
    io.out(progressHeader());
    // Ctrl-C ends the run as cassandra-stress's summary would: the operations in flight finish and the
    // Results block covers what was done, instead of the process dying with nothing to show.
    const interrupt = new AbortController();
    const stopListening = io.onInterrupt(() => {
      io.err('Interrupted: finishing the operations in flight (Ctrl-C again to quit at once)\n');
      interrupt.abort();
    });
    let result;
    try {
      result = await runWorkload(
        io.clock,
        createWorkload(client, options),
        {
          ops: options.ops,
          durationMs: options.durationMs,
          concurrency: options.concurrency,
          progressIntervalMs: PROGRESS_INTERVAL_MS,
          signal: interrupt.signal,
        },
        { progress: (w) => io.out(progressLine(w)), firstError: (e) => io.err(`error: ${e}\n`) },
      );
    } finally {
      stopListening();
    }
    io.out(summary(result));
    if (result.errors > options.maxErrors) {
      io.err(`sibyl stress: ${result.errors} operations failed, more than --max-errors ${options.maxErrors}\n`);
      return 1;
    }
    return 0;
  } finally {
    await client.shutdown();
  }
}

/** The first SIGINT calls `handler`; a second one exits at once with 130, the shell's status for an interrupt. */
function processInterrupts(handler: () => void): () => void {
  let count = 0;
  const listener = () => {
    if (++count === 1) handler();
    else process.exit(130);
  };
  process.on('SIGINT', listener);
  return () => void process.removeListener('SIGINT', listener);
}

function describeRun(o: StressOptions): string {
  const amount = o.ops !== undefined ? `${o.ops} operations` : `${o.durationMs! / 1000} s`;
  const mix = o.command === 'mixed' ? ` (write=${o.ratio.write}, read=${o.ratio.read})` : '';
  return (
    `Running ${o.command}${mix}: ${amount} at ${o.consistency}, ${o.concurrency} in flight, ` +
    `${o.keys} keys, ${o.valueBytes}-byte values, ${o.keyspace}.standard1 on ${o.hosts.join(', ')}\n`
  );
}
