/**
 * A replica that answers Overloaded (internode_max_requests_in_flight_per_peer)
 * is a failed replica to the coordinator, counted at once, never a timeout:
 * the write fails with WriteFailure naming the reason when too few replicas
 * remain, succeeds when enough others acknowledge, and the replica is hinted.
 */
import { expect } from 'chai';
import { WriteFailureError, WriteTimeoutError } from '../../../src/util/errors.js';
import { ck, live, partition, row } from '../storage/fixtures.js';
import { simpleKeyspace, TestCluster } from './harness.js';

const KS3 = simpleKeyspace(3);
const OVERLOADED = 'too many internode requests in flight from this peer: internode_max_requests_in_flight_per_peer is 1';

function cellPartition(key: number, value: string, timestampUs: number) {
  return partition(key, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live(value, timestampUs) }] })] });
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a replica answering Overloaded', function () {
  this.timeout(15_000);
  let cluster: TestCluster;
  let open: () => void = () => {};
  afterEach(async () => {
    open();
    await cluster?.close();
  });

  /** Node 2 holds node 0's first MUTATION (its one slot) until `open()`. */
  async function occupiedReplica(): Promise<void> {
    cluster = await TestCluster.start([{ token: 100n }, { token: 200n }, { token: 300n }], {
      internode_max_requests_in_flight_per_peer: 1,
      write_request_timeout: 5000,
    });
    const engine = cluster.node(2).engine;
    const apply = engine.apply.bind(engine);
    const gate = new Promise<void>((resolve) => (open = resolve));
    engine.apply = async (...args: Parameters<typeof apply>) => {
      await gate;
      return apply(...args);
    };
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'held', 10)], 'ONE', 'SIMPLE');
    await eventually(
      () => cluster.node(2).messaging.inboundLoadStats().requestsInFlight === 1 && cluster.node(1).messaging.inboundLoadStats().requestsInFlight === 0,
    );
  }

  it('fails an ALL write at once with WriteFailure naming the reason, not WriteTimeout, and hints the replica', async () => {
    await occupiedReplica();
    let err: unknown;
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 20)], 'ALL', 'SIMPLE').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(WriteFailureError).and.not.instanceOf(WriteTimeoutError);
    const reason = `${OVERLOADED} from /${cluster.node(2).id}`;
    expect((err as Error).message).to.equal(`Operation failed - received 2 responses and 1 failures: ${reason} (consistency ALL, 3 required, write type SIMPLE)`);
    expect(cluster.node(2).messaging.inboundLoadStats().overloadedRequests).to.equal(1);
    await eventually(() => cluster.node(0).hints.some((h) => h.target === cluster.node(2).id));
  });

  it('lets a QUORUM write succeed on the other replicas', async () => {
    await occupiedReplica();
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 20)], 'QUORUM', 'SIMPLE');
    await eventually(() => cluster.node(2).messaging.inboundLoadStats().overloadedRequests === 1);
  });
});
