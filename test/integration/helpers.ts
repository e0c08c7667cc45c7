/**
 * Shared pieces of the integration suites: one node and one connected client
 * per file, and an assertion that a request fails with an exact error.
 */
import { expect } from 'chai';
import { Client } from '../../src/client/index.js';
import { removeDir, startNode, type NodeProcess } from './harness.js';

export interface Session {
  node: NodeProcess;
  client: Client;
}

/** Starts a node on port 0, connects a client at ONE and creates `keyspaces` (RF 1). */
export async function openSession(keyspaces: string[] = []): Promise<Session> {
  const node = await startNode();
  const client = new Client({ contactPoints: [`${node.host}:${node.port}`], consistency: 'ONE' });
  await client.connect();
  for (const ks of keyspaces) {
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  }
  return { node, client };
}

export async function closeSession(session: Session | undefined): Promise<void> {
  if (!session) return;
  await session.client.shutdown();
  await session.node.stop();
  removeDir(session.node.dataDir);
}

/** Awaits `promise`, expecting it to reject with an instance of `type` whose message is exactly `message` (or matches it). */
export async function expectFailure(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: string | RegExp,
): Promise<Error> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the request should have failed').to.be.instanceOf(type);
  const text = (err as Error).message;
  if (typeof message === 'string') expect(text).to.equal(message);
  else expect(text).to.match(message);
  return err as Error;
}

/** The rows of a result as plain objects, for deep equality. */
export function plain(rows: Iterable<Record<string, unknown>>): Record<string, unknown>[] {
  return [...rows].map((r) => ({ ...r }));
}
