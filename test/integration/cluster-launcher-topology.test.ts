/**
 * `sibyl cluster add` and `sibyl cluster decommission` end to end with the
 * real CLI: three detached nodes with data at RF 3, a fourth added (it
 * bootstraps, streaming its ranges), then node 2 decommissioned (it streams
 * its ranges away, leaves the ring and stops). Ports are unusual and spread
 * by pid, away from cluster-launcher.test.ts's, so neither a developer's
 * cluster nor that test collides with this one. The nodes run the default
 * settings (ring_delay 5 s), as a developer's cluster does.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { runCli, type CliResult } from './cli-runner.js';
import { removeDir, SIBYL_BIN, tempDir } from './harness.js';

const ROWS = 300;

/** Status table rows of `sibyl cluster status` as `node status` pairs, e.g. ['1 up', '2 down']. */
function clusterStatusOf(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^\d+\s/.test(line))
    .map((line) => line.split(/\s+/).slice(0, 2).join(' '));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sibyl cluster add and decommission (real processes)', function () {
  this.timeout(180_000);
  const root = tempDir('sibyl-cluster-topology-');
  const dir = join(root, 'c');
  // Below Linux's ephemeral range (32768+); offset from cluster-launcher.test.ts's ports for the same pid.
  const nativePort = 20_000 + ((process.pid + 3000) % 6000);
  const storagePort = nativePort + 6000;
  const cli = (...args: string[]) => runCli([...args, '--dir', dir], 170_000);
  const tool = (host: string, ...args: string[]) =>
    new Promise<CliResult>((resolve) => {
      execFile(process.execPath, [join(SIBYL_BIN, '..', 'sibyltool.js'), '-h', host, '-p', String(nativePort), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });
  /** `sibyltool status` on `host` as 'UN 127.0.0.1' pairs, by address. */
  const ringStatus = async (host: string) =>
    (await tool(host, 'status')).stdout
      .split('\n')
      .filter((line) => /^[UD][NLJM] /.test(line))
      .map((line) => line.split(/\s+/).slice(0, 2).join(' '))
      .sort();
  let client: Client;
  let failed = false;

  before(async () => {
    const r = await cli('cluster', 'start', '-n', '3', '--native-port', String(nativePort), '--storage-port', String(storagePort));
    expect(r.code, r.stderr).to.equal(0);
    client = new Client({ contactPoints: [`127.0.0.1:${nativePort}`], discoverNodes: false, connectTimeoutMs: 2000 });
    await client.connect();
    await client.execute(`CREATE KEYSPACE grow WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE grow.kv (k int PRIMARY KEY, v text)');
    await Promise.all(
      Array.from({ length: ROWS }, (_, k) => client.execute('INSERT INTO grow.kv (k, v) VALUES (?, ?)', [k, `value ${k}`], { prepare: true, consistency: 'QUORUM' })),
    );
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async () => {
    await client?.shutdown().catch(() => {});
    if (failed) {
      for (const i of [1, 2, 3, 4]) console.log(`--- node ${i} log ---\n${(await cli('cluster', 'logs', String(i))).stdout.slice(-4000)}`);
    }
    await runCli(['cluster', 'clear', '--dir', dir]);
    removeDir(root);
  });

  it('add starts node 4, which bootstraps with the rows streamed to it and ends UN', async () => {
    const r = await cli('cluster', 'add', '--timeout', '150s');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(
        `^Adding node 4 on 127\\.0\\.0\\.4 \\(datacenter1, rack1\\); it streams its ranges before it serves them\\n` +
          `Node 4 joined the ring on 127\\.0\\.0\\.4:${nativePort} \\(pid \\d+\\); run 'sibyltool cleanup' on the other nodes\\n$`,
      ),
    );
    const log = readFileSync(join(dir, 'node4', 'sibyl.log'), 'utf8');
    const streamed = /Bootstrap completed: (\d+) ranges, (\d+) partitions, (\d+) bytes streamed/.exec(log);
    expect(streamed, 'node 4 logged its completed bootstrap').to.not.equal(null);
    expect(Number(streamed![1])).to.be.greaterThan(0);
    expect(Number(streamed![2])).to.be.greaterThan(0);

    const all = ['UN 127.0.0.1', 'UN 127.0.0.2', 'UN 127.0.0.3', 'UN 127.0.0.4'];
    for (const host of ['127.0.0.1', '127.0.0.4']) {
      await waitFor(`${host} to list every node UN`, 20_000, async () => JSON.stringify(await ringStatus(host)) === JSON.stringify(all));
    }
    expect(clusterStatusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 up', '2 up', '3 up', '4 up']);
  });

  it('decommission 2 streams node 2 away, stops it and drops it from the cluster; every row still reads at QUORUM', async () => {
    const pid = Number(readFileSync(join(dir, 'node2', 'sibyl.pid'), 'utf8'));
    const r = await cli('cluster', 'decommission', '2');
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).to.equal('Node 2 (127.0.0.2) left the ring and stopped; it is no longer part of this cluster');
    expect(lines.at(-2)).to.match(/^Decommissioned: [1-9]\d* ranges streamed/);
    for (const line of lines.slice(0, -2)) expect(line).to.match(/^Unbootstrap: \d+\/\d+ ranges streamed, \d+ partitions, /);
    console.log(`      cluster decommission 2 printed:\n${r.stdout.trimEnd().replace(/^/gm, '        ')}`);
    expect(isAlive(pid), `node 2's process ${pid} stopped`).to.equal(false);

    const left = ['UN 127.0.0.1', 'UN 127.0.0.3', 'UN 127.0.0.4'];
    for (const host of ['127.0.0.1', '127.0.0.3', '127.0.0.4']) {
      await waitFor(`${host} to drop node 2 from status`, 20_000, async () => JSON.stringify(await ringStatus(host)) === JSON.stringify(left));
    }
    const status = await cli('cluster', 'status');
    console.log(`      cluster status afterwards:\n${status.stdout.trimEnd().replace(/^/gm, '        ')}`);
    expect(clusterStatusOf(status.stdout)).to.deep.equal(['1 up', '3 up', '4 up']);
    const gone = await cli('cluster', 'logs', '2');
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.equal('sibyl cluster logs: no node 2 in this cluster; its nodes are 1, 3, 4\n');

    const wrong: number[] = [];
    await Promise.all(
      Array.from({ length: ROWS }, async (_, k) => {
        const rs = await client.execute('SELECT v FROM grow.kv WHERE k = ?', [k], { prepare: true, consistency: 'QUORUM' });
        if (rs.rows[0]?.['v'] !== `value ${k}`) wrong.push(k);
      }),
    );
    expect(wrong).to.deep.equal([]);
  });
});
