/**
 * The top layer of the CQL parser: statements and scripts. One instance is
 * built (self-analysis of the grammar is costly) and reused for every parse;
 * grammar/index.ts owns it.
 */
import { tokenMatcher, type IToken } from 'chevrotain';
import type {
  AlterTableAction,
  Assignment,
  Batch,
  ColumnDefinition,
  Delete,
  Insert,
  ModificationStatement,
  Ordering,
  ParsedStatement,
  Property,
  Select,
  Selector,
  Statement,
  Update,
  UsingClause,
} from './ast.js';
import { errorAtToken } from './error-messages.js';
import * as T from './lexer.js';
import { AuthParser } from './parser-auth.js';

const { K } = T;

/** A PRIMARY KEY as written, before it is checked to be the only one. */
interface PrimaryKeySpec {
  token: IToken;
  partitionKey: string[];
  clusteringKey: string[];
}

type TableElement = { kind: 'column'; column: ColumnDefinition; primaryKey?: PrimaryKeySpec } | { kind: 'key'; key: PrimaryKeySpec };

export class CqlParser extends AuthParser {
  /** `IF NOT EXISTS` → true. */
  ifNotExists = this.RULE('ifNotExists', (): boolean => {
    let present = false;
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.NOT);
      this.CONSUME(K.EXISTS);
      present = true;
    });
    return present;
  });

  /** `IF EXISTS` → true. */
  ifExists = this.RULE('ifExists', (): boolean => {
    let present = false;
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.EXISTS);
      present = true;
    });
    return present;
  });

  keyspaceWord = this.RULE('keyspaceWord', () => {
    this.OR([{ ALT: () => this.CONSUME(K.KEYSPACE) }, { ALT: () => this.CONSUME(K.SCHEMA) }]);
  });

  tableWord = this.RULE('tableWord', () => {
    this.OR([{ ALT: () => this.CONSUME(K.TABLE) }, { ALT: () => this.CONSUME(K.COLUMNFAMILY) }]);
  });

  /** `name type [STATIC]`. */
  columnDefinition = this.RULE('columnDefinition', (): ColumnDefinition => {
    const name = this.SUBRULE(this.ident);
    const type = this.SUBRULE(this.cqlType);
    let isStatic = false;
    this.OPTION(() => {
      this.CONSUME(K.STATIC);
      isStatic = true;
    });
    return { name, type, isStatic };
  });

  /** `(pk)`, `(pk, ck1, ck2)` or `((pk1, pk2), ck1)` after PRIMARY KEY. */
  primaryKeySpec = this.RULE('primaryKeySpec', (): Omit<PrimaryKeySpec, 'token'> => {
    let partitionKey: string[] = [];
    const clusteringKey: string[] = [];
    this.CONSUME(T.LParen);
    this.OR([
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          partitionKey = this.SUBRULE(this.identList);
          this.CONSUME2(T.RParen);
        },
      },
      { ALT: () => (partitionKey = [this.SUBRULE(this.ident)]) },
    ]);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      clusteringKey.push(this.SUBRULE2(this.ident));
    });
    this.CONSUME(T.RParen);
    return { partitionKey, clusteringKey };
  });

  tableElement = this.RULE('tableElement', (): TableElement => {
    return this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(K.PRIMARY);
          this.CONSUME(K.KEY);
          const spec = this.SUBRULE(this.primaryKeySpec);
          return { kind: 'key', key: { token, ...spec } } as TableElement;
        },
      },
      {
        ALT: () => {
          const column = this.SUBRULE(this.columnDefinition);
          let primaryKey: PrimaryKeySpec | undefined;
          this.OPTION(() => {
            const token = this.CONSUME2(K.PRIMARY);
            this.CONSUME2(K.KEY);
            primaryKey = { token, partitionKey: [column.name], clusteringKey: [] };
          });
          return { kind: 'column', column, ...(primaryKey ? { primaryKey } : {}) } as TableElement;
        },
      },
    ]);
  });

  /** CREATE TABLE's WITH: properties and CLUSTERING ORDER BY, joined by AND. */
  tableOptions = this.RULE('tableOptions', (): { properties: Property[]; clusteringOrder: Ordering[] } => {
    const properties: Property[] = [];
    // Several CLUSTERING ORDER BY clauses add up, as in Cassandra, so a column named twice is caught.
    const clusteringOrder: Ordering[] = [];
    this.CONSUME(K.WITH);
    this.AT_LEAST_ONE_SEP({
      SEP: K.AND,
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(K.CLUSTERING);
              this.CONSUME(K.ORDER);
              this.CONSUME(K.BY);
              this.CONSUME(T.LParen);
              const orderings = this.SUBRULE(this.orderings);
              this.ACTION(() => clusteringOrder.push(...orderings));
              this.CONSUME(T.RParen);
            },
          },
          { ALT: () => properties.push(this.SUBRULE(this.property)) },
        ]);
      },
    });
    return { properties, clusteringOrder };
  });

  createStatement = this.RULE('createStatement', (): Statement => {
    this.CONSUME(K.CREATE);
    return this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.keyspaceWord);
          const ifNotExists = this.SUBRULE(this.ifNotExists);
          const keyspace = this.SUBRULE(this.ident);
          this.CONSUME(K.WITH);
          const properties = this.SUBRULE(this.properties);
          return { kind: 'createKeyspace', keyspace, ifNotExists, properties } as Statement;
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.tableWord);
          const ifNotExists = this.SUBRULE2(this.ifNotExists);
          const table = this.SUBRULE(this.qualifiedName);
          const elements: TableElement[] = [];
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => elements.push(this.SUBRULE(this.tableElement)) });
          this.CONSUME(T.RParen);
          let options: { properties: Property[]; clusteringOrder: Ordering[] } = { properties: [], clusteringOrder: [] };
          this.OPTION(() => (options = this.SUBRULE(this.tableOptions)));
          return this.ACTION((): Statement => {
            const { partitionKey, clusteringKey } = primaryKeyOf(elements);
            const columns = elements.flatMap((e) => (e.kind === 'column' ? [e.column] : []));
            return { kind: 'createTable', table, ifNotExists, columns, partitionKey, clusteringKey, ...options };
          });
        },
      },
      { ALT: () => this.SUBRULE(this.createRoleTail) },
    ]);
  });

  alterStatement = this.RULE('alterStatement', (): Statement => {
    this.CONSUME(K.ALTER);
    return this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.keyspaceWord);
          const keyspace = this.SUBRULE(this.ident);
          this.CONSUME(K.WITH);
          const properties = this.SUBRULE(this.properties);
          return { kind: 'alterKeyspace', keyspace, properties } as Statement;
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.tableWord);
          const ifExists = this.SUBRULE(this.ifExists);
          const table = this.SUBRULE(this.qualifiedName);
          const action = this.SUBRULE(this.alterTableAction);
          return (ifExists ? { kind: 'alterTable', table, action, ifExists } : { kind: 'alterTable', table, action }) as Statement;
        },
      },
      { ALT: () => this.SUBRULE(this.alterRoleTail) },
    ]);
  });

  alterTableAction = this.RULE('alterTableAction', (): AlterTableAction => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.ADD);
          const ifNotExists = this.SUBRULE(this.ifNotExists);
          const columns: ColumnDefinition[] = [];
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.LParen);
                this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => columns.push(this.SUBRULE(this.columnDefinition)) });
                this.CONSUME(T.RParen);
              },
            },
            { ALT: () => columns.push(this.SUBRULE2(this.columnDefinition)) },
          ]);
          return (ifNotExists ? { kind: 'add', columns, ifNotExists } : { kind: 'add', columns }) as AlterTableAction;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.DROP);
          const ifExists = this.SUBRULE(this.ifExists);
          const columns = this.OR3([
            {
              ALT: () => {
                this.CONSUME2(T.LParen);
                const names = this.SUBRULE(this.identList);
                this.CONSUME2(T.RParen);
                return names;
              },
            },
            { ALT: () => [this.SUBRULE(this.ident)] },
          ]);
          return (ifExists ? { kind: 'drop', columns, ifExists } : { kind: 'drop', columns }) as AlterTableAction;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.WITH);
          const properties = this.SUBRULE(this.properties);
          return { kind: 'with', properties } as AlterTableAction;
        },
      },
    ]);
  });

  dropStatement = this.RULE('dropStatement', (): Statement => {
    this.CONSUME(K.DROP);
    return this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.keyspaceWord);
          const ifExists = this.SUBRULE(this.ifExists);
          const keyspace = this.SUBRULE(this.ident);
          return { kind: 'dropKeyspace', keyspace, ifExists } as Statement;
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.tableWord);
          const ifExists = this.SUBRULE2(this.ifExists);
          const table = this.SUBRULE(this.qualifiedName);
          return { kind: 'dropTable', table, ifExists } as Statement;
        },
      },
      { ALT: () => this.SUBRULE(this.dropRoleTail) },
    ]);
  });

  useStatement = this.RULE('useStatement', (): Statement => {
    this.CONSUME(K.USE);
    const keyspace = this.SUBRULE(this.ident);
    return { kind: 'use', keyspace };
  });

  truncateStatement = this.RULE('truncateStatement', (): Statement => {
    this.CONSUME(K.TRUNCATE);
    // `TRUNCATE table` truncates a table named "table": the word is a keyword only when a name follows.
    this.OPTION({ GATE: () => tokenMatcher(this.LA(2), T.IdentLike), DEF: () => this.SUBRULE(this.tableWord) });
    const table = this.SUBRULE(this.qualifiedName);
    return { kind: 'truncate', table };
  });

  insertStatement = this.RULE('insertStatement', (): Insert => {
    this.CONSUME(K.INSERT);
    this.CONSUME(K.INTO);
    const table = this.SUBRULE(this.qualifiedName);
    this.CONSUME(T.LParen);
    const columns = this.SUBRULE(this.identList);
    this.CONSUME(T.RParen);
    this.CONSUME(K.VALUES);
    const values = this.SUBRULE(this.termTuple);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    let using: UsingClause = {};
    this.OPTION(() => (using = this.SUBRULE(this.usingClause, { ARGS: [['TTL', 'TIMESTAMP', 'CONSISTENCY']] })));
    return { kind: 'insert', table, columns, values, ifNotExists, using };
  });

  updateStatement = this.RULE('updateStatement', (): Update => {
    this.CONSUME(K.UPDATE);
    const table = this.SUBRULE(this.qualifiedName);
    let using: UsingClause = {};
    this.OPTION(() => (using = this.SUBRULE(this.usingClause, { ARGS: [['TTL', 'TIMESTAMP', 'CONSISTENCY']] })));
    this.CONSUME(K.SET);
    const assignments: Update['assignments'] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const columnToken = this.LA(1);
        const assignment = this.SUBRULE(this.assignment);
        this.ACTION(() => checkCompatibleSetting(columnToken, assignment, assignments));
        assignments.push(assignment);
      },
    });
    this.CONSUME(K.WHERE);
    const where = this.SUBRULE(this.relations);
    const ifExists = this.SUBRULE(this.ifExists);
    return { kind: 'update', table, using, assignments, where, ifExists };
  });

  deleteStatement = this.RULE('deleteStatement', (): Delete => {
    this.CONSUME(K.DELETE);
    const selections: Delete['selections'] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => selections.push(this.SUBRULE(this.deleteSelection)) });
    this.CONSUME(K.FROM);
    const table = this.SUBRULE(this.qualifiedName);
    let using: UsingClause = {};
    this.OPTION(() => (using = this.SUBRULE(this.usingClause, { ARGS: [['TIMESTAMP', 'CONSISTENCY']] })));
    this.CONSUME(K.WHERE);
    const where = this.SUBRULE(this.relations);
    const ifExists = this.SUBRULE(this.ifExists);
    return { kind: 'delete', table, selections, using, where, ifExists };
  });

  selectStatement = this.RULE('selectStatement', (): Select => {
    this.CONSUME(K.SELECT);
    let distinct = false;
    // `SELECT distinct FROM t` selects a column named "distinct".
    this.OPTION({
      GATE: () => !distinctIsColumn(this.LA(2)),
      DEF: () => {
        this.CONSUME(K.DISTINCT);
        distinct = true;
      },
    });
    const selectors = this.OR([
      { ALT: () => (this.CONSUME(T.Star), '*' as const) },
      {
        ALT: () => {
          const list: Selector[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.selector)) });
          return list;
        },
      },
    ]);
    this.CONSUME(K.FROM);
    const table = this.SUBRULE(this.qualifiedName);
    const select: Select = { kind: 'select', table, distinct, selectors, where: [], orderBy: [], allowFiltering: false, using: {} };
    this.OPTION2(() => {
      this.CONSUME(K.WHERE);
      select.where = this.SUBRULE(this.relations);
    });
    this.OPTION3(() => {
      this.CONSUME(K.ORDER);
      this.CONSUME(K.BY);
      select.orderBy = this.SUBRULE(this.orderings);
    });
    this.OPTION4(() => {
      this.CONSUME(K.PER);
      this.CONSUME(K.PARTITION);
      this.CONSUME(K.LIMIT);
      select.perPartitionLimit = this.SUBRULE(this.term);
    });
    this.OPTION5(() => {
      this.CONSUME2(K.LIMIT);
      select.limit = this.SUBRULE2(this.term);
    });
    this.OPTION6(() => {
      this.CONSUME(K.ALLOW);
      this.CONSUME(K.FILTERING);
      select.allowFiltering = true;
    });
    this.OPTION7(() => (select.using = this.SUBRULE(this.usingClause, { ARGS: [['CONSISTENCY']] })));
    return select;
  });

  modificationStatement = this.RULE('modificationStatement', (): ModificationStatement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.updateStatement) },
      { ALT: () => this.SUBRULE(this.deleteStatement) },
    ]);
  });

  batchStatement = this.RULE('batchStatement', (): Batch => {
    this.CONSUME(K.BEGIN);
    let type: Batch['type'] = 'LOGGED';
    this.OPTION(() => {
      this.OR([
        { ALT: () => (this.CONSUME(K.UNLOGGED), (type = 'UNLOGGED')) },
        { ALT: () => (this.CONSUME(K.COUNTER), (type = 'COUNTER')) },
      ]);
    });
    this.CONSUME(K.BATCH);
    let using: UsingClause = {};
    this.OPTION2(() => (using = this.SUBRULE(this.usingClause, { ARGS: [['TIMESTAMP', 'CONSISTENCY']] })));
    const statements: ModificationStatement[] = [];
    this.MANY(() => {
      statements.push(this.SUBRULE(this.modificationStatement));
      this.OPTION3(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(K.APPLY);
    this.CONSUME2(K.BATCH);
    return { kind: 'batch', type, using, statements };
  });

  statement = this.RULE('statement', (): Statement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.selectStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.updateStatement) },
      { ALT: () => this.SUBRULE(this.deleteStatement) },
      { ALT: () => this.SUBRULE(this.batchStatement) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.alterStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.useStatement) },
      { ALT: () => this.SUBRULE(this.truncateStatement) },
      { ALT: () => this.SUBRULE(this.grantStatement) },
      { ALT: () => this.SUBRULE(this.revokeStatement) },
      { ALT: () => this.SUBRULE(this.listStatement) },
    ]);
  });

  /** A top-level statement: its bind markers are numbered from 0. */
  parsedStatement = this.RULE('parsedStatement', (): ParsedStatement => {
    this.ACTION(() => (this.bindNames = []));
    const statement = this.SUBRULE(this.statement);
    return this.ACTION(() => ({ statement, bindMarkers: this.bindNames }));
  });

  /** Exactly one statement, followed by any number of `;`, as Cassandra's `query` rule allows. */
  singleStatement = this.RULE('singleStatement', (): ParsedStatement => {
    const parsed = this.SUBRULE(this.parsedStatement);
    this.MANY(() => this.CONSUME(T.Semicolon));
    return parsed;
  });

  /** `;`-separated statements; empty ones (`;;`) are allowed. */
  script = this.RULE('script', (): ParsedStatement[] => {
    const list: ParsedStatement[] = [];
    this.OPTION(() => list.push(this.SUBRULE(this.parsedStatement)));
    this.MANY(() => {
      this.CONSUME(T.Semicolon);
      this.OPTION2(() => list.push(this.SUBRULE2(this.parsedStatement)));
    });
    return list;
  });

  constructor() {
    super();
    this.performSelfAnalysis();
  }
}

function distinctIsColumn(next: IToken): boolean {
  return tokenMatcher(next, K.FROM) || tokenMatcher(next, T.Comma) || tokenMatcher(next, K.AS);
}

/**
 * Two SET items on one column must be able to apply together, as in
 * Cassandra: a plain `c = v` goes with nothing else on c (which of two
 * values would win would look random), while additions, removals and
 * element updates combine.
 */
function checkCompatibleSetting(columnToken: IToken, assignment: Assignment, earlier: readonly Assignment[]): void {
  const clash = earlier.some((e) => e.column === assignment.column && (e.kind === 'set' || assignment.kind === 'set'));
  if (clash) throw errorAtToken(columnToken, `Multiple incompatible setting of column ${assignment.column}`, []);
}

/** Exactly one PRIMARY KEY, written on a column or as its own clause. */
function primaryKeyOf(elements: TableElement[]): { partitionKey: string[]; clusteringKey: string[] } {
  const keys = elements.flatMap((e) => (e.kind === 'key' ? [e.key] : e.primaryKey ? [e.primaryKey] : []));
  if (keys.length > 1) {
    throw errorAtToken(keys[1]!.token, 'multiple PRIMARY KEYs specified (exactly one required)', []);
  }
  const key = keys[0];
  // A table without a PRIMARY KEY is left for schema validation to reject, with Cassandra's message.
  return key === undefined ? { partitionKey: [], clusteringKey: [] } : { partitionKey: key.partitionKey, clusteringKey: key.clusteringKey };
}
