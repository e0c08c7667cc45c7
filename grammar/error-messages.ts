/**
 * Turns chevrotain's recognition errors into CqlSyntaxError.
 *
 * Chevrotain hands the structured facts (expected token types, the offending
 * token) only to its message provider, and keeps just the message string on
 * the exception. So the provider below writes those facts as JSON into the
 * message, and `toCqlSyntaxError` reads them back and words the message the
 * way Cassandra does.
 */
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { CqlSyntaxError } from './errors.js';

type ErrorKind = 'mismatch' | 'noViableAlt' | 'notAllInput';

interface EncodedFacts {
  kind: ErrorKind;
  expected: string[];
  /**
   * How many tokens past the exception's token the input stops matching. A
   * decision that looks several tokens ahead (`a x 1` against `a = 1`) fails
   * at its first token, but the user's mistake is where the paths end.
   */
  offendingIndex?: number;
}

/**
 * Among the paths the parser could have taken, finds how far the actual
 * tokens follow the best one, and what that path expected next.
 */
function divergence(paths: TokenType[][], actual: IToken[]): { offendingIndex: number; expected: string[] } {
  let best = 0;
  let expected: TokenType[] = [];
  for (const path of paths) {
    let matched = 0;
    while (matched < path.length && matched < actual.length && tokenMatcher(actual[matched]!, path[matched]!)) matched++;
    if (matched >= path.length) continue;
    if (matched > best) {
      best = matched;
      expected = [];
    }
    if (matched === best) expected.push(path[matched]!);
  }
  return { offendingIndex: best, expected: unique(expected.map(tokenLabel)) };
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
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    return encode({ kind: 'noViableAlt', ...divergence(expectedPathsPerAlt.flat(), actual) });
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    return encode({ kind: 'noViableAlt', ...divergence(expectedIterationPaths, actual) });
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

/**
 * @param tokens the whole token vector that was parsed, to find the
 *   offending token past the exception's one and the last real token.
 */
export function toCqlSyntaxError(error: IRecognitionException, tokens: IToken[]): CqlSyntaxError {
  let facts: EncodedFacts;
  try {
    facts = JSON.parse(error.message) as EncodedFacts;
  } catch {
    facts = { kind: 'noViableAlt', expected: [] };
  }
  let token = error.token;
  if (facts.offendingIndex && token.tokenType !== EOF) {
    const start = tokens.indexOf(token);
    if (start >= 0) token = tokens[start + facts.offendingIndex] ?? { ...token, tokenType: EOF, image: '' };
  }
  const { line, column } = tokenPosition(token, tokens[tokens.length - 1]);
  const offending = tokenText(token);
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
