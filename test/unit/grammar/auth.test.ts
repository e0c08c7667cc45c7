import { expect } from 'chai';
import { parseStatement } from '../../../grammar/index.js';
import { bool, str, stmt } from './helpers.js';

describe('grammar: role and permission statements', () => {
  it('parses CREATE ROLE with its options joined by AND', () => {
    expect(stmt("CREATE ROLE IF NOT EXISTS Alice WITH PASSWORD = 'pw' AND LOGIN = true AND SUPERUSER = false")).to.deep.equal({
      kind: 'createRole',
      role: 'alice',
      ifNotExists: true,
      options: [
        { name: 'password', value: str('pw') },
        { name: 'login', value: bool('true') },
        { name: 'superuser', value: bool('false') },
      ],
    });
  });

  it('keeps the case of a role named by a string', () => {
    expect(stmt("CREATE ROLE 'Bob'")).to.deep.equal({ kind: 'createRole', role: 'Bob', ifNotExists: false, options: [] });
  });

  it('reads CREATE USER as a role that can log in', () => {
    expect(stmt("CREATE USER carol WITH PASSWORD 'x' SUPERUSER")).to.deep.equal({
      kind: 'createRole',
      role: 'carol',
      ifNotExists: false,
      options: [
        { name: 'password', value: str('x') },
        { name: 'superuser', value: bool('true') },
        { name: 'login', value: bool('true') },
      ],
    });
  });

  it('parses ALTER ROLE, ALTER USER, DROP ROLE and DROP USER', () => {
    expect(stmt("ALTER ROLE alice WITH PASSWORD = 'n'")).to.deep.equal({ kind: 'alterRole', role: 'alice', options: [{ name: 'password', value: str('n') }] });
    expect(stmt("ALTER USER alice WITH PASSWORD 'n' NOSUPERUSER")).to.deep.equal({
      kind: 'alterRole',
      role: 'alice',
      options: [
        { name: 'password', value: str('n') },
        { name: 'superuser', value: bool('false') },
      ],
    });
    expect(stmt('DROP ROLE IF EXISTS alice')).to.deep.equal({ kind: 'dropRole', role: 'alice', ifExists: true });
    expect(stmt('DROP USER alice')).to.deep.equal({ kind: 'dropRole', role: 'alice', ifExists: false });
  });

  it('parses LIST ROLES [OF r] [NORECURSIVE] and LIST USERS', () => {
    expect(stmt('LIST ROLES')).to.deep.equal({ kind: 'listRoles', usersOnly: false });
    expect(stmt('LIST ROLES OF alice')).to.deep.equal({ kind: 'listRoles', usersOnly: false, of: 'alice' });
    expect(stmt('LIST ROLES OF alice NORECURSIVE')).to.deep.equal({ kind: 'listRoles', usersOnly: false, of: 'alice' });
    expect(stmt('LIST ROLES NORECURSIVE')).to.deep.equal({ kind: 'listRoles', usersOnly: false });
    expect(stmt('LIST USERS')).to.deep.equal({ kind: 'listRoles', usersOnly: true });
  });

  it('parses GRANT on every resource form', () => {
    expect(stmt('GRANT SELECT ON KEYSPACE ks TO alice')).to.deep.equal({
      kind: 'grant',
      permissions: { kind: 'one', permission: 'SELECT' },
      resource: { kind: 'keyspace', keyspace: 'ks' },
      role: 'alice',
    });
    expect(stmt('GRANT ALL PERMISSIONS ON ALL KEYSPACES TO alice')).to.deep.equal({
      kind: 'grant',
      permissions: { kind: 'all' },
      resource: { kind: 'allKeyspaces' },
      role: 'alice',
    });
    expect(stmt('GRANT MODIFY PERMISSION ON TABLE ks.t TO alice')).to.deep.equal({
      kind: 'grant',
      permissions: { kind: 'one', permission: 'MODIFY' },
      resource: { kind: 'table', table: { keyspace: 'ks', name: 't' } },
      role: 'alice',
    });
    expect(stmt('GRANT AUTHORIZE ON t TO alice')).to.deep.equal({
      kind: 'grant',
      permissions: { kind: 'one', permission: 'AUTHORIZE' },
      resource: { kind: 'table', table: { name: 't' } },
      role: 'alice',
    });
  });

  it('parses REVOKE … FROM and LIST … PERMISSIONS', () => {
    expect(stmt('REVOKE ALL ON KEYSPACE ks FROM alice')).to.deep.equal({
      kind: 'revoke',
      permissions: { kind: 'all' },
      resource: { kind: 'keyspace', keyspace: 'ks' },
      role: 'alice',
    });
    expect(stmt('LIST ALL PERMISSIONS ON ks.t OF alice NORECURSIVE')).to.deep.equal({
      kind: 'listPermissions',
      permissions: { kind: 'all' },
      resource: { kind: 'table', table: { keyspace: 'ks', name: 't' } },
      of: 'alice',
      noRecursive: true,
    });
    expect(stmt('LIST PERMISSIONS')).to.deep.equal({ kind: 'listPermissions', permissions: { kind: 'all' }, noRecursive: false });
  });

  it('still accepts the new words as table and column names', () => {
    expect(stmt('SELECT user, role, login FROM ks.all USING CONSISTENCY ALL')).to.include({ kind: 'select' });
    expect(stmt('GRANT SELECT ON all TO r')).to.deep.include({ resource: { kind: 'table', table: { name: 'all' } } });
  });

  it('refuses a permission that does not exist', () => {
    expect(() => parseStatement('GRANT READ ON KEYSPACE ks TO alice')).to.throw(/line 1:6/);
  });
});
