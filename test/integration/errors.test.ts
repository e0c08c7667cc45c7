/**
 * Bad input through a real node: syntax errors with line:column, unknown
 * keyspaces, tables and columns, missing key parts, misplaced restrictions,
 * values over max_value_size, IN lists over max_in_values, and driver-side
 * argument checks. Every failure is a coded error, and the node keeps serving.
 */
import { expect } from 'chai';
import { ArgumentError, InvalidRequestError, SyntaxError as CqlSyntaxError, UnauthorizedError } from '../../src/client/index.js';
import { closeSession, expectFailure, openSession, type Session } from './helpers.js';

describe('bad input through the driver', function () {
  this.timeout(30_000);
  let s: Session;

  before(async () => {
    s = await openSession(['er']);
    await s.client.execute('CREATE TABLE er.t (k int, c int, v text, PRIMARY KEY (k, c))');
    await s.client.execute('CREATE TABLE er.one (k int PRIMARY KEY, v text)');
  });
  after(() => closeSession(s));

  describe('syntax errors name line:column, the offending input and what was expected', () => {
    const cases: [string, string][] = [
      ['SELEC * FROM er.t', "line 1:0 no viable alternative at input 'SELEC'"],
      ['SELECT * FORM er.t', "line 1:9 mismatched input 'FORM' expecting FROM"],
      ["SELECT * FROM er.t WHERE k = 'abc", "line 1:33 mismatched character '<EOF>' expecting '''"],
      ['SELECT * FROM er.t WHERE', "line 1:24 no viable alternative at input '<EOF>'"],
      ['DELETE FROM er.t', "line 1:16 mismatched input '<EOF>' expecting WHERE"],
      ['SELECT *\nFROM er.t\nWHERE k = = 1', "line 3:10 no viable alternative at input '='"],
      ["UPDATE er.one SET v = 'a', v = 'b' WHERE k = 1", 'line 1:27 Multiple incompatible setting of column v'],
    ];
    for (const [cql, message] of cases) {
      it(JSON.stringify(cql), () => expectFailure(s.client.execute(cql), CqlSyntaxError, message));
    }

    it('reports a syntax error in a prepared statement the same way', () =>
      expectFailure(s.client.execute('SELECT * FORM er.t WHERE k = ?', [1]), CqlSyntaxError, "line 1:9 mismatched input 'FORM' expecting FROM"));
  });

  describe('statements that do not fit the schema', () => {
    const cases: [string, string][] = [
      ['SELECT * FROM nope.t', "Keyspace 'nope' does not exist"],
      ['SELECT * FROM er.nope', 'unconfigured table nope'],
      ['INSERT INTO er.nope (k) VALUES (1)', 'unconfigured table nope'],
      ['SELECT nope FROM er.t', 'Undefined column name nope'],
      ['SELECT * FROM er.t WHERE nope = 1', 'Undefined column name nope'],
      ['INSERT INTO er.t (k, c, nope) VALUES (1, 1, 1)', 'Undefined column name nope'],
      ["INSERT INTO er.t (c, v) VALUES (1, 'x')", 'Some partition key parts are missing: k'],
      ["INSERT INTO er.t (k, v) VALUES (1, 'x')", 'Some clustering keys are missing: c'],
      ["UPDATE er.t SET v = 'x' WHERE k = 1", 'Some clustering keys are missing: c'],
      ['INSERT INTO er.t (k, c, v) VALUES (1, 1)', 'Unmatched column names/values'],
      ['INSERT INTO er.t (k, k, c) VALUES (1, 1, 1)', 'The column names contains duplicates'],
      ['UPDATE er.t SET c = 2 WHERE k = 1 AND c = 1', 'PRIMARY KEY part c found in SET part'],
      ["UPDATE er.t SET v = 'x' WHERE v = 'y'", 'Non PRIMARY KEY columns found in where clause: v'],
      ["DELETE FROM er.t WHERE v = 'x'", 'Non PRIMARY KEY columns found in where clause: v'],
      ["DELETE FROM er.t WHERE k = 1 AND v CONTAINS 'x'", 'Non PRIMARY KEY columns found in where clause: v'],
      ["UPDATE er.t SET v = 'x' WHERE k = 1 AND c CONTAINS 1", 'Clustering columns can only be restricted with CONTAINS with a secondary index or filtering'],
      ['SELECT * FROM er.t WHERE k = 1 AND k = 2', 'k cannot be restricted by more than one relation if it includes an Equal'],
      ['SELECT * FROM er.t WHERE k = 1 AND c > 1 AND c > 2', 'More than one restriction was found for the start bound on c'],
      ['SELECT * FROM er.t WHERE k = null', 'Invalid null value in condition for column k'],
      ["INSERT INTO er.one (k, v) VALUES (null, 'x')", 'Invalid null value in condition for column k'],
      ["INSERT INTO er.t (k, c, v) VALUES (1, 1, 'x') USING TTL 'a'", 'Invalid STRING constant (a) for "[ttl]" of type int'],
      ['SELECT * FROM system.nope', 'unconfigured table nope'],
    ];
    for (const [cql, message] of cases) {
      it(cql, () => expectFailure(s.client.execute(cql), InvalidRequestError, message));
    }

    it('refuses schema changes in the system keyspaces as Unauthorized, as Cassandra does', async () => {
      await expectFailure(s.client.execute('DROP KEYSPACE system'), UnauthorizedError, 'system keyspace is not user-modifiable.');
      await expectFailure(s.client.execute('DROP TABLE system_schema.tables'), UnauthorizedError, 'system_schema keyspace is not user-modifiable.');
      await expectFailure(s.client.execute('CREATE TABLE system.mine (k int PRIMARY KEY)'), UnauthorizedError, 'system keyspace is not user-modifiable.');
    });
  });

  describe('bounds, each named by its setting', () => {
    const big = 'x'.repeat(8 * 1024 * 1024 + 1);

    it('refuses a bound value over max_value_size', () =>
      expectFailure(s.client.execute('INSERT INTO er.one (k, v) VALUES (?, ?)', [1, big]), InvalidRequestError,
        'Value of 8388609 bytes for column v exceeds max_value_size (8388608)'));

    it('refuses a literal over max_value_size', () =>
      expectFailure(s.client.execute(`INSERT INTO er.one (k, v) VALUES (1, '${big}')`), InvalidRequestError,
        'Value of 8388609 bytes for column v exceeds max_value_size (8388608)'));

    it('refuses more IN values than max_in_values, on partition and clustering keys', async () => {
      const values = Array.from({ length: 1001 }, (_, i) => i).join(', ');
      await expectFailure(s.client.execute(`SELECT * FROM er.t WHERE k IN (${values})`), InvalidRequestError,
        'IN relation on k has 1001 values, more than max_in_values (1000)');
      await expectFailure(s.client.execute(`SELECT * FROM er.t WHERE k = 1 AND c IN (${values})`), InvalidRequestError,
        'IN relation on c has 1001 values, more than max_in_values (1000)');
    });
  });

  describe('driver argument checks', () => {
    it('refuses the wrong number of positional values and unknown names before sending', async () => {
      await expectFailure(s.client.execute('SELECT * FROM er.t WHERE k = ?', [1, 2]), ArgumentError,
        'The query has 1 parameter(s) but 2 value(s) were given');
      const err = await s.client.execute('SELECT * FROM er.t WHERE k = :k', { nope: 1 }).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(ArgumentError);
    });

    it('refuses params that are a lone value rather than an array or an object', async () => {
      await expectFailure(s.client.execute('SELECT * FROM er.t WHERE k = ?', 5 as never), ArgumentError,
        'params must be an array (positional) or a plain object (named); got number 5');
      await expectFailure(s.client.execute('SELECT * FROM er.t WHERE k = ?', 'abc' as never), ArgumentError,
        "params must be an array (positional) or a plain object (named); got string 'abc'");
      await expectFailure(s.client.batch([{ query: 'INSERT INTO er.one (k, v) VALUES (?, ?)', params: 'ab' as never }]), ArgumentError,
        "params must be an array (positional) or a plain object (named); got string 'ab'");
      await expectFailure(s.client.batch(["INSERT INTO er.one (k, v) VALUES (1, 'a')", null as never]), ArgumentError,
        'batch entry 1 must be a query string or { query, params }; got null');
    });
  });

  // Mocha runs a suite's own tests before its nested suites, so this one sits in a suite of its own to run last.
  describe('afterwards', () => {
    it('keeps serving after all of the above', async () => {
      await s.client.execute("INSERT INTO er.one (k, v) VALUES (2, 'fine')");
      expect((await s.client.execute('SELECT v FROM er.one WHERE k = 2')).rows[0]!['v']).to.equal('fine');
    });
  });
});
