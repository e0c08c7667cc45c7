/**
 * Turns chevrotain's recognition errors into CqlSyntaxError.
 *
 * Chevrotain hands the structured facts (expected token types, the offending
 * token) only to its message provider, and keeps just the message string on
 * the exception. So the provider below writes those facts as JSON into the
 * message, and `toCqlSyntaxError` reads them back and words the message the
 * way Cassandra does.
 */
import { EOF, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { CqlSyntaxError } from './errors.js';

type ErrorKind = 'mismatch' | 'noViableAlt' | 'notAllInput';

interface EncodedFacts {
  kind: ErrorKind;
  expected: string[];
}

/** The label a user reads for a token type: `FROM`, `')'`, `IDENT`, `STRING_LITERAL`. */
export function tokenLabel(type: TokenType): string {
  if (type === EOF) return 'EOF';
  return type.LABEL ?? type.name;
}

function unique(labels: string[]): string[] {
  return [...new Set(labels)];
}

function encode(facts: EncodedFacts): string {
  return JSON.stringify(facts);
}

export const structuredMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected }) {
    return encode({ kind: 'mismatch', expected: [tokenLabel(expected)] });
  },
  buildNotAllInputParsedMessage() {
    return encode({ kind: 'notAllInput', expected: ['EOF'] });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt }) {
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]));
    return encode({
      kind: 'noViableAlt',
      expected: unique(firsts.filter((t): t is TokenType => t !== undefined).map(tokenLabel)),
    });
  },
  buildEarlyExitMessage({ expectedIterationPaths }) {
    const firsts = expectedIterationPaths.map((path) => path[0]);
    return encode({
      kind: 'noViableAlt',
      expected: unique(firsts.filter((t): t is TokenType => t !== undefined).map(tokenLabel)),
    });
  },
};

/** Where a token is, Cassandra-style; EOF sits just past the last real token. */
export function tokenPosition(token: IToken, lastToken: IToken | undefined): { line: number; column: number } {
  if (token.tokenType !== EOF) {
    return { line: token.startLine ?? 1, column: (token.startColumn ?? 1) - 1 };
  }
  if (lastToken === undefined) return { line: 1, column: 0 };
  return { line: lastToken.endLine ?? 1, column: lastToken.endColumn ?? 0 };
}

export function tokenText(token: IToken): string {
  return token.tokenType === EOF ? '<EOF>' : token.image;
}

export function toCqlSyntaxError(error: IRecognitionException, lastToken: IToken | undefined): CqlSyntaxError {
  let facts: EncodedFacts;
  try {
    facts = JSON.parse(error.message) as EncodedFacts;
  } catch {
    facts = { kind: 'noViableAlt', expected: [] };
  }
  const { line, column } = tokenPosition(error.token, lastToken);
  const offending = tokenText(error.token);
  const message =
    facts.kind === 'noViableAlt'
      ? `no viable alternative at input '${offending}'`
      : `mismatched input '${offending}' expecting ${facts.expected.join(', ')}`;
  return new CqlSyntaxError(message, line, column, offending, facts.expected);
}

/** An error the grammar finds beyond token order (an unknown type, a bad consistency level). */
export function errorAtToken(token: IToken, message: string, expected: string[]): CqlSyntaxError {
  const { line, column } = tokenPosition(token, undefined);
  return new CqlSyntaxError(message, line, column, tokenText(token), expected);
}
