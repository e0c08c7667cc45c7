import { expect } from 'chai';
import { SystemClock } from '../../../src/clock/clock.js';
import { seededRandom } from '../../../src/clock/random.js';
import { MessagingService } from '../../../src/net/messaging.js';
import { lastSuccessfulRepairs } from '../../../src/repair/history.js';
import { registerRepairHandlers } from '../../../src/repair/replica.js';
import { RepairService, type RepairJobStatus } from '../../../src/repair/service.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import { DEFAULT_TABLE_OPTIONS, tableLayout, type KeyspaceMetadata, type TableMetadata } from '../../../src/schema/table.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { int, live, partition, row } from '../storage/fixtures.js';

const clock = new SystemClock();
const keyspace: KeyspaceMetadata = { name: 'ks', replication: { class: 'SimpleStrategy', factors: { replication_factor: 2 } }, durableWrites: true };
const table: TableMetadata = {
  keyspace: 'ks',
  name: 't',
  id: '5b6962f0-0000-4000-8000-0000000000aa',
  columns: [
    { name: 'k', type: parseTypeName('int'), kind: 'partition_key', position: 0 },
    { name: 'v', type: parseTypeName('text'), kind: 'regular', position: 0 },
  ],
  options: { ...DEFAULT_TABLE_OPTIONS },
};
const layout = tableLayout(table);
const layouts = (id: string) => (id === table.id ? layout : undefined);
const schema = {
  keyspace: (name: string) => (name === 'ks' ? keyspace : undefined),
  keyspaces: () => [keyspace],
  tables: (name: string) => (name === 'ks' ? [table] : []),
};

/** Partition k of table ks.t, token k. */
const rowOf = (k: number) => ({ ...partition(k), tableId: table.id, key: int(k), rows: [row([], { cells: [{ column: 'v', cell: live(`v${k}`, 1000) }] })] });

describe('repair service', () => {
  let nodes: { messaging: MessagingService; engine: MemoryEngine; service: RepairService }[] = [];
  const alive = new Set<string>();

  beforeEach(async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, storage_port: 0, repair_merkle_depth: 8 };
    const services: MessagingService[] = [];
    for (let i = 0; i < 2; i++) {
      const messaging = new MessagingService({ settings, clock, log: silentLogger });
      await messaging.listen();
      services.push(messaging);
      alive.add(messaging.self);
    }
    const ring = TokenRing.of(services.map((m, i) => ({ id: m.self, tokens: [BigInt(i * 1000)], dc: 'dc1', rack: 'r1' })));
    nodes = [];
    for (const messaging of services) {
      const engine = new MemoryEngine({ clock, layouts });
      await engine.open();
      registerRepairHandlers(messaging, { engine, layouts });
      const service = new RepairService({
        self: messaging.self,
        messaging,
        engine,
        schema,
        ring: () => ring,
        isAlive: (ep) => alive.has(ep),
        settings,
        clock,
        random: seededRandom(7),
        log: silentLogger,
      });
      nodes.push({ messaging, engine, service });
    }
    const all = Array.from({ length: 50 }, (_, i) => rowOf(i * 40));
    await nodes[0]!.engine.apply(all);
    await nodes[1]!.engine.apply(all.filter((_, i) => i % 10 !== 3));
  });

  afterEach(async () => {
    for (const n of nodes) await n.messaging.close();
    alive.clear();
  });

  async function finished(service: RepairService, job: number): Promise<RepairJobStatus & { text: string[] }> {
    const text: string[] = [];
    let from = 0;
    for (;;) {
      const status = service.status(job, from);
      text.push(...status.lines.map((l) => l.text));
      from = status.next;
      if (status.done) return { ...status, text };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('previews, repairs, and records both runs in the history', async () => {
    const service = nodes[0]!.service;
    const preview = await finished(service, service.start({ keyspace: 'ks', preview: true }).job);
    expect(preview.succeeded).to.equal(true);
    expect(preview.totals.rowsOutOfSync).to.equal(5);
    expect(preview.text[0]).to.match(
      /^Starting repair command #1 \([0-9a-f-]{36}\), repairing keyspace ks with repair options \(parallelism: parallel, primary range: false, incremental: false, job threads: 1, ColumnFamilies: \[t\], dataCenters: \[\], hosts: \[\], previewKind: ALL, # of ranges: 2, pull repair: false\)$/,
    );
    expect(preview.text.filter((l) => / finished \(progress: \d+%\)$/.test(l))).to.have.length(2);
    expect(preview.text).to.include('Previewed data was out of sync: 2 ranges, 5 partitions (5 rows) would be streamed');
    expect(preview.text.slice(-2)[0]).to.equal('Repair completed successfully');
    expect(preview.text.slice(-1)[0]).to.match(/^Repair command #1 finished in \d+ seconds?$/);

    const repair = await finished(service, service.start({ keyspace: 'ks' }).job);
    expect(repair.succeeded).to.equal(true);
    expect(repair.totals.partitionsStreamed).to.equal(5);
    expect(repair.progress).to.equal(1);
    expect(await nodes[1]!.engine.scan(table.id, { start: 0n, end: 0n }, { limitPartitions: 1000, withStatic: true })).to.have.length(50);

    const history = await service.history();
    expect(history.map((r) => [r.command, r.keyspace, r.tables, r.status, r.rowsRepaired, r.ranges.length])).to.deep.equal([
      [1, 'ks', ['t'], 'PREVIEW', 0, 2],
      [2, 'ks', ['t'], 'SUCCESS', 5, 2],
    ]);
    expect(history[1]!.bytesStreamed).to.equal(repair.totals.bytesStreamed);
    expect([...lastSuccessfulRepairs(history).keys()]).to.deep.equal(['ks.t']);
  });

  it('fails a range whose replica gossip sees down, naming it, and records the failure', async () => {
    alive.delete(nodes[1]!.messaging.self);
    const service = nodes[0]!.service;
    const status = await finished(service, service.start({ keyspace: 'ks' }).job);
    expect(status.succeeded).to.equal(false);
    expect(status.error).to.match(new RegExp(`^Repair session [0-9a-f-]{36} for range \\[\\(-?\\d+,-?\\d+\\]\\] failed: endpoint ${nodes[1]!.messaging.self} is down$`));
    expect(status.text.slice(-1)[0]).to.equal('Repair command #1 finished with error');
    expect((await service.history()).map((r) => r.status)).to.deep.equal(['FAILED']);
  });

  it('refuses an unknown keyspace or table, and -st without -et, before starting', () => {
    const service = nodes[0]!.service;
    expect(() => service.start({ keyspace: 'nope' })).to.throw('Keyspace nope does not exist');
    expect(() => service.start({ keyspace: 'ks', tables: ['nope'] })).to.throw('Unknown table ks.nope');
    expect(() => service.start({ keyspace: 'ks', startToken: 5n })).to.throw('-st and -et must be given together');
  });

  it('reports an unknown job', () => {
    expect(() => nodes[0]!.service.status(99, 0)).to.throw('no repair job 99 on this node');
  });
});
