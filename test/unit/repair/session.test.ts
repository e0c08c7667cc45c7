import { expect } from 'chai';
import { SystemClock } from '../../../src/clock/clock.js';
import { MessagingService } from '../../../src/net/messaging.js';
import { buildMerkleTree, registerRepairHandlers } from '../../../src/repair/replica.js';
import { EndpointDiedError, repairRange, type RangeRepairRequest } from '../../../src/repair/session.js';
import { encodePartitionCanonical } from '../../../src/storage/digest.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import type { Partition } from '../../../src/storage/model.js';
import { mergePartitions } from '../../../src/storage/partition.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { ck, LAYOUT, layouts, live, partition, row } from '../storage/fixtures.js';

const clock = new SystemClock();
const WHOLE_RING = { start: 0n, end: 0n };
const AS_OF_S = 1_800_000_000;

interface Replica {
  messaging: MessagingService;
  engine: MemoryEngine;
}

async function startReplicas(n: number, overrides: Partial<Settings> = {}): Promise<Replica[]> {
  const settings: Settings = { ...DEFAULT_SETTINGS, storage_port: 0, listen_address: '127.0.0.1', ...overrides };
  const out: Replica[] = [];
  for (let i = 0; i < n; i++) {
    const messaging = new MessagingService({ settings, clock, log: silentLogger });
    await messaging.listen();
    const engine = new MemoryEngine({ clock, layouts });
    await engine.open();
    registerRepairHandlers(messaging, { engine, layouts });
    out.push({ messaging, engine });
  }
  return out;
}

/** Partition `key` with two rows written at `ts`. */
function twoRows(key: number, ts = 1000): Partition {
  return partition(key, {
    rows: [row(ck(1, 'a'), { marker: live('', ts), cells: [{ column: 'v', cell: live(`v${key}a`, ts) }] }), row(ck(2, 'b'), { cells: [{ column: 'v', cell: live(`v${key}b`, ts) }] })],
  });
}

async function contents(engine: MemoryEngine): Promise<Partition[]> {
  return engine.scan(LAYOUT.id, WHOLE_RING, { limitPartitions: 1_000_000, withStatic: true });
}

async function rootOf(engine: MemoryEngine): Promise<string> {
  return (await buildMerkleTree(engine, LAYOUT, WHOLE_RING, 10, AS_OF_S)).tree.root().toString('hex');
}

describe('repair session between in-process replicas', () => {
  let replicas: Replica[] = [];
  afterEach(async () => {
    for (const r of replicas) await r.messaging.close();
    replicas = [];
  });

  /**
   * 300 partitions everywhere except: replica 3 lacks partitions 100..109,
   * replica 1 holds a newer cell of partition 5, replica 2 an extra row of
   * partition 7. Returns the reconciled versions of the 12 divergent partitions.
   */
  async function diverge(): Promise<Partition[]> {
    const [a, b, c] = replicas;
    const all = Array.from({ length: 300 }, (_, i) => twoRows(i + 1));
    await a!.engine.apply(all);
    await b!.engine.apply(all);
    await c!.engine.apply(all.filter((p) => p.token < 100n || p.token > 109n));
    const newer = partition(5, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('new', 2000) }] })] });
    await a!.engine.apply([newer]);
    const extra = partition(7, { rows: [row(ck(3, 'c'), { cells: [{ column: 'v', cell: live('extra', 1500) }] })] });
    await b!.engine.apply([extra]);
    return [mergePartitions(LAYOUT, twoRows(5), newer), mergePartitions(LAYOUT, twoRows(7), extra), ...all.filter((p) => p.token >= 100n && p.token <= 109n)];
  }

  const request = (preview: boolean): RangeRepairRequest => ({
    table: LAYOUT,
    range: WHOLE_RING,
    replicas: replicas.map((r) => r.messaging.self),
    depth: 10,
    asOfS: AS_OF_S,
    preview,
    batchPartitions: 4,
  });

  it('previews exactly the divergent partitions and rows without moving data', async () => {
    replicas = await startReplicas(3);
    await diverge();
    const before = await Promise.all(replicas.map((r) => rootOf(r.engine)));
    const result = await repairRange(replicas[0]!.messaging, request(true));
    expect(result.partitionsOutOfSync).to.equal(12);
    // Ten missing partitions of two rows, partition 5's two rows, partition 7's three (with the extra one).
    expect(result.rowsOutOfSync).to.equal(25);
    expect(result.partitionsStreamed).to.equal(0);
    expect(result.bytesStreamed).to.equal(0);
    expect(await Promise.all(replicas.map((r) => rootOf(r.engine)))).to.deep.equal(before);
  });

  it('streams the differences both ways until every replica holds the same data, moving at most 5× the divergent bytes', async () => {
    replicas = await startReplicas(3);
    const divergent = await diverge();
    const result = await repairRange(replicas[0]!.messaging, request(false));
    expect(result.partitionsOutOfSync).to.equal(12);
    const roots = await Promise.all(replicas.map((r) => rootOf(r.engine)));
    expect(new Set(roots).size).to.equal(1);
    const [first, ...rest] = await Promise.all(replicas.map((r) => contents(r.engine)));
    for (const other of rest) expect(other).to.deep.equal(first);
    expect(first).to.have.length(300);
    const divergentBytes = divergent.reduce((n, p) => n + encodePartitionCanonical(p).length, 0);
    expect(result.bytesStreamed).to.be.greaterThan(0);
    expect(result.bytesStreamed).to.be.at.most(5 * divergentBytes);
    // Each partition goes only where it was missing or stale: 10 to replica 3, partition 5 to two replicas, partition 7 to two.
    expect(result.partitionsStreamed).to.equal(14);
    const again = await repairRange(replicas[0]!.messaging, request(false));
    expect(again.divergentRanges).to.deep.equal([]);
    expect(again.bytesStreamed).to.equal(0);
  });

  it('runs while writes keep arriving, losing none, and a second run leaves the replicas identical', async () => {
    replicas = await startReplicas(3);
    await diverge();
    // Writes to one replica only, during the repair: newer versions of repaired partitions and new ones.
    let writing = true;
    const written: Partition[] = [];
    const writer = (async () => {
      for (let i = 0; writing || i < 20; i++) {
        const p = partition(100 + (i % 40), { rows: [row(ck(9, 'z'), { cells: [{ column: 'v', cell: live(`during ${i}`, 5000 + i) }] })] });
        written.push(p);
        await replicas[0]!.engine.apply([p]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await repairRange(replicas[0]!.messaging, request(false));
    writing = false;
    await writer;
    const onFirst = await contents(replicas[0]!.engine);
    for (const p of written.slice(-40)) {
      const held = onFirst.find((q) => q.token === p.token)!;
      expect(held.rows.find((r) => r.clustering[0]!.equals(ck(9, 'z')[0]!))!.cells[0]!.cell.timestampUs).to.be.at.least(p.rows[0]!.cells[0]!.cell.timestampUs);
    }
    await repairRange(replicas[0]!.messaging, request(false));
    expect(new Set(await Promise.all(replicas.map((r) => rootOf(r.engine)))).size).to.equal(1);
  });

  it('hashes a whole-ring range that does not start at the smallest token in ring order from its start', async () => {
    replicas = await startReplicas(2);
    await replicas[0]!.engine.apply([twoRows(-5), twoRows(5)]);
    await replicas[1]!.engine.apply([twoRows(5)]);
    const result = await repairRange(replicas[0]!.messaging, { ...request(false), range: { start: 3n, end: 3n } });
    expect(result.partitionsOutOfSync).to.equal(1);
    expect(await contents(replicas[1]!.engine)).to.deep.equal(await contents(replicas[0]!.engine));
  });

  it('fails with EndpointDiedError naming a replica whose connection is gone', async () => {
    replicas = await startReplicas(3);
    await diverge();
    const dead = replicas[2]!.messaging.self;
    await replicas[2]!.messaging.close();
    let caught: unknown;
    try {
      await repairRange(replicas[0]!.messaging, request(false));
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(EndpointDiedError);
    expect((caught as Error).message).to.equal(`endpoint ${dead} died`);
  });

  it('fails with EndpointDiedError when a replica stops answering mid-session, after its tree arrived', async () => {
    replicas = await startReplicas(3, { repair_request_timeout: 300 });
    await diverge();
    const silent = replicas[1]!.messaging.self;
    // The trees are exchanged, then the listing of differences to replica 2 is lost: the session must time out, not hang.
    replicas[0]!.messaging.faults.add({ action: 'drop', verb: 'REPAIR_DIGESTS', from: '*', to: silent });
    const started = Date.now();
    let caught: unknown;
    try {
      await repairRange(replicas[0]!.messaging, request(false));
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal(`endpoint ${silent} died`);
    expect(Date.now() - started).to.be.below(3000);
  });
});
