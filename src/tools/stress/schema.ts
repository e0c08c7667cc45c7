/**
 * The stress keyspace and table, created if missing. Both statements go to
 * one node (the first host), so the table never reaches a node that has not
 * yet seen its keyspace; then, as Cassandra's drivers do after DDL, the run
 * waits until every host reports the same schema version.
 */
import type { Clock } from '../../clock/clock.js';
import { Client } from '../../client/index.js';
import type { StressOptions } from './options.js';
import { TABLE } from './workload.js';

/** Milliseconds to wait for every host to agree on the schema. */
export const SCHEMA_AGREEMENT_TIMEOUT_MS = 10_000;
const SCHEMA_POLL_MS = 200;

export async function createSchema(clock: Clock, options: StressOptions): Promise<void> {
  const clients = options.hosts.map((host) => new Client({ contactPoints: [host], clock }));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const first = clients[0]!;
    await first.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${options.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${options.replicationFactor}}`,
    );
    await first.execute(`CREATE TABLE IF NOT EXISTS ${options.keyspace}.${TABLE} (key blob PRIMARY KEY, value blob)`);
    await waitForSchemaAgreement(clock, clients, options.hosts);
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
