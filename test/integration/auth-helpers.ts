/** Logging in to real nodes that run PasswordAuthenticator, for the auth integration tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import type { NodeProcess } from './harness.js';

export const SUPERUSER_PASSWORD = 'first-superuser-pw';

/** Writes an auth-enabled config into dir and returns its path. */
export function authConfig(dir: string, extra = ''): string {
  const file = join(dir, 'sibyl.yaml');
  writeFileSync(
    file,
    `authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nauth_superuser_setup_delay: 0\n` +
      `auth_superuser_password: ${SUPERUSER_PASSWORD}\n${extra}`,
  );
  return file;
}

/** Connects as the given role; rejects with the driver's error when the login fails. */
export async function login(node: NodeProcess, username?: string, password?: string): Promise<Client> {
  const client = new Client({
    contactPoints: [`${node.host}:${node.port}`],
    discoverNodes: false,
    maxSchemaAgreementWaitSeconds: 0,
    ...(username !== undefined ? { credentials: { username, password: password ?? '' } } : {}),
  });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.shutdown();
    throw err;
  }
}

/** Logs in, retrying while the role is not there yet (the superuser is created just after start). */
export async function loginEventually(node: NodeProcess, username: string, password: string, deadlineMs = 30_000): Promise<Client> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await login(node, username, password);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

