import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { Cleanup, MEMBERSHIP_CHANGE_MESSAGE, NOT_JOINED_MESSAGE, type CleanupDeps } from '../../../src/admin/cleanup.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { KeyspaceMetadata } from '../../../src/schema/table.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import { LAYOUT, layouts, live, partition, row, ck } from '../storage/fixtures.js';
import { formatCleanup } from '../../../src/tools/sibyltool/commands/cleanup.js';

const ring = TokenRing.of([
  { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
  { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
  { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r1' },
  { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r1' },
]);
const ks: KeyspaceMetadata = { name: 'ks', replication: { class: 'SimpleStrategy', factors: { replication_factor: 2 } }, durableWrites: true };
const catalog = {
  keyspace: (name: string) => (name === 'ks' ? ks : undefined),
  keyspaces: () => [ks, { ...ks, name: 'system' }],
  tables: (name: string) => (name === 'ks' ? [{ id: LAYOUT.id, name: 't' }] : []),
} as unknown as CleanupDeps['catalog'];

describe('cleanup', () => {
  let engine: MemoryEngine;
  let statuses: [string, string | undefined][];
  const cleanup = () => new Cleanup({ self: 'b', catalog, engine, ring: () => ring, statuses: () => statuses });
  const stored = async () =>
    (await engine.scan(LAYOUT.id, { start: 0n, end: 0n }, { limitPartitions: 100, withStatic: true })).map((p) => Number(p.token));

  beforeEach(async () => {
    engine = new MemoryEngine({ clock: new ManualClock(), layouts });
    await engine.open();
    for (const k of [5, 15, 25, 35, 45]) await engine.apply([partition(k, { rows: [row(ck(1, 'x'), { marker: live('', 1) })] })]);
    statuses = ['a', 'b', 'c', 'd'].map((ep) => [ep, 'NORMAL']);
  });

  it('deletes exactly the partitions outside the ranges the node replicates, and reports them per table', async () => {
    // At RF 2, b replicates (40,10] and (10,20]: tokens 25 and 35 are not its own.
    const report = await cleanup().run({ tables: [] });
    expect(report.tables.map(({ keyspace, table, partitions, ranges }) => ({ keyspace, table, partitions, ranges }))).to.deep.equal([
      { keyspace: 'ks', table: 't', partitions: 2, ranges: [['20', '40']] },
    ]);
    expect(report.tables[0]!.bytes).to.be.greaterThan(0);
    expect(await stored()).to.deep.equal([5, 15, 45]);
    const again = await cleanup().run({ keyspace: 'ks', tables: ['t'] });
    expect(again.tables[0]).to.include({ partitions: 0, bytes: 0 });
  });

  for (const status of ['BOOT', 'LEAVING', 'REMOVING']) {
    it(`refuses with Cassandra's message while a node has STATUS ${status}, deleting nothing`, async () => {
      statuses.push(['e', status]);
      let error: Error | undefined;
      await cleanup().run({ tables: [] }).catch((err: Error) => (error = err));
      expect(error?.message).to.equal(MEMBERSHIP_CHANGE_MESSAGE);
      expect(MEMBERSHIP_CHANGE_MESSAGE).to.equal('Node is involved in cluster membership changes. Not safe to run cleanup.');
      expect(await stored()).to.deep.equal([5, 15, 25, 35, 45]);
    });
  }

  it('refuses on a node that has not joined the ring', async () => {
    statuses = statuses.filter(([ep]) => ep !== 'b');
    const error = await cleanup().run({ tables: [] }).catch((err: Error) => err);
    expect((error as Error).message).to.equal(NOT_JOINED_MESSAGE);
    expect(await stored()).to.deep.equal([5, 15, 25, 35, 45]);
  });

  it('names an unknown keyspace or table and refuses the system keyspaces', async () => {
    const message = (request: Parameters<Cleanup['run']>[0]) => cleanup().run(request).then(() => 'no error', (err: Error) => err.message);
    expect(await message({ keyspace: 'nope', tables: [] })).to.equal('Keyspace nope does not exist');
    expect(await message({ keyspace: 'ks', tables: ['nope'] })).to.equal('Unknown table ks.nope');
    expect(await message({ keyspace: 'system', tables: [] })).to.equal('Cleanup of the system keyspace is neither necessary nor possible.');
  });

  it('prints a per-table summary with a total', () => {
    const text = formatCleanup({
      tables: [
        { keyspace: 'ks', table: 't', partitions: 2, bytes: 2048, ranges: [] },
        { keyspace: 'ks', table: 'u', partitions: 0, bytes: 0, ranges: [] },
      ],
    });
    expect(text).to.equal(
      'Keyspace  Table  Partitions removed  Bytes removed\n' +
        'ks        t      2                   2 KiB\n' +
        'ks        u      0                   0 bytes\n' +
        'Cleaned up 2 tables: removed 2 partitions (2 KiB).\n',
    );
  });
});
