/**
 * A cluster of real `sibyl node` processes for fault tests. Node i listens on
 * its own loopback address, 127.0.0.i, like `sibyl cluster` does, so a fault
 * rule or a `sibyltool status` line names a node by its address alone. Every
 * node shares one native and one internode port; the ports are unusual
 * (19xxx and 17xxx) so a developer's cluster on 9042/7000 keeps running, and
 * spread by pid so two test runs on one machine do not collide.
 *
 * Each node gets a YAML config that shortens the failure detector's clock: a
 * heartbeat every 200 ms (gossip_interval) and phi_convict_threshold 6. Phi
 * grows by 0.434 per mean interval of silence, so a killed peer is convicted
 * after about 6 / 0.434 ≈ 14 mean inter-arrival intervals (the detector
 * records intervals of at most twice gossip_interval), 2–4 s here, where the
 * defaults (1 s, phi 8) take about 18 s, which a test cannot afford. A lower
 * threshold convicts faster but wrongly convicts live nodes when the machine
 * is busy (phi 4 did, at a load average of 12 on two CPUs). The
 * write timeout and batchlog replay interval are shortened for the same
 * reason; the read timeout stays long enough for a busy 2-CPU machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ConsistencyName } from '../../grammar/ast.js';
import type { DumpedPartition } from '../../src/admin/partition-dump.js';
import { Client, type ClientOptions } from '../../src/client/index.js';
import { removeDir, SIBYL_BIN, tempDir } from '../integration/harness.js';

export const SIBYLTOOL_BIN = join(SIBYL_BIN, '..', 'sibyltool.js');

/** Settings every fault-test node shares; see the file comment for why each is short. */
export const FAST_FAILURE_SETTINGS = {
  gossip_interval: 200,
  phi_convict_threshold: 6,
  write_request_timeout: 1000,
  read_request_timeout: 2000,
  batchlog_replay_interval: 250,
  // A joining or leaving node waits this long for every coordinator to see it before streaming: 10 gossip rounds.
  ring_delay: 2000,
  // Acknowledged writes survive SIGKILL, so a killed node's data is still there when it restarts.
  commitlog_sync: 'batch',
} as const;

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ClusterNodeSpec {
  /** 1-based: node i listens on 127.0.0.i. */
  index: number;
  dc: string;
  rack?: string;
  /** Settings of this node alone, over FAST_FAILURE_SETTINGS (e.g. clock_offset); read at each (re)start. */
  settings?: Record<string, unknown>;
}

export interface StatusRow {
  /** UN, DN, ... */
  state: string;
  address: string;
  hostId: string;
}

/** What a test may add to every driver and sibyltool run of a cluster (TLS). */
export interface FaultClusterOptions {
  /** Options merged into every driver client() makes. */
  clientOptions?: Partial<ClientOptions>;
  /** Arguments put before the command of every tool() run, and variables added to its environment. */
  toolArgs?: string[];
  toolEnv?: Record<string, string>;
}

interface RunningNode {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Nodes 1..n, all in one datacenter. */
export function oneDatacenter(n: number, dc = 'dc1'): ClusterNodeSpec[] {
  return Array.from({ length: n }, (_, i) => ({ index: i + 1, dc }));
}

export class FaultCluster {
  readonly root = tempDir('sibyl-fault-');
  readonly nativePort: number;
  readonly storagePort: number;
  private readonly running = new Map<number, RunningNode>();
  private readonly clients = new Map<number, Client>();

  constructor(
    readonly specs: ClusterNodeSpec[],
    portOffset = process.pid % 900,
    private readonly options: FaultClusterOptions = {},
  ) {
    this.nativePort = 19_000 + portOffset;
    this.storagePort = 17_000 + portOffset;
  }

  host(index: number): string {
    return `127.0.0.${index}`;
  }

  /** The node's internode endpoint, as fault rules and `-pp` output name it. */
  endpoint(index: number): string {
    return `${this.host(index)}:${this.storagePort}`;
  }

  /** The node's client endpoint, as a result's `queriedHost` names it. */
  nativeEndpoint(index: number): string {
    return `${this.host(index)}:${this.nativePort}`;
  }

  private nodeDir(index: number): string {
    return join(this.root, `node${index}`);
  }

  logOf(index: number): string {
    try {
      return readFileSync(join(this.nodeDir(index), 'sibyl.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * Starts the seed, then the others. A node's first start comes one at a
   * time, as `sibyl cluster start` does, so each new node's tokens balance
   * against those of the nodes before it; nodes that have run before start
   * together.
   */
  async start(): Promise<void> {
    const [seed, ...rest] = this.specs;
    await this.startNode(seed!.index);
    const fresh = rest.filter((s) => !existsSync(join(this.nodeDir(s.index), 'data')));
    await Promise.all(rest.filter((s) => !fresh.includes(s)).map((s) => this.startNode(s.index)));
    for (const s of fresh) await this.startNode(s.index);
  }

  /** Starts (or restarts, with the same config and data) node `index`, resolving once it serves clients. */
  async startNode(index: number, timeoutMs = 20_000): Promise<void> {
    const spec = this.specs.find((s) => s.index === index);
    if (!spec) throw new Error(`no node ${index} in this cluster`);
    if (this.running.has(index)) throw new Error(`node ${index} is already running`);
    const dir = this.nodeDir(index);
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'sibyl.yaml');
    writeFileSync(
      configFile,
      stringify({
        cluster_name: 'Sibyl Fault Test',
        listen_address: this.host(index),
        native_transport_port: this.nativePort,
        storage_port: this.storagePort,
        data_directory: join(dir, 'data'),
        seeds: [this.endpoint(this.specs[0]!.index)],
        dc: spec.dc,
        rack: spec.rack ?? 'rack1',
        ...FAST_FAILURE_SETTINGS,
        ...spec.settings,
      }),
    );
    const logPath = join(dir, 'sibyl.log');
    const startOffset = this.logOf(index).length;
    const log = openSync(logPath, 'a');
    const child = spawn(process.execPath, [SIBYL_BIN, 'node', '--config', configFile], { stdio: ['ignore', log, log] });
    closeSync(log);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.running.set(index, { child, exited });
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void exited.then(() => (gone = true));
    while (!this.logOf(index).slice(startOffset).includes('listening for CQL clients')) {
      if (gone) {
        this.running.delete(index);
        throw new Error(`node ${index} exited before serving clients:\n${this.logOf(index).slice(startOffset)}`);
      }
      if (Date.now() > deadline) throw new Error(`node ${index} did not start within ${timeoutMs} ms:\n${this.logOf(index).slice(startOffset)}`);
      await sleep(50);
    }
  }

  /**
   * Adds node `spec.index` to the cluster and starts it; it joins through the
   * seed like any new node, bootstrapping when the ring holds data, and this
   * resolves once it has joined and serves clients.
   */
  async addNode(spec: ClusterNodeSpec, timeoutMs = 120_000): Promise<void> {
    if (this.specs.some((s) => s.index === spec.index)) throw new Error(`node ${spec.index} is already part of this cluster`);
    this.specs.push(spec);
    await this.startNode(spec.index, timeoutMs);
  }

  /** Resolves once node `index`'s process has exited by itself (a decommissioned node stops); fails after `timeoutMs`. */
  async waitForExit(index: number, timeoutMs = 30_000): Promise<void> {
    const node = this.running.get(index);
    if (!node) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`node ${index} did not exit within ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([node.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.running.delete(index);
  }

  /** SIGKILL, as a crash would: no drain, no SHUTDOWN announcement to the peers. */
  async kill(index: number): Promise<void> {
    await this.signal(index, 'SIGKILL');
  }

  /** SIGSTOP: the process freezes mid-flight, as a long GC pause or a stalled VM would; `resume` continues it. */
  pause(index: number): void {
    this.running.get(index)?.child.kill('SIGSTOP');
  }

  /** SIGCONT: a paused node carries on where it stopped. */
  resume(index: number): void {
    this.running.get(index)?.child.kill('SIGCONT');
  }

  /** Whether node `index` has a process (running or paused). */
  isRunning(index: number): boolean {
    return this.running.has(index);
  }

  /** SIGTERM: the node drains, announces its shutdown and closes storage. */
  async stopNode(index: number): Promise<void> {
    await this.signal(index, 'SIGTERM');
  }

  private async signal(index: number, signal: NodeJS.Signals): Promise<void> {
    const node = this.running.get(index);
    if (!node) return;
    node.child.kill(signal);
    await node.exited;
    this.running.delete(index);
  }

  /** A driver pinned to node `index` (its only contact point), so that node coordinates every request. */
  async client(index: number): Promise<Client> {
    let client = this.clients.get(index);
    if (!client) {
      client = new Client({
        contactPoints: [this.nativeEndpoint(index)],
        // Pinned: no discovery of the other nodes, so no token-aware routing elsewhere.
        discoverNodes: false,
        connectTimeoutMs: 2000,
        reconnectDelayMs: 100,
        reconnectDelayMaxMs: 500,
        ...this.options.clientOptions,
      });
      this.clients.set(index, client);
    }
    await client.connect();
    return client;
  }

  /** Runs the real sibyltool against node `index`. */
  tool(index: number, ...args: string[]): Promise<ToolRun> {
    return new Promise((resolve) => {
      const argv = [SIBYLTOOL_BIN, '-h', this.host(index), '-p', String(this.nativePort), ...(this.options.toolArgs ?? []), ...args];
      const env = { ...process.env, ...this.options.toolEnv };
      execFile(process.execPath, argv, { timeout: 20_000, env }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `sibyltool status` on node `observer`: one row per node it knows, by address. */
  async statusRows(observer: number): Promise<StatusRow[]> {
    const r = await this.tool(observer, 'status');
    if (r.code !== 0) throw new Error(`sibyltool status on node ${observer} failed: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .filter((line) => /^[UD][NLJM] /.test(line))
      .map((line) => {
        const [state, address] = line.split(/\s+/);
        const hostId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(line)?.[0] ?? '';
        return { state: state!, address: address!, hostId };
      })
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  /** `sibyltool status` on node `observer` as 'UN 127.0.0.1' pairs, by address. */
  async statusOf(observer: number): Promise<string[]> {
    return (await this.statusRows(observer)).map((r) => `${r.state} ${r.address}`);
  }

  /** Waits until every node of the cluster sees every node `UN` in its `sibyltool status`. */
  async awaitAllUp(timeoutMs = 15_000): Promise<void> {
    const expected = JSON.stringify(this.specs.map((s) => `UN ${this.host(s.index)}`).sort());
    for (const spec of this.specs) {
      await waitFor(`node ${spec.index} to see every node up`, timeoutMs, async () => JSON.stringify(await this.statusOf(spec.index)) === expected);
    }
  }

  /** `sibyltool dump` on node `index`: what that node alone stores for the partition. */
  async dump(index: number, table: string, key: string): Promise<DumpedPartition[]> {
    const r = await this.tool(index, 'dump', table, key);
    if (r.code !== 0) throw new Error(`sibyltool dump on node ${index} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as DumpedPartition[];
  }

  /** Waits until every running node reports the same schema version in system.local. */
  async awaitSchemaAgreement(timeoutMs = 10_000): Promise<string> {
    let versions: string[] = [];
    await waitFor(() => `schema agreement (versions seen: ${versions.join(', ')})`, timeoutMs, async () => {
      versions = [];
      for (const index of this.running.keys()) {
        const rs = await (await this.client(index)).execute('SELECT schema_version FROM system.local', null, { consistency: 'ONE' });
        versions.push(String(rs.rows[0]?.['schema_version']));
      }
      return new Set(versions).size === 1;
    });
    return versions[0]!;
  }

  /** Stops every client and node and removes the folder, unless the run failed and `keep` asks to look at the logs. */
  async destroy(keep = false): Promise<void> {
    for (const client of this.clients.values()) await client.shutdown().catch(() => {});
    this.clients.clear();
    await Promise.all([...this.running.keys()].map((i) => this.kill(i)));
    if (!keep) removeDir(this.root);
  }
}

/** How much of each node's log a failed suite prints. */
const FAILED_LOG_TAIL_CHARS = 4000;

/**
 * Registers the hooks every fault suite needs around its cluster: once any of
 * the suite's tests has failed, the end of the suite prints the tail of each
 * node's log and keeps the cluster's folder (SIBYL_KEEP_FAULT_LOGS=1 keeps it
 * after a passing run too), then destroys the cluster. `beforeDestroy` ends
 * what the suite itself started (clients, workloads); `afterDestroy` learns
 * whether the folder was kept.
 */
export function destroyAfterSuite(
  cluster: FaultCluster,
  hooks: { beforeDestroy?: () => Promise<unknown> | unknown; afterDestroy?: (kept: boolean) => void } = {},
): void {
  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(async () => {
    await hooks.beforeDestroy?.();
    if (failed) for (const { index } of cluster.specs) console.log(`--- node ${index} log ---\n${cluster.logOf(index).slice(-FAILED_LOG_TAIL_CHARS)}`);
    const keep = failed || process.env['SIBYL_KEEP_FAULT_LOGS'] === '1';
    await cluster.destroy(keep);
    if (keep) console.log(`fault cluster logs kept in ${cluster.root}`);
    hooks.afterDestroy?.(keep);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms until it holds; fails naming `what` after `timeoutMs`. Errors from `check` count as not yet. */
export async function waitFor(what: string | (() => string), timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const startedMs = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return Date.now() - startedMs;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - startedMs > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await sleep(100);
  }
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

export type { ConsistencyName };
