import { expect } from 'chai';
import { repairWarnings } from '../../../src/admin/repair-warnings.js';
import { lastSuccessfulRepairs, type RepairRecord } from '../../../src/repair/history.js';
import { DEFAULT_TABLE_OPTIONS, type TableMetadata } from '../../../src/schema/table.js';
import { formatHistory, formatLine, progressBar } from '../../../src/tools/sibyltool/commands/repair.js';

const tableOf = (name: string, gcGraceS: number): TableMetadata => ({ keyspace: 'ks', name, id: name, columns: [], options: { ...DEFAULT_TABLE_OPTIONS, gc_grace_seconds: gcGraceS } });
const record = (tables: string[], status: RepairRecord['status'], finishedAtMs: number): RepairRecord => ({
  id: `id-${finishedAtMs}`,
  command: 1,
  keyspace: 'ks',
  tables,
  ranges: ['(0,10]'],
  startedAtMs: finishedAtMs - 1000,
  finishedAtMs,
  status,
  bytesStreamed: 10,
  rowsRepaired: 2,
  partitionsOutOfSync: 2,
});

describe('repair warnings and history', () => {
  it('takes the latest successful repair of each table, ignoring previews and failures', () => {
    const last = lastSuccessfulRepairs([record(['a', 'b'], 'SUCCESS', 1000), record(['a'], 'SUCCESS', 5000), record(['b'], 'PREVIEW', 9000), record(['b'], 'FAILED', 9000)]);
    expect([...last]).to.deep.equal([
      ['ks.a', 5000],
      ['ks.b', 1000],
    ]);
  });

  it('warns about a table last repaired longer ago than its gc_grace_seconds, and only that one', () => {
    const now = Date.UTC(2026, 10, 22);
    const last = new Map([
      ['ks.old', now - 11_000_000],
      ['ks.fresh', now - 1000],
    ]);
    expect(repairWarnings([tableOf('old', 10_000), tableOf('fresh', 10_000), tableOf('never', 10_000)], last, now)).to.deep.equal([
      'Warning: table ks.old was last repaired 11000 seconds ago (2026-11-21T20:56:40.000Z), more than gc_grace_seconds (10000) ago; deleted data may reappear',
    ]);
  });

  it('stamps progress lines as nodetool does, in local time with milliseconds', () => {
    const at = new Date(2026, 10, 22, 3, 4, 5, 678).getTime();
    expect(formatLine({ atMs: at, text: 'Repair completed successfully' })).to.equal('[2026-11-22 03:04:05,678] Repair completed successfully\n');
  });

  it('draws the progress bar in proportion to the ranges done', () => {
    expect(progressBar(0)).to.equal(`[${'.'.repeat(40)}] 0%`);
    expect(progressBar(0.5)).to.equal(`[${'#'.repeat(20)}${'.'.repeat(20)}] 50%`);
    expect(progressBar(1)).to.equal(`[${'#'.repeat(40)}] 100%`);
  });

  it('prints the history as a table, with the errors of failed runs below it', () => {
    const failed = { ...record(['a'], 'FAILED', new Date(2026, 10, 22, 3, 0, 1, 0).getTime()), error: 'endpoint 127.0.0.3:7000 died' };
    const lines = formatHistory([failed]).split('\n');
    expect(lines[0]!.split(/\s+/)).to.deep.equal(['id', 'keyspace', 'tables', 'status', 'started', 'finished', 'ranges', 'rows', 'repaired', 'bytes', 'streamed']);
    expect(lines[1]!.split(/\s{2,}/)).to.deep.equal([failed.id, 'ks', 'a', 'FAILED', '2026-11-22 03:00:00,000', '2026-11-22 03:00:01,000', '1', '2', '10']);
    expect(lines[2]).to.equal(`${failed.id}: endpoint 127.0.0.3:7000 died`);
    expect(formatHistory([])).to.equal('No repair has run on this node.\n');
  });
});
