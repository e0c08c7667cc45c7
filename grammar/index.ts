/**
 * The CQL grammar: text in, typed AST (grammar/ast.ts) out.
 *
 * Both entry points either return the AST or throw CqlSyntaxError, whose
 * message reads like Cassandra's (`line 1:9 mismatched input 'FORM'
 * expecting FROM`); no other exception escapes, whatever the input.
 */
import type { ILexingError, IToken } from 'chevrotain';
import type { ParsedStatement } from './ast.js';
import { CqlSyntaxError, endOfText } from './errors.js';
import { toCqlSyntaxError } from './error-messages.js';
import { cqlLexer } from './lexer.js';
import { CqlParser } from './parser.js';

export type * from './ast.js';
export { CqlSyntaxError } from './errors.js';
export { NESTING_DEPTH_MAX } from './parser-terms.js';

let sharedParser: CqlParser | undefined;

/**
 * The grammar's one parser. Building a chevrotain parser analyses the whole
 * grammar, so it is done once, on first use, and the instance reused; it
 * holds no state between parses.
 */
export function cqlParser(): CqlParser {
  sharedParser ??= new CqlParser();
  return sharedParser;
}

/** Parses one statement, with optional trailing `;`s. */
export function parseStatement(text: string): ParsedStatement {
  return parseWith(text, (parser) => parser.singleStatement());
}

/** Parses a script of `;`-separated statements (empty statements are skipped). */
export function parseStatements(text: string): ParsedStatement[] {
  return parseWith(text, (parser) => parser.script());
}

function parseWith<R>(text: string, rule: (parser: CqlParser) => R): R {
  const tokens = tokenize(text);
  const parser = cqlParser();
  parser.input = tokens;
  parser.nestingDepth = 0;
  const result = rule(parser);
  const error = parser.errors[0];
  if (error !== undefined) throw toCqlSyntaxError(error, tokens);
  return result;
}

function tokenize(text: string): IToken[] {
  const result = cqlLexer.tokenize(text);
  const error = result.errors[0];
  if (error !== undefined) throw lexingError(text, error);
  return result.tokens;
}

/** Words a lexer failure as Cassandra does: an unterminated literal runs into `<EOF>`. */
function lexingError(text: string, error: ILexingError): CqlSyntaxError {
  const rest = text.slice(error.offset);
  const unterminated = (closing: string): CqlSyntaxError => {
    const end = endOfText(text);
    return new CqlSyntaxError(`mismatched character '<EOF>' expecting '${closing}'`, end.line, end.column, '<EOF>', [`'${closing}'`]);
  };
  if (rest.startsWith("'")) return unterminated("'");
  if (rest.startsWith('$$')) return unterminated('$$');
  if (rest.startsWith('/*')) return unterminated('*/');
  if (rest.startsWith('"') && !/^"(?:[^"]|"")*"/.test(rest)) return unterminated('"');
  const line = error.line ?? 1;
  const column = (error.column ?? 1) - 1;
  if (rest.startsWith('""')) {
    return new CqlSyntaxError(`empty quoted identifier`, line, column, '""', ['QUOTED_NAME']);
  }
  const offending = String.fromCodePoint(rest.codePointAt(0) ?? 0);
  return new CqlSyntaxError(`token recognition error at: '${offending}'`, line, column, offending, []);
}
