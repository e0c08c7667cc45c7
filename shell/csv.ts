/**
 * CSV as COPY writes and reads it (RFC 4180 with a chosen delimiter and
 * quote). A null is an unquoted field equal to the NULL text (empty by
 * default); a quoted field is always a value, so an empty string survives as
 * `""` and is never mistaken for a null.
 */

export interface CsvDialect {
  delimiter: string;
  quote: string;
  nullText: string;
}

export const DEFAULT_DIALECT: CsvDialect = { delimiter: ',', quote: '"', nullText: '' };

export function formatCsvRow(fields: (string | null)[], dialect: CsvDialect): string {
  const { delimiter, quote } = dialect;
  return fields
    .map((f) => {
      if (f === null) return dialect.nullText;
      const needsQuotes = f === '' || f === dialect.nullText || f.includes(delimiter) || f.includes(quote) || /[\r\n]/.test(f) || f.trim() !== f;
      return needsQuotes ? quote + f.split(quote).join(quote + quote) + quote : f;
    })
    .join(delimiter);
}

/** Parses CSV text into rows of fields; null marks an unquoted field equal to the NULL text. */
export function* parseCsv(text: string, dialect: CsvDialect): Generator<(string | null)[]> {
  const { delimiter, quote } = dialect;
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let i = 0;
  const endField = () => {
    row.push(!quoted && field === dialect.nullText ? null : field);
    field = '';
    quoted = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === quote) {
        if (text[i + 1] === quote) {
          field += quote;
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === quote && field === '') {
      inQuotes = true;
      quoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      endField();
      yield row;
      row = [];
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== '' || quoted || row.length > 0) {
    endField();
    yield row;
  }
}
