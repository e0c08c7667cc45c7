/**
 * sibylsh's command line, cqlsh's shape:
 * `sibylsh [host [port]] [-u user] [-p password] [-k keyspace] [-e "statements"]
 *  [-f file] [--request-timeout s] [--connect-timeout s] [--no-color] [--ssl]`.
 */

export interface ShellArgs {
  host: string;
  port: number;
  user?: string;
  password?: string;
  keyspace?: string;
  execute?: string;
  file?: string;
  /** Seconds; cqlsh's default is 10. */
  requestTimeoutS: number;
  /** Seconds to wait for a connection (and its start-up handshake); cqlsh's default is 5. */
  connectTimeoutS: number;
  colour: boolean | undefined;
  /** Connect with TLS (cqlsh's --ssl); certificates come from SSL_CERTFILE and friends. */
  ssl: boolean;
  help: boolean;
  /** --version / -v: print the shell's version and exit, as cqlsh does. */
  version: boolean;
}

export const USAGE = `Usage: sibylsh [host [port]] [options]

Options:
  -u, --username USER        authenticate as USER
  -p, --password PASSWORD    authenticate with PASSWORD
  -k, --keyspace KEYSPACE    start in KEYSPACE
  -e, --execute STATEMENTS   run STATEMENTS and exit
  -f, --file FILE            run the statements in FILE and exit
  --request-timeout SECONDS  wait this long for each answer (default 10)
  --connect-timeout SECONDS  wait this long for a connection (default 5)
  -C, --color                always use colour
  --no-color                 never use colour (NO_COLOR in the environment does the same)
  --ssl                      connect with TLS; SSL_CERTFILE names the certificate to trust,
                             SSL_VALIDATE=false skips checking it
  -v, --version              print the shell's version and exit
  -h, --help                 show this help
`;

export class ArgsError extends Error {}

export function parseArgs(argv: string[], env: Record<string, string | undefined>): ShellArgs {
  const args: ShellArgs = {
    host: env['SIBYLSH_HOST'] ?? '127.0.0.1',
    port: Number(env['SIBYLSH_PORT'] ?? 9042),
    requestTimeoutS: 10,
    connectTimeoutS: 5,
    colour: undefined,
    ssl: false,
    help: false,
    version: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ArgsError(`option ${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-u':
      case '--username':
        args.user = value();
        break;
      case '-p':
      case '--password':
        args.password = value();
        break;
      case '-k':
      case '--keyspace':
        args.keyspace = value();
        break;
      case '-e':
      case '--execute':
        args.execute = value();
        break;
      case '-f':
      case '--file':
        args.file = value();
        break;
      case '--request-timeout': {
        const s = Number(value());
        if (!Number.isFinite(s) || s <= 0) throw new ArgsError(`--request-timeout must be a positive number of seconds`);
        args.requestTimeoutS = s;
        break;
      }
      case '--connect-timeout': {
        const s = Number(value());
        if (!Number.isFinite(s) || s <= 0) throw new ArgsError(`--connect-timeout must be a positive number of seconds`);
        args.connectTimeoutS = s;
        break;
      }
      case '-C':
      case '--color':
        args.colour = true;
        break;
      case '--no-color':
        args.colour = false;
        break;
      case '--ssl':
        args.ssl = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '-v':
      case '--version':
        args.version = true;
        break;
      default:
        if (arg.startsWith('-')) throw new ArgsError(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length > 2) throw new ArgsError(`unexpected argument ${positional[2]}`);
  if (positional[0] !== undefined) args.host = positional[0];
  if (positional[1] !== undefined) args.port = Number(positional[1]);
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new ArgsError(`port must be an integer from 1 to 65535`);
  if (args.execute !== undefined && args.file !== undefined) throw new ArgsError('-e and -f cannot be used together');
  if (args.user === '') throw new ArgsError('-u needs a role name, not an empty string');
  if (args.user !== undefined && args.password === undefined) throw new ArgsError('-u needs -p PASSWORD as well');
  if (args.password !== undefined && args.user === undefined) throw new ArgsError('-p needs -u USER as well');
  return args;
}
