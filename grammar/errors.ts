/**
 * The one error the grammar raises. Its message reads like Cassandra's, so
 * users who know cqlsh recognise it:
 *
 *   line 1:9 mismatched input 'FORM' expecting FROM
 *   line 1:14 no viable alternative at input 'x'
 *   line 1:20 mismatched input '<EOF>' expecting ')'
 *
 * Lines count from 1 and columns from 0, as Cassandra's do.
 */
export class CqlSyntaxError extends Error {
  override readonly name = 'CqlSyntaxError';
  /** 1-based line of the offending input. */
  readonly line: number;
  /** 0-based column of the offending input. */
  readonly column: number;
  /** The offending text, or `<EOF>` at the end of input. */
  readonly offending: string;
  /** What the grammar would have accepted there (token labels such as `FROM`, `')'`, `IDENT`). */
  readonly expected: string[];

  constructor(message: string, line: number, column: number, offending: string, expected: string[]) {
    super(`line ${line}:${column} ${message}`);
    this.line = line;
    this.column = column;
    this.offending = offending;
    this.expected = expected;
  }
}

/** A place in the source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** The position just past the end of `text` (where an unterminated literal runs out). */
export function endOfText(text: string): SourcePosition {
  let line = 1;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      column = 0;
    } else if (ch !== '\r') {
      column++;
    }
  }
  return { line, column };
}
