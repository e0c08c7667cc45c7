/**
 * The chaos run's cluster: FaultCluster's real `sibyl node` processes with
 * the chaos keyspace, plus the end of a run: heal every fault, wait until
 * every node sees every node up, let hints drain, repair every node, read
 * every key at ALL and compare the replicas.
 */
import { Client } from '../../../src/client/index.js';
import { FaultCluster, oneDatacenter, waitFor } from '../harness.js';
import type { Observed } from './history.js';
import { KEYSPACE, READ_CQL, TABLE } from './workload.js';

export class ChaosCluster {
  readonly fault: FaultCluster;
  private readonly clients: Client[] = [];

  constructor(
    readonly nodes: number,
    readonly rf: number,
    skew: { node: number; offsetMs: number } | undefined,
    portOffset?: number,
  ) {
    const specs = oneDatacenter(nodes);
    if (skew) specs[skew.node - 1]!.settings = { clock_offset: skew.offsetMs };
    this.fault = new FaultCluster(specs, portOffset);
  }

  get indexes(): number[] {
    return this.fault.specs.map((s) => s.index);
  }

  async start(): Promise<void> {
    await this.fault.start();
    await this.fault.awaitAllUp(30_000);
    const admin = await this.fault.client(1);
    await admin.execute(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${this.rf}}`);
    await admin.execute(`CREATE TABLE ${KEYSPACE}.${TABLE} (k int PRIMARY KEY, v text)`);
    await this.fault.awaitSchemaAgreement(20_000);
  }

  /**
   * A driver pinned to node `index`. Its request timeout is longer than the
   * nodes' write and read timeouts, so a node that is up answers with its own
   * timeout error, and a paused one is given up on after a few seconds.
   */
  async workloadClient(index: number): Promise<Client> {
    const client = new Client({
      contactPoints: [this.fault.nativeEndpoint(index)],
      discoverNodes: false,
      requestTimeoutMs: 4000,
      connectTimeoutMs: 2000,
      reconnectDelayMs: 200,
      reconnectDelayMaxMs: 1000,
    });
    this.clients.push(client);
    await client.connect();
    return client;
  }

  /** Undoes every fault: clears fault rules, continues paused nodes and restarts killed ones, then waits for all up. */
  async heal(): Promise<void> {
    for (const index of this.indexes) {
      if (this.fault.isRunning(index)) this.fault.resume(index);
      else await this.fault.startNode(index, 60_000);
    }
    for (const index of this.indexes) {
      const r = await this.fault.tool(index, 'faults', 'clear');
      if (r.code !== 0) throw new Error(`sibyltool faults clear on node ${index} failed: ${r.stderr}`);
    }
    await this.fault.awaitAllUp(60_000);
  }

  /** Waits until no node holds hints, then runs a full repair of the table from every node in turn. */
  async converge(log: (line: string) => void): Promise<void> {
    for (const index of this.indexes) {
      await waitFor(`node ${index} to deliver its hints`, 120_000, async () => (await this.fault.tool(index, 'listpendinghints')).stdout === 'This node does not have any pending hints\n');
    }
    for (const index of this.indexes) {
      let r = await this.fault.tool(index, 'repair', '--full', KEYSPACE, TABLE);
      // A repair racing the last gossip of a restart can fail once on a peer it still saw down; the second run is the answer.
      if (r.code !== 0) {
        log(`repair on node ${index} failed, retrying: ${(r.stdout + r.stderr).trim().split('\n').pop()}`);
        r = await this.fault.tool(index, 'repair', '--full', KEYSPACE, TABLE);
      }
      if (r.code !== 0) throw new Error(`sibyltool repair on node ${index} failed:\n${r.stdout}${r.stderr}`);
    }
  }

  /** Every key as a read at ALL through node 1 sees it. */
  async finalState(keys: number): Promise<Map<number, Observed | null>> {
    const client = await this.fault.client(1);
    const state = new Map<number, Observed | null>();
    for (let key = 0; key < keys; key++) {
      const rs = await client.execute(READ_CQL, [key], { consistency: 'ALL', prepare: true });
      const row = rs.rows[0];
      state.set(key, row && row['v'] !== null ? { value: String(row['v']), timestampUs: Number(row['wt']) } : null);
    }
    return state;
  }

  /**
   * Whether every replica holds the same data. With every node a replica of
   * every range (nodes = RF) the table's Merkle roots, as of one agreed time,
   * must be equal on all nodes; otherwise each key's replicas must dump the
   * same partition.
   */
  async replicasIdentical(keys: number): Promise<{ identical: boolean; detail: string }> {
    if (this.nodes === this.rf) {
      const asOfS = String(Math.floor(Date.now() / 1000));
      const roots: string[] = [];
      for (const index of this.indexes) {
        const r = await this.fault.tool(index, 'merkleroot', '--as-of', asOfS, KEYSPACE, TABLE);
        if (r.code !== 0) throw new Error(`sibyltool merkleroot on node ${index} failed: ${r.stderr}`);
        roots.push(`node ${index}: ${r.stdout.trim()}`);
      }
      const distinct = new Set(roots.map((line) => line.split(/\s+/)[2]));
      return { identical: distinct.size === 1, detail: roots.join('\n') };
    }
    const differing: string[] = [];
    for (let key = 0; key < keys; key++) {
      const replicas = (await this.fault.tool(1, 'getendpoints', KEYSPACE, TABLE, String(key))).stdout.trim().split('\n');
      const dumps = await Promise.all(replicas.map((host) => this.fault.dump(Number(host.split('.')[3]), `${KEYSPACE}.${TABLE}`, String(key))));
      if (new Set(dumps.map((d) => JSON.stringify(d))).size !== 1) differing.push(`key ${key}: ${replicas.map((r, i) => `${r} ${JSON.stringify(dumps[i])}`).join(' | ')}`);
    }
    return { identical: differing.length === 0, detail: differing.length === 0 ? `every key's ${this.rf} replicas dump the same partition` : differing.join('\n') };
  }

  async destroy(keep: boolean): Promise<void> {
    for (const client of this.clients) await client.shutdown().catch(() => {});
    await this.fault.destroy(keep);
  }
}
