/**
 * removenode with real `sibyl node` processes and the real sibyltool: a dead
 * node's ranges are re-replicated from the surviving copies, `removenode
 * status` reports the removal under way, `removenode force` completes one
 * whose streaming cannot finish (leaving its ranges to repair), and the
 * requests it must refuse are refused with Cassandra's messages.
 *
 * Five nodes at RF 3 hold 3000 rows written at QUORUM. Node 5 is killed and
 * its removal forced while node 1 drops every stream it sends; repair then
 * restores the third copies. Node 4 is killed and removed for real: with
 * three nodes left at RF 3, each of them must then hold every row.
 */
import { expect } from 'chai';
import type { MerkleRootAnswer } from '../../src/repair/service.js';
import { destroyAfterSuite, FaultCluster, oneDatacenter, waitFor } from './harness.js';

const ROWS = 3000;
/** One Merkle-tree time for every node, so equal data gives equal roots. */
const AS_OF_S = Math.floor(Date.now() / 1000) + 3600;

describe('removenode (real processes)', function () {
  this.timeout(240_000);
  const specs = oneDatacenter(5);
  // Node 1 runs the removals: a stream it sends that is dropped fails after this long, not after the default minute.
  specs[0]!.settings = { repair_request_timeout: 6000 };
  const cluster = new FaultCluster(specs, (process.pid + 150) % 900);

  const hostIdOf = async (index: number) => (await cluster.statusRows(1)).find((row) => row.address === cluster.host(index))!.hostId;
  /** Node `index`'s own Merkle root and partition count of the whole table. */
  const rootOf = async (index: number) =>
    (await (await cluster.client(index)).admin('merkleroot', { keyspace: 'topo', table: 'kv', asOfS: AS_OF_S, depth: 4 })) as MerkleRootAnswer;
  const partitionsOn = async (nodes: number[]) => (await Promise.all(nodes.map(rootOf))).reduce((n, r) => n + r.partitions, 0);
  const killAndAwaitDown = async (index: number) => {
    await cluster.kill(index);
    await waitFor(`node 1 to see node ${index} down`, 20_000, async () => (await cluster.statusOf(1)).includes(`DN ${cluster.host(index)}`));
  };
  const awaitGone = async (index: number, observers: number[]) => {
    const expected = JSON.stringify(observers.map((i) => `UN ${cluster.host(i)}`));
    for (const observer of observers) {
      await waitFor(`node ${observer} to drop node ${index} from status`, 15_000, async () => JSON.stringify(await cluster.statusOf(observer)) === expected);
    }
  };

  before(async () => {
    await cluster.start();
    await cluster.awaitAllUp(30_000);
    const client = await cluster.client(1);
    await client.execute(`CREATE KEYSPACE topo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE topo.kv (k int PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    for (let k = 0; k < ROWS; k += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => client.execute('INSERT INTO topo.kv (k, v) VALUES (?, ?)', [k + i, `value ${k + i}`], { prepare: true, consistency: 'QUORUM' })),
      );
    }
  });

  destroyAfterSuite(cluster);

  it('refuses a live node, an unknown host id, this node, a malformed id, and force with no removal', async () => {
    const refusal = async (...args: string[]) => {
      const r = await cluster.tool(1, 'removenode', ...args);
      expect(r.code, `removenode ${args.join(' ')}: ${r.stdout}`).to.equal(1);
      return r.stderr.trim();
    };
    expect(await refusal(await hostIdOf(2))).to.equal(
      `sibyltool: Node /${cluster.endpoint(2)} is alive and owns this ID. Use decommission command to remove it from the ring`,
    );
    expect(await refusal('0f0f0f0f-0000-4000-8000-000000000000')).to.equal('sibyltool: Host ID not found: 0f0f0f0f-0000-4000-8000-000000000000');
    expect(await refusal(await hostIdOf(1))).to.equal('sibyltool: Cannot remove self');
    expect(await refusal('node4')).to.equal("sibyltool: removenode: 'node4' is not a host id (a UUID, as sibyltool status lists it)");
    expect(await refusal('force')).to.equal('sibyltool: No token removals in process.');
    expect((await cluster.tool(1, 'removenode', 'status')).stdout).to.equal('RemovalStatus: No removals in process.\n');
  });

  it('force completes a removal whose streams are dropped; its ranges then lack a copy until repair', async () => {
    const hostId = await hostIdOf(5);
    await killAndAwaitDown(5);
    expect((await cluster.tool(1, 'faults', 'drop', 'REPAIR_STREAM')).code).to.equal(0);

    const r = await cluster.tool(1, 'removenode', hostId);
    expect(r.code, r.stdout).to.equal(1);
    expect(r.stderr).to.match(/^sibyltool: Removenode failed: streaming topo\.kv \(-?\d+,-?\d+\] from .* failed: /);
    // The failed removal stays: node 5 is still REMOVING (DL) everywhere, and status says what went wrong.
    await waitFor('node 2 to list node 5 as DL', 10_000, async () => (await cluster.statusOf(2)).includes(`DL ${cluster.host(5)}`));
    expect((await cluster.tool(1, 'removenode', 'status')).stdout).to.match(
      /^RemovalStatus: Removing token \(-?\d+(, -?\d+)*\)\. Streaming failed after \d+\/\d+ ranges: .*Run 'removenode force' to complete the removal \(its ranges then need repair\), or removenode again\.\n$/,
    );

    const forced = await cluster.tool(1, 'removenode', 'force');
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stdout).to.equal(`RemovalStatus: Removing token (${hostId}). Forcing completion of removal; its ranges need repair.\n`);
    expect((await cluster.tool(1, 'removenode', 'status')).stdout).to.equal('RemovalStatus: No removals in process.\n');
    await awaitGone(5, [1, 2, 3, 4]);
    expect((await cluster.tool(1, 'faults', 'clear')).code).to.equal(0);

    // Node 5's rows kept only their two surviving copies: the nodes that took its ranges over never received them.
    const before = await partitionsOn([1, 2, 3, 4]);
    expect(before).to.be.below(3 * ROWS);
    // Any two of four nodes replicate every range at RF 3, so repairing on nodes 1 and 2 covers the ring.
    for (const i of [1, 2]) {
      const repair = await cluster.tool(i, 'repair', 'topo');
      expect(repair.code, repair.stderr).to.equal(0);
    }
    expect(await partitionsOn([1, 2, 3, 4])).to.equal(3 * ROWS);
    console.log(`      after force: ${before} of ${3 * ROWS} copies; after repair: ${3 * ROWS}`);
  });

  it('removes a killed node 4 by streaming its ranges from the survivors: each of the 3 nodes left holds every row', async () => {
    const hostId = await hostIdOf(4);
    await killAndAwaitDown(4);
    const removal = cluster.tool(1, 'removenode', hostId);
    let running = true;
    void removal.finally(() => (running = false));
    const statuses = new Set<string>();
    let sawLeaving = false;
    while (running) {
      const s = (await cluster.tool(1, 'removenode', 'status')).stdout;
      statuses.add(s.replace(/Ranges streamed: \d+\/\d+/, 'Ranges streamed: i/n').replace(/\[[^\]]*\]/, '[…]'));
      if ((await cluster.statusOf(2)).includes(`DL ${cluster.host(4)}`)) sawLeaving = true;
    }
    const r = await removal;
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    const done = /^Removed \/(\S+) \(([0-9a-f-]+)\): (\d+) ranges re-replicated\.$/.exec(lines.at(-1)!);
    expect(done, r.stdout).to.not.equal(null);
    expect([done![1], done![2]]).to.deep.equal([cluster.endpoint(4), hostId]);
    const ranges = Number(done![3]);
    expect(ranges).to.be.greaterThan(0);
    const progress = lines.slice(0, -1);
    expect(progress.length).to.be.greaterThan(0);
    for (const line of progress) expect(line).to.match(/^Removenode: \d+\/\d+ ranges streamed, \d+ partitions, [\d.]+ (bytes|KiB|MiB) \([\d.]+ (bytes|KiB|MiB)\/s\)$/);
    expect(progress.at(-1)).to.match(new RegExp(`^Removenode: ${ranges}/${ranges} ranges streamed, [1-9]\\d* partitions`));
    console.log(`      removenode output:\n${r.stdout.trimEnd().replace(/^/gm, '        ')}\n      removenode status while running: ${[...statuses].map((t) => t.trim()).join(' | ')}`);
    expect([...statuses].some((s) => /^RemovalStatus: Removing token \(-?\d+(, -?\d+)*\)\. Waiting for replication confirmation from \[…\]\. Ranges streamed: i\/n\.\n$/.test(s))).to.equal(true);
    expect(sawLeaving, 'node 2 listed node 4 as DL while it was removed').to.equal(true);
    expect((await cluster.tool(1, 'removenode', 'status')).stdout).to.equal('RemovalStatus: No removals in process.\n');
    await awaitGone(4, [1, 2, 3]);

    const roots = await Promise.all([1, 2, 3].map(rootOf));
    expect(roots.map((root) => root.partitions)).to.deep.equal([ROWS, ROWS, ROWS]);
    expect(new Set(roots.map((root) => root.root)).size).to.equal(1);

    const client = await cluster.client(1);
    const wrong: number[] = [];
    for (let k = 0; k < ROWS; k += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const rs = await client.execute('SELECT v FROM topo.kv WHERE k = ?', [k + i], { prepare: true, consistency: 'QUORUM' });
          if (rs.rows[0]?.['v'] !== `value ${k + i}`) wrong.push(k + i);
        }),
      );
    }
    expect(wrong).to.deep.equal([]);
  });

  it('refuses a removed node that comes back on its old data: its peers ignore it, and it stops and will not start again', async () => {
    // Node 4 was removed above while it was down; here it restarts with its old host id, tokens and data.
    const logStart = cluster.logOf(4).length;
    await cluster.startNode(4).catch(() => {});
    await cluster.waitForExit(4, 30_000);
    const log = cluster.logOf(4).slice(logStart);
    expect(log).to.match(/peers gossip that this node \(host id [0-9a-f-]+\) left the ring: it was removed \(removenode\) or decommissioned; stopping, and refusing to start again/);
    for (const observer of [1, 2, 3]) expect((await cluster.statusOf(observer)).some((line) => line.endsWith(` ${cluster.host(4)}`))).to.equal(false);
    expect(cluster.logOf(1)).to.match(new RegExp(`Ignoring ${cluster.endpoint(4).replace(/\./g, '\\.')} \\(host id [0-9a-f-]+\\): it left the ring and restarted with its old identity`));

    const again = await cluster.startNode(4).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(again).to.contain('This node was removed from the ring (removenode) and will not rejoin it; to add it again as a new node, clear its data_directory first');
  });
});
