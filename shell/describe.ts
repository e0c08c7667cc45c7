/**
 * DESCRIBE: CQL that recreates the schema exactly, laid out as Cassandra 4
 * prints it (partition key and clustering columns first, then the others by
 * name; table options by name), plus the name listings.
 *
 *   DESCRIBE KEYSPACES | KEYSPACE [k] | TABLES | TABLE t | SCHEMA | CLUSTER | <k or t>
 */
import { InvalidRequestError } from '../src/client/index.js';
import { serverInfo, ShellCommandError } from './commands.js';
import { compareText, loadSchema, SYSTEM_KEYSPACES, type ShellKeyspace, type ShellTable } from './schema.js';
import type { Shell } from './shell.js';
import { columnize } from './columnize.js';

/** Reserved words cannot be names unless quoted. */
const RESERVED = new Set(
  ('add allow alter and apply asc authorize batch begin by columnfamily create delete desc describe drop entries execute from full grant ' +
    'if in index infinity insert into is keyspace limit modify nan norecursive not null of on or order primary rename replace revoke ' +
    'schema select set table to token truncate unlogged update use using view where with').split(' '),
);

/** A name as CQL text: bare when it is a plain lower-case identifier, else double-quoted. */
export function quoteName(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function keyspaceCql(ks: ShellKeyspace): string {
  const entries = [...ks.replication.entries()].sort(([a], [b]) => (a === 'class' ? -1 : b === 'class' ? 1 : compareText(a, b)));
  const replication = entries.map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(', ');
  return `CREATE KEYSPACE ${quoteName(ks.name)} WITH replication = {${replication}}  AND durable_writes = ${ks.durableWrites};`;
}

export function tableCql(table: ShellTable): string {
  const byPosition = (kind: string) => table.columns.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
  const partitionKey = byPosition('partition_key');
  const clustering = byPosition('clustering');
  const others = table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static').sort((a, b) => compareText(a.name, b.name));
  const single = partitionKey.length === 1 && clustering.length === 0;
  const lines = [...partitionKey, ...clustering, ...others].map((c) => {
    const suffix = c.kind === 'static' ? ' static' : single && c.kind === 'partition_key' ? ' PRIMARY KEY' : '';
    return `    ${quoteName(c.name)} ${c.type}${suffix}`;
  });
  if (!single) {
    const pk = partitionKey.map((c) => quoteName(c.name)).join(', ');
    const parts = [partitionKey.length === 1 ? pk : `(${pk})`, ...clustering.map((c) => quoteName(c.name))];
    lines.push(`    PRIMARY KEY (${parts.join(', ')})`);
  }
  const options = [
    `comment = ${quoteString(table.comment)}`,
    `default_time_to_live = ${table.defaultTimeToLive}`,
    `gc_grace_seconds = ${table.gcGraceSeconds}`,
    `read_repair = ${quoteString(table.readRepair)}`,
  ];
  if (clustering.length > 0) {
    options.unshift(`CLUSTERING ORDER BY (${clustering.map((c) => `${quoteName(c.name)} ${c.clusteringOrder.toUpperCase()}`).join(', ')})`);
  }
  const head = `CREATE TABLE ${quoteName(table.keyspace)}.${quoteName(table.name)} (\n${lines.join(',\n')}\n)`;
  return `${head} WITH ${options.join('\n    AND ')};`;
}

/** The keyspace's statement, then each table's, each followed by a blank line. */
function keyspaceBlock(ks: ShellKeyspace): string[] {
  return [keyspaceCql(ks), '', ...ks.tables.flatMap((t) => [tableCql(t), ''])];
}

/** Splits `ks.t`, `"Ks"."T"` or `t` into keyspace and name. */
function parseName(text: string): { keyspace?: string; name: string } {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([A-Za-z0-9_]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
    if (m[3] === '') break;
  }
  if (parts.length === 0 || parts.length > 2) throw new ShellCommandError(`Improper DESCRIBE command.`);
  return parts.length === 2 ? { keyspace: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

const NO_KEYSPACE = 'No keyspace specified and no current keyspace';

export async function runDescribe(shell: Shell, arg: string): Promise<void> {
  const m = /^(\w+)\s*(.*)$/s.exec(arg.trim());
  const what = m?.[1]?.toUpperCase() ?? '';
  const rest = m?.[2]?.trim() ?? '';
  const token = shell.running;
  const out = (lines: string[]) => {
    for (const line of ['', ...lines]) shell.writeResult(line);
  };
  if (what === 'CLUSTER' && rest === '') {
    const info = await serverInfo(shell);
    shell.checkRunning(token);
    out([`Cluster: ${info.cluster}`, 'Partitioner: Murmur3Partitioner', '']);
    return;
  }
  const schema = await loadSchema(shell.client);
  shell.checkRunning(token);
  // Cassandra describes on the server since 4.0, so cqlsh prints a missing name as the server's InvalidRequest, in its words.
  const keyspace = (name: string): ShellKeyspace => {
    const ks = schema.find((k) => k.name === name);
    if (!ks) throw new InvalidRequestError(`'${name}' not found in keyspaces`);
    return ks;
  };
  const table = (text: string, kind: 'Table' | 'element'): ShellTable => {
    const name = parseName(text);
    const ksName = name.keyspace ?? shell.keyspace;
    if (ksName === undefined) throw new InvalidRequestError(kind === 'Table' ? NO_KEYSPACE : `'${name.name}' not found in keyspaces`);
    const t = keyspace(ksName).tables.find((x) => x.name === name.name);
    if (!t) throw new InvalidRequestError(kind === 'Table' ? `Table '${name.name}' not found in keyspace '${ksName}'` : `'${name.name}' not found in keyspace '${ksName}'`);
    return t;
  };
  switch (what) {
    case 'KEYSPACES':
      out([...columnize(schema.map((k) => quoteName(k.name))), '']);
      return;
    case 'KEYSPACE': {
      const name = rest === '' ? shell.keyspace : parseName(rest).name;
      if (name === undefined) throw new InvalidRequestError(NO_KEYSPACE);
      out(keyspaceBlock(keyspace(name)));
      return;
    }
    case 'TABLES': {
      if (shell.keyspace !== undefined) {
        out([...columnize(keyspace(shell.keyspace).tables.map((t) => quoteName(t.name))), '']);
        return;
      }
      out(schema.flatMap((ks) => [`Keyspace ${ks.name}`, '-'.repeat(`Keyspace ${ks.name}`.length), ...columnize(ks.tables.map((t) => quoteName(t.name))), '']));
      return;
    }
    case 'TABLE':
    case 'COLUMNFAMILY':
      out([tableCql(table(rest, 'Table')), '']);
      return;
    case 'SCHEMA':
    case 'FULL': {
      const keyspaces = what === 'FULL' ? schema : schema.filter((k) => !SYSTEM_KEYSPACES.includes(k.name));
      out(keyspaces.flatMap(keyspaceBlock));
      return;
    }
    default: {
      // DESCRIBE <name>: a keyspace if there is one by that name, else a table.
      const name = parseName(arg);
      if (name.keyspace === undefined && schema.some((k) => k.name === name.name)) {
        out(keyspaceBlock(keyspace(name.name)));
        return;
      }
      out([tableCql(table(arg, 'element')), '']);
    }
  }
}
