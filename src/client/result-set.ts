/**
 * What `execute` resolves to: decoded rows, column metadata, the page state
 * for the next page, and where and how the query ran.
 */
import type { ColumnSpec, Result, TraceInfo } from '../cql/result.js';
import type { TypeCache } from './values.js';
import { fromBytes } from './values.js';

/** A row: a plain object keyed by column name (values decoded per docs/driver.md's type table). */
export type Row = Record<string, unknown>;

export interface ResultColumn {
  name: string;
  /** CQL type text, e.g. `map<text, int>`. */
  type: string;
}

export interface ExecutionInfo {
  /** `host:port` of the node that answered. */
  queriedHost: string;
  /**
   * Every host the request was sent to, in order, with the error it failed
   * with, or null for the one that answered (queriedHost), as DataStax's
   * driver reports them: more than one key means the request was retried.
   */
  triedHosts: Record<string, Error | null>;
  warnings: string[];
  /** The consistency level the request was sent with. */
  achievedConsistency: string;
  /** The request's trace, when it was sent with `traceQuery`. */
  trace?: TraceInfo;
  /**
   * False when a DDL statement's change had not reached every live node
   * within maxSchemaAgreementWaitSeconds (or a node could not say); true
   * otherwise.
   */
  isSchemaInAgreement: boolean;
}

export class ResultSet implements Iterable<Row> {
  readonly rows: Row[];
  readonly columns: ResultColumn[];
  /** Hex of the server's page state, or null on the last page. Pass it back as `pageState`. */
  readonly pageState: string | null;
  readonly rawPageState: Buffer | undefined;
  readonly info: ExecutionInfo;
  /** Set when the statement was USE; the client's keyspace follows it. */
  readonly keyspace: string | undefined;
  /**
   * Set by eachRow without autoPage when more rows follow: fetches the next
   * page through the same rowCallback and endCallback, as DataStax's
   * driver's eachRow does.
   */
  nextPage: (() => void) | undefined;
  /** Set by the client that ran the statement: runs it again from a page state. */
  private fetchPage: ((pageState: Buffer) => Promise<ResultSet>) | undefined;

  constructor(result: Result, info: ExecutionInfo, types: TypeCache) {
    this.info = info;
    if (result.kind === 'rows') {
      this.columns = result.columns.map((c) => ({ name: c.name, type: c.type }));
      this.rows = decodeRows(result.columns, result.rows, types);
      this.rawPageState = result.pageState;
      this.pageState = result.pageState ? result.pageState.toString('hex') : null;
    } else {
      this.columns = [];
      this.rows = [];
      this.rawPageState = undefined;
      this.pageState = null;
    }
    this.keyspace = result.kind === 'setKeyspace' ? result.keyspace : undefined;
  }

  /** Set by eachRow with autoPage: the rows of every page it went through. */
  private rowsOfAllPages: number | undefined;

  /** The number of rows: this page's, or after eachRow with autoPage every page's, as DataStax's driver counts them. */
  get rowLength(): number {
    return this.rowsOfAllPages ?? this.rows.length;
  }

  /** eachRow's last page, made to count the rows of every page before it too (`rows` stays this page's). */
  countRowsOfAllPages(total: number): void {
    this.rowsOfAllPages = total;
  }

  first(): Row | null {
    return this.rows[0] ?? null;
  }

  /** For conditional statements: the `[applied]` column of the first row; true for anything else. */
  wasApplied(): boolean {
    const applied = this.rows[0]?.['[applied]'];
    return typeof applied === 'boolean' ? applied : true;
  }

  [Symbol.iterator](): Iterator<Row> {
    return this.rows[Symbol.iterator]();
  }

  /** Whether more rows follow in later pages (pageState is set). */
  isPaged(): boolean {
    return this.rawPageState !== undefined;
  }

  /**
   * Every row of this page and of the pages after it, fetched as the loop
   * asks for them: `for await (const row of result)`, as in DataStax's
   * driver. The synchronous iterator gives this page's rows only.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Row, void, undefined> {
    let page: ResultSet = this;
    for (;;) {
      yield* page.rows;
      if (page.rawPageState === undefined || page.fetchPage === undefined) return;
      page = await page.fetchPage(page.rawPageState);
    }
  }

  /** Lets the async iterator fetch the pages after this one by running the statement again from their page state. */
  followPagesWith(fetchPage: (pageState: Buffer) => Promise<ResultSet>): void {
    this.fetchPage = fetchPage;
  }
}

function decodeRows(columns: ColumnSpec[], rows: (Buffer | null)[][], types: TypeCache): Row[] {
  const columnTypes = columns.map((c) => types.get(c.type));
  return rows.map((values) => {
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) {
      const bytes = values[i];
      row[columns[i]!.name] = bytes === null || bytes === undefined ? null : fromBytes(columnTypes[i]!, bytes);
    }
    return row;
  });
}
