import { expect } from 'chai';
import { createAdminHandler } from '../../../src/admin/handler.js';
import type { HintsView, PendingHintsView, ReadRepairStats } from '../../../src/admin/node-view.js';
import type { DumpAnswer } from '../../../src/admin/commands/dump.js';
import type { InfoAnswer } from '../../../src/admin/commands/info.js';
import type { ListPendingHintsAnswer } from '../../../src/admin/commands/listpendinghints.js';
import type { NetstatsAnswer } from '../../../src/admin/commands/netstats.js';
import { serialize } from '../../../src/schema/codec.js';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import type { Partition } from '../../../src/storage/model.js';
import { formatInfo } from '../../../src/tools/sibyltool/commands/info.js';
import { formatPendingHints } from '../../../src/tools/sibyltool/commands/listpendinghints.js';
import { formatNetstats } from '../../../src/tools/sibyltool/commands/netstats.js';
import { formatHandoffStatus } from '../../../src/tools/sibyltool/commands/statushandoff.js';
import { FakeNodeView } from './fake-view.js';

const HOST_3 = '33333333-3333-4333-8333-333333333333';

class FakeHints implements HintsView {
  enabled = true;
  targets: PendingHintsView[] = [];
  dropped = new Map<string, number>();
  truncated: (string | undefined)[] = [];
  isEnabled() {
    return this.enabled;
  }
  setEnabled(enabled: boolean) {
    this.enabled = enabled;
  }
  pending() {
    return this.targets;
  }
  async truncate(target?: string) {
    this.truncated.push(target);
    return 7;
  }
  droppedByTarget() {
    return this.dropped;
  }
  stats() {
    return { stored: 12, dropped: 3, replayed: 9, replayFailures: 1 };
  }
}

class HintedView extends FakeNodeView {
  readonly hints = new FakeHints();
  stored: Partition | undefined;
  readRepairStats(): ReadRepairStats {
    return { attempted: 4, mismatchBlocking: 2, mismatchBackground: 0 };
  }
  async localPartition(tableId: string, key: Buffer): Promise<Partition | undefined> {
    return this.stored && this.stored.tableId === tableId && this.stored.key.equals(key) ? this.stored : undefined;
  }
}

describe('admin commands: hinted handoff, netstats and dump', () => {
  let view: HintedView;
  let run: (command: string, args?: Record<string, unknown>) => Promise<unknown>;
  beforeEach(() => {
    view = new HintedView();
    const handler = createAdminHandler(view);
    run = (command, args = {}) => handler(command, args);
  });

  it('statushandoff, disablehandoff and enablehandoff report and switch hint storage', async () => {
    expect(formatHandoffStatus((await run('statushandoff')) as { running: boolean })).to.equal('Hinted handoff is running\n');
    expect(await run('disablehandoff')).to.deep.equal({ running: false });
    expect(formatHandoffStatus((await run('statushandoff')) as { running: boolean })).to.equal('Hinted handoff is not running\n');
    expect(await run('enablehandoff')).to.deep.equal({ running: true });
  });

  it('listpendinghints names each target with its ring state and prints nodetool table', async () => {
    expect(formatPendingHints((await run('listpendinghints')) as ListPendingHintsAnswer, false)).to.equal('This node does not have any pending hints\n');
    view.hints.targets = [{ hostId: HOST_3, endpoint: '127.0.0.3:7000', count: 1000, bytes: 2048, oldestMs: 1_700_000_000_000, newestMs: 1_700_000_001_500 }];
    const answer = (await run('listpendinghints')) as ListPendingHintsAnswer;
    expect(answer.targets).to.deep.equal([
      { hostId: HOST_3, address: '127.0.0.3:7000', rack: 'r2', dc: 'dc2', status: 'DOWN', totalHints: 1000, totalBytes: 2048, newestMs: 1_700_000_001_500, oldestMs: 1_700_000_000_000 },
    ]);
    expect(formatPendingHints(answer, false)).to.equal(
      'Host ID                               Address    Rack  DC   Status  Total hints  Total bytes  Newest                   Oldest\n' +
        `${HOST_3}  127.0.0.3  r2    dc2  DOWN    1000         2 KiB        2023-11-14 22:13:21,500  2023-11-14 22:13:20,000\n`,
    );
  });

  it('truncatehints passes the host on, or none for every target', async () => {
    expect(await run('truncatehints', { host: '127.0.0.3' })).to.deep.equal({ removed: 7 });
    await run('truncatehints');
    expect(view.hints.truncated).to.deep.equal(['127.0.0.3', undefined]);
  });

  it('netstats prints read repair and hints in nodetool layout, and no streams', async () => {
    view.hints.targets = [{ hostId: HOST_3, endpoint: '127.0.0.3:7000', count: 5, bytes: 500, oldestMs: 0, newestMs: 0 }];
    expect(formatNetstats((await run('netstats')) as NetstatsAnswer)).to.equal(
      'Mode: NORMAL\n' +
        'Not sending any streams.\n' +
        'Read Repair Statistics:\n' +
        'Attempted: 4\n' +
        'Mismatch (Blocking): 2\n' +
        'Mismatch (Background): 0\n' +
        'Hinted Handoff: running\n' +
        'Pending hints: 5 (500 bytes) for 1 endpoint\n' +
        'Hints stored: 12, replayed: 9, dropped: 3\n',
    );
  });

  it('info reports dropped hints, whose targets need repair, and says nothing when none were dropped', async () => {
    const clean = (await run('info')) as InfoAnswer;
    expect(clean.hintsDropped).to.equal(0);
    expect(formatInfo(clean, false)).not.to.contain('Hints dropped');
    view.hints.dropped = new Map([[HOST_3, 3], ['other', 2]]);
    const answer = (await run('info')) as InfoAnswer;
    expect(formatInfo(answer, false)).to.contain('\nHints dropped: 5 (ranges need repair)\n');
  });

  it('dump shows every cell with its write time, ttl and tombstones, as stored locally', async () => {
    await view.ddl(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await view.ddl('CREATE TABLE ks.t (k int, c text, v text, tags set<text>, PRIMARY KEY (k, c))');
    const table = view.catalog.requireTable('ks', 't');
    const int = (n: number) => serialize(parseTypeName('int'), n, 'v');
    const text = (s: string) => serialize(parseTypeName('text'), s, 'v');
    view.stored = {
      tableId: table.id,
      key: int(1),
      token: 0n,
      deletion: { timestampUs: 5, localDeletionTimeS: 100 },
      rangeTombstones: [{ start: { prefix: [text('a')], inclusive: true }, end: { prefix: [text('b')], inclusive: false }, deletion: { timestampUs: 6, localDeletionTimeS: 101 } }],
      rows: [
        {
          clustering: [text('x')],
          isStatic: false,
          marker: { value: Buffer.alloc(0), timestampUs: 10, ttlS: 0, localDeletionTimeS: 0x7fffffff },
          collectionDeletions: [{ column: 'tags', deletion: { timestampUs: 9, localDeletionTimeS: 102 } }],
          cells: [
            { column: 'tags', path: text('red'), cell: { value: Buffer.alloc(0), timestampUs: 10, ttlS: 0, localDeletionTimeS: 0x7fffffff } },
            { column: 'v', cell: { value: text('hello'), timestampUs: 11, ttlS: 60, localDeletionTimeS: 2000 } },
          ],
        },
        { clustering: [text('y')], isStatic: false, deletion: { timestampUs: 12, localDeletionTimeS: 103 }, collectionDeletions: [], cells: [{ column: 'v', cell: { value: null, timestampUs: 13, ttlS: 0, localDeletionTimeS: 104 } }] },
      ],
    };
    const answer = (await run('dump', { keyspace: 'ks', table: 't', key: '1' })) as DumpAnswer;
    expect(answer).to.deep.equal({
      endpoint: '127.0.0.1:7000',
      partitions: [
        {
          partition: { key: ['1'], token: '0', deletion_info: { marked_deleted: 5, local_delete_time: 100 } },
          rows: [
            {
              type: 'row',
              clustering: ['x'],
              liveness_info: { tstamp: 10 },
              cells: [
                { name: 'tags', deletion_info: { marked_deleted: 9, local_delete_time: 102 } },
                { name: 'tags', path: 'red', tstamp: 10 },
                { name: 'v', value: 'hello', tstamp: 11, ttl: 60, expires_at: 2000 },
              ],
            },
            { type: 'row', clustering: ['y'], deletion_info: { marked_deleted: 12, local_delete_time: 103 }, cells: [{ name: 'v', tstamp: 13, deletion_info: { local_delete_time: 104 } }] },
            { type: 'range_tombstone', start: { clustering: ['a'], inclusive: true }, end: { clustering: ['b'], inclusive: false }, deletion_info: { marked_deleted: 6, local_delete_time: 101 } },
          ],
        },
      ],
    });
    expect(await run('dump', { keyspace: 'ks', table: 't', key: '2' })).to.deep.equal({ endpoint: '127.0.0.1:7000', partitions: [] });
  });
});
