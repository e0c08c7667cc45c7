import { expect } from 'chai';
import { harness, START_US, type Harness } from './harness.js';

/** The timestamp of the cell `v` the last write applied. */
function writtenAt(h: Harness): number {
  return h.last()[0]!.rows[0]!.cells.find((c) => c.column === 'v')!.cell.timestampUs;
}

describe('write timestamps and clock skew', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ timestamp_skew_warn: 1000, max_clock_drift: 5000 });
    await h.run(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await h.run('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
  });

  it('warns the client, and still applies, when a timestamp is further ahead than timestamp_skew_warn', async () => {
    const ahead = START_US + 3_000_000;
    const result = await h.run(`INSERT INTO ks.t (k, v) VALUES (1, 1) USING TIMESTAMP ${ahead}`);
    expect(result.warnings).to.deep.equal([
      `Timestamp ${ahead} is 3.0 s in the future of this node's clock (timestamp_skew_warn is 1000 ms)`,
    ]);
    expect(writtenAt(h)).to.equal(ahead);
  });

  it('says nothing for a timestamp within timestamp_skew_warn, or one from the client driver that is on time', async () => {
    expect((await h.run(`INSERT INTO ks.t (k, v) VALUES (1, 1) USING TIMESTAMP ${START_US + 900_000}`)).warnings).to.deep.equal([]);
    expect((await h.run('INSERT INTO ks.t (k, v) VALUES (2, 2)', START_US)).warnings).to.deep.equal([]);
  });

  it('stamps its own writes after a client timestamp it has seen, so they win under last-write-wins', async () => {
    const ahead = START_US + 2_000_000;
    await h.run(`INSERT INTO ks.t (k, v) VALUES (1, 1) USING TIMESTAMP ${ahead}`);
    await h.run('UPDATE ks.t SET v = 2 WHERE k = 1');
    expect(writtenAt(h)).to.equal(ahead + 1);
  });

  it('does not follow a timestamp further ahead than max_clock_drift', async () => {
    await h.run(`INSERT INTO ks.t (k, v) VALUES (1, 1) USING TIMESTAMP ${START_US + 60_000_000}`);
    await h.run('UPDATE ks.t SET v = 2 WHERE k = 1');
    expect(writtenAt(h)).to.be.below(START_US + 1_000);
  });

  it('never goes backwards when the wall clock does', async () => {
    await h.run('UPDATE ks.t SET v = 1 WHERE k = 1');
    const first = writtenAt(h);
    h.clock.set(START_US - 10_000_000);
    await h.run('UPDATE ks.t SET v = 2 WHERE k = 1');
    expect(writtenAt(h)).to.equal(first + 1);
  });
});
