/**
 * The CQL tokens and the lexer. Keywords are case-insensitive and yield to a
 * longer identifier (`selection` is an identifier, not SELECT + `ion`).
 *
 * Token order matters to chevrotain: the first pattern that matches wins, so
 * the specific literal forms come before the general ones (UUID before
 * numbers and identifiers, `0x…` blobs before integers, floats before
 * integers, `<=` before `<`).
 *
 * Unreserved keywords (KEY, TTL, COUNT, TIMESTAMP, …) also carry the
 * `IdentLike` category, so the parser accepts them wherever a column, table
 * or keyspace name may appear, as Cassandra does for its unreserved keywords.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Every token the parser accepts as a name: identifiers, quoted names and unreserved keywords. */
export const IdentLike = createToken({ name: 'IdentLike', pattern: Lexer.NA, label: 'IDENT' });

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[a-zA-Z][a-zA-Z0-9_]*/,
  categories: [IdentLike],
  label: 'IDENT',
});

/** `"Foo"` keeps its case; `""` inside stands for one `"`. */
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"(?:[^"]|"")+"/,
  categories: [IdentLike],
  label: 'QUOTED_NAME',
  line_breaks: true,
});

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /(?:--|\/\/)[^\n\r]*/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** Reserved keywords can never be names. */
const reservedWords = [
  'SELECT', 'FROM', 'WHERE', 'AND', 'INSERT', 'INTO', 'UPDATE', 'SET', 'DELETE', 'USING',
  'CREATE', 'ALTER', 'DROP', 'IF', 'NOT', 'WITH', 'USE', 'PRIMARY', 'ORDER', 'BY', 'ASC',
  'DESC', 'ADD', 'TRUNCATE', 'IN', 'LIMIT', 'ALLOW', 'BEGIN', 'BATCH', 'APPLY', 'NULL',
  'TRUE', 'FALSE',
] as const;

/** Unreserved keywords are keywords only where the grammar expects them, names elsewhere. */
const unreservedWords = [
  'VALUES', 'TTL', 'TIMESTAMP', 'CONSISTENCY', 'KEYSPACE', 'SCHEMA', 'TABLE', 'COLUMNFAMILY',
  'EXISTS', 'KEY', 'STATIC', 'CLUSTERING', 'DISTINCT', 'AS', 'COUNT', 'WRITETIME', 'TOKEN',
  'CONTAINS', 'PER', 'PARTITION', 'FILTERING', 'UNLOGGED', 'COUNTER',
  // Roles and permissions: unreserved so that existing tables may still have columns named user, role or login.
  'ROLE', 'ROLES', 'USER', 'USERS', 'PASSWORD', 'LOGIN', 'SUPERUSER', 'NOSUPERUSER', 'GRANT', 'REVOKE', 'LIST',
  'PERMISSION', 'PERMISSIONS', 'ON', 'TO', 'OF', 'ALL', 'KEYSPACES', 'MODIFY', 'AUTHORIZE', 'NORECURSIVE',
] as const;

type KeywordName = (typeof reservedWords)[number] | (typeof unreservedWords)[number];

function keyword(word: string, reserved: boolean): TokenType {
  return createToken({
    name: word,
    pattern: new RegExp(`${word}`, 'i'),
    longer_alt: Identifier,
    categories: reserved ? [] : [IdentLike],
    label: word,
  });
}

/** Keyword tokens by their upper-case word. */
export const K = Object.fromEntries([
  ...reservedWords.map((w) => [w, keyword(w, true)]),
  ...unreservedWords.map((w) => [w, keyword(w, false)]),
]) as Record<KeywordName, TokenType>;

export const UUIDLiteral = createToken({
  name: 'UUIDLiteral',
  pattern: /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-zA-Z_])/,
  label: 'UUID',
});
export const HexLiteral = createToken({
  name: 'HexLiteral',
  pattern: /0[xX][0-9a-fA-F]*/,
  label: 'HEXNUMBER',
});

const durationUnit = '(?:y|mo|w|d|h|ms|m|s|us|µs|ns)';
/** `1h30m`, `2d`, `500ms`: Cassandra's duration shorthand. */
export const DurationLiteral = createToken({
  name: 'DurationLiteral',
  pattern: new RegExp(`(?:\\d+${durationUnit})+(?![0-9a-zA-Z_])`, 'i'),
  label: 'DURATION',
});
export const FloatLiteral = createToken({
  name: 'FloatLiteral',
  pattern: /\d+(?:\.\d*(?:[eE][+-]?\d+)?|[eE][+-]?\d+)/,
  label: 'FLOAT',
});
export const NaNLiteral = createToken({ name: 'NaN', pattern: /nan/i, longer_alt: Identifier, label: 'NAN' });
export const InfinityLiteral = createToken({
  name: 'Infinity',
  pattern: /infinity/i,
  longer_alt: Identifier,
  label: 'INFINITY',
});
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d+/, label: 'INTEGER' });

/**
 * `'it''s'`: a doubled quote stands for one. The pattern is the unrolled
 * loop (a run of plain characters, then any number of `''` + run) rather than
 * `(?:[^']|'')*`, which backtracks once per character and overflows the
 * regexp stack on a value of a few megabytes.
 */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'[^']*(?:''[^']*)*'/,
  label: 'STRING_LITERAL',
  line_breaks: true,
});
/** `$$it's$$`: no escapes inside, handy for text full of quotes. */
export const DollarStringLiteral = createToken({
  name: 'DollarStringLiteral',
  pattern: /\$\$[\s\S]*?\$\$/,
  label: 'STRING_LITERAL',
  line_breaks: true,
});

function punct(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'` });
}

export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LBrace = punct('LBrace', '{');
export const RBrace = punct('RBrace', '}');
export const Comma = punct('Comma', ',');
export const Semicolon = punct('Semicolon', ';');
export const Dot = punct('Dot', '.');
export const Star = punct('Star', '*');
export const QMark = punct('QMark', '?');
export const Colon = punct('Colon', ':');
export const NotEquals = punct('NotEquals', '!=');
export const LessEquals = punct('LessEquals', '<=');
export const GreaterEquals = punct('GreaterEquals', '>=');
export const Equals = punct('Equals', '=');
export const Less = punct('Less', '<');
export const Greater = punct('Greater', '>');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');

/** Every token type, in matching order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UUIDLiteral,
  HexLiteral,
  DurationLiteral,
  FloatLiteral,
  IntegerLiteral,
  StringLiteral,
  DollarStringLiteral,
  QuotedIdentifier,
  NaNLiteral,
  InfinityLiteral,
  // Longer keywords first, so `INSERT` is not read as IN followed by a longer identifier.
  ...Object.values(K).sort((a, b) => String(b.LABEL).length - String(a.LABEL).length),
  Identifier,
  IdentLike,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Semicolon,
  Dot,
  Star,
  QMark,
  Colon,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Equals,
  Less,
  Greater,
  Plus,
  Minus,
];

/** One lexer, reused: building it analyses every pattern. */
export const cqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
