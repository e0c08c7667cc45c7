/**
 * The shell's own commands, answered without the server where they can be,
 * in cqlsh's words: CONSISTENCY, TRACING, EXPAND, PAGING, SOURCE, CAPTURE,
 * SHOW, HELP, CLEAR, EXIT; DESCRIBE and COPY have files of their own.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConsistencyName } from '../src/client/index.js';
import { runCopy } from './copy.js';
import { runDescribe } from './describe.js';
import { helpLines } from './help.js';
import type { Shell } from './shell.js';
import { firstWord } from './splitter.js';
import { CONSISTENCY_NAMES } from '../src/transport/protocol.js';

/** The levels CONSISTENCY accepts: the protocol's, less the serial ones (SERIAL CONSISTENCY is their command in cqlsh). */
export const CONSISTENCY_LEVELS: readonly ConsistencyName[] = CONSISTENCY_NAMES.filter((l) => l !== 'SERIAL' && l !== 'LOCAL_SERIAL');

/** The shell's version, shown by SHOW VERSION. */
export const SHELL_VERSION = '0.1.0';

/** A shell command used wrongly; printed as its message alone. */
export class ShellCommandError extends Error {}

/** A failure whose messages were printed already (inside a SOURCE'd file): the caller only learns it failed. */
export class ReportedError extends Error {}

export async function runShellCommand(shell: Shell, text: string): Promise<void> {
  const word = firstWord(text);
  const rest = text.trim().slice(word.length).trim();
  switch (word) {
    case 'CONSISTENCY':
      return consistency(shell, rest);
    case 'SERIAL':
      // cqlsh's SERIAL CONSISTENCY sets the level of conditional updates, which Sibyl does not have (docs/cql.md).
      if (!/^CONSISTENCY\b/i.test(rest)) throw new ShellCommandError('Improper SERIAL command.');
      throw new ShellCommandError('SERIAL CONSISTENCY is not supported: Sibyl has no lightweight transactions (conditional updates) for it to apply to.');
    case 'TRACING':
      shell.tracing = switchCommand(shell, 'TRACING', 'Tracing', shell.tracing, rest);
      return;
    case 'EXPAND':
      shell.expand = switchCommand(shell, 'EXPAND', 'Expanded output', shell.expand, rest);
      return;
    case 'PAGING':
      return paging(shell, rest);
    case 'DESC':
    case 'DESCRIBE':
      return runDescribe(shell, rest);
    case 'COPY':
      return runCopy(shell, rest);
    case 'SOURCE':
      return source(shell, rest);
    case 'CAPTURE':
      return capture(shell, rest);
    case 'SHOW':
      return show(shell, rest);
    case 'HELP':
    case '?': {
      const lines = helpLines(rest);
      if (!lines) throw new ShellCommandError(`*** No help on ${rest}`);
      for (const line of lines) shell.print(line);
      return;
    }
    case 'CLEAR':
    case 'CLS':
      if (shell.interactive) shell.io.stdout('\x1b[2J\x1b[H');
      return;
    case 'EXIT':
    case 'QUIT':
      if (rest !== '') throw new ShellCommandError(`Improper ${word} command.`);
      shell.exited = true;
      return;
    default:
      throw new ShellCommandError(`Unknown shell command ${word}`);
  }
}

function consistency(shell: Shell, arg: string): void {
  if (arg === '') {
    shell.print(`Current consistency level is ${shell.consistency}.`);
    return;
  }
  const level = arg.toUpperCase() as ConsistencyName;
  if (!CONSISTENCY_LEVELS.includes(level)) throw new ShellCommandError('Improper CONSISTENCY command.');
  shell.consistency = level;
  shell.print(`Consistency level set to ${level}.`);
}

/** cqlsh's ON/OFF switches: they report, refuse a no-op with an error, and say what changed. */
function switchCommand(shell: Shell, command: string, description: string, state: boolean, arg: string): boolean {
  const value = arg.toUpperCase();
  if (value === '') {
    shell.print(
      state
        ? `${description} is currently enabled. Use ${command} OFF to disable`
        : `${description} is currently disabled. Use ${command} ON to enable.`,
    );
    return state;
  }
  if (value === 'ON') {
    if (state) throw new ShellCommandError(`${description} is already enabled. Use ${command} OFF to disable.`);
    shell.print(`Now ${description} is enabled`);
    return true;
  }
  if (value === 'OFF') {
    if (!state) throw new ShellCommandError(`${description} is not enabled.`);
    shell.print(`Disabled ${description}.`);
    return false;
  }
  throw new ShellCommandError(`Improper ${command} command.`);
}

function paging(shell: Shell, arg: string): void {
  if (/^\d+$/.test(arg)) {
    const size = Number(arg);
    if (size <= 0) throw new ShellCommandError('Improper PAGING command.');
    shell.paging = true;
    shell.pageSize = size;
    shell.print(`Page size: ${size}`);
    return;
  }
  shell.paging = switchCommand(shell, 'PAGING', 'Query paging', shell.paging, arg);
  if (shell.paging && arg.toUpperCase() !== 'OFF') shell.print(`Page size: ${shell.pageSize}`);
}

/** The file name of `'file'` (or a bare word), with `~` expanded as cqlsh does. */
export function fileArgument(arg: string, command: string): string {
  const m = /^'((?:[^']|'')*)'$/.exec(arg.trim()) ?? /^(\S+)$/.exec(arg.trim());
  if (!m) throw new ShellCommandError(`Improper ${command} command.`);
  const path = m[1]!.replace(/''/g, "'");
  return path.startsWith('~') ? homedir() + path.slice(1) : path;
}

async function source(shell: Shell, arg: string): Promise<void> {
  const path = fileArgument(arg, 'SOURCE');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ShellCommandError(`Could not open '${path}': ${(err as Error).message}`);
  }
  // Errors inside the file are printed by the script run itself; a pipe or -f stops at the first.
  const ok = await shell.runScript(text, path, !shell.interactive, shell.running);
  if (!ok && !shell.interactive) throw new ReportedError(`SOURCE '${path}' failed`);
}

function capture(shell: Shell, arg: string): void {
  if (arg === '') {
    shell.print(shell.capturePath ? `Currently capturing query output to '${shell.capturePath}'.` : 'Currently not capturing query output.');
    return;
  }
  if (arg.toUpperCase() === 'OFF') {
    const path = shell.stopCapture();
    if (path === undefined) throw new ShellCommandError('Not currently capturing output.');
    shell.print(`Stopped capture. Output saved to '${path}'.`);
    return;
  }
  if (shell.capturePath !== undefined) throw new ShellCommandError(`Already capturing output to ${shell.capturePath}. Use CAPTURE OFF to disable.`);
  const path = fileArgument(arg, 'CAPTURE');
  try {
    shell.startCapture(path);
  } catch (err) {
    throw new ShellCommandError(`Unable to open '${path}' for writing: ${(err as Error).message}`);
  }
  shell.print(`Now capturing query output to '${path}'.`);
}

async function show(shell: Shell, arg: string): Promise<void> {
  const what = arg.toUpperCase();
  if (what === 'VERSION') {
    const local = await serverInfo(shell);
    shell.print(`[sibylsh ${SHELL_VERSION} | Sibyl ${local.release} | CQL spec ${local.cql} | Native protocol v1]`);
  } else if (what === 'HOST') {
    const local = await serverInfo(shell);
    shell.print(`Connected to ${local.cluster} at ${shell.address}`);
  } else {
    throw new ShellCommandError('Improper SHOW command.');
  }
}

/** What the connected node says of itself (system.local). */
export async function serverInfo(shell: Shell): Promise<{ cluster: string; release: string; cql: string }> {
  const rs = await shell.client.execute('SELECT cluster_name, release_version, cql_version FROM system.local');
  const row = rs.first() ?? {};
  return { cluster: String(row['cluster_name']), release: String(row['release_version']), cql: String(row['cql_version']) };
}
