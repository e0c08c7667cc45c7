import { expect } from 'chai';
import { BatchlogReplayer, listBatches } from '../../../src/coordinator/batchlog.js';
import { MIN_TOKEN, type Partition, type ReadCommand } from '../../../src/storage/model.js';
import { UnavailableError, WriteTimeoutError } from '../../../src/util/errors.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';
import { eventually, sleep } from '../net/harness.js';
import { ck, int, LAYOUT, live, partition, row } from '../storage/fixtures.js';
import { clock, ntsKeyspace, simpleKeyspace, TestCluster } from './harness.js';

const KS3 = simpleKeyspace(3);

function cellPartition(key: number, value: string, timestampUs: number): Partition {
  return partition(key, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live(value, timestampUs) }] })] });
}

function readOf(key: number): ReadCommand {
  return { tableId: LAYOUT.id, key: int(key), token: BigInt(key), slices: [], withStatic: true, reversed: false };
}

function valueOf(p: Partition | undefined): string | undefined {
  return p?.rows[0]?.cells[0]?.cell.value?.toString();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const THREE_NODES = [{ token: 100n }, { token: 200n }, { token: 300n }];

describe('ClusterCoordinator on three in-process nodes', function () {
  this.timeout(10_000);
  let cluster: TestCluster;
  afterEach(() => cluster?.close());

  it('a QUORUM write through one node is seen by a QUORUM read through another', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'QUORUM', 'SIMPLE');
    const [p] = await cluster.node(2).coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(valueOf(p)).to.equal('x');
  });

  it('with one replica down QUORUM works, ALL is Unavailable {ALL, 3, 2}, and the down replica gets a hint', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    cluster.kill(2);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'QUORUM', 'SIMPLE');
    expect(cluster.node(0).hints.map((h) => h.target)).to.deep.equal([cluster.node(2).id]);
    const [p] = await cluster.node(1).coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(valueOf(p)).to.equal('x');
    const err = await rejection(cluster.node(0).coordinator.write(KS3, [cellPartition(8, 'y', 10)], 'ALL', 'SIMPLE'));
    expect(err).to.be.instanceOf(UnavailableError);
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'ALL', required: 3, alive: 2 });
    const readErr = await rejection(cluster.node(0).coordinator.read(KS3, LAYOUT, [readOf(7)], 'ALL'));
    expect((readErr as UnavailableError).fields()).to.deep.equal({ consistency: 'ALL', required: 3, alive: 2 });
  });

  it('with two replicas down QUORUM is Unavailable and nothing is written anywhere', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    cluster.kill(1);
    cluster.kill(2);
    const err = await rejection(cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'QUORUM', 'SIMPLE'));
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'QUORUM', required: 2, alive: 1 });
    expect(await cluster.node(0).engine.read(readOf(7))).to.equal(undefined);
    expect(cluster.node(0).hints).to.deep.equal([]);
  });

  it('MUTATION dropped towards one replica makes an ALL write a WriteTimeout {received 2, blockFor 3} and hints that replica', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const coordinator = cluster.node(0);
    coordinator.messaging.faults.add({ action: 'drop', verb: 'MUTATION', from: coordinator.id, to: cluster.node(2).id });
    const err = await rejection(coordinator.coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'ALL', 'SIMPLE'));
    expect(err).to.be.instanceOf(WriteTimeoutError);
    expect((err as WriteTimeoutError).fields()).to.deep.equal({ consistency: 'ALL', received: 2, blockFor: 3, writeType: 'SIMPLE' });
    await eventually(() => coordinator.hints.length === 1);
    expect(coordinator.hints[0]!.target).to.equal(cluster.node(2).id);
    expect(valueOf(coordinator.hints[0]!.partition)).to.equal('x');
    // The write applied where it arrived: a timeout does not mean nothing happened.
    expect(valueOf(await cluster.node(1).engine.read(readOf(7)))).to.equal('x');
  });

  it('on a digest mismatch QUORUM returns the newest value and repairs the stale replica before answering', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'old', 10)], 'ALL', 'SIMPLE');
    // Only node 1 sees the newer write; node 0 (the coordinator, so the data replica) is stale.
    await cluster.node(1).engine.apply([cellPartition(7, 'new', 20)]);
    const [p] = await cluster.node(0).coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(valueOf(p)).to.equal('new');
    expect(valueOf(await cluster.node(0).engine.read(readOf(7)))).to.equal('new');
    // Node 2 was not contacted at QUORUM, so it was not repaired.
    expect(valueOf(await cluster.node(2).engine.read(readOf(7)))).to.equal('old');
  });

  it('counts read repair attempts and blocking mismatches, and none when digests match', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const coordinator = cluster.node(0).coordinator;
    await coordinator.write(KS3, [cellPartition(7, 'same', 10)], 'ALL', 'SIMPLE');
    await coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(coordinator.metrics.readRepair).to.deep.include({ attempted: 0, mismatchBlocking: 0 });
    await cluster.node(1).engine.apply([cellPartition(7, 'new', 20)]);
    await coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(coordinator.metrics.readRepair).to.deep.include({ attempted: 1, mismatchBlocking: 1 });
    // Repaired: the next read's digests match.
    await coordinator.read(KS3, LAYOUT, [readOf(7)], 'QUORUM');
    expect(coordinator.metrics.readRepair).to.deep.include({ attempted: 1, mismatchBlocking: 1 });
  });

  it('reads at ONE from the coordinator itself when it is a replica, without repair', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(1).engine.apply([cellPartition(7, 'only-on-1', 20)]);
    const [mine] = await cluster.node(0).coordinator.read(KS3, LAYOUT, [readOf(7)], 'ONE');
    expect(mine).to.equal(undefined);
    const [theirs] = await cluster.node(1).coordinator.read(KS3, LAYOUT, [readOf(7)], 'ONE');
    expect(valueOf(theirs)).to.equal('only-on-1');
  });

  it('scans the whole ring in pages, every partition once and in token order (RF 1 at ONE)', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const ks = simpleKeyspace(1);
    const keys = [500, -50, 10, 100, 150, 201, 250, 299, 300, 301];
    await cluster.node(0).coordinator.write(ks, keys.map((k) => cellPartition(k, `v${k}`, 10)), 'ONE', 'UNLOGGED_BATCH');
    // Each partition lives on exactly one node.
    const held = await Promise.all(cluster.nodes.map((n) => n.engine.scan(LAYOUT.id, { start: MIN_TOKEN, end: MIN_TOKEN }, { limitPartitions: 100, withStatic: true })));
    expect(held.map((h) => h.length).reduce((a, b) => a + b, 0)).to.equal(keys.length);
    const seen: bigint[] = [];
    let after: { token: bigint; key: Buffer } | undefined;
    for (let page = 0; page < 10; page++) {
      const got = await cluster.node(1).coordinator.scan(ks, LAYOUT, { tableId: LAYOUT.id, range: { start: MIN_TOKEN, end: MIN_TOKEN }, limitPartitions: 3, withStatic: true, ...(after ? { after } : {}) }, 'ONE');
      seen.push(...got.map((p) => p.token));
      if (got.length < 3) break;
      after = { token: got[2]!.token, key: got[2]!.key };
    }
    expect(seen).to.deep.equal([...keys].sort((a, b) => a - b).map(BigInt));
  });

  it('merges a QUORUM range scan across replicas and repairs the replica that missed a partition', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(1, 'a', 10), cellPartition(2, 'b', 10)], 'ALL', 'UNLOGGED_BATCH');
    await cluster.node(1).engine.apply([cellPartition(3, 'c', 10)]);
    const got = await cluster.node(0).coordinator.scan(KS3, LAYOUT, { tableId: LAYOUT.id, range: { start: MIN_TOKEN, end: MIN_TOKEN }, limitPartitions: 10, withStatic: true }, 'QUORUM');
    expect(got.map((p) => valueOf(p))).to.deep.equal(['a', 'b', 'c']);
    expect(valueOf(await cluster.node(0).engine.read(readOf(3)))).to.equal('c');
  });

  it('replays a logged batch on a peer when its coordinator never completes it', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const coordinator = cluster.node(0);
    // The coordinator "dies" after logging the batch: none of its mutations get anywhere, itself included.
    coordinator.messaging.faults.add({ action: 'drop', verb: 'MUTATION', from: coordinator.id, to: '*' });
    const batch = [cellPartition(11, 'a', 10), cellPartition(150, 'b', 10), cellPartition(250, 'c', 10)];
    const err = await rejection(coordinator.coordinator.write(KS3, batch, 'QUORUM', 'BATCH'));
    expect((err as WriteTimeoutError).fields()).to.deep.include({ received: 0, writeType: 'BATCH' });
    const logged1 = await listBatches(cluster.node(1).engine);
    expect(logged1.map((b) => b.partitions.length)).to.deep.equal([3]);
    expect((await listBatches(cluster.node(2).engine)).length).to.equal(1);
    for (const n of cluster.nodes) expect(await n.engine.read(readOf(11))).to.equal(undefined);

    const replayer = new BatchlogReplayer({ engine: cluster.node(1).engine, coordinator: cluster.node(1).coordinator, clock, settings: { ...DEFAULT_SETTINGS, write_request_timeout: 300 }, log: silentLogger });
    expect(await replayer.replayDue()).to.equal(0); // not yet due: younger than twice the write timeout
    await sleep(650);
    expect(await replayer.replayDue()).to.equal(1);
    expect(await listBatches(cluster.node(1).engine)).to.deep.equal([]);
    for (const n of cluster.nodes) {
      for (const [key, value] of [[11, 'a'], [150, 'b'], [250, 'c']] as const) {
        await eventuallyAsync(async () => valueOf(await n.engine.read(readOf(key))) === value);
      }
    }
  });

  it('logs a batch spanning keyspaces as one entry, and a replay applies every keyspace\'s share', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const coordinator = cluster.node(0);
    // Keyspace one is RF 1 and keyspace two RF 3: each share goes to its own keyspace's replicas.
    const one = { ...simpleKeyspace(1), name: 'one' };
    coordinator.messaging.faults.add({ action: 'drop', verb: 'MUTATION', from: coordinator.id, to: '*' });
    const err = await rejection(
      coordinator.coordinator.writeLoggedBatch(
        [
          { keyspace: one, partitions: [cellPartition(150, 'in one', 10)] },
          { keyspace: KS3, partitions: [cellPartition(250, 'in two', 10), cellPartition(11, 'also in two', 10)] },
        ],
        'ONE',
      ),
    );
    expect((err as WriteTimeoutError).fields()).to.deep.include({ writeType: 'BATCH' });
    const [logged] = await listBatches(cluster.node(1).engine);
    expect(logged!.keyspace!.name).to.equal('one');
    expect(logged!.partitions.length).to.equal(1);
    expect(logged!.more!.map((m) => [m.keyspace.name, m.partitions.length])).to.deep.equal([['ks', 2]]);

    const replayer = new BatchlogReplayer({ engine: cluster.node(1).engine, coordinator: cluster.node(1).coordinator, clock, settings: { ...DEFAULT_SETTINGS, write_request_timeout: 300 }, log: silentLogger });
    await sleep(650);
    expect(await replayer.replayDue()).to.equal(1);
    expect(await listBatches(cluster.node(1).engine)).to.deep.equal([]);
    await eventuallyAsync(async () => (await Promise.all(cluster.nodes.map((n) => n.engine.read(readOf(250))))).every((p) => valueOf(p) === 'in two'));
    await eventuallyAsync(async () => (await Promise.all(cluster.nodes.map((n) => n.engine.read(readOf(11))))).every((p) => valueOf(p) === 'also in two'));
    // RF 1: exactly one node holds keyspace one's partition.
    await eventuallyAsync(async () => (await Promise.all(cluster.nodes.map((n) => n.engine.read(readOf(150))))).filter((p) => valueOf(p) === 'in one').length === 1);
  });

  it('applies a logged batch of one partition without the batchlog, and logs any larger one, across keyspaces too', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    const coordinator = cluster.node(0);
    coordinator.messaging.faults.add({ action: 'drop', verb: 'BATCHLOG_STORE', from: coordinator.id, to: '*' });
    const other = { ...KS3, name: 'other' };
    await coordinator.coordinator.writeLoggedBatch([{ keyspace: KS3, partitions: [cellPartition(11, 'one', 10)] }, { keyspace: other, partitions: [] }], 'QUORUM');
    expect(valueOf(await coordinator.engine.read(readOf(11)))).to.equal('one');
    for (const writes of [
      [{ keyspace: KS3, partitions: [cellPartition(12, 'a', 10), cellPartition(13, 'b', 10)] }],
      [{ keyspace: KS3, partitions: [cellPartition(12, 'a', 10)] }, { keyspace: other, partitions: [cellPartition(13, 'b', 10)] }],
    ]) {
      const err = await rejection(coordinator.coordinator.writeLoggedBatch(writes, 'QUORUM'));
      expect((err as WriteTimeoutError).fields()).to.deep.include({ writeType: 'BATCH_LOG' });
    }
    for (const n of cluster.nodes) for (const key of [12, 13]) expect(await n.engine.read(readOf(key))).to.equal(undefined);
  });

  it('a completed logged batch leaves no batchlog entry behind', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(1, 'a', 10), cellPartition(2, 'b', 10)], 'QUORUM', 'BATCH');
    await eventuallyAsync(async () => (await listBatches(cluster.node(1).engine)).length === 0 && (await listBatches(cluster.node(2).engine)).length === 0);
    expect(valueOf(await cluster.node(2).engine.read(readOf(2)))).to.equal('b');
  });

  it('ANY succeeds on a stored hint when every replica is down, and is Unavailable without a hint store', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    cluster.kill(1);
    cluster.kill(2);
    const ks = simpleKeyspace(1);
    // Token 150 is owned by node 1 alone at RF 1.
    await cluster.node(0).coordinator.write(ks, [cellPartition(150, 'x', 10)], 'ANY', 'SIMPLE');
    expect(cluster.node(0).hints.map((h) => h.target)).to.deep.equal([cluster.node(1).id]);
    await cluster.close();
    cluster = await TestCluster.start(THREE_NODES, {}, { hints: false });
    cluster.kill(1);
    const err = await rejection(cluster.node(0).coordinator.write(ks, [cellPartition(150, 'x', 10)], 'ANY', 'SIMPLE'));
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'ANY', required: 1, alive: 0 });
  });

  it('TRUNCATE empties the table on every node, and needs every node alive', async () => {
    cluster = await TestCluster.start(THREE_NODES);
    await cluster.node(0).coordinator.write(KS3, [cellPartition(7, 'x', 10)], 'ALL', 'SIMPLE');
    await cluster.node(1).coordinator.truncate(KS3, LAYOUT.id);
    for (const n of cluster.nodes) expect(await n.engine.read(readOf(7))).to.equal(undefined);
    cluster.kill(2);
    const err = await rejection(cluster.node(0).coordinator.truncate(KS3, LAYOUT.id));
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'ALL', required: 3, alive: 2 });
  });
});

describe('ClusterCoordinator across two datacenters (NetworkTopologyStrategy dc1:3, dc2:3)', function () {
  this.timeout(10_000);
  let cluster: TestCluster;
  afterEach(() => cluster?.close());
  const SIX = [
    { token: 100n, dc: 'dc1', rack: 'a' },
    { token: 150n, dc: 'dc2', rack: 'a' },
    { token: 200n, dc: 'dc1', rack: 'b' },
    { token: 250n, dc: 'dc2', rack: 'b' },
    { token: 300n, dc: 'dc1', rack: 'c' },
    { token: 350n, dc: 'dc2', rack: 'c' },
  ];
  const KS = ntsKeyspace({ dc1: 3, dc2: 3 });

  it('LOCAL_QUORUM needs only the local datacenter: with every message to dc2 dropped it still succeeds, EACH_QUORUM times out', async () => {
    cluster = await TestCluster.start(SIX);
    const coordinator = cluster.node(0);
    for (const n of cluster.nodes.filter((x) => x.dc === 'dc2')) {
      coordinator.messaging.faults.add({ action: 'drop', verb: '*', from: coordinator.id, to: n.id });
    }
    await coordinator.coordinator.write(KS, [cellPartition(7, 'x', 10)], 'LOCAL_QUORUM', 'SIMPLE');
    const [p] = await coordinator.coordinator.read(KS, LAYOUT, [readOf(7)], 'LOCAL_QUORUM');
    expect(valueOf(p)).to.equal('x');
    const err = await rejection(coordinator.coordinator.write(KS, [cellPartition(8, 'y', 10)], 'EACH_QUORUM', 'SIMPLE'));
    expect((err as WriteTimeoutError).fields()).to.deep.equal({ consistency: 'EACH_QUORUM', received: 3, blockFor: 4, writeType: 'SIMPLE' });
  });

  it('LOCAL_QUORUM is Unavailable when the local datacenter lacks a quorum, whatever the other one has', async () => {
    cluster = await TestCluster.start(SIX);
    cluster.kill(2);
    cluster.kill(4);
    const err = await rejection(cluster.node(0).coordinator.write(KS, [cellPartition(7, 'x', 10)], 'LOCAL_QUORUM', 'SIMPLE'));
    expect((err as UnavailableError).fields()).to.deep.equal({ consistency: 'LOCAL_QUORUM', required: 2, alive: 1 });
    // dc2's coordinator is unaffected.
    await cluster.node(1).coordinator.write(KS, [cellPartition(7, 'x', 10)], 'LOCAL_QUORUM', 'SIMPLE');
  });
});

async function eventuallyAsync(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
