import { expect } from 'chai';
import { createAdminHandler } from '../../../src/admin/handler.js';
import type { NodeView } from '../../../src/admin/node-view.js';
import type { RepairRecord } from '../../../src/repair/history.js';
import type { RepairOptions } from '../../../src/repair/service.js';
import { FakeNodeView } from './fake-view.js';

/** A repair service that records what it was asked. */
class FakeRepair implements NonNullable<NodeView['repair']> {
  started: RepairOptions[] = [];
  history: () => Promise<RepairRecord[]> = async () => [];
  start(options: RepairOptions) {
    this.started.push(options);
    return { job: this.started.length };
  }
  status(job: number, from: number) {
    return { job, lines: [{ atMs: 1, text: `from ${from}` }], next: from + 1, done: true, succeeded: true, progress: 1, totals: { rangesOutOfSync: 0, partitionsOutOfSync: 0, rowsOutOfSync: 0, partitionsStreamed: 0, bytesStreamed: 0 } };
  }
  async merkleRoot() {
    return { root: 'ab', partitions: 0, cells: 0, depth: 15, asOfS: 1 };
  }
}

class RepairingView extends FakeNodeView {
  readonly repair = new FakeRepair();
}

describe('repair admin commands', () => {
  it('starts a job with the options given, tokens as 64-bit integers', async () => {
    const view = new RepairingView();
    const handler = createAdminHandler(view);
    expect(await handler('repair', { keyspace: 'ks', tables: ['t'], primaryRange: true, preview: true, startToken: '-9223372036854775808', endToken: '42' })).to.deep.equal({ job: 1 });
    expect(view.repair.started).to.deep.equal([{ keyspace: 'ks', tables: ['t'], primaryRange: true, preview: true, startToken: -(2n ** 63n), endToken: 42n }]);
  });

  it('refuses a token that is not an integer or outside the Murmur3 range, naming the argument', async () => {
    const handler = createAdminHandler(new RepairingView());
    await handler('repair', { startToken: 'abc', endToken: '1' }).then(
      () => expect.fail('accepted'),
      (err: Error) => expect(err.message).to.equal("repair: argument 'startToken' must be a token (a 64-bit integer), got 'abc'"),
    );
    await handler('repair', { startToken: '1', endToken: String(2n ** 63n) }).then(
      () => expect.fail('accepted'),
      (err: Error) => expect(err.message).to.equal(`repair: token ${2n ** 63n} is outside the Murmur3 range`),
    );
  });

  it('hands out progress from the offset asked', async () => {
    const handler = createAdminHandler(new RepairingView());
    const status = (await handler('repairstatus', { job: 1, from: 3 })) as { lines: { text: string }[]; next: number };
    expect(status.lines.map((l) => l.text)).to.deep.equal(['from 3']);
    expect(status.next).to.equal(4);
  });

  it('says so on a node without a repair service', async () => {
    const handler = createAdminHandler(new FakeNodeView());
    await handler('repair', {}).then(
      () => expect.fail('accepted'),
      (err: Error) => expect(err.message).to.equal('repair: this node runs no repair service'),
    );
  });
});
