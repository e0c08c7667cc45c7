/**
 * `sibyl cluster <subcommand>`: a local cluster of real node processes on
 * 127.0.0.1, 127.0.0.2, ..., like Cassandra's ccm. Everything lives in one
 * folder (default ./.sibyl/cluster): cluster.json (the layout), and per node
 * its config, data, log and pid file, so a cluster outlives the shell that
 * started it. One file per subcommand; this one dispatches and turns
 * failures into one line.
 */
import { SystemClock } from '../../clock/clock.js';
import { UsageError } from '../args.js';
import { addCommand, ADD_USAGE } from './add.js';
import { clearCommand, CLEAR_USAGE } from './clear.js';
import type { ClusterContext } from './context.js';
import { decommissionCommand, DECOMMISSION_USAGE } from './decommission.js';
import { killCommand, KILL_USAGE } from './kill.js';
import { logsCommand, LOGS_USAGE } from './logs.js';
import { restartCommand, RESTART_USAGE } from './restart.js';
import { START_USAGE, startCommand } from './start.js';
import { ClusterError } from './state.js';
import { statusCommand, STATUS_USAGE } from './status.js';
import { stopCommand, STOP_USAGE } from './stop.js';

type Subcommand = (ctx: ClusterContext, argv: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, { run: Subcommand; usage: string; summary: string }> = {
  start: { run: startCommand, usage: START_USAGE, summary: 'create (first time) and start every node, wait until each accepts clients' },
  status: { run: statusCommand, usage: STATUS_USAGE, summary: 'each node: number, address, pid, up or down' },
  stop: { run: stopCommand, usage: STOP_USAGE, summary: 'SIGTERM every node and wait for them to exit' },
  kill: { run: killCommand, usage: KILL_USAGE, summary: 'SIGKILL one node' },
  restart: { run: restartCommand, usage: RESTART_USAGE, summary: 'start one node again with the same data' },
  logs: { run: logsCommand, usage: LOGS_USAGE, summary: "print one node's log (-f follows it)" },
  add: { run: addCommand, usage: ADD_USAGE, summary: 'add one more node, which bootstraps; wait until it has joined' },
  decommission: { run: decommissionCommand, usage: DECOMMISSION_USAGE, summary: 'decommission one node: stream its data away, leave the ring, stop' },
  clear: { run: clearCommand, usage: CLEAR_USAGE, summary: 'stop the cluster and remove its folder' },
};

export const CLUSTER_USAGE =
  'Usage: sibyl cluster <subcommand> [options]\n\nSubcommands:\n' +
  Object.entries(SUBCOMMANDS)
    .map(([name, s]) => `  ${name.padEnd(12)}  ${s.summary}`)
    .join('\n') +
  '\n\nNode i listens on 127.0.0.i (client port 9042, internode port 7000). Run a subcommand with --help for its options.\n';

export async function runClusterCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(CLUSTER_USAGE);
    return name === undefined ? 1 : 0;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    process.stderr.write(`sibyl cluster: unknown subcommand '${name}'\n\n${CLUSTER_USAGE}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(sub.usage);
    return 0;
  }
  let sigint: (() => void) | undefined;
  const ctx: ClusterContext = {
    clock: new SystemClock(),
    out: (text) => void process.stdout.write(text),
    untilInterrupted: () => new Promise<void>((res) => process.once('SIGINT', (sigint = res))),
  };
  try {
    return await sub.run(ctx, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sibyl cluster ${name}: ${err.message}\n\n${sub.usage}`);
      return 2;
    }
    if (err instanceof ClusterError) {
      process.stderr.write(`sibyl cluster ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    if (sigint) process.removeListener('SIGINT', sigint);
  }
}
