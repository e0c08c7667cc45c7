/**
 * `sibyltool`: the admin CLI, like nodetool. It parses the global options
 * (-h/--host, -p/--port, -pp/--print-port), finds the command (one file per
 * command in commands/), connects to one node through the driver only when
 * the command needs it, and prints. Failures become one line on stderr and
 * exit status 1; a usage mistake also prints the usage.
 */
import { Client } from '../../client/client.js';
import { NoHostAvailableError, OperationTimedOutError } from '../../client/errors.js';
import { sslFromEnvironment } from '../../client/ssl-env.js';
import { AuthenticationError, SibylError } from '../../util/errors.js';
import { FrameDecodeError } from '../../util/framing.js';
import { parseArgs, UsageError } from '../args.js';
import type { ToolCommand, ToolContext } from './command.js';
import { cleanupCommand } from './commands/cleanup.js';
import { describeclusterCommand } from './commands/describecluster.js';
import { describeringCommand } from './commands/describering.js';
import { decommissionCommand } from './commands/decommission.js';
import { removenodeCommand } from './commands/removenode.js';
import { disablehandoffCommand } from './commands/disablehandoff.js';
import { dumpCommand } from './commands/dump.js';
import { enablehandoffCommand } from './commands/enablehandoff.js';
import { merklerootCommand } from './commands/merkleroot.js';
import { repairCommand } from './commands/repair.js';
import { listpendinghintsCommand } from './commands/listpendinghints.js';
import { netstatsCommand } from './commands/netstats.js';
import { statushandoffCommand } from './commands/statushandoff.js';
import { truncatehintsCommand } from './commands/truncatehints.js';
import { faultsCommand } from './commands/faults.js';
import { getendpointsCommand } from './commands/getendpoints.js';
import { gossipinfoCommand } from './commands/gossipinfo.js';
import { infoCommand } from './commands/info.js';
import { proxyhistogramsCommand } from './commands/proxyhistograms.js';
import { ringCommand } from './commands/ring.js';
import { statusCommand } from './commands/status.js';
import { tpstatsCommand } from './commands/tpstats.js';
import { versionCommand } from './commands/version.js';

export const COMMANDS: readonly ToolCommand[] = [
  cleanupCommand,
  decommissionCommand,
  describeclusterCommand,
  describeringCommand,
  disablehandoffCommand,
  dumpCommand,
  enablehandoffCommand,
  faultsCommand,
  getendpointsCommand,
  gossipinfoCommand,
  infoCommand,
  listpendinghintsCommand,
  merklerootCommand,
  netstatsCommand,
  proxyhistogramsCommand,
  removenodeCommand,
  repairCommand,
  ringCommand,
  statusCommand,
  statushandoffCommand,
  tpstatsCommand,
  truncatehintsCommand,
  versionCommand,
];

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 9042;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: sibyltool [-h HOST] [-p PORT] [-pp] <command> [args]

Global options:
  -h, --host HOST      node to talk to (default ${DEFAULT_HOST})
  -p, --port PORT      its client port (default ${DEFAULT_PORT})
  -pp, --print-port    show endpoints with their ports
  -u, --username USER  log in as USER (a superuser) when the node runs PasswordAuthenticator
  -pw, --password PW   that role's password
  --ssl                connect with TLS; SSL_CERTFILE names the certificate to trust,
                       SSL_VALIDATE=false skips checking it (as for sibylsh)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

sibyltool <command> --help describes a command.
`;
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal. */
  isTTY?: boolean;
}

const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
};

interface Invocation {
  host: string;
  port: number;
  printPort: boolean;
  ssl: boolean;
  username?: string;
  password?: string;
  help: boolean;
  command: string | undefined;
  rest: string[];
}

/** Splits the global options, which may come before or after the command, from the command's own arguments. */
function parseInvocation(argv: string[]): Invocation {
  const inv: Invocation = { host: DEFAULT_HOST, port: DEFAULT_PORT, printPort: false, ssl: false, help: false, command: undefined, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // After the command, '--' hands everything that follows to the command as it is (a key such as -h or -5).
    if (arg === '--' && inv.command !== undefined) {
      inv.rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`option ${name} needs a value`);
      return v;
    };
    if (name === '-h' || name === '--host') inv.host = value();
    else if (name === '-p' || name === '--port') {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port < 1 || port > 65_535) throw new UsageError(`option ${name} must be a port number, got '${text}'`);
      inv.port = port;
    } else if (name === '-pp' || name === '--print-port') inv.printPort = true;
    else if (name === '--ssl') inv.ssl = true;
    else if (name === '-u' || name === '--username') inv.username = value();
    else if (name === '-pw' || name === '--password') inv.password = value();
    else if (name === '--help') inv.help = true;
    else if (inv.command === undefined && !arg.startsWith('-')) inv.command = arg;
    else if (inv.command === undefined) throw new UsageError(`unknown option ${name}`);
    else inv.rest.push(arg);
  }
  return inv;
}

export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let inv: Invocation;
  try {
    inv = parseInvocation(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out.stderr(`sibyltool: ${err.message}\n\n${usage()}`);
    return 1;
  }
  if (inv.command === undefined || inv.command === 'help') {
    const named = inv.command === 'help' ? COMMANDS.find((c) => c.name === inv.rest[0]) : undefined;
    if (inv.command === 'help' && inv.rest[0] !== undefined && !named) {
      out.stderr(`sibyltool: unknown command '${inv.rest[0]}'\n\n${usage()}`);
      return 1;
    }
    if (named) out.stdout(named.help);
    else if (inv.help || inv.command === 'help') out.stdout(usage());
    else out.stderr(usage());
    return inv.help || inv.command === 'help' ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === inv.command);
  if (!command) {
    out.stderr(`sibyltool: unknown command '${inv.command}'\n\n${usage()}`);
    return 1;
  }
  if (inv.help) {
    out.stdout(command.help);
    return 0;
  }

  // An IPv6 address takes brackets before its port, as in a URL ([::1]:9042).
  const target = inv.host.includes(':') ? `[${inv.host}]:${inv.port}` : `${inv.host}:${inv.port}`;
  let client: Client | undefined;
  const ctx: ToolContext = {
    printPort: inv.printPort,
    print: (text) => out.stdout(text),
    isTTY: out.isTTY ?? false,
    call: async (name, args = {}) => {
      if (!client) {
        // Each command is about the one node named by -h: never discover or route elsewhere.
        const ssl = inv.ssl ? sslFromEnvironment(process.env) : undefined;
        const credentials = inv.username !== undefined ? { credentials: { username: inv.username, password: inv.password ?? '' } } : {};
        client = new Client({ contactPoints: [target], discoverNodes: false, connectTimeoutMs: 5000, requestTimeoutMs: 60_000, ...(ssl ? { ssl } : {}), ...credentials });
        await client.connect();
      }
      // Undefined arguments are left out rather than sent as nil.
      const defined = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
      return client.admin(name, defined);
    },
  };
  try {
    const args = parseArgs(inv.rest, command.valued ?? [], command.bare ?? []);
    // An argument a command does not take is a mistake to point out, not something to ignore (`status ks1 ks2`).
    const unexpected = args.positional.slice(command.maxArguments ?? 0);
    if (unexpected.length > 0) throw new UsageError(`Found unexpected parameters: [${unexpected.join(', ')}]`);
    out.stdout(await command.run(ctx, args));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr(`sibyltool ${command.name}: ${err.message}\n\n${command.help}`);
      return 1;
    }
    out.stderr(`sibyltool: ${describeError(err, target, inv.username !== undefined)}\n`);
    return 1;
  } finally {
    await client?.shutdown();
  }
}

/** One line saying what went wrong, without a stack trace for anything a user can cause. */
export function describeError(err: unknown, target: string, credentialsGiven = false): string {
  if (err instanceof NoHostAvailableError) {
    const inner = Object.values(err.innerErrors)[0];
    // Without credentials the node never judges any, so an AuthenticationError can only mean it wants some.
    if (inner instanceof AuthenticationError && !credentialsGiven) {
      return `cannot connect to ${target}: the node requires authentication; log in with -u USER -pw PASSWORD (a superuser)`;
    }
    return `cannot connect to ${target}: ${inner ? connectReason(inner) : 'no connection'}`;
  }
  if (err instanceof SibylError) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_SIBYL')) return (err as Error).message;
  return (err as Error)?.stack ?? String(err);
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host',
  ETIMEDOUT: 'timed out',
  ERR_SIBYL_CONNECT_TIMEOUT: 'timed out',
};

function connectReason(err: Error): string {
  // The driver names its own option, which means nothing to someone at the command line.
  // A node's answer to STARTUP is tiny and well formed, so bytes the driver cannot read as a frame mean another service answered.
  // A ProtocolError the node sent (a TLS-only port refusing plain text) says what is wrong itself.
  if (err instanceof FrameDecodeError) return `the answer is not Sibyl's client protocol; is it a Sibyl client port? (${err.message})`;
  if (err instanceof OperationTimedOutError) return `no answer within ${err.timeoutMs} ms (is it a Sibyl client port, and is the node responsive?)`;
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && REASONS[code]) || err.message;
}
