import { expect } from 'chai';
import { parseStatement } from '../../../grammar/index.js';
import {
  displayResource,
  isGranted,
  permissionsFor,
  resourceChain,
  type Grants,
} from '../../../src/cql/auth/resources.js';
import { isReadableSystemResource, protectedAuthChange, requiredPermissions } from '../../../src/cql/auth/statement-permissions.js';
import type { PermissionName } from '../../../grammar/ast.js';

const need = (cql: string, keyspace?: string) => requiredPermissions(parseStatement(cql).statement, keyspace);

describe('permission resolution', () => {
  it('names each statement\'s permission and resource as Cassandra does', () => {
    const table: [string, { permission: PermissionName; resource: string }[]][] = [
      ["CREATE KEYSPACE k WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", [{ permission: 'CREATE', resource: 'data' }]],
      ["ALTER KEYSPACE k WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", [{ permission: 'ALTER', resource: 'data/k' }]],
      ['DROP KEYSPACE k', [{ permission: 'DROP', resource: 'data/k' }]],
      ['CREATE TABLE t (a int PRIMARY KEY)', [{ permission: 'CREATE', resource: 'data/ks' }]],
      ['ALTER TABLE k.t ADD b int', [{ permission: 'ALTER', resource: 'data/k/t' }]],
      ['DROP TABLE t', [{ permission: 'DROP', resource: 'data/ks/t' }]],
      ['SELECT * FROM t', [{ permission: 'SELECT', resource: 'data/ks/t' }]],
      ['INSERT INTO t (a) VALUES (1)', [{ permission: 'MODIFY', resource: 'data/ks/t' }]],
      ['UPDATE t SET b = 1 WHERE a = 1', [{ permission: 'MODIFY', resource: 'data/ks/t' }]],
      ['DELETE FROM t WHERE a = 1', [{ permission: 'MODIFY', resource: 'data/ks/t' }]],
      ['TRUNCATE t', [{ permission: 'MODIFY', resource: 'data/ks/t' }]],
      [
        'BEGIN BATCH INSERT INTO t (a) VALUES (1); DELETE FROM k.u WHERE a = 1; APPLY BATCH',
        [
          { permission: 'MODIFY', resource: 'data/ks/t' },
          { permission: 'MODIFY', resource: 'data/k/u' },
        ],
      ],
      ['USE k', []],
      ["CREATE ROLE r WITH PASSWORD = 'p'", []],
    ];
    for (const [cql, expected] of table) expect(need(cql, 'ks'), cql).to.deep.equal(expected);
  });

  it('refuses an unqualified table without a session keyspace', () => {
    expect(() => need('SELECT * FROM t')).to.throw(/No keyspace has been specified/);
  });

  it('lets a grant on a keyspace or on all keyspaces cover the tables below it', () => {
    const grants: Grants = new Map([['data/shop', new Set<PermissionName>(['SELECT'])]]);
    expect(isGranted(grants, 'SELECT', 'data/shop/carts')).to.equal(true);
    expect(isGranted(grants, 'SELECT', 'data/shop')).to.equal(true);
    expect(isGranted(grants, 'MODIFY', 'data/shop/carts')).to.equal(false);
    expect(isGranted(grants, 'SELECT', 'data/other/carts')).to.equal(false);
    expect(isGranted(grants, 'SELECT', 'data')).to.equal(false);
    expect(isGranted(new Map([['data', new Set<PermissionName>(['MODIFY'])]]), 'MODIFY', 'data/any/t')).to.equal(true);
    expect(isGranted(new Map([['data/shop/carts', new Set<PermissionName>(['SELECT'])]]), 'SELECT', 'data/shop/orders')).to.equal(false);
  });

  it('lists a resource and its parents, and prints them as Cassandra does', () => {
    expect(resourceChain('data/ks/t')).to.deep.equal(['data/ks/t', 'data/ks', 'data']);
    expect(['data', 'data/ks', 'data/ks/t'].map(displayResource)).to.deep.equal(['<all keyspaces>', '<keyspace ks>', '<table ks.t>']);
  });

  it('expands ALL to the permissions that apply and refuses CREATE on a table', () => {
    expect(permissionsFor({ kind: 'all' }, 'data/ks/t')).to.deep.equal(['ALTER', 'DROP', 'SELECT', 'MODIFY', 'AUTHORIZE']);
    expect(permissionsFor({ kind: 'all' }, 'data/ks')).to.deep.equal(['CREATE', 'ALTER', 'DROP', 'SELECT', 'MODIFY', 'AUTHORIZE']);
    expect(() => permissionsFor({ kind: 'one', permission: 'CREATE' }, 'data/ks/t')).to.throw(/does not support any of the requested permissions/);
  });

  it('protects system_auth from every change but ALTER KEYSPACE, and lets system tables be read', () => {
    expect(protectedAuthChange(need("INSERT INTO system_auth.roles (role) VALUES ('x')"))).to.equal('system_auth keyspace is not user-modifiable.');
    expect(protectedAuthChange(need('DROP KEYSPACE system_auth'))).to.equal('system_auth keyspace is not user-modifiable.');
    expect(protectedAuthChange(need("ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 5}"))).to.equal(undefined);
    expect(protectedAuthChange(need('SELECT * FROM system_auth.roles'))).to.equal(undefined);
    expect(isReadableSystemResource(need('SELECT * FROM system.local')[0]!)).to.equal(true);
    expect(isReadableSystemResource(need('SELECT * FROM system_schema.tables')[0]!)).to.equal(true);
    expect(isReadableSystemResource(need('SELECT * FROM system_auth.roles')[0]!)).to.equal(false);
  });
});
