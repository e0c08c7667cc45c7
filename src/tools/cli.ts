/**
 * `sibyl <command>`: the entry point behind bin/sibyl.js. Each command lives in
 * its own file; this one only dispatches and turns failures into a message and
 * an exit status (never a stack trace for a user error).
 */
import { runClusterCommand } from './cluster/cluster-command.js';
import { runNodeCommand } from './node-command.js';
import { runStressCommand } from './stress/stress-command.js';

const USAGE = `Usage: sibyl <command> [options]

Commands:
  node      run one database node (sibyl node --help)
  cluster   run a local cluster on 127.0.0.1, 127.0.0.2, ... (sibyl cluster --help)
  stress    load generator like cassandra-stress (sibyl stress --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'node':
      return runNodeCommand(rest);
    case 'cluster':
      return runClusterCommand(rest);
    case 'stress':
      return runStressCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`sibyl: unknown command '${command}'\n\n${USAGE}`);
      return 1;
  }
}
