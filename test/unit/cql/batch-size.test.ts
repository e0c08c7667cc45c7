import { expect } from 'chai';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { harness, rejects, type Harness } from './harness.js';

/** Two single-row partitions whose v holds `n` characters: each counts 16 (row marker) + 16 + n bytes. */
function twoRowBatch(n: number, type = ''): string {
  const v = 'x'.repeat(n);
  return `BEGIN ${type} BATCH INSERT INTO ks.t (k, v) VALUES (1, '${v}'); INSERT INTO ks.t (k, v) VALUES (2, '${v}'); APPLY BATCH`;
}

describe('batch_size_warn_threshold and batch_size_fail_threshold', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ batch_size_warn_threshold: 1, batch_size_fail_threshold: 2 });
    await h.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await h.run('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
  });

  it('a batch at the warn threshold is applied without a warning', async () => {
    const result = await h.run(twoRowBatch(480)); // 2 × (32 + 480) = 1024 bytes
    expect(result.warnings).to.deep.equal([]);
    expect(h.last()).to.have.length(2);
  });

  it('a batch past the warn threshold is applied and warns with Cassandra\'s text', async () => {
    const result = await h.run(twoRowBatch(500)); // 2 × 532 = 1064 bytes
    expect(result.warnings).to.deep.equal(['Batch for [ks.t] is of size 1064, exceeding specified threshold of 1024 by 40.']);
    expect(h.last()).to.have.length(2);
  });

  it('a batch past the fail threshold is refused, naming the setting, and nothing is written', async () => {
    const before = h.storage.applied.length;
    await rejects(h.run(twoRowBatch(1000)), InvalidRequestError,
      'Batch too large: batch for [ks.t] is of size 2064, exceeding batch_size_fail_threshold (2048 bytes) by 16');
    expect(h.storage.applied.length).to.equal(before);
  });

  it('a batch on a single partition is never checked, however large', async () => {
    const v = 'x'.repeat(4000);
    const result = await h.run(`BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (1, '${v}'); UPDATE ks.t SET v = '${v}' WHERE k = 1; APPLY BATCH`);
    expect(result.warnings).to.deep.equal([]);
  });

  it('the tables are listed as Cassandra lists them', async () => {
    await h.run('CREATE TABLE ks.u (k int PRIMARY KEY, v text)');
    const v = 'x'.repeat(500);
    const result = await h.run(`BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (1, '${v}'); INSERT INTO ks.u (k, v) VALUES (2, '${v}'); APPLY BATCH`);
    expect(result.warnings).to.deep.equal(['Batch for [ks.t, ks.u] is of size 1064, exceeding specified threshold of 1024 by 40.']);
  });
});
