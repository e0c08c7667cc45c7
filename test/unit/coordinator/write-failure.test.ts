import { expect } from 'chai';
import type { Partition } from '../../../src/storage/model.js';
import { DiskWriteError } from '../../../src/storage/disk-errors.js';
import { WriteFailureError, WriteTimeoutError } from '../../../src/util/errors.js';
import { ck, live, partition, row } from '../storage/fixtures.js';
import { simpleKeyspace, TestCluster } from './harness.js';

const KS3 = simpleKeyspace(3);

function cellPartition(key: number, value: string, timestampUs: number): Partition {
  return partition(key, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live(value, timestampUs) }] })] });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('a replica whose disk refuses a write', function () {
  this.timeout(10_000);
  let cluster: TestCluster;
  afterEach(() => cluster?.close());

  /** Node `i`'s storage fails every write as a full disk would. */
  function fillDisk(i: number): void {
    const engine = cluster.node(i).engine;
    engine.apply = () => Promise.reject(new DiskWriteError('/data/n' + i, 'No space left on device', 'ENOSPC', 'IO error: 000003.log: No space left on device'));
  }

  it('makes an ALL write a WriteFailure naming the replica and its reason, at once rather than at the timeout', async () => {
    cluster = await TestCluster.start([{ token: 100n }, { token: 200n }, { token: 300n }]);
    fillDisk(2);
    const err = await rejection(cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'ALL', 'SIMPLE'));
    expect(err).to.be.instanceOf(WriteFailureError);
    const reason = `Cannot write to data_directory /data/n2: No space left on device (ENOSPC) from /${cluster.node(2).id}`;
    expect(err.message).to.equal(`Operation failed - received 2 responses and 1 failures: ${reason} (consistency ALL, 3 required, write type SIMPLE)`);
    expect((err as WriteFailureError).fields()).to.deep.equal({
      consistency: 'ALL',
      received: 2,
      blockFor: 3,
      numFailures: 1,
      writeType: 'SIMPLE',
      reasons: reason,
    });
  });

  it('does not fail a QUORUM write the other replicas acknowledge', async () => {
    cluster = await TestCluster.start([{ token: 100n }, { token: 200n }, { token: 300n }]);
    fillDisk(2);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'QUORUM', 'SIMPLE');
  });

  it('the coordinator\'s own failing disk is reported the same way', async () => {
    cluster = await TestCluster.start([{ token: 100n }]);
    fillDisk(0);
    const err = await rejection(cluster.node(0).coordinator.write(simpleKeyspace(1), [cellPartition(7, 'x', 10)], 'ONE', 'SIMPLE'));
    expect(err).to.be.instanceOf(WriteFailureError);
    expect(err).not.to.be.instanceOf(WriteTimeoutError);
    expect(err.message).to.match(/^Operation failed - received 0 responses and 1 failures: Cannot write to data_directory \/data\/n0: No space left on device \(ENOSPC\) from \//);
  });
});
