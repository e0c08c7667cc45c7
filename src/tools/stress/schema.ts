/**
 * The stress keyspace and table, created if missing. Both statements go to
 * one node (the first host that answers), so the table never reaches a node
 * that has not yet seen its keyspace; then, as Cassandra's drivers do after
 * DDL, the run waits until every host that answers reports the same schema
 * version. A host that does not answer is left out, as cassandra-stress's
 * driver leaves out a contact point that is down: a node taken down to
 * rehearse a failure must not stop the run.
 */
import type { Clock } from '../../clock/clock.js';
import { Client } from '../../client/index.js';
import type { StressOptions } from './options.js';
import { TABLE } from './workload.js';

/** Milliseconds to wait for every host to agree on the schema. */
export const SCHEMA_AGREEMENT_TIMEOUT_MS = 10_000;
const SCHEMA_POLL_MS = 200;

/** A host of `--hosts` that could not be reached, and why. */
export interface UnreachableHost {
  host: string;
  reason: string;
}

/** Creates the schema through the hosts that answer and returns those that did not; fails only if none answers. */
export async function createSchema(clock: Clock, options: StressOptions): Promise<UnreachableHost[]> {
  const clients = options.hosts.map((host) => new Client({ contactPoints: [host], clock }));
  try {
    const connected = await Promise.allSettled(clients.map((c) => c.connect()));
    const unreachable: UnreachableHost[] = [];
    const live: { client: Client; host: string }[] = [];
    connected.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') live.push({ client: clients[i]!, host: options.hosts[i]! });
      else unreachable.push({ host: options.hosts[i]!, reason: (outcome.reason as Error).message });
    });
    if (live.length === 0) throw (connected[0] as PromiseRejectedResult).reason;
    const first = live[0]!.client;
    await first.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${options.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${options.replicationFactor}}`,
    );
    await first.execute(`CREATE TABLE IF NOT EXISTS ${options.keyspace}.${TABLE} (key blob PRIMARY KEY, value blob)`);
    await waitForSchemaAgreement(
      clock,
      live.map((l) => l.client),
      live.map((l) => l.host),
    );
    return unreachable;
  } finally {
    await Promise.all(clients.map((c) => c.shutdown()));
  }
}

async function waitForSchemaAgreement(clock: Clock, clients: Client[], hosts: string[]): Promise<void> {
  const deadline = clock.nowMs() + SCHEMA_AGREEMENT_TIMEOUT_MS;
  for (;;) {
    const versions = await Promise.all(clients.map(async (c) => String((await c.execute('SELECT schema_version FROM system.local')).first()?.['schema_version'])));
    if (new Set(versions).size === 1) return;
    if (clock.nowMs() >= deadline) {
      const seen = hosts.map((h, i) => `${h} ${versions[i]}`).join(', ');
      throw new Error(`hosts did not agree on the schema within ${SCHEMA_AGREEMENT_TIMEOUT_MS} ms (${seen})`);
    }
    await new Promise<void>((res) => clock.setTimeout(res, SCHEMA_POLL_MS));
  }
}
