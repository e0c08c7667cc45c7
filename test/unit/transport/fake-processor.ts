/**
 * A QueryProcessor for protocol tests. Statements are tiny commands rather
 * than CQL, so each test can make the server answer exactly what it needs:
 *
 *   USE ks             → setKeyspace
 *   keyspace           → one row, column `ks` (text): the session's keyspace
 *   echo WORD          → one row, column `word` (text)
 *   wait NAME          → void, once the test calls release(NAME)
 *   unavailable        → UnavailableError('QUORUM', 2, 1)
 *   crash              → a plain Error('disk on fire')
 *   numbers            → the rows k = 0..count-1 (k int, v text), paged by fetchSize
 *   options            → one row with the options the server passed, as JSON text
 */
import type { BatchEntry, BatchOptions, BoundValue, QueryOptions, QueryProcessor, Session } from '../../../src/cql/processor.js';
import type { ColumnSpec, Prepared, ResultEnvelope, SchemaChange } from '../../../src/cql/result.js';
import { UnavailableError, UnpreparedError } from '../../../src/util/errors.js';

const text = (s: string) => Buffer.from(s, 'utf8');
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const col = (name: string, type: string): ColumnSpec => ({ keyspace: 'ks', table: 't', name, type });

export class FakeProcessor implements QueryProcessor {
  count = 25;
  readonly calls: { op: string; cql?: string; values?: BoundValue[]; options?: QueryOptions | BatchOptions; entries?: BatchEntry[] }[] = [];
  private readonly gates = new Map<string, () => void>();
  private readonly waiting = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(c: SchemaChange) => void>();
  private readonly prepared = new Map<string, string>();
  /** Ids EXECUTE pretends not to know, to provoke UnpreparedError once. */
  readonly forget = new Set<string>();

  release(name: string): void {
    this.gate(name);
    this.gates.get(name)!();
  }

  emitSchemaChange(change: SchemaChange): void {
    for (const l of this.listeners) l(change);
  }

  async query(session: Session, cql: string, options: QueryOptions): Promise<ResultEnvelope> {
    this.calls.push({ op: 'query', cql, options });
    return this.run(session, cql, options);
  }

  async prepare(session: Session, cql: string): Promise<Prepared> {
    this.calls.push({ op: 'prepare', cql });
    const id = text(`${session.keyspace ?? ''}/${cql}`);
    this.prepared.set(id.toString('hex'), cql);
    const params: ColumnSpec[] = [];
    const re = /:(\w+):(\w+)/g;
    for (let m = re.exec(cql); m; m = re.exec(cql)) params.push(col(m[1]!, m[2]!));
    return { id, params, resultColumns: [] };
  }

  async execute(session: Session, id: Buffer, values: BoundValue[], options: QueryOptions): Promise<ResultEnvelope> {
    this.calls.push({ op: 'execute', values, options });
    const key = id.toString('hex');
    const cql = this.prepared.get(key);
    if (cql === undefined || this.forget.delete(key)) {
      this.prepared.delete(key);
      throw new UnpreparedError(key);
    }
    if (cql.startsWith('bound')) {
      // Echoes the bound values back: one column per value, typed as blob.
      const columns = values.map((_, i) => col(`p${i}`, 'blob'));
      const row = values.map((v) => (v === undefined ? text('unset') : v));
      return { result: { kind: 'rows', columns, rows: [row] }, warnings: [] };
    }
    return this.run(session, cql, options);
  }

  async batch(_session: Session, entries: BatchEntry[], options: BatchOptions): Promise<ResultEnvelope> {
    this.calls.push({ op: 'batch', entries, options });
    return { result: { kind: 'void' }, warnings: [`batch of ${entries.length}`] };
  }

  onSchemaChange(listener: (change: SchemaChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  private gate(name: string): Promise<void> {
    let p = this.waiting.get(name);
    if (!p) {
      p = new Promise<void>((resolve) => this.gates.set(name, resolve));
      this.waiting.set(name, p);
    }
    return p;
  }

  private async run(session: Session, cql: string, options: QueryOptions): Promise<ResultEnvelope> {
    const [verb, arg] = cql.split(' ');
    switch (verb) {
      case 'USE':
        return { result: { kind: 'setKeyspace', keyspace: arg!.replace(/^"(.*)"$/, '$1') }, warnings: [] };
      case 'keyspace':
        return { result: { kind: 'rows', columns: [col('ks', 'text')], rows: [[session.keyspace === undefined ? null : text(session.keyspace)]] }, warnings: [] };
      case 'echo':
        return { result: { kind: 'rows', columns: [col('word', 'text')], rows: [[text(arg!)]] }, warnings: ['echoed'] };
      case 'wait':
        await this.gate(arg!);
        return { result: { kind: 'void' }, warnings: [] };
      case 'unavailable':
        throw new UnavailableError('QUORUM', 2, 1);
      case 'crash':
        throw new Error('disk on fire');
      case 'numbers': {
        const start = options.pageState ? options.pageState.readUInt32BE(0) : 0;
        const end = Math.min(this.count, start + (options.fetchSize ?? 5000));
        const rows = [];
        for (let k = start; k < end; k++) rows.push([int(k), text(`v${k}`)]);
        const pageState = end < this.count ? int(end) : undefined;
        return { result: { kind: 'rows', columns: [col('k', 'int'), col('v', 'text')], rows, pageState }, warnings: [] };
      }
      case 'options':
        return {
          result: { kind: 'rows', columns: [col('json', 'text')], rows: [[text(JSON.stringify({ ...options, pageState: undefined }))]] },
          warnings: [],
        };
      default:
        return { result: { kind: 'void' }, warnings: [] };
    }
  }
}
