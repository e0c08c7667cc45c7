/**
 * The lowest layer of the CQL parser: names, types, literals and bind
 * markers. The clause and statement layers extend this class; chevrotain
 * lets a parser's rules be spread over a class hierarchy as long as
 * `performSelfAnalysis()` runs once, in the most derived constructor.
 *
 * The parser uses embedded actions (it builds the AST while it recognises),
 * the faster of chevrotain's two styles. Anything that computes on a rule's
 * result runs inside `this.ACTION()`, because chevrotain first "records" every
 * rule with placeholder results to learn the grammar.
 */
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { ConstantType, Term, TypeAst, QualifiedName } from './ast.js';
import { errorAtToken, structuredMessages } from './error-messages.js';
import * as T from './lexer.js';

const { K } = T;

/** The native CQL type names (src/schema/cql-type.ts NATIVE_TYPES; a test keeps the two equal). */
export const GRAMMAR_NATIVE_TYPES: readonly string[] = [
  'ascii', 'text', 'varchar', 'int', 'bigint', 'smallint', 'tinyint', 'varint', 'float', 'double',
  'decimal', 'boolean', 'uuid', 'timeuuid', 'timestamp', 'date', 'time', 'blob', 'inet', 'counter',
];

/** The name an identifier token stands for: unquoted ones fold to lower case, quoted ones keep theirs. */
export function identifierName(token: IToken): string {
  if (token.tokenType === T.QuotedIdentifier) return token.image.slice(1, -1).replace(/""/g, '"');
  return token.image.toLowerCase();
}

function stringValue(token: IToken): string {
  if (token.tokenType === T.DollarStringLiteral) return token.image.slice(2, -2);
  return token.image.slice(1, -1).replace(/''/g, "'");
}

function numberText(token: IToken): { type: ConstantType; text: string } {
  switch (token.tokenType) {
    case T.IntegerLiteral:
      return { type: 'INTEGER', text: token.image };
    case T.NaNLiteral:
      return { type: 'FLOAT', text: 'NaN' };
    case T.InfinityLiteral:
      return { type: 'FLOAT', text: 'Infinity' };
    case T.DurationLiteral:
      return { type: 'DURATION', text: token.image };
    default:
      return { type: 'FLOAT', text: token.image };
  }
}

/**
 * How deep terms and types may nest (`[[[…]]]`, `f(g(h()))`,
 * `list<list<…>>`). The bound keeps hostile input from exhausting the stack.
 */
export const NESTING_DEPTH_MAX = 64;

export class TermParser extends EmbeddedActionsParser {
  /** Names of the bind markers met so far in the current top-level statement (undefined for `?`). */
  protected bindNames: (string | undefined)[] = [];
  /** Terms and types currently open; reset before each parse. */
  nestingDepth = 0;

  /** Enters one level of nesting, failing past NESTING_DEPTH_MAX. */
  protected enterNesting(): void {
    this.ACTION(() => {
      this.nestingDepth++;
      if (this.nestingDepth > NESTING_DEPTH_MAX) {
        throw errorAtToken(this.LA(1), `input nested deeper than NESTING_DEPTH_MAX (${NESTING_DEPTH_MAX})`, []);
      }
    });
  }

  protected leaveNesting(): void {
    this.ACTION(() => this.nestingDepth--);
  }

  constructor() {
    super(T.allTokens, { maxLookahead: 3, errorMessageProvider: structuredMessages });
  }

  /** A column, table, keyspace or alias name. */
  ident = this.RULE('ident', (): string => {
    const token = this.CONSUME(T.IdentLike);
    return this.ACTION(() => identifierName(token));
  });

  /** `t` or `ks.t`. */
  qualifiedName = this.RULE('qualifiedName', (): QualifiedName => {
    const first = this.SUBRULE(this.ident);
    let second: string | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      second = this.SUBRULE2(this.ident);
    });
    return this.ACTION(() => (second === undefined ? { name: first } : { keyspace: first, name: second }));
  });

  /** `a, b, c`. */
  identList = this.RULE('identList', (): string[] => {
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.SUBRULE(this.ident)) });
    return names;
  });

  /** `int`, `map<text, int>`, `frozen<list<int>>`. */
  cqlType = this.RULE('cqlType', (): TypeAst => {
    this.enterNesting();
    // SET is a reserved keyword, yet also the name of a collection type.
    const nameToken = this.OR([{ ALT: () => this.CONSUME(T.IdentLike) }, { ALT: () => this.CONSUME(K.SET) }]);
    const args: TypeAst[] = [];
    let hasArgs = false;
    this.OPTION(() => {
      this.CONSUME(T.Less);
      hasArgs = true;
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.cqlType)) });
      this.CONSUME(T.Greater);
    });
    this.leaveNesting();
    return this.ACTION(() => buildType(nameToken, hasArgs, args));
  });

  /** A literal: string, number, boolean, uuid, blob, duration. */
  constant = this.RULE('constant', (): Term => {
    return this.OR([
      {
        ALT: () => {
          const token = this.OR2([
            { ALT: () => this.CONSUME(T.StringLiteral) },
            { ALT: () => this.CONSUME(T.DollarStringLiteral) },
          ]);
          return this.ACTION((): Term => ({ kind: 'constant', type: 'STRING', text: stringValue(token) }));
        },
      },
      {
        ALT: () => {
          let negative = false;
          this.OPTION(() => {
            this.CONSUME(T.Minus);
            negative = true;
          });
          const token = this.OR3([
            { ALT: () => this.CONSUME(T.IntegerLiteral) },
            { ALT: () => this.CONSUME(T.FloatLiteral) },
            { ALT: () => this.CONSUME(T.NaNLiteral) },
            { ALT: () => this.CONSUME(T.InfinityLiteral) },
            { ALT: () => this.CONSUME(T.DurationLiteral) },
          ]);
          return this.ACTION((): Term => {
            const { type, text } = numberText(token);
            return { kind: 'constant', type, text: negative ? `-${text}` : text };
          });
        },
      },
      {
        ALT: () => {
          const token = this.OR4([{ ALT: () => this.CONSUME(K.TRUE) }, { ALT: () => this.CONSUME(K.FALSE) }]);
          return this.ACTION((): Term => ({ kind: 'constant', type: 'BOOLEAN', text: token.image.toLowerCase() }));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.UUIDLiteral);
          return this.ACTION((): Term => ({ kind: 'constant', type: 'UUID', text: token.image }));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.HexLiteral);
          return this.ACTION((): Term => ({ kind: 'constant', type: 'HEX', text: token.image }));
        },
      },
    ]);
  });

  /** `?` or `:name`, numbered from 0 across the whole top-level statement. */
  bindMarker = this.RULE('bindMarker', (): Term => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.QMark);
          return this.ACTION((): Term => {
            this.bindNames.push(undefined);
            return { kind: 'bind', index: this.bindNames.length - 1 };
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Colon);
          const name = this.SUBRULE(this.ident);
          return this.ACTION((): Term => {
            this.bindNames.push(name);
            return { kind: 'bind', index: this.bindNames.length - 1, name };
          });
        },
      },
    ]);
  });

  /** `[t, …]`. */
  listLiteral = this.RULE('listLiteral', (): Term => {
    const elements: Term[] = [];
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => elements.push(this.SUBRULE(this.term)) });
    this.CONSUME(T.RBracket);
    return { kind: 'list', elements };
  });

  /** `{}` (an empty map), `{t, …}` (a set) or `{k: v, …}` (a map). */
  braceLiteral = this.RULE('braceLiteral', (): Term => {
    let result: Term = { kind: 'map', entries: [] };
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      const first = this.SUBRULE(this.term);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Colon);
            const entries: [Term, Term][] = [[first, this.SUBRULE2(this.term)]];
            this.MANY(() => {
              this.CONSUME(T.Comma);
              const key = this.SUBRULE3(this.term);
              this.CONSUME2(T.Colon);
              entries.push([key, this.SUBRULE4(this.term)]);
            });
            result = { kind: 'map', entries };
          },
        },
        {
          ALT: () => {
            const elements: Term[] = [first];
            this.MANY2(() => {
              this.CONSUME2(T.Comma);
              elements.push(this.SUBRULE5(this.term));
            });
            result = { kind: 'set', elements };
          },
        },
      ]);
    });
    this.CONSUME(T.RBrace);
    return result;
  });

  /** `now()`, `toTimestamp(now())`, `token(?)`; the name folds to lower case like any identifier. */
  functionCall = this.RULE('functionCall', (): Term => {
    const nameToken = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(K.TOKEN) }]);
    const args: Term[] = [];
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.term)) });
    this.CONSUME(T.RParen);
    return this.ACTION((): Term => ({ kind: 'function', name: nameToken.image.toLowerCase(), args }));
  });

  /** Any value: literal, NULL, bind marker, collection or function call. */
  term = this.RULE('term', (): Term => {
    this.enterNesting();
    const term = this.OR([
      { ALT: () => this.SUBRULE(this.constant) },
      {
        ALT: () => {
          this.CONSUME(K.NULL);
          return { kind: 'null' } as Term;
        },
      },
      { ALT: () => this.SUBRULE(this.bindMarker) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.braceLiteral) },
      { ALT: () => this.SUBRULE(this.functionCall) },
    ]);
    this.leaveNesting();
    return term;
  });
}

/** Checks a written type against the known names and shapes, so a typo fails at parse time. */
function buildType(nameToken: IToken, hasArgs: boolean, args: TypeAst[]): TypeAst {
  const name = identifierName(nameToken);
  const arity = (n: number): void => {
    if (args.length !== n) {
      throw errorAtToken(nameToken, `${name}<> takes ${n} type argument${n === 1 ? '' : 's'}, got ${args.length}`, []);
    }
  };
  if (!hasArgs) {
    if (GRAMMAR_NATIVE_TYPES.includes(name) && nameToken.tokenType !== T.QuotedIdentifier) {
      return { kind: 'native', name };
    }
    throw errorAtToken(nameToken, `unknown type '${nameToken.image}'`, [...GRAMMAR_NATIVE_TYPES]);
  }
  switch (name) {
    case 'set':
    case 'list':
      arity(1);
      return { kind: name, element: args[0]!, frozen: false };
    case 'map':
      arity(2);
      return { kind: 'map', key: args[0]!, value: args[1]!, frozen: false };
    case 'frozen': {
      arity(1);
      const inner = args[0]!;
      if (inner.kind === 'native') {
        throw errorAtToken(nameToken, 'frozen<> is only allowed on collections', []);
      }
      return freeze(inner);
    }
    default:
      throw errorAtToken(nameToken, `unknown type '${nameToken.image}'`, ['set', 'list', 'map', 'frozen']);
  }
}

/** Everything inside a frozen collection is frozen too, as in Cassandra. */
function freeze(type: TypeAst): TypeAst {
  switch (type.kind) {
    case 'native':
      return type;
    case 'set':
    case 'list':
      return { ...type, element: freeze(type.element), frozen: true };
    case 'map':
      return { ...type, key: freeze(type.key), value: freeze(type.value), frozen: true };
  }
}
