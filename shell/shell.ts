/**
 * One shell session: its settings (consistency, tracing, expand, paging,
 * capture), the driver client it talks through, and the running of
 * statements, whether they came from the prompt, -e, -f, a pipe or SOURCE.
 * Shell commands live in commands.ts, DESCRIBE in describe.ts, COPY in
 * copy.ts; this file sends CQL and prints what comes back.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Client, ConsistencyName, ResultSet } from '../src/client/index.js';
import type { TraceInfo } from '../src/cql/result.js';
import { parseTypeName, type CqlType } from '../src/schema/cql-type.js';
import { ReportedError, runShellCommand } from './commands.js';
import { errorLines } from './error-format.js';
import { ANSI, formatValue } from './format-value.js';
import { isShellCommand, StatementSplitter, type Statement } from './splitter.js';
import { tableLines, verticalLines } from './table-output.js';
import { traceLines } from './trace-output.js';

export interface ShellIo {
  /** Writes text to standard output as is. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Interactive only: shows `---MORE---` and waits for a key. */
  more?(): Promise<void>;
}

export interface ShellOptions {
  client: Client;
  io: ShellIo;
  /** A person at a terminal: prompts, paging pauses, a blank line after each table. */
  interactive: boolean;
  colour: boolean;
  /** `host:port` the shell was asked to connect to. */
  address: string;
  /** The user logged in with -u, shown in the prompt. */
  username?: string;
}

export const DEFAULT_PAGE_SIZE = 100;

/**
 * One top-level statement's run. Ctrl-C while it runs abandons it, as in
 * cqlsh: the prompt comes back at once, and whatever the statement would
 * still print when its answer arrives is dropped.
 */
export class RunToken {
  abandoned = false;
}

/** Thrown inside an abandoned run at its next step, so it stops quietly. */
export class Abandoned extends Error {}

/** Rows per request when paging is off: every page is still fetched, just in bigger steps. */
const UNPAGED_FETCH_SIZE = 5000;

export class Shell {
  readonly client: Client;
  readonly io: ShellIo;
  readonly interactive: boolean;
  readonly colour: boolean;
  readonly address: string;
  readonly username: string | undefined;
  consistency: ConsistencyName = 'ONE';
  tracing = false;
  expand = false;
  paging = true;
  pageSize = DEFAULT_PAGE_SIZE;
  /** Set by EXIT / QUIT. */
  exited = false;
  private capture: { path: string; fd: number } | undefined;
  private current = new RunToken();
  private readonly types = new Map<string, CqlType>();

  constructor(options: ShellOptions) {
    this.client = options.client;
    this.io = options.io;
    this.interactive = options.interactive;
    this.colour = options.colour;
    this.address = options.address;
    this.username = options.username;
  }

  get keyspace(): string | undefined {
    return this.client.keyspace;
  }

  /** The token of the top-level statement running now (or that ran last). */
  get running(): RunToken {
    return this.current;
  }

  /** Ctrl-C while a statement runs: stop waiting for it; it prints nothing more. */
  abandonRunning(): void {
    this.current.abandoned = true;
  }

  /** Throws Abandoned once `token`'s statement was abandoned; called after every wait. */
  checkRunning(token: RunToken): void {
    if (token.abandoned) throw new Abandoned('abandoned');
  }

  /** cqlsh's prompt: `user@` when logged in with -u, then the keyspace in use. */
  get prompt(): string {
    const user = this.username !== undefined ? `${this.username}@` : '';
    return this.keyspace ? `${user}sibylsh:${this.keyspace}> ` : `${user}sibylsh> `;
  }

  /** A continued statement's prompt, as wide as the prompt it continues (cqlsh lines `... ` up under `cqlsh:ks> `). */
  get continuationPrompt(): string {
    return `${' '.repeat(Math.max(0, this.prompt.length - 4))}... `;
  }

  /** Shell messages (always to the terminal). */
  print(line: string): void {
    this.io.stdout(`${line}\n`);
  }

  /** Query results: to the capture file while CAPTURE is on, else to the terminal. */
  writeResult(line: string): void {
    if (this.capture) writeSync(this.capture.fd, `${line}\n`);
    else this.io.stdout(`${line}\n`);
  }

  printError(lines: string[], where?: string): void {
    const [first, ...rest] = lines;
    const text = [`${where ?? ''}${first ?? ''}`, ...rest].join('\n');
    this.io.stderr(this.colour ? `${ANSI.error}${text}${ANSI.reset}\n` : `${text}\n`);
  }

  /** Whether query results are coloured: never in a CAPTURE file, as cqlsh turns colour off while capturing. */
  get resultColour(): boolean {
    return this.colour && !this.capture;
  }

  startCapture(path: string): void {
    this.capture = { path, fd: openSync(path, 'a') };
  }

  stopCapture(): string | undefined {
    if (!this.capture) return undefined;
    closeSync(this.capture.fd);
    const { path } = this.capture;
    this.capture = undefined;
    return path;
  }

  get capturePath(): string | undefined {
    return this.capture?.path;
  }

  /**
   * Runs a script's statements in order. With `stopOnError`, the first
   * failure ends the script; errors carry `name:line:` as cqlsh prints them
   * for files. A statement left without its `;` at the end is not run but
   * reported, as cqlsh does for a file (it may be a cut-off line), unless
   * `terminateLast` (-e, where cqlsh adds the `;` itself). Returns false when
   * any statement failed.
   */
  async runScript(text: string, name: string, stopOnError: boolean, parent?: RunToken, terminateLast = false): Promise<boolean> {
    const splitter = new StatementSplitter();
    let ok = true;
    const statements: Statement[] = [];
    const lines = text.split(/\r?\n/);
    // A final newline ends the last line; it does not start another.
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) statements.push(...splitter.feed(line));
    const rest = splitter.finish();
    if (rest && terminateLast) statements.push(rest);
    for (const statement of statements) {
      if (this.exited || parent?.abandoned) break;
      const success = await this.run(statement.text, `${name}:${statement.lastLine}:`, parent);
      ok &&= success;
      if (!success && stopOnError) return false;
    }
    if (rest && !terminateLast && !this.exited && !parent?.abandoned) {
      this.reportIncomplete(`${name}:${rest.lastLine}:`);
      return false;
    }
    return ok;
  }

  /** An input that ended inside a statement: cqlsh's words for it. */
  reportIncomplete(where?: string): void {
    this.printError(['Incomplete statement at end of file'], where);
  }

  /** Runs one statement (CQL or a shell command); prints its output or error. Returns false on error. */
  async run(text: string, where?: string, parent?: RunToken): Promise<boolean> {
    // A SOURCE'd file's statements run under the SOURCE's own token, so one Ctrl-C abandons the whole file.
    const token = parent ?? (this.current = new RunToken());
    try {
      if (isShellCommand(text)) await runShellCommand(this, text);
      else await this.execute(text, token);
      return true;
    } catch (err) {
      if (err instanceof ReportedError || err instanceof Abandoned || token.abandoned) return false;
      this.printError(errorLines(err, text), where);
      return false;
    }
  }

  /** Sends one CQL statement and prints its result the way cqlsh does. */
  async execute(cql: string, token: RunToken = this.current): Promise<void> {
    const fetchSize = this.paging ? this.pageSize : UNPAGED_FETCH_SIZE;
    // Each page is its own request, so with TRACING ON each brings its own trace, printed in order as cqlsh does.
    const traces: TraceInfo[] = [];
    const options = { consistency: this.consistency, fetchSize, ...(this.tracing ? { traceQuery: true } : {}) };
    let rs = await this.client.execute(cql, null, options);
    this.checkRunning(token);
    if (rs.info.trace) traces.push(rs.info.trace);
    if (rs.columns.length > 0) {
      this.writeResult('');
      let rows = 0;
      let first = true;
      for (;;) {
        if (rs.rows.length > 0 || first) {
          this.printPage(rs, first || this.interactive, rows);
          rows += rs.rows.length;
        }
        if (!rs.pageState) {
          if (!this.interactive) this.writeResult('');
          break;
        }
        if (this.interactive && this.paging && !this.capture && this.io.more) {
          await this.io.more();
          this.checkRunning(token);
        }
        rs = await this.client.execute(cql, null, { ...options, pageState: rs.pageState });
        this.checkRunning(token);
        if (rs.info.trace) traces.push(rs.info.trace);
        first = false;
      }
      this.writeResult(`(${rows} rows)`);
    }
    this.printWarnings(rs.info.warnings);
    for (const trace of traces) {
      for (const line of traceLines(trace, { colour: this.resultColour, interactive: this.interactive })) this.writeResult(line);
    }
  }

  private printPage(rs: ResultSet, header: boolean, rowOffset: number): void {
    const names = rs.columns.map((c) => c.name);
    if (rs.rows.length === 0) {
      for (const line of tableLines({ names, rows: [] }, this.resultColour, true)) this.writeResult(line);
      this.writeResult('');
      return;
    }
    const types = rs.columns.map((c) => this.type(c.type));
    const rows = rs.rows.map((row) => rs.columns.map((c, i) => formatValue(types[i]!, row[c.name])));
    const colour = this.resultColour;
    const lines = this.expand ? verticalLines({ names, rows }, colour, rowOffset) : tableLines({ names, rows }, colour, header);
    for (const line of lines) this.writeResult(line);
    if (!this.expand && this.interactive) this.writeResult('');
  }

  private printWarnings(warnings: string[]): void {
    if (warnings.length === 0) return;
    this.writeResult('');
    this.writeResult('Warnings :');
    for (const warning of warnings) {
      this.writeResult(warning);
      this.writeResult('');
    }
  }

  private type(text: string): CqlType {
    let type = this.types.get(text);
    if (!type) this.types.set(text, (type = parseTypeName(text)));
    return type;
  }
}
