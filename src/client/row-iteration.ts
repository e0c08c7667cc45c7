/**
 * The driver's ways of walking every row of a statement page by page, as
 * DataStax's driver offers them: an async iterator, an object-mode Readable,
 * and eachRow's callbacks. Each takes `fetchPage`, which runs the statement
 * once from a paging state, so none of them knows how a request is sent.
 */
import { Readable } from 'node:stream';
import type { EndCallback, RowCallback } from './request-options.js';
import type { ResultSet, Row } from './result-set.js';

/** Runs the statement for the page starting at `pageState` (undefined: the first page). */
export type PageFetcher = (pageState: Buffer | string | undefined) => Promise<ResultSet>;

/** Every row of every page, fetched a page at a time as the loop asks for more. */
export async function* iterateRows(fetchPage: PageFetcher, firstPageState: Buffer | string | undefined): AsyncGenerator<Row, void, undefined> {
  let pageState = firstPageState;
  do {
    const rs = await fetchPage(pageState);
    yield* rs.rows;
    pageState = rs.rawPageState;
  } while (pageState);
}

/**
 * A Readable in object mode over every row of every page. As in DataStax's
 * driver, a callback, if given, runs once with (null) after the last row or
 * with the error.
 */
export function rowStream(rows: AsyncIterable<Row>, callback?: (err: Error | null) => void): Readable {
  const stream = Readable.from(rows, { objectMode: true });
  if (callback !== undefined) {
    stream.once('end', () => callback(null));
    stream.once('error', (err: Error) => callback(err));
  }
  return stream;
}

/**
 * Calls rowCallback(n, row) for each row, numbered across pages, then
 * endCallback(err, lastResultSet). With `autoPage` it runs through every
 * page and the last page's rowLength counts the rows of them all (as
 * DataStax's driver reports them); otherwise the first page only, and the
 * result's nextPage(), present when more rows follow, runs both callbacks
 * over the next one. An error without an endCallback goes to `unheard`.
 */
export function eachRowOverPages(
  fetchPage: PageFetcher,
  firstPageState: Buffer | string | undefined,
  autoPage: boolean,
  rowCallback: RowCallback,
  endCallback: EndCallback | undefined,
  unheard: (err: Error) => void,
): void {
  let n = 0;
  const fetchFrom = async (pageState: Buffer | string | undefined): Promise<ResultSet> => {
    for (;;) {
      const rs = await fetchPage(pageState);
      for (const row of rs.rows) rowCallback(n++, row);
      pageState = rs.rawPageState;
      if (autoPage && pageState) continue;
      if (autoPage) rs.countRowsOfAllPages(n);
      else if (pageState) rs.nextPage = () => deliver(fetchFrom(pageState));
      return rs;
    }
  };
  const deliver = (page: Promise<ResultSet>): void => {
    page.then(
      (rs) => endCallback?.(null, rs),
      (err: Error) => (endCallback ? endCallback(err) : unheard(err)),
    );
  };
  deliver(fetchFrom(firstPageState));
}
