/**
 * One real node with PasswordAuthenticator and CassandraAuthorizer, reached
 * through the real driver, sibylsh and sibyltool: every security claim of
 * docs/security.md is checked here from outside, so removing the check that
 * enforces it makes a test fail.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import { createPackr, encodeFrame, FrameDecoder } from '../../src/util/framing.js';
import { Opcode, PROTOCOL_VERSION } from '../../src/transport/protocol.js';
import { authConfig, login, loginEventually, SUPERUSER_PASSWORD } from './auth-helpers.js';
import { removeDir, SIBYL_BIN, startNode, tempDir, type NodeProcess } from './harness.js';

function toolRun(bin: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [join(dirname(SIBYL_BIN), bin), ...args], { timeout: 30_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function loginError(node: NodeProcess, username?: string, password?: string): Promise<string> {
  try {
    const c = await login(node, username, password);
    await c.shutdown();
  } catch (err) {
    const inner = Object.values((err as { innerErrors?: Record<string, Error> }).innerErrors ?? {})[0];
    return `${inner?.name}: ${inner?.message}`;
  }
  throw new Error('the login succeeded');
}

async function failure(client: Client, cql: string): Promise<string> {
  try {
    await client.execute(cql);
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  throw new Error(`${cql} succeeded`);
}

/** Sends STARTUP and then `requests` on a raw socket without ever logging in; resolves with every answer, STARTUP's first. */
function requestsWithoutLogin(node: NodeProcess, requests: { o: number; b: unknown }[]): Promise<{ o: number; b: { message?: string } }[]> {
  return new Promise((res, rej) => {
    const socket = connect(node.port, node.host);
    const packr = createPackr();
    const decoder = new FrameDecoder(1 << 20, 'test');
    const answers: { o: number; b: { message?: string } }[] = [];
    socket.on('error', rej);
    socket.on('connect', () => {
      socket.write(encodeFrame(packr, { v: PROTOCOL_VERSION, s: 1, o: Opcode.STARTUP, b: { options: {} } }));
      requests.forEach((r, i) => socket.write(encodeFrame(packr, { v: PROTOCOL_VERSION, s: 2 + i, o: r.o, b: r.b })));
    });
    socket.on('data', (chunk: Buffer) => {
      for (const body of decoder.push(chunk)) answers.push(body as { o: number; b: { message?: string } });
      if (answers.length === requests.length + 1) {
        socket.destroy();
        res(answers);
      }
    });
  });
}

describe('authentication and authorization on a real node', function () {
  this.timeout(60_000);
  let dir: string;
  let node: NodeProcess;
  let admin: Client;
  let alice: Client;

  before(async () => {
    dir = tempDir();
    node = await startNode({ args: ['--config', authConfig(dir)] });
    admin = await loginEventually(node, 'cassandra', SUPERUSER_PASSWORD);
    await admin.execute("CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await admin.execute('CREATE TABLE shop.carts (id int PRIMARY KEY, item text)');
    await admin.execute('CREATE TABLE shop.orders (id int PRIMARY KEY, item text)');
    await admin.execute("CREATE ROLE alice WITH PASSWORD = 'alice-pw' AND LOGIN = true");
    alice = await login(node, 'alice', 'alice-pw');
  });

  after(async () => {
    await alice?.shutdown();
    await admin?.shutdown();
    await node?.stop();
    removeDir(dir);
  });

  describe('login', () => {
    it('refuses a client that sends no credentials', async () => {
      expect(await loginError(node)).to.match(/^AuthenticationError: Host .* requires authentication \(PasswordAuthenticator\)/);
    });

    it('answers a request sent before logging in with Unauthorized', async () => {
      const [startup, query] = await requestsWithoutLogin(node, [{ o: Opcode.QUERY, b: { query: 'SELECT * FROM system.local', consistency: 'ONE' } }]);
      expect(startup!.o).to.equal(Opcode.AUTHENTICATE);
      expect(query!.o).to.equal(Opcode.ERROR);
      expect(query!.b.message).to.equal('You have not logged in');
    });

    it('answers a PREPARE sent before logging in with Unauthorized, though preparing checks no permission', async () => {
      const [, prepare] = await requestsWithoutLogin(node, [{ o: Opcode.PREPARE, b: { query: 'SELECT * FROM shop.orders WHERE id = ?' } }]);
      expect(prepare!.o).to.equal(Opcode.ERROR);
      expect(prepare!.b.message).to.equal('You have not logged in');
    });

    it('refuses a wrong password and an unknown role with the same message', async () => {
      expect(await loginError(node, 'alice', 'nope')).to.equal('AuthenticationError: Provided username alice and/or password are incorrect');
      expect(await loginError(node, 'mallory', 'alice-pw')).to.equal('AuthenticationError: Provided username mallory and/or password are incorrect');
    });

    it('refuses a role that may not log in', async () => {
      await admin.execute("CREATE ROLE service WITH PASSWORD = 'svc-pw' AND LOGIN = false");
      expect(await loginError(node, 'service', 'svc-pw')).to.equal('AuthenticationError: service is not permitted to log in');
    });

    it('lets a role change its own password, and then only the new one works', async () => {
      await admin.execute("CREATE ROLE carol WITH PASSWORD = 'old-pw' AND LOGIN = true");
      const carol = await login(node, 'carol', 'old-pw');
      await carol.execute("ALTER ROLE carol WITH PASSWORD = 'new-pw'");
      await carol.shutdown();
      expect(await loginError(node, 'carol', 'old-pw')).to.match(/incorrect$/);
      (await login(node, 'carol', 'new-pw')).shutdown();
    });

    it('refuses a dropped role', async () => {
      await admin.execute("CREATE ROLE dave WITH PASSWORD = 'dave-pw' AND LOGIN = true");
      await admin.execute('DROP ROLE dave');
      expect(await loginError(node, 'dave', 'dave-pw')).to.match(/incorrect$/);
    });

    it("leaves a dropped role's open session connected but with none of its rights, as Cassandra does", async () => {
      await admin.execute("CREATE ROLE erin WITH PASSWORD = 'erin-pw' AND LOGIN = true AND SUPERUSER = true");
      const erin = await login(node, 'erin', 'erin-pw');
      try {
        await erin.execute('SELECT * FROM shop.carts');
        await admin.execute('DROP ROLE erin');
        expect(await failure(erin, 'SELECT * FROM shop.carts')).to.equal(
          'Unauthorized: User erin has no SELECT permission on <table shop.carts> or any of its parents',
        );
        expect(await failure(erin, "CREATE ROLE zoe WITH PASSWORD = 'z'")).to.equal(
          'Unauthorized: User erin has no CREATE permission on <all roles> or any of its parents',
        );
        expect((await erin.execute('SELECT cluster_name FROM system.local')).rows).to.have.length(1);
      } finally {
        await erin.shutdown();
      }
    });
  });

  describe('permissions', () => {
    afterEach(async () => {
      await admin.execute('REVOKE ALL ON ALL KEYSPACES FROM alice');
      await admin.execute('REVOKE ALL ON KEYSPACE shop FROM alice');
      await admin.execute('REVOKE ALL ON shop.carts FROM alice');
      await admin.execute('REVOKE ALL ON shop.orders FROM alice');
    });

    it('needs SELECT on the table, its keyspace or all keyspaces to read', async () => {
      expect(await failure(alice, 'SELECT * FROM shop.carts')).to.equal(
        'Unauthorized: User alice has no SELECT permission on <table shop.carts> or any of its parents',
      );
      await admin.execute('GRANT SELECT ON shop.carts TO alice');
      await alice.execute('SELECT * FROM shop.carts');
      expect(await failure(alice, 'SELECT * FROM shop.orders')).to.match(/no SELECT permission on <table shop.orders>/);
      await admin.execute('REVOKE SELECT ON shop.carts FROM alice');
      expect(await failure(alice, 'SELECT * FROM shop.carts')).to.match(/no SELECT permission/);
      await admin.execute('GRANT SELECT ON KEYSPACE shop TO alice');
      await alice.execute('SELECT * FROM shop.orders');
      await admin.execute('REVOKE SELECT ON KEYSPACE shop FROM alice');
      await admin.execute('GRANT SELECT ON ALL KEYSPACES TO alice');
      await alice.execute('SELECT * FROM shop.orders');
    });

    it('needs MODIFY to insert, update, delete, truncate and batch', async () => {
      const writes = [
        "INSERT INTO shop.carts (id, item) VALUES (1, 'pen')",
        "UPDATE shop.carts SET item = 'ink' WHERE id = 1",
        'DELETE FROM shop.carts WHERE id = 1',
        'TRUNCATE shop.carts',
      ];
      for (const cql of writes) expect(await failure(alice, cql)).to.match(/^Unauthorized: User alice has no MODIFY permission on <table shop.carts>/);
      await admin.execute('GRANT MODIFY ON shop.carts TO alice');
      for (const cql of writes) await alice.execute(cql);
      const batch = "BEGIN BATCH INSERT INTO shop.carts (id, item) VALUES (2, 'a'); INSERT INTO shop.orders (id, item) VALUES (2, 'a'); APPLY BATCH";
      expect(await failure(alice, batch)).to.match(/no MODIFY permission on <table shop.orders>/);
      await admin.execute('GRANT MODIFY ON KEYSPACE shop TO alice');
      await alice.execute(batch);
    });

    it('needs CREATE on all keyspaces for a keyspace and on the keyspace for a table, and gives the creator all permissions', async () => {
      const ks = "CREATE KEYSPACE alices WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
      expect(await failure(alice, ks)).to.equal('Unauthorized: User alice has no CREATE permission on <all keyspaces> or any of its parents');
      expect(await failure(alice, 'CREATE TABLE shop.notes (id int PRIMARY KEY)')).to.equal(
        'Unauthorized: User alice has no CREATE permission on <keyspace shop> or any of its parents',
      );
      await admin.execute('GRANT CREATE ON ALL KEYSPACES TO alice');
      await alice.execute(ks);
      await admin.execute('REVOKE CREATE ON ALL KEYSPACES FROM alice');
      await alice.execute('CREATE TABLE alices.notes (id int PRIMARY KEY, body text)');
      await alice.execute("INSERT INTO alices.notes (id, body) VALUES (1, 'mine')");
      expect((await alice.execute('SELECT body FROM alices.notes')).rows.map((r) => r['body'])).to.deep.equal(['mine']);
      await alice.execute('DROP KEYSPACE alices');
    });

    it('needs ALTER and DROP on a table to change or drop it', async () => {
      await admin.execute('CREATE TABLE shop.tmp (id int PRIMARY KEY)');
      expect(await failure(alice, 'ALTER TABLE shop.tmp ADD note text')).to.match(/^Unauthorized: User alice has no ALTER permission on <table shop.tmp>/);
      expect(await failure(alice, 'DROP TABLE shop.tmp')).to.match(/^Unauthorized: User alice has no DROP permission on <table shop.tmp>/);
      await admin.execute('GRANT ALTER ON shop.tmp TO alice');
      await alice.execute('ALTER TABLE shop.tmp ADD note text');
      await admin.execute('GRANT DROP ON KEYSPACE shop TO alice');
      await alice.execute('DROP TABLE shop.tmp');
    });

    it('refuses a permission that does not apply to the resource', async () => {
      expect(await failure(admin, 'GRANT CREATE ON shop.carts TO alice')).to.equal(
        'InvalidRequest: Resource type DataResource does not support any of the requested permissions',
      );
    });

    it('lets every logged-in role read the system tables', async () => {
      const rows = (await alice.execute('SELECT cluster_name FROM system.local')).rows;
      expect(rows).to.have.length(1);
      await alice.execute('SELECT keyspace_name FROM system_schema.keyspaces');
    });

    it('keeps system_auth out of reach of ordinary statements, even a superuser\'s', async () => {
      expect(await failure(admin, "INSERT INTO system_auth.roles (role, is_superuser) VALUES ('eve', true)")).to.equal(
        'Unauthorized: system_auth keyspace is not user-modifiable.',
      );
      expect(await failure(admin, 'DROP TABLE system_auth.roles')).to.equal('Unauthorized: system_auth keyspace is not user-modifiable.');
      expect(await failure(alice, 'SELECT * FROM system_auth.roles')).to.match(/no SELECT permission on <table system_auth.roles>/);
    });
  });

  describe('managing roles', () => {
    it('refuses role management to a role that is not a superuser', async () => {
      expect(await failure(alice, "CREATE ROLE bob WITH PASSWORD = 'x' AND LOGIN = true")).to.equal(
        'Unauthorized: User alice has no CREATE permission on <all roles> or any of its parents',
      );
      expect(await failure(alice, 'DROP ROLE service')).to.equal('Unauthorized: User alice has no DROP permission on <role service> or any of its parents');
      expect(await failure(alice, "ALTER ROLE service WITH PASSWORD = 'x'")).to.equal(
        'Unauthorized: User alice has no ALTER permission on <role service> or any of its parents',
      );
      expect(await failure(alice, 'ALTER ROLE alice WITH SUPERUSER = true')).to.equal(
        "Unauthorized: You aren't allowed to alter your own superuser status or that of a role granted to you",
      );
      expect(await failure(alice, 'ALTER ROLE alice WITH LOGIN = false')).to.equal("Unauthorized: You aren't allowed to alter LOGIN");
    });

    it('refuses an empty role name, and a GRANT to a role or on a resource that does not exist, in Cassandra\'s words', async () => {
      expect(await failure(admin, "CREATE ROLE '' WITH PASSWORD = 'x'")).to.equal("InvalidRequest: Role name can't be an empty string");
      expect(await failure(admin, 'GRANT SELECT ON shop.carts TO nobody')).to.equal("InvalidRequest: Role nobody doesn't exist");
      expect(await failure(admin, "GRANT SELECT ON shop.carts TO ''")).to.equal("InvalidRequest: Role  doesn't exist");
      expect(await failure(admin, 'GRANT SELECT ON KEYSPACE nope TO alice')).to.equal("InvalidRequest: Resource <keyspace nope> doesn't exist");
      expect(await failure(admin, 'REVOKE SELECT ON shop.nope FROM alice')).to.equal("InvalidRequest: Resource <table shop.nope> doesn't exist");
      expect(await failure(admin, "ALTER ROLE '' WITH PASSWORD = 'x'")).to.equal("InvalidRequest:  doesn't exist");
    });

    it("shows everyone's permissions only to a superuser, and a role its own when it names itself", async () => {
      await admin.execute('GRANT SELECT ON shop.carts TO alice');
      try {
        expect(await failure(alice, 'LIST ALL PERMISSIONS')).to.equal("Unauthorized: You are not authorized to view everyone's permissions");
        expect(await failure(alice, 'LIST ALL PERMISSIONS OF service')).to.equal("Unauthorized: You are not authorized to view service's permissions");
        expect(await failure(alice, 'LIST ALL PERMISSIONS OF nobody')).to.equal("InvalidRequest: nobody doesn't exist");
        expect(await failure(alice, 'LIST ALL PERMISSIONS ON KEYSPACE nope OF alice')).to.equal("InvalidRequest: <keyspace nope> doesn't exist");
        const own = (await alice.execute('LIST ALL PERMISSIONS OF alice')).rows.map((r) => [r['role'], r['resource'], r['permission']]);
        expect(own).to.deep.equal([['alice', '<table shop.carts>', 'SELECT']]);
        const everyone = (await admin.execute('LIST SELECT ON shop.carts')).rows.map((r) => r['role']);
        expect(everyone).to.include.members(['alice', 'cassandra']);
      } finally {
        await admin.execute('REVOKE SELECT ON shop.carts FROM alice');
      }
    });

    it('refuses a GRANT of what the granting role does not hold itself', async () => {
      expect(await failure(alice, 'GRANT SELECT ON KEYSPACE shop TO service')).to.equal(
        'Unauthorized: User alice has no AUTHORIZE permission on <keyspace shop> or any of its parents',
      );
      await admin.execute('GRANT AUTHORIZE ON KEYSPACE shop TO alice');
      await admin.execute('GRANT SELECT ON KEYSPACE shop TO alice');
      expect(await failure(alice, 'GRANT MODIFY ON KEYSPACE shop TO service')).to.equal(
        'Unauthorized: User alice has no MODIFY permission on <keyspace shop> or any of its parents',
      );
      await alice.execute('GRANT SELECT ON KEYSPACE shop TO service');
      const listed = (await admin.execute('LIST ALL PERMISSIONS OF service')).rows.map((r) => [r['resource'], r['permission']]);
      expect(listed).to.deep.equal([['<keyspace shop>', 'SELECT']]);
      await admin.execute('REVOKE ALL ON KEYSPACE shop FROM alice');
    });

    it('lists every role to a superuser and only its own to another role', async () => {
      const all = (await admin.execute('LIST ROLES')).rows.map((r) => [r['role'], r['super'], r['login']]);
      expect(all).to.deep.include.members([
        ['alice', false, true],
        ['cassandra', true, true],
      ]);
      expect((await alice.execute('LIST ROLES')).rows.map((r) => r['role'])).to.deep.equal(['alice']);
      expect(await failure(alice, 'LIST ROLES OF cassandra')).to.equal('Unauthorized: You are not authorized to view roles granted to cassandra ');
      expect(await failure(alice, 'LIST ROLES OF nobody')).to.equal("InvalidRequest: nobody doesn't exist");
      expect((await alice.execute('LIST ROLES OF alice NORECURSIVE')).rows.map((r) => r['role'])).to.deep.equal(['alice']);
    });
  });

  describe('tools', () => {
    it('sibyltool is refused without credentials and for a role that is not a superuser', async () => {
      const target = ['-h', node.host, '-p', String(node.port)];
      const none = await toolRun('sibyltool.js', [...target, 'version']);
      expect(none).to.deep.include({
        code: 1,
        stderr: `sibyltool: cannot connect to ${node.host}:${node.port}: the node requires authentication; log in with -u USER -pw PASSWORD (a superuser)\n`,
      });
      const plain = await toolRun('sibyltool.js', [...target, '-u', 'alice', '-pw', 'alice-pw', 'version']);
      expect(plain).to.deep.include({ code: 1, stderr: 'sibyltool: User alice is not a superuser: only superusers may run sibyltool commands\n' });
      const su = await toolRun('sibyltool.js', [...target, '-u', 'cassandra', '-pw', SUPERUSER_PASSWORD, 'version']);
      expect(su.code, su.stderr).to.equal(0);
      expect(su.stdout).to.match(/^ReleaseVersion: /);
    });

    it('sibylsh logs in with -u and -p, and fails to connect without them', async () => {
      const ok = await toolRun('sibylsh.js', [node.host, String(node.port), '-u', 'alice', '-p', 'alice-pw', '-e', 'LIST ROLES']);
      expect(ok.code).to.equal(0);
      expect(ok.stdout).to.match(/alice/);
      const none = await toolRun('sibylsh.js', [node.host, String(node.port), '-e', 'LIST ROLES']);
      expect(none.code).to.equal(1);
      expect(none.stderr).to.match(/: Remote end requires authentication: log in with -u USER -p PASSWORD\)"\}\)\n$/);
      const wrong = await toolRun('sibylsh.js', [node.host, String(node.port), '-u', 'alice', '-p', 'nope', '-e', 'LIST ROLES']);
      expect(wrong.code).to.equal(1);
      expect(wrong.stderr.split('\n')).to.have.length(2);
      expect(wrong.stderr).to.match(/Provided username alice and\/or password are incorrect\)"\}\)\n$/);
      const empty = await toolRun('sibylsh.js', [node.host, String(node.port), '-u', '', '-p', '', '-e', 'LIST ROLES']);
      expect(empty.code).to.equal(2);
      expect(empty.stderr.split('\n')[0]).to.equal('sibylsh: -u needs a role name, not an empty string');
    });

    it('sibylsh --ssl to a client port without TLS says so in one line', async () => {
      const plain = await toolRun('sibylsh.js', [node.host, String(node.port), '--ssl', '-u', 'alice', '-p', 'alice-pw', '-e', 'LIST ROLES'], { SSL_VALIDATE: 'false' });
      expect(plain.code).to.equal(1);
      expect(plain.stderr).to.equal(
        `Connection error: ('Unable to connect to any servers', {'${node.host}:${node.port}': "All host(s) tried for query failed (${node.host}:${node.port}: ` +
          `TLS connection to ${node.host}:${node.port} failed: the port does not speak TLS (is client_encryption_options enabled on the node?))"})\n`,
      );
    });
  });
});
