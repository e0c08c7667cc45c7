/**
 * A fresh in-memory query processor (MemoryEngine, schema catalog, local
 * coordinator) holding keyspace `ks` with tables of every kind of column, for
 * the targets that run what they decoded. Each checked input gets its own,
 * so an input's outcome never depends on the inputs before it and a replay of
 * one iteration behaves as it did in the run.
 */
import { ManualClock } from '../../src/clock/clock.js';
import { LocalCoordinator } from '../../src/coordinator/local.js';
import { CqlQueryProcessor } from '../../src/cql/query-processor.js';
import { SchemaCatalog } from '../../src/cql/schema-catalog.js';
import { tableLayout } from '../../src/schema/table.js';
import { MemoryEngine } from '../../src/storage/memory-engine.js';
import { DEFAULT_SETTINGS } from '../../src/util/settings.js';

export const FUZZ_SCHEMA = [
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  'CREATE TABLE ks.t (k int, c text, v text, n bigint, s int STATIC, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)',
  'CREATE TABLE ks.coll (k text PRIMARY KEY, tags set<text>, scores map<text, int>, items list<blob>, f frozen<list<int>>)',
  'CREATE TABLE ks.kv (k int PRIMARY KEY, v text, u uuid, ts timestamp, d double, b boolean)',
];

const START_US = 1_700_000_000_000_000;

export async function memoryProcessor(): Promise<CqlQueryProcessor> {
  const clock = new ManualClock(START_US);
  let catalog: SchemaCatalog | undefined;
  const storage = new MemoryEngine({
    clock,
    layouts: (id) => {
      const table = catalog?.tableById(id);
      return table ? tableLayout(table) : undefined;
    },
  });
  await storage.open();
  catalog = new SchemaCatalog(storage, undefined, clock);
  await catalog.load();
  const processor = new CqlQueryProcessor({
    catalog,
    coordinator: new LocalCoordinator(storage),
    clock,
    settings: DEFAULT_SETTINGS,
  });
  for (const statement of FUZZ_SCHEMA) await processor.query({}, statement, { consistency: 'ONE' });
  await processor.query({}, "INSERT INTO ks.t (k, c, v, n, s) VALUES (1, 'a', 'x', 5, 9)", { consistency: 'ONE' });
  return processor;
}
