/**
 * sibylsh's entry point: parses the command line, connects the driver, and
 * runs statements from -e, -f, a pipe, or the interactive prompt. Off a
 * terminal the first failed statement ends the run with exit code 1 and its
 * error on stderr, as scripts need.
 */
import { readFileSync } from 'node:fs';
import { AuthenticationError, Client, NoHostAvailableError } from '../src/client/index.js';
import { sslFromEnvironment } from '../src/client/ssl-env.js';
import { ArgsError, parseArgs, USAGE } from './args.js';
import { serverInfo, SHELL_VERSION } from './commands.js';
import { runRepl } from './repl.js';
import { Shell } from './shell.js';
import { StatementSplitter } from './splitter.js';

export interface MainIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** Runs the shell; resolves to the process exit code. */
export async function main(argv: string[], io: MainIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, io.env);
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    io.stderr.write(`sibylsh: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    io.stdout.write(`sibylsh ${SHELL_VERSION}\n`);
    return 0;
  }
  const interactive = args.execute === undefined && args.file === undefined && io.stdin.isTTY === true;
  const noColour = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
  // As in cqlsh, -f output is plain unless -C asks for colour: it is usually kept or compared.
  const colour = args.colour ?? (args.file === undefined && io.stdout.isTTY === true && !noColour);
  // As cqlsh does, a file that cannot be read is reported before any connection is tried.
  let fileText: string | undefined;
  if (args.file !== undefined) {
    try {
      fileText = readFileSync(args.file, 'utf8');
    } catch (err) {
      io.stderr.write(`sibylsh: cannot read ${args.file}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const address = `${args.host}:${args.port}`;
  let ssl;
  try {
    ssl = args.ssl ? sslFromEnvironment(io.env) : undefined;
  } catch (err) {
    io.stderr.write(`sibylsh: ${(err as Error).message}\n`);
    return 2;
  }
  const client = new Client({
    contactPoints: [address],
    // Like cqlsh, the shell talks to the one node it was given: that node coordinates every statement.
    discoverNodes: false,
    requestTimeoutMs: Math.round(args.requestTimeoutS * 1000),
    connectTimeoutMs: Math.max(1, Math.round(args.connectTimeoutS * 1000)),
    ...(args.keyspace !== undefined ? { keyspace: args.keyspace } : {}),
    ...(ssl ? { ssl } : {}),
    ...(args.user !== undefined ? { credentials: { username: args.user, password: args.password ?? '' } } : {}),
  });
  // Background reconnection noise is the driver's business; the shell reports failed requests itself.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    io.stderr.write(`Connection error: ('Unable to connect to any servers', {'${address}': ${JSON.stringify(connectFailure(err, args.user !== undefined))}})\n`);
    await client.shutdown();
    return 1;
  }
  const shell = new Shell({
    client,
    interactive,
    colour,
    address,
    ...(args.user !== undefined ? { username: args.user } : {}),
    io: { stdout: (t) => io.stdout.write(t), stderr: (t) => io.stderr.write(t) },
  });
  try {
    if (args.keyspace !== undefined && !(await shell.run(`USE ${quoteKeyspace(args.keyspace)}`))) return 1;
    if (args.execute !== undefined) return (await shell.runScript(args.execute, '<stdin>', true, undefined, true)) ? 0 : 1;
    if (args.file !== undefined) return (await shell.runScript(fileText!, args.file, true)) ? 0 : 1;
    if (!interactive) return (await runPiped(shell, io.stdin)) ? 0 : 1;
    const info = await serverInfo(shell);
    shell.print(`Connected to ${info.cluster} at ${address}`);
    shell.print(`[sibylsh ${SHELL_VERSION} | Sibyl ${info.release} | CQL spec ${info.cql} | Native protocol v1]`);
    shell.print('Use HELP for help.');
    await runRepl(shell, io.stdin, io.stdout);
    return 0;
  } finally {
    shell.stopCapture();
    await client.shutdown();
  }
}

/**
 * The driver's reason, except when no credentials were given: the node then
 * asks for a login, and the driver's advice names its own option, so the
 * shell names its flags instead.
 */
function connectFailure(err: unknown, credentialsGiven: boolean): string {
  const inner = err instanceof NoHostAvailableError ? Object.values(err.innerErrors)[0] : undefined;
  if (inner instanceof AuthenticationError && !credentialsGiven) {
    return (err as Error).message.replace(inner.message, 'Remote end requires authentication: log in with -u USER -p PASSWORD');
  }
  return (err as Error).message;
}

function quoteKeyspace(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Statements from a pipe, run one at a time as their lines arrive; stops at the first failure. */
async function runPiped(shell: Shell, input: NodeJS.ReadableStream): Promise<boolean> {
  const splitter = new StatementSplitter();
  let pending = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      for (const statement of splitter.feed(line.replace(/\r$/, ''))) {
        if (!(await shell.run(statement.text, `<stdin>:${statement.lastLine}:`))) return false;
        if (shell.exited) return true;
      }
    }
  }
  for (const statement of pending !== '' ? splitter.feed(pending) : []) {
    if (!(await shell.run(statement.text, `<stdin>:${statement.lastLine}:`))) return false;
    if (shell.exited) return true;
  }
  // Input that ends inside a statement may have been cut off: cqlsh reports it rather than run it.
  const unterminated = splitter.finish();
  if (unterminated) {
    shell.reportIncomplete(`<stdin>:${unterminated.lastLine}:`);
    return false;
  }
  return true;
}
