/**
 * `sibyl <command>`: the entry point behind bin/sibyl.js. Each command lives in
 * its own file; this one only dispatches and turns failures into a message and
 * an exit status (never a stack trace for a user error).
 */
import { runNodeCommand } from './node-command.js';

const USAGE = `Usage: sibyl <command> [options]

Commands:
  node      run one database node (sibyl node --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'node':
      return runNodeCommand(rest);
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
