import { expect } from 'chai';
import { NATIVE_TYPES } from '../../../src/schema/cql-type.js';
import { GRAMMAR_NATIVE_TYPES } from '../../../grammar/parser-terms.js';
import { bool, int, str, stmt } from './helpers.js';

describe('grammar: keyspace statements', () => {
  it('parses CREATE KEYSPACE with a replication map and durable_writes', () => {
    expect(
      stmt(
        "CREATE KEYSPACE IF NOT EXISTS Shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = false",
      ),
    ).to.deep.equal({
      kind: 'createKeyspace',
      keyspace: 'shop',
      ifNotExists: true,
      properties: [
        {
          name: 'replication',
          value: {
            kind: 'map',
            entries: [
              [str('class'), str('SimpleStrategy')],
              [str('replication_factor'), int('3')],
            ],
          },
        },
        { name: 'durable_writes', value: bool('false') },
      ],
    });
  });

  it('accepts SCHEMA as a synonym of KEYSPACE', () => {
    expect(stmt("create schema ks with replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}")).to.deep.equal({
      kind: 'createKeyspace',
      keyspace: 'ks',
      ifNotExists: false,
      properties: [
        {
          name: 'replication',
          value: {
            kind: 'map',
            entries: [
              [str('class'), str('NetworkTopologyStrategy')],
              [str('dc1'), int('3')],
            ],
          },
        },
      ],
    });
  });

  it('parses ALTER KEYSPACE, DROP KEYSPACE and USE', () => {
    expect(stmt('ALTER KEYSPACE ks WITH durable_writes = true')).to.deep.equal({
      kind: 'alterKeyspace',
      keyspace: 'ks',
      properties: [{ name: 'durable_writes', value: bool('true') }],
    });
    expect(stmt('DROP KEYSPACE IF EXISTS ks')).to.deep.equal({ kind: 'dropKeyspace', keyspace: 'ks', ifExists: true });
    expect(stmt('drop keyspace ks')).to.deep.equal({ kind: 'dropKeyspace', keyspace: 'ks', ifExists: false });
    expect(stmt('USE "MyKs"')).to.deep.equal({ kind: 'use', keyspace: 'MyKs' });
    expect(stmt('use MyKs;')).to.deep.equal({ kind: 'use', keyspace: 'myks' });
  });
});

describe('grammar: CREATE TABLE', () => {
  it('takes the primary key from a column definition', () => {
    expect(stmt('CREATE TABLE users (id uuid PRIMARY KEY, name text, age int)')).to.deep.equal({
      kind: 'createTable',
      table: { name: 'users' },
      ifNotExists: false,
      columns: [
        { name: 'id', type: { kind: 'native', name: 'uuid' }, isStatic: false },
        { name: 'name', type: { kind: 'native', name: 'text' }, isStatic: false },
        { name: 'age', type: { kind: 'native', name: 'int' }, isStatic: false },
      ],
      partitionKey: ['id'],
      clusteringKey: [],
      clusteringOrder: [],
      properties: [],
    });
  });

  it('splits a composite PRIMARY KEY into partition and clustering columns, with options', () => {
    expect(
      stmt(
        `CREATE TABLE IF NOT EXISTS ks.events (
           tenant text, day date, at timestamp, seq int, owner text STATIC, body blob,
           PRIMARY KEY ((tenant, day), at, seq)
         ) WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND default_time_to_live = 3600
           AND gc_grace_seconds = 10 AND comment = 'audit log'`,
      ),
    ).to.deep.equal({
      kind: 'createTable',
      table: { keyspace: 'ks', name: 'events' },
      ifNotExists: true,
      columns: [
        { name: 'tenant', type: { kind: 'native', name: 'text' }, isStatic: false },
        { name: 'day', type: { kind: 'native', name: 'date' }, isStatic: false },
        { name: 'at', type: { kind: 'native', name: 'timestamp' }, isStatic: false },
        { name: 'seq', type: { kind: 'native', name: 'int' }, isStatic: false },
        { name: 'owner', type: { kind: 'native', name: 'text' }, isStatic: true },
        { name: 'body', type: { kind: 'native', name: 'blob' }, isStatic: false },
      ],
      partitionKey: ['tenant', 'day'],
      clusteringKey: ['at', 'seq'],
      clusteringOrder: [
        { column: 'at', order: 'DESC' },
        { column: 'seq', order: 'ASC' },
      ],
      properties: [
        { name: 'default_time_to_live', value: int('3600') },
        { name: 'gc_grace_seconds', value: int('10') },
        { name: 'comment', value: str('audit log') },
      ],
    });
  });

  it('reads PRIMARY KEY (a, b) as partition a, clustering b, and ((a)) as partition a', () => {
    const simple = stmt('CREATE TABLE t (a int, b int, PRIMARY KEY (a, b))');
    expect(simple).to.include({ kind: 'createTable' });
    expect(simple).to.deep.include({ partitionKey: ['a'], clusteringKey: ['b'] });
    const nested = stmt('CREATE COLUMNFAMILY t (a int, PRIMARY KEY ((a)))');
    expect(nested).to.deep.include({ partitionKey: ['a'], clusteringKey: [] });
  });

  it('leaves partitionKey empty when no PRIMARY KEY is written, for schema validation to reject', () => {
    expect(stmt('CREATE TABLE t (a int)')).to.deep.include({ partitionKey: [], clusteringKey: [] });
  });

  it('parses collection and frozen types, freezing everything inside frozen<>', () => {
    const table = stmt(
      'CREATE TABLE t (k int PRIMARY KEY, s set<text>, l list<bigint>, m map<text, frozen<list<int>>>, f frozen<map<int, set<text>>>)',
    );
    expect(table).to.deep.include({
      columns: [
        { name: 'k', type: { kind: 'native', name: 'int' }, isStatic: false },
        { name: 's', type: { kind: 'set', element: { kind: 'native', name: 'text' }, frozen: false }, isStatic: false },
        { name: 'l', type: { kind: 'list', element: { kind: 'native', name: 'bigint' }, frozen: false }, isStatic: false },
        {
          name: 'm',
          type: {
            kind: 'map',
            key: { kind: 'native', name: 'text' },
            value: { kind: 'list', element: { kind: 'native', name: 'int' }, frozen: true },
            frozen: false,
          },
          isStatic: false,
        },
        {
          name: 'f',
          type: {
            kind: 'map',
            key: { kind: 'native', name: 'int' },
            value: { kind: 'set', element: { kind: 'native', name: 'text' }, frozen: true },
            frozen: true,
          },
          isStatic: false,
        },
      ],
    });
  });

  it('accepts every native type name, case-insensitively, and lower-cases it', () => {
    for (const name of NATIVE_TYPES) {
      const table = stmt(`CREATE TABLE t (k ${name.toUpperCase()} PRIMARY KEY)`);
      expect(table).to.deep.include({ columns: [{ name: 'k', type: { kind: 'native', name }, isStatic: false }] });
    }
  });

  it('knows exactly the native types src/schema declares', () => {
    expect([...GRAMMAR_NATIVE_TYPES]).to.deep.equal([...NATIVE_TYPES]);
  });
});

describe('grammar: ALTER, DROP and TRUNCATE TABLE', () => {
  it('parses ALTER TABLE ADD of one column and of a list', () => {
    expect(stmt('ALTER TABLE ks.t ADD extra text STATIC')).to.deep.equal({
      kind: 'alterTable',
      table: { keyspace: 'ks', name: 't' },
      action: { kind: 'add', columns: [{ name: 'extra', type: { kind: 'native', name: 'text' }, isStatic: true }] },
    });
    expect(stmt('ALTER TABLE t ADD (a int, b list<text>)')).to.deep.equal({
      kind: 'alterTable',
      table: { name: 't' },
      action: {
        kind: 'add',
        columns: [
          { name: 'a', type: { kind: 'native', name: 'int' }, isStatic: false },
          { name: 'b', type: { kind: 'list', element: { kind: 'native', name: 'text' }, frozen: false }, isStatic: false },
        ],
      },
    });
  });

  it('parses IF EXISTS on ALTER TABLE and its DROP, IF NOT EXISTS on its ADD', () => {
    expect(stmt('ALTER TABLE IF EXISTS ks.t ADD IF NOT EXISTS (a int)')).to.deep.equal({
      kind: 'alterTable',
      table: { keyspace: 'ks', name: 't' },
      action: { kind: 'add', columns: [{ name: 'a', type: { kind: 'native', name: 'int' }, isStatic: false }], ifNotExists: true },
      ifExists: true,
    });
    expect(stmt('ALTER TABLE t DROP IF EXISTS a')).to.deep.equal({
      kind: 'alterTable',
      table: { name: 't' },
      action: { kind: 'drop', columns: ['a'], ifExists: true },
    });
  });

  it('parses ALTER TABLE DROP of one column and of a list, and ALTER TABLE WITH', () => {
    expect(stmt('ALTER TABLE t DROP a')).to.deep.equal({
      kind: 'alterTable',
      table: { name: 't' },
      action: { kind: 'drop', columns: ['a'] },
    });
    expect(stmt('ALTER TABLE t DROP (a, "B")')).to.deep.equal({
      kind: 'alterTable',
      table: { name: 't' },
      action: { kind: 'drop', columns: ['a', 'B'] },
    });
    expect(stmt("ALTER TABLE t WITH comment = 'c' AND default_time_to_live = 0")).to.deep.equal({
      kind: 'alterTable',
      table: { name: 't' },
      action: {
        kind: 'with',
        properties: [
          { name: 'comment', value: str('c') },
          { name: 'default_time_to_live', value: int('0') },
        ],
      },
    });
  });

  it('parses DROP TABLE and TRUNCATE with and without the TABLE word', () => {
    expect(stmt('DROP TABLE IF EXISTS ks.t')).to.deep.equal({
      kind: 'dropTable',
      table: { keyspace: 'ks', name: 't' },
      ifExists: true,
    });
    expect(stmt('DROP COLUMNFAMILY t')).to.deep.equal({ kind: 'dropTable', table: { name: 't' }, ifExists: false });
    expect(stmt('TRUNCATE TABLE t')).to.deep.equal({ kind: 'truncate', table: { name: 't' } });
    expect(stmt('TRUNCATE ks.t')).to.deep.equal({ kind: 'truncate', table: { keyspace: 'ks', name: 't' } });
    expect(stmt('TRUNCATE table')).to.deep.equal({ kind: 'truncate', table: { name: 'table' } });
  });
});
