/**
 * Growing and shrinking a cluster under load (issue 6, Done means), with real
 * `sibyl node` processes, the real driver and the real sibyltool.
 *
 * A workload writes unique values at QUORUM (RF 3) through node 1 and reads
 * back acknowledged ones at QUORUM, while a 4th node bootstraps, then while
 * node 2 decommissions, then while node 3 is killed and removed with
 * removenode. Invariants:
 * - No QUORUM request fails for longer than one failure-detection interval
 *   (FAILURE_DETECTION_MS, below): a topology change may cost what a node's
 *   death costs, never more.
 * - Every acknowledged write is readable at QUORUM at the end, and no read
 *   ever returned a value other than the one acknowledged.
 * - Every range's replicas hold identical data (equal Merkle roots), after
 *   the bootstrap and at the end.
 * - After `sibyltool cleanup`, no node holds data of a range it does not
 *   replicate.
 * The final ring has two nodes, fewer than RF 3, so each range then has
 * min(RF, nodes) = 2 replicas: both nodes hold everything.
 */
import { expect } from 'chai';
import type { RingAnswer } from '../../src/admin/commands/ring.js';
import type { Client } from '../../src/client/index.js';
import type { MerkleRootAnswer } from '../../src/repair/service.js';
import { replicasAt } from '../../src/ring/replication.js';
import { TokenRing } from '../../src/ring/token-ring.js';
import type { ReplicationOptions } from '../../src/schema/table.js';
import { destroyAfterSuite, FAST_FAILURE_SETTINGS, FaultCluster, oneDatacenter, sleep, waitFor } from './harness.js';

const REPLICATION: ReplicationOptions = { class: 'SimpleStrategy', factors: { replication_factor: 3 } };
/**
 * How long a dead node can go unnoticed: phi grows by log10(e) ≈ 0.434 per
 * mean heartbeat interval of silence, and the detector's intervals are at
 * most twice gossip_interval, so conviction takes at most
 * phi_convict_threshold / 0.434 × 2 × gossip_interval (≈ 5.5 s here), plus
 * one write_request_timeout for the requests already waiting on the node.
 */
const FAILURE_DETECTION_MS =
  (FAST_FAILURE_SETTINGS.phi_convict_threshold / Math.LOG10E) * 2 * FAST_FAILURE_SETTINGS.gossip_interval + FAST_FAILURE_SETTINGS.write_request_timeout;
const WORKERS = 4;

/** Writes unique values at QUORUM and reads acknowledged ones back, recording acks and the longest outage. */
class Workload {
  readonly acked = new Map<number, string>();
  readonly errors = new Map<string, number>();
  readonly stale: string[] = [];
  longestOutageMs = 0;
  operations = 0;
  private nextKey = 0;
  private outageSinceMs: number | undefined;
  private running = true;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly client: Client) {
    for (let i = 0; i < WORKERS; i++) this.loops.push(this.loop(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    if (this.outageSinceMs !== undefined) this.longestOutageMs = Math.max(this.longestOutageMs, Date.now() - this.outageSinceMs);
  }

  private async loop(worker: number): Promise<void> {
    let n = 0;
    while (this.running) {
      const startedMs = Date.now();
      try {
        if (n++ % 3 === 2 && this.acked.size > 0) await this.readBack(worker + n);
        else await this.write();
        this.operations++;
        if (this.outageSinceMs !== undefined) {
          this.longestOutageMs = Math.max(this.longestOutageMs, Date.now() - this.outageSinceMs);
          this.outageSinceMs = undefined;
        }
      } catch (err) {
        const name = (err as Error).name || 'Error';
        this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
        this.outageSinceMs ??= startedMs;
        await sleep(20);
      }
    }
  }

  private async write(): Promise<void> {
    const k = this.nextKey++;
    const v = `value ${k}`;
    await this.client.execute('INSERT INTO topo.kv (k, v) VALUES (?, ?)', [k, v], { prepare: true, consistency: 'QUORUM' });
    this.acked.set(k, v);
  }

  private async readBack(seed: number): Promise<void> {
    const keys = [...this.acked.keys()];
    const k = keys[(seed * 7919) % keys.length]!;
    const rs = await this.client.execute('SELECT v FROM topo.kv WHERE k = ?', [k], { prepare: true, consistency: 'QUORUM' });
    const v = rs.rows[0]?.['v'];
    if (v !== this.acked.get(k)) this.stale.push(`key ${k}: read ${String(v)}, acknowledged ${this.acked.get(k)}`);
  }
}

describe('topology changes under load (real processes)', function () {
  this.timeout(300_000);
  const cluster = new FaultCluster(oneDatacenter(3), (process.pid + 700) % 900);
  const asOfS = Math.floor(Date.now() / 1000) + 3600;

  /** The ring as node `observer` sees it, rebuilt from `sibyltool ring`'s data. */
  const ringOf = async (observer: number): Promise<TokenRing> => {
    const answer = (await (await cluster.client(observer)).admin('ring')) as RingAnswer;
    return TokenRing.of(answer.endpoints.map((e) => ({ id: e.endpoint, tokens: e.tokens.map(BigInt), dc: e.dc, rack: e.rack })));
  };
  const indexOf = (endpoint: string) => Number(endpoint.split(':')[0]!.split('.')[3]);
  const rootOn = async (index: number, start: bigint, end: bigint): Promise<MerkleRootAnswer> =>
    (await (await cluster.client(index)).admin('merkleroot', { keyspace: 'topo', table: 'kv', startToken: String(start), endToken: String(end), asOfS, depth: 4 })) as MerkleRootAnswer;

  /** For every range of the ring: its replicas' Merkle roots, and the partitions every other node holds of it. */
  const replicaReport = async (observer: number) => {
    const ring = await ringOf(observer);
    const nodes = ring.endpoints().map((e) => e.id);
    const differing: string[] = [];
    const outside: string[] = [];
    for (let i = 0; i < ring.sortedTokens().length; i++) {
      const range = ring.rangeAt(i);
      const replicas = replicasAt(ring, REPLICATION, i);
      const roots = await Promise.all(replicas.map((ep) => rootOn(indexOf(ep), range.start, range.end)));
      if (new Set(roots.map((r) => r.root)).size !== 1) differing.push(`(${range.start},${range.end}] ${replicas.map((ep, j) => `${ep}:${roots[j]!.partitions}`).join(' ')}`);
      for (const ep of nodes.filter((n) => !replicas.includes(n))) {
        const r = await rootOn(indexOf(ep), range.start, range.end);
        if (r.partitions > 0) outside.push(`${ep} holds ${r.partitions} partitions of (${range.start},${range.end}]`);
      }
    }
    return { replicaCount: Math.min(3, nodes.length), nodes, differing, outside };
  };

  const sawStatus = (observer: number, state: string, address: string, until: Promise<unknown>) => {
    const line = new RegExp(`^${state}\\s+${address.replace(/\./g, '\\.')}\\s`);
    let seen = false;
    const poll = (async () => {
      let done = false;
      void until.finally(() => (done = true));
      while (!done && !seen) {
        const r = await cluster.tool(observer, 'status');
        if (r.stdout.split('\n').some((l) => line.test(l))) seen = true;
      }
    })();
    return async () => {
      await poll;
      return seen;
    };
  };

  let workload: Workload;

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp();
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE topo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE topo.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    workload = new Workload(client);
    await waitFor('the workload to acknowledge writes', 20_000, () => workload.acked.size >= 500);
  });

  destroyAfterSuite(cluster, {
    beforeDestroy: async () => {
      await workload?.stop().catch(() => {});
    },
  });

  it('bootstraps a 4th node under load: UJ while it streams, then UN with every range identical on its replicas', async () => {
    const adding = cluster.addNode({ index: 4, dc: 'dc1' });
    const sawJoining = sawStatus(1, 'UJ', '127.0.0.4', adding);
    await adding;
    expect(await sawJoining(), 'node 1 listed node 4 as UJ while it bootstrapped').to.equal(true);
    expect(cluster.logOf(4)).to.match(/Bootstrap completed: \d+ ranges/);
    await cluster.awaitAllUp(30_000);

    const ring = await ringOf(1);
    const owns = [...ring.ownership().values()].map((f) => f * 100);
    console.log(`      token ownership of 4 nodes × 16 vnodes: ${owns.map((p) => `${p.toFixed(1)}%`).join(', ')}`);

    // Writes missed while node 4 was pending reach it by hints; wait for the replicas to agree.
    let report = await replicaReport(1);
    await waitFor(() => `replicas to agree: ${report.differing.join('; ')}`, 60_000, async () => {
      report = await replicaReport(1);
      return report.differing.length === 0;
    });
    expect(report.nodes).to.have.length(4);

    // The old nodes still hold what node 4 took over, until cleanup.
    for (const i of [1, 2, 3]) await (await cluster.client(i)).admin('cleanup', { keyspace: 'topo' });
    // Writes keep arriving, so a range may differ for a moment while one replica has applied a write and another not yet.
    await waitFor(() => `replicas to agree after cleanup: ${report.differing.join('; ')}`, 60_000, async () => {
      report = await replicaReport(1);
      return report.differing.length === 0;
    });
    expect(report.outside).to.deep.equal([]);
  });

  it('decommissions node 2 under load: UL and LEAVING while it streams, then it leaves the ring and stops', async () => {
    const decommission = cluster.tool(2, 'decommission');
    const sawLeaving = sawStatus(1, 'UL', '127.0.0.2', decommission);
    const r = await decommission;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Decommissioned: \d+ ranges streamed/);
    expect(await sawLeaving(), 'node 1 listed node 2 as UL while it left').to.equal(true);
    await cluster.waitForExit(2);
    for (const observer of [1, 3, 4]) {
      await waitFor(`node ${observer} to drop node 2 from status`, 15_000, async () => {
        const rows = await cluster.statusOf(observer);
        return JSON.stringify(rows) === JSON.stringify(['UN 127.0.0.1', 'UN 127.0.0.3', 'UN 127.0.0.4']);
      });
    }
    // A decommissioned node refuses to come back on its old data.
    const again = await cluster.startNode(2, 20_000).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(again).to.contain('This node was decommissioned and will not rejoin the ring');
  });

  it('removes a killed node 3 with removenode under load, and reports no removal afterwards', async () => {
    const hostId = (await cluster.statusRows(1)).find((row) => row.address === '127.0.0.3')!.hostId;
    await cluster.kill(3);
    await waitFor('node 1 to see node 3 down', 20_000, async () => (await cluster.statusOf(1)).includes('DN 127.0.0.3'));
    const live = await cluster.tool(1, 'removenode', (await cluster.statusRows(1)).find((row) => row.address === '127.0.0.4')!.hostId);
    expect(live.code).to.equal(1);
    expect(live.stderr).to.contain('is alive and owns this ID. Use decommission command to remove it from the ring');

    const r = await cluster.tool(1, 'removenode', hostId);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Removed /${cluster.endpoint(3)} (${hostId})`);
    expect((await cluster.tool(1, 'removenode', 'status')).stdout).to.equal('RemovalStatus: No removals in process.\n');
    for (const observer of [1, 4]) {
      await waitFor(`node ${observer} to drop node 3 from status`, 15_000, async () => {
        return JSON.stringify(await cluster.statusOf(observer)) === JSON.stringify(['UN 127.0.0.1', 'UN 127.0.0.4']);
      });
    }
  });

  it('lost no acknowledged write, never read a wrong value, and kept every outage under a failure-detection interval', async () => {
    await sleep(1000);
    await workload.stop();
    console.log(
      `      workload: ${workload.operations} operations, ${workload.acked.size} writes acknowledged, ` +
        `errors ${JSON.stringify(Object.fromEntries(workload.errors))}, longest outage ${workload.longestOutageMs} ms (bound ${FAILURE_DETECTION_MS.toFixed(0)} ms)`,
    );
    expect(workload.stale).to.deep.equal([]);
    expect(workload.longestOutageMs).to.be.below(FAILURE_DETECTION_MS);

    const client = await cluster.client(1);
    const missing: number[] = [];
    const keys = [...workload.acked.keys()];
    for (let i = 0; i < keys.length; i += 64) {
      await Promise.all(
        keys.slice(i, i + 64).map(async (k) => {
          const rs = await client.execute('SELECT v FROM topo.kv WHERE k = ?', [k], { prepare: true, consistency: 'QUORUM' });
          if (rs.rows[0]?.['v'] !== workload.acked.get(k)) missing.push(k);
        }),
      );
    }
    expect(missing).to.deep.equal([]);

    let report = await replicaReport(1);
    await waitFor(() => `replicas to agree: ${report.differing.join('; ')}`, 60_000, async () => {
      report = await replicaReport(1);
      return report.differing.length === 0;
    });
    expect(report.nodes.sort()).to.deep.equal([cluster.endpoint(1), cluster.endpoint(4)]);
    for (const i of [1, 4]) await (await cluster.client(i)).admin('cleanup', { keyspace: 'topo' });
    expect((await replicaReport(1)).outside).to.deep.equal([]);
  });
});
