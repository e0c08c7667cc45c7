/**
 * The middle layer of the CQL parser: the clauses statements are built from
 * (WHERE relations, USING, WITH properties, ORDER BY, selectors, SET
 * assignments, DELETE selections).
 */
import type { IToken } from 'chevrotain';
import type {
  Assignment,
  CompareOp,
  ConsistencyName,
  DeleteSelection,
  Ordering,
  Property,
  Relation,
  Selector,
  SelectorExpr,
  Term,
  UsingClause,
} from './ast.js';
import { errorAtToken } from './error-messages.js';
import * as T from './lexer.js';
import { TermParser } from './parser-terms.js';

const { K } = T;

export const CONSISTENCY_NAMES: readonly ConsistencyName[] = [
  'ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM', 'SERIAL', 'LOCAL_SERIAL',
];

/** Which USING items a statement accepts. */
export type UsingItem = 'TTL' | 'TIMESTAMP' | 'CONSISTENCY';

export class ClauseParser extends TermParser {
  compareOp = this.RULE('compareOp', (): CompareOp => {
    const token = this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.LessEquals) },
      { ALT: () => this.CONSUME(T.GreaterEquals) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
    ]);
    return token.image as CompareOp;
  });

  /** `(t1, t2)`: the right side of a tuple relation. */
  termTuple = this.RULE('termTuple', (): Term[] => {
    const terms: Term[] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => terms.push(this.SUBRULE(this.term)) });
    this.CONSUME(T.RParen);
    return terms;
  });

  /** One WHERE condition. */
  relation = this.RULE('relation', (): Relation => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TOKEN);
          this.CONSUME(T.LParen);
          const columns = this.SUBRULE(this.identList);
          this.CONSUME(T.RParen);
          const op = this.SUBRULE(this.compareOp);
          const value = this.SUBRULE(this.term);
          return { kind: 'token', columns, op, value } as Relation;
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          const columns = this.SUBRULE2(this.identList);
          this.CONSUME2(T.RParen);
          return this.OR2([
            {
              ALT: () => {
                const op = this.SUBRULE2(this.compareOp);
                const values = this.SUBRULE(this.termTuple);
                return { kind: 'tuple', columns, op, values } as Relation;
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.IN);
                const tuples: Term[][] = [];
                this.CONSUME3(T.LParen);
                this.MANY_SEP({ SEP: T.Comma, DEF: () => tuples.push(this.SUBRULE2(this.termTuple)) });
                this.CONSUME3(T.RParen);
                return { kind: 'tupleIn', columns, tuples } as Relation;
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          const column = this.SUBRULE(this.ident);
          return this.OR3([
            {
              ALT: () => {
                const op = this.SUBRULE3(this.compareOp);
                const value = this.SUBRULE2(this.term);
                return { kind: 'compare', column, op, value } as Relation;
              },
            },
            {
              ALT: () => {
                this.CONSUME2(K.IN);
                return this.OR4([
                  {
                    ALT: () => {
                      const values: Term[] = [];
                      this.CONSUME4(T.LParen);
                      this.MANY_SEP2({ SEP: T.Comma, DEF: () => values.push(this.SUBRULE3(this.term)) });
                      this.CONSUME4(T.RParen);
                      return { kind: 'in', column, values } as Relation;
                    },
                  },
                  {
                    ALT: () => {
                      const marker = this.SUBRULE(this.bindMarker);
                      return { kind: 'in', column, values: [], marker } as Relation;
                    },
                  },
                ]);
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.CONTAINS);
                let key = false;
                this.OPTION(() => {
                  this.CONSUME(K.KEY);
                  key = true;
                });
                const value = this.SUBRULE4(this.term);
                return { kind: 'contains', column, key, value } as Relation;
              },
            },
          ]);
        },
      },
    ]);
  });

  /** `r1 AND r2 AND …`. */
  relations = this.RULE('relations', (): Relation[] => {
    const list: Relation[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: K.AND, DEF: () => list.push(this.SUBRULE(this.relation)) });
    return list;
  });

  /** `col [ASC | DESC]`. */
  ordering = this.RULE('ordering', (): Ordering => {
    const column = this.SUBRULE(this.ident);
    let order: 'ASC' | 'DESC' = 'ASC';
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(K.ASC) },
        {
          ALT: () => {
            this.CONSUME(K.DESC);
            order = 'DESC';
          },
        },
      ]);
    });
    return { column, order };
  });

  orderings = this.RULE('orderings', (): Ordering[] => {
    const list: Ordering[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.ordering)) });
    return list;
  });

  /** A consistency level written as a bare word after CONSISTENCY. */
  consistencyLevel = this.RULE('consistencyLevel', (): ConsistencyName => {
    const token = this.CONSUME(T.IdentLike);
    return this.ACTION(() => {
      const name = token.image.toUpperCase();
      if (token.tokenType === T.QuotedIdentifier || !(CONSISTENCY_NAMES as readonly string[]).includes(name)) {
        throw errorAtToken(token, `mismatched input '${token.image}' expecting a consistency level`, [...CONSISTENCY_NAMES]);
      }
      return name as ConsistencyName;
    });
  });

  /**
   * `USING TTL t AND TIMESTAMP ts AND CONSISTENCY cl`: items in any order,
   * each at most once, limited to those the statement allows.
   */
  usingClause = this.RULE('usingClause', (allowed?: readonly UsingItem[]): UsingClause => {
    const using: UsingClause = {};
    this.CONSUME(K.USING);
    this.AT_LEAST_ONE_SEP({
      SEP: K.AND,
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              const token = this.CONSUME(K.TTL);
              const value = this.SUBRULE(this.term);
              this.ACTION(() => {
                checkUsingItem(token, 'TTL', allowed, using.ttl !== undefined);
                using.ttl = value;
              });
            },
          },
          {
            ALT: () => {
              const token = this.CONSUME(K.TIMESTAMP);
              const value = this.SUBRULE2(this.term);
              this.ACTION(() => {
                checkUsingItem(token, 'TIMESTAMP', allowed, using.timestamp !== undefined);
                using.timestamp = value;
              });
            },
          },
          {
            ALT: () => {
              const token = this.CONSUME(K.CONSISTENCY);
              const level = this.SUBRULE(this.consistencyLevel);
              this.ACTION(() => {
                checkUsingItem(token, 'CONSISTENCY', allowed, using.consistency !== undefined);
                using.consistency = level;
              });
            },
          },
        ]);
      },
    });
    return using;
  });

  /** `name = value`. */
  property = this.RULE('property', (): Property => {
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.term);
    return { name, value };
  });

  /** `p1 = v1 AND p2 = v2 …`. */
  properties = this.RULE('properties', (): Property[] => {
    const list: Property[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: K.AND, DEF: () => list.push(this.SUBRULE(this.property)) });
    return list;
  });

  /** One SELECT output: a column or a function of columns, with an optional alias. */
  selector = this.RULE('selector', (): Selector => {
    const expr = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.COUNT);
          this.CONSUME(T.LParen);
          this.OR2([
            { ALT: () => this.CONSUME(T.Star) },
            {
              ALT: () => {
                const one = this.CONSUME(T.IntegerLiteral);
                this.ACTION(() => {
                  if (one.image !== '1') throw errorAtToken(one, `mismatched input '${one.image}' expecting '*' or 1`, ["'*'", '1']);
                });
                return one;
              },
            },
          ]);
          this.CONSUME(T.RParen);
          return { kind: 'count' } as SelectorExpr;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.WRITETIME);
          this.CONSUME2(T.LParen);
          const column = this.SUBRULE(this.ident);
          this.CONSUME2(T.RParen);
          return { kind: 'writetime', column } as SelectorExpr;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TTL);
          this.CONSUME3(T.LParen);
          const column = this.SUBRULE2(this.ident);
          this.CONSUME3(T.RParen);
          return { kind: 'ttl', column } as SelectorExpr;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TOKEN);
          this.CONSUME4(T.LParen);
          const columns = this.SUBRULE(this.identList);
          this.CONSUME4(T.RParen);
          return { kind: 'token', columns } as SelectorExpr;
        },
      },
      {
        ALT: () => {
          const name = this.SUBRULE3(this.ident);
          return { kind: 'column', name } as SelectorExpr;
        },
      },
    ]);
    let alias: string | undefined;
    this.OPTION(() => {
      this.CONSUME(K.AS);
      alias = this.SUBRULE4(this.ident);
    });
    return alias === undefined ? { expr } : { expr, alias };
  });

  /** One SET item of an UPDATE. */
  assignment = this.RULE('assignment', (): Assignment => {
    const columnToken = this.LA(1);
    const column = this.SUBRULE(this.ident);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          const key = this.SUBRULE(this.term);
          this.CONSUME(T.RBracket);
          this.CONSUME(T.Equals);
          const value = this.SUBRULE2(this.term);
          return { kind: 'setElement', column, key, value } as Assignment;
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Equals);
          return this.OR2([
            {
              // `c = c + v` / `c = c - v`
              ALT: () => {
                const otherToken = this.LA(1);
                const other = this.SUBRULE2(this.ident);
                const kind = this.OR3([
                  { ALT: () => (this.CONSUME(T.Plus), 'append' as const) },
                  { ALT: () => (this.CONSUME(T.Minus), 'remove' as const) },
                ]);
                const value = this.SUBRULE3(this.term);
                this.ACTION(() => checkSameColumn(columnToken, column, otherToken, other));
                return { kind, column, value } as Assignment;
              },
            },
            {
              // `c = v` / `c = v + c`
              ALT: () => {
                const value = this.SUBRULE4(this.term);
                let prepend = false;
                this.OPTION(() => {
                  this.CONSUME2(T.Plus);
                  const otherToken = this.LA(1);
                  const other = this.SUBRULE3(this.ident);
                  this.ACTION(() => checkSameColumn(columnToken, column, otherToken, other));
                  prepend = true;
                });
                return (prepend ? { kind: 'prepend', column, value } : { kind: 'set', column, value }) as Assignment;
              },
            },
          ]);
        },
      },
    ]);
  });

  /** `c` or `m[k]` in `DELETE … FROM`. */
  deleteSelection = this.RULE('deleteSelection', (): DeleteSelection => {
    const column = this.SUBRULE(this.ident);
    let element: Term | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      element = this.SUBRULE(this.term);
      this.CONSUME(T.RBracket);
    });
    return element === undefined ? { column } : { column, element };
  });
}

function checkUsingItem(token: IToken, item: UsingItem, allowed: readonly UsingItem[] | undefined, seen: boolean): void {
  if (allowed !== undefined && !allowed.includes(item)) {
    throw errorAtToken(token, `mismatched input '${token.image}' expecting ${allowed.join(' or ')}`, [...allowed]);
  }
  if (seen) throw errorAtToken(token, `${item} given more than once in USING`, []);
}

function checkSameColumn(columnToken: IToken, column: string, otherToken: IToken, other: string): void {
  if (other !== column) {
    throw errorAtToken(
      otherToken,
      `only expressions of the form ${columnToken.image} = ${columnToken.image} + <value> or ${columnToken.image} = <value> + ${columnToken.image} are supported`,
      [columnToken.image],
    );
  }
}
