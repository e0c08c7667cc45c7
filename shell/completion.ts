/**
 * Tab completion from the live schema: CQL keywords, shell commands,
 * consistency levels, and keyspace, table and column names. The schema is
 * read once and read again after the node announces a schema change.
 */
import type { Client } from '../src/client/index.js';
import { CONSISTENCY_LEVELS } from './commands.js';
import { loadSchema, type ShellKeyspace } from './schema.js';
import { SHELL_COMMANDS } from './splitter.js';

const STATEMENT_STARTS = ['ALTER', 'APPLY', 'BATCH', 'BEGIN', 'CREATE', 'DELETE', 'DROP', 'INSERT', 'SELECT', 'TRUNCATE', 'UPDATE', 'USE'];

const KEYWORDS = [
  'ADD', 'ALL', 'ALLOW', 'AND', 'AS', 'ASC', 'BY', 'CLUSTERING', 'CONTAINS', 'COUNT', 'DESC', 'DISTINCT', 'EXISTS', 'FILTERING',
  'FROM', 'FROZEN', 'IF', 'IN', 'INTO', 'KEY', 'KEYSPACE', 'LIMIT', 'LIST', 'LOGGED', 'MAP', 'NOT', 'NULL', 'ORDER', 'PARTITION',
  'PER', 'PRIMARY', 'REPLICATION', 'SET', 'STATIC', 'TABLE', 'TIMESTAMP', 'TOKEN', 'TTL', 'UNLOGGED', 'USING', 'VALUES', 'WHERE',
  'WITH', 'WRITETIME',
  'ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'float', 'inet', 'int', 'smallint', 'text', 'time',
  'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varchar', 'varint',
];

/** Words after which a table (or keyspace.) name comes. */
const TABLE_CONTEXT = new Set(['FROM', 'INTO', 'UPDATE', 'TABLE', 'TRUNCATE', 'DESCRIBE', 'DESC', 'COPY']);
const KEYSPACE_CONTEXT = new Set(['USE', 'KEYSPACE']);

export class Completer {
  private schema: Promise<ShellKeyspace[]> | undefined;

  constructor(
    private readonly client: Client,
    private readonly keyspace: () => string | undefined,
    /** True while a statement continues from earlier lines: its first word was typed already. */
    private readonly continuing: () => boolean = () => false,
  ) {
    client.on('schemaChange', () => this.invalidate());
  }

  invalidate(): void {
    this.schema = undefined;
  }

  /** readline's completer: the candidates for the word under the cursor, and that word. */
  async complete(line: string): Promise<[string[], string]> {
    const word = /[\w."]*$/.exec(line)![0];
    const before = line.slice(0, line.length - word.length).trimEnd();
    const previous = (/(\w+)$/.exec(before)?.[1] ?? '').toUpperCase();
    const atStart = before === '' && !this.continuing();
    let candidates: string[];
    if (atStart) {
      candidates = [...STATEMENT_STARTS, ...SHELL_COMMANDS].map((w) => `${w} `);
    } else if (previous === 'CONSISTENCY') {
      candidates = CONSISTENCY_LEVELS.map((l) => `${l} `);
    } else if (KEYSPACE_CONTEXT.has(previous)) {
      candidates = (await this.keyspaces()).map((k) => k.name);
    } else if (TABLE_CONTEXT.has(previous) || word.includes('.')) {
      candidates = await this.tableNames(word);
    } else {
      candidates = [...KEYWORDS.map((k) => `${k} `), ...(await this.columnNames(line)), ...(await this.tableNames(word))];
    }
    const lower = word.toLowerCase();
    const hits = [...new Set(candidates.filter((c) => c.toLowerCase().startsWith(lower)))].sort();
    return [hits, word];
  }

  private async keyspaces(): Promise<ShellKeyspace[]> {
    this.schema ??= loadSchema(this.client).catch(() => {
      this.schema = undefined;
      return [];
    });
    return this.schema;
  }

  /** Tables of the current keyspace, `ks.` prefixes, and after `ks.` that keyspace's tables. */
  private async tableNames(word: string): Promise<string[]> {
    const schema = await this.keyspaces();
    const dot = word.indexOf('.');
    if (dot >= 0) {
      const ks = schema.find((k) => k.name === word.slice(0, dot));
      return ks ? ks.tables.map((t) => `${ks.name}.${t.name}`) : [];
    }
    const current = schema.find((k) => k.name === this.keyspace());
    return [...(current?.tables.map((t) => t.name) ?? []), ...schema.map((k) => `${k.name}.`)];
  }

  /** Columns of every table the line names. */
  private async columnNames(line: string): Promise<string[]> {
    const schema = await this.keyspaces();
    const out: string[] = [];
    for (const m of line.matchAll(/\b(?:FROM|INTO|UPDATE|TABLE)\s+(?:(\w+)\.)?(\w+)/gi)) {
      const ks = schema.find((k) => k.name === (m[1] ?? this.keyspace()));
      const table = ks?.tables.find((t) => t.name === m[2]);
      if (table) out.push(...table.columns.map((c) => c.name));
    }
    return out;
  }
}
