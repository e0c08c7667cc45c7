import { expect } from 'chai';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { SAMPLE_PARTITION } from '../../fuzz/internode-samples.js';
import { TestCluster } from './harness.js';

describe('a replica asked to write to a table it does not know', () => {
  it('refuses the whole MUTATION with InvalidRequest naming the table id, storing none of it', async () => {
    const cluster = await TestCluster.start([{ token: 0n }]);
    try {
      const node = cluster.node(0);
      const unknown = { ...SAMPLE_PARTITION, tableId: 'not-a-table' };
      const err = await node.messaging.request(node.id, 'MUTATION', { partitions: [unknown] }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(InvalidRequestError);
      expect(err?.message).to.equal('unknown table id not-a-table on this replica');
    } finally {
      await cluster.close();
    }
  });
});
