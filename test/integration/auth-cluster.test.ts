/**
 * Roles across real nodes: the first superuser's generated password is
 * printed once, by one node, at the cluster's first start; a role created
 * through one node logs in through another, since system_auth is replicated.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { removeDir, startNode, tempDir, type NodeProcess } from './harness.js';
import { login, loginEventually } from './auth-helpers.js';

const GENERATED = /Created superuser role 'cassandra' with generated password: (\S+) /;

async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('authentication across a cluster', function () {
  this.timeout(90_000);
  const dirs: string[] = [];
  const nodes: NodeProcess[] = [];

  after(async () => {
    for (const n of nodes) await n.stop();
    for (const d of dirs) removeDir(d);
  });

  it('prints a generated superuser password once, and a role made on one node logs in on another', async () => {
    const configDir = tempDir();
    dirs.push(configDir);
    const config = join(configDir, 'sibyl.yaml');
    writeFileSync(config, 'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nauth_superuser_setup_delay: 0\n');
    const dataA = tempDir();
    const dataB = tempDir();
    dirs.push(dataA, dataB);

    const a = await startNode({ host: '127.0.0.1', dataDir: dataA, args: ['--config', config] });
    nodes.push(a);
    const password = await waitFor('the generated password', () => GENERATED.exec(a.stderr())?.[1]);
    expect(password).to.match(/^[A-Za-z0-9_-]{24}$/);
    const admin = await loginEventually(a, 'cassandra', password);
    await admin.execute("CREATE ROLE alice WITH PASSWORD = 'alice-pw' AND LOGIN = true");
    await admin.shutdown();

    const b = await startNode({ host: '127.0.0.2', dataDir: dataB, args: ['--config', config, '--seeds', a.endpoint], timeoutMs: 30_000 });
    nodes.push(b);
    const alice = await loginEventually(b, 'alice', 'alice-pw');
    await alice.shutdown();
    expect(b.stderr()).to.not.match(GENERATED);

    // A restarted node finds the roles already there and prints nothing.
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    const again = await startNode({ host: '127.0.0.1', dataDir: dataA, args: ['--config', config] });
    nodes.push(again);
    (await loginEventually(again, 'cassandra', password)).shutdown();
    expect(again.stderr()).to.not.match(GENERATED);
    try {
      await (await login(again, 'cassandra', 'cassandra')).shutdown();
      expect.fail('the well-known cassandra/cassandra login worked');
    } catch (err) {
      expect(String(err)).to.match(/incorrect/);
    }
  });
});
