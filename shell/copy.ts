/**
 * COPY t [(cols)] TO 'file.csv' | FROM 'file.csv' [WITH option = value AND ...]
 *
 * Values are written so that reading them back gives the same bytes: text as
 * is, timestamps to the millisecond, floats in their shortest exact form,
 * collections and other types as CQL literals. Import sends one INSERT per
 * row with the values as literals, MAXREQUESTS of them in flight.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatType, parseTypeName, type CqlType } from '../src/schema/cql-type.js';
import { formatCql } from '../src/schema/codec.js';
import { formatTimestamp } from '../src/schema/codec-text.js';
import { fileArgument, ShellCommandError } from './commands.js';
import { DEFAULT_DIALECT, formatCsvRow, parseCsv, type CsvDialect } from './csv.js';
import { quoteName } from './describe.js';
import { loadSchema } from './schema.js';
import type { RunToken, Shell } from './shell.js';

interface CopyCommand {
  keyspace: string;
  table: string;
  columns: string[] | undefined;
  direction: 'TO' | 'FROM';
  /** undefined for `TO STDOUT`. */
  file: string | undefined;
  header: boolean;
  dialect: CsvDialect;
  requestsInFlightMax: number;
}

const COPY_RE = /^((?:"(?:[^"]|"")*"|\w+)(?:\.(?:"(?:[^"]|"")*"|\w+))?)\s*(?:\(([^)]*)\))?\s+(TO|FROM)\s+('(?:[^']|'')*'|\S+)(?:\s+WITH\s+(.*))?$/is;

function unquoteName(text: string): string {
  const t = text.trim();
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t.toLowerCase();
}

function parseCopy(shell: Shell, arg: string): CopyCommand {
  const m = COPY_RE.exec(arg.trim());
  if (!m) throw new ShellCommandError('Improper COPY command.');
  const nameParts = m[1]!.match(/"(?:[^"]|"")*"|\w+/g)!.map(unquoteName);
  const keyspace = nameParts.length === 2 ? nameParts[0]! : shell.keyspace;
  if (keyspace === undefined) throw new ShellCommandError('Improper COPY command: no keyspace specified and no current keyspace.');
  const command: CopyCommand = {
    keyspace,
    table: nameParts[nameParts.length - 1]!,
    columns: m[2] === undefined ? undefined : m[2].split(',').map(unquoteName),
    direction: m[3]!.toUpperCase() as 'TO' | 'FROM',
    file: copyFile(m[3]!.toUpperCase(), m[4]!),
    header: false,
    dialect: { ...DEFAULT_DIALECT },
    requestsInFlightMax: 32,
  };
  for (const option of (m[5] ?? '').split(/\s+AND\s+/i).filter((o) => o.trim() !== '')) {
    const om = /^\s*(\w+)\s*=\s*(?:'((?:[^']|'')*)'|(\S+))\s*$/.exec(option);
    if (!om) throw new ShellCommandError(`Improper COPY option: ${option.trim()}`);
    const value = om[2] !== undefined ? om[2].replace(/''/g, "'") : om[3]!;
    switch (om[1]!.toUpperCase()) {
      case 'HEADER':
        command.header = /^(true|yes|1)$/i.test(value);
        break;
      case 'DELIMITER':
        if (value.length !== 1) throw new ShellCommandError('DELIMITER must be a single character');
        command.dialect.delimiter = value;
        break;
      case 'QUOTE':
        if (value.length !== 1) throw new ShellCommandError('QUOTE must be a single character');
        command.dialect.quote = value;
        break;
      case 'NULL':
        command.dialect.nullText = value;
        break;
      case 'MAXREQUESTS': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new ShellCommandError('MAXREQUESTS must be a positive integer');
        command.requestsInFlightMax = n;
        break;
      }
      default:
        throw new ShellCommandError(`Unrecognized COPY ${command.direction} options: ${om[1]!.toLowerCase()}`);
    }
  }
  return command;
}

/**
 * The file a COPY names. As in cqlsh, an unquoted STDOUT is the terminal, not
 * a file of that name ('STDOUT' quoted is one). Reading rows typed after the
 * command (cqlsh's FROM STDIN) is not supported, and says so.
 */
function copyFile(direction: string, arg: string): string | undefined {
  const word = arg.toUpperCase();
  if (direction === 'TO' && word === 'STDOUT') return undefined;
  if (direction === 'FROM' && word === 'STDIN') throw new ShellCommandError("COPY FROM STDIN is not supported: name a file, e.g. COPY ks.t FROM 'rows.csv'");
  return fileArgument(arg, 'COPY');
}

/** Shortest decimal text that reads back as the same 32-bit float. */
function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(value);
}

function fieldText(type: CqlType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (type.kind === 'native') {
    switch (type.name) {
      case 'ascii':
      case 'text':
      case 'varchar':
      case 'date':
      case 'time':
      case 'inet':
        return value as string;
      case 'timestamp':
        return formatTimestamp((value as Date).getTime());
      case 'float':
        return Object.is(value, -0) ? '-0.0' : float32Text(value as number);
      case 'double':
        return Object.is(value, -0) ? '-0.0' : String(value);
      default:
        break;
    }
  }
  return formatCql(type, value);
}

const INTEGER = /^-?\d+$/;
const FLOATING = /^-?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|Infinity)$/;

/** The shape a field of an unquoted native type must have to be one CQL literal of that type. */
const LITERAL_SHAPES: Record<string, RegExp> = {
  int: INTEGER,
  bigint: INTEGER,
  smallint: INTEGER,
  tinyint: INTEGER,
  varint: INTEGER,
  counter: INTEGER,
  decimal: FLOATING,
  float: FLOATING,
  double: FLOATING,
  boolean: /^(?:true|false)$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  timeuuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  blob: /^0x[0-9a-f]*$/i,
};

/** A CSV field as a CQL literal of `type` (the inverse of fieldText). */
function literal(type: CqlType, text: string | null, column: string): string {
  if (text === null) return 'null';
  // Checked here so that a bad field is named as cqlsh names it, not as the parse error of the INSERT it would make.
  if (type.kind === 'native' && LITERAL_SHAPES[type.name]?.test(text.trim()) === false) {
    throw new Error(`ParseError - Failed to parse ${text} : invalid ${type.name} value for column ${column}`);
  }
  if (type.kind === 'native') {
    switch (type.name) {
      case 'ascii':
      case 'text':
      case 'varchar':
      case 'date':
      case 'time':
      case 'inet':
      case 'timestamp':
        return `'${text.replace(/'/g, "''")}'`;
      default:
        // A field that is not one literal fails to parse on the server and is reported with its row.
        return text;
    }
  }
  return text;
}

class Progress {
  private readonly startMs = Date.now();
  private lastMs = this.startMs;
  private lastRows = 0;
  rows = 0;

  constructor(private readonly shell: Shell) {}

  /** At a terminal the line is redrawn in place about twice a second. */
  tick(): void {
    if (!this.shell.interactive || Date.now() - this.lastMs < 500) return;
    this.shell.io.stdout(`\r${this.line()}`);
  }

  line(): string {
    const now = Date.now();
    const rate = ((this.rows - this.lastRows) * 1000) / Math.max(1, now - this.lastMs);
    const avg = (this.rows * 1000) / Math.max(1, now - this.startMs);
    this.lastMs = now;
    this.lastRows = this.rows;
    return `Processed: ${this.rows} rows; Rate: ${Math.round(rate).toString().padStart(7)} rows/s; Avg. rate: ${Math.round(avg).toString().padStart(7)} rows/s`;
  }

  finish(): string {
    this.shell.io.stdout(`${this.shell.interactive ? '\r' : ''}${this.line()}\n`);
    return ((Date.now() - this.startMs) / 1000).toFixed(3);
  }
}

export async function runCopy(shell: Shell, arg: string): Promise<void> {
  const command = parseCopy(shell, arg);
  const token = shell.running;
  const schema = await loadSchema(shell.client);
  shell.checkRunning(token);
  const table = schema.find((k) => k.name === command.keyspace)?.tables.find((t) => t.name === command.table);
  if (!table) throw new ShellCommandError(`Table '${command.keyspace}.${command.table}' not found`);
  // Columns in DESCRIBE's order: partition key, clustering, then the rest by name.
  const ordered = [
    ...table.columns.filter((c) => c.kind === 'partition_key').sort((a, b) => a.position - b.position),
    ...table.columns.filter((c) => c.kind === 'clustering').sort((a, b) => a.position - b.position),
    ...table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static').sort((a, b) => (a.name < b.name ? -1 : 1)),
  ];
  const names = command.columns ?? ordered.map((c) => c.name);
  const types = names.map((n) => {
    const column = table.columns.find((c) => c.name === n);
    if (!column) throw new ShellCommandError(`Invalid column name ${n}`);
    return parseTypeName(column.type);
  });
  const qualified = `${quoteName(command.keyspace)}.${quoteName(command.table)}`;
  const columnList = names.map(quoteName).join(', ');
  if (command.direction === 'TO' && command.file === undefined) return copyToStdout(shell, command, names, types, `SELECT ${columnList} FROM ${qualified}`, token);
  shell.print(`Starting copy of ${command.keyspace}.${command.table} with columns [${names.join(', ')}].`);
  const progress = new Progress(shell);
  if (command.direction === 'TO' && command.file !== undefined) {
    const lines: string[] = [];
    if (command.header) lines.push(formatCsvRow(names, command.dialect));
    let pageState: string | undefined;
    do {
      const rs = await shell.client.execute(`SELECT ${columnList} FROM ${qualified}`, null, { consistency: shell.consistency, fetchSize: 1000, pageState });
      shell.checkRunning(token);
      for (const row of rs.rows) lines.push(formatCsvRow(names.map((n, i) => fieldText(types[i]!, row[n])), command.dialect));
      progress.rows += rs.rows.length;
      progress.tick();
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    writeFileSync(command.file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    const seconds = progress.finish();
    shell.print(`${progress.rows} rows exported to 1 files in ${seconds} seconds.`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(command.file!, 'utf8');
  } catch (err) {
    throw new ShellCommandError(`Can't open '${command.file}' for reading: ${(err as Error).message}`);
  }
  const rows = [...parseCsv(text, command.dialect)];
  if (command.header) rows.shift();
  const insert = `INSERT INTO ${qualified} (${columnList}) VALUES `;
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index]!;
      if (row.length !== names.length) {
        throw new ShellCommandError(`Failed to import row ${index + 1}: expected ${names.length} fields, got ${row.length}`);
      }
      let values: string;
      try {
        values = row.map((field, i) => literal(types[i]!, field, names[i]!)).join(', ');
      } catch (err) {
        throw new ShellCommandError(`Failed to import row ${index + 1} (${formatType(types[0]!)} key ${row[0]}): ${(err as Error).message}`);
      }
      try {
        await shell.client.execute(`${insert}(${values})`, null, { consistency: shell.consistency });
      } catch (err) {
        shell.checkRunning(token);
        throw new ShellCommandError(`Failed to import row ${index + 1} (${formatType(types[0]!)} key ${row[0]}): ${(err as Error).message}`);
      }
      // An abandoned import stops sending rows: Ctrl-C means stop, not finish quietly.
      shell.checkRunning(token);
      progress.rows++;
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.requestsInFlightMax, Math.max(1, rows.length)) }, worker));
  const seconds = progress.finish();
  shell.print(`${progress.rows} rows imported from 1 files in ${seconds} seconds (0 skipped).`);
}

/** COPY TO STDOUT: the CSV lines alone, as cqlsh prints them, without the progress and summary lines a file gets. */
async function copyToStdout(shell: Shell, command: CopyCommand, names: string[], types: CqlType[], select: string, token: RunToken): Promise<void> {
  if (command.header) shell.print(formatCsvRow(names, command.dialect));
  let pageState: string | undefined;
  do {
    const rs = await shell.client.execute(select, null, { consistency: shell.consistency, fetchSize: 1000, pageState });
    shell.checkRunning(token);
    for (const row of rs.rows) shell.print(formatCsvRow(names.map((n, i) => fieldText(types[i]!, row[n])), command.dialect));
    pageState = rs.pageState ?? undefined;
  } while (pageState);
}
