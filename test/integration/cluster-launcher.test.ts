/**
 * `sibyl cluster` end to end with the real CLI: two detached nodes on
 * 127.0.0.1 and 127.0.0.2, on unusual ports so a developer's cluster on
 * 9042/7000 or a parallel run does not collide with this one.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { runCli } from './cli-runner.js';
import { removeDir, SIBYL_BIN, tempDir } from './harness.js';

/** Status table rows as `node status` pairs, e.g. ['1 up', '2 down']. */
function statusOf(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^\d+\s/.test(line))
    .map((line) => line.split(/\s+/).slice(0, 2).join(' '));
}

describe('sibyl cluster (real processes)', function () {
  this.timeout(120_000);
  const root = tempDir('sibyl-cluster-');
  const dir = join(root, 'c');
  // Below Linux's ephemeral range (32768+), spread by pid so parallel runs differ.
  const nativePort = 20_000 + (process.pid % 6000);
  const storagePort = nativePort + 6000;
  const cli = (...args: string[]) => runCli([...args, '--dir', dir]);

  after(async () => {
    await runCli(['cluster', 'clear', '--dir', dir]);
    removeDir(root);
  });

  async function query(host: string, cql: string) {
    const client = new Client({ contactPoints: [`${host}:${nativePort}`], consistency: 'ONE', connectTimeoutMs: 2000 });
    try {
      await client.connect();
      return await client.execute(cql);
    } finally {
      await client.shutdown();
    }
  }

  it('names an option given without its value instead of taking the next option as that value', async () => {
    // cli() appends --dir D, so this is `start -n --dir D`, which used to complain of a stray argument D.
    const r = await cli('cluster', 'start', '-n');
    expect(r.code).to.equal(2);
    expect(r.stderr.split('\n')[0]).to.equal('sibyl cluster start: option -n needs a value');
    expect(existsSync(dir)).to.equal(false);
  });

  it('starts two nodes that answer the driver on 127.0.0.1 and 127.0.0.2', async () => {
    const r = await cli('cluster', 'start', '-n', '2', '--native-port', String(nativePort), '--storage-port', String(storagePort));
    expect(r.stderr).to.equal('');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`in ${dir}: 2 of 2 nodes up`);
    expect(statusOf(r.stdout)).to.deep.equal(['1 up', '2 up']);
    expect(r.stdout).to.contain(`Connect with: sibylsh 127.0.0.1 ${nativePort}\n`);
    for (const [host, ks] of [['127.0.0.1', 'launcher_a'], ['127.0.0.2', 'launcher_b']] as const) {
      const rs = await query(host, `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      expect(rs.info.queriedHost).to.equal(`${host}:${nativePort}`);
    }
    await query('127.0.0.2', 'CREATE TABLE IF NOT EXISTS launcher_b.t (k int PRIMARY KEY, v text)');
    await query('127.0.0.2', "INSERT INTO launcher_b.t (k, v) VALUES (1, 'kept')");
  });

  it('gives the cluster a secret of its own, readable by the owner only, which every node proves', () => {
    const secretFile = join(dir, 'cluster.secret');
    expect(readFileSync(secretFile, 'utf8')).to.match(/^[0-9a-f]{64}\n$/);
    expect(statSync(secretFile).mode & 0o777).to.equal(0o600);
    for (const i of [1, 2]) {
      expect(readFileSync(join(dir, `node${i}`, 'sibyl.yaml'), 'utf8')).to.include(`cluster_secret_file: ${secretFile}\n`);
      expect(readFileSync(join(dir, `node${i}`, 'sibyl.log'), 'utf8')).to.not.include('Internode traffic is unauthenticated');
    }
  });

  it('refuses to start a cluster that is already running, in one line', async () => {
    const r = await cli('cluster', 'start', '-n', '2');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(`sibyl cluster start: cluster in ${dir} is already running (nodes 1, 2); use 'sibyl cluster stop' first\n`);
  });

  it('with --if-not-running, leaves a running cluster alone and succeeds', async () => {
    const pids = [1, 2].map((i) => readFileSync(join(dir, `node${i}`, 'sibyl.pid'), 'utf8').trim());
    const r = await cli('cluster', 'start', '-n', '2', '--if-not-running');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/2 of 2 nodes up/);
    expect([1, 2].map((i) => readFileSync(join(dir, `node${i}`, 'sibyl.pid'), 'utf8').trim())).to.deep.equal(pids);
  });

  it('shows each node up with the pid from its pid file', async () => {
    const r = await cli('cluster', 'status');
    expect(r.code, r.stderr).to.equal(0);
    expect(statusOf(r.stdout)).to.deep.equal(['1 up', '2 up']);
    const pid2 = readFileSync(join(dir, 'node2', 'sibyl.pid'), 'utf8').trim();
    expect(r.stdout).to.match(new RegExp(`^2\\s+up\\s+127\\.0\\.0\\.2\\s+127\\.0\\.0\\.2:${nativePort}\\s+127\\.0\\.0\\.2:${storagePort}\\s+\\S+\\s+rack1\\s+${pid2}$`, 'm'));
  });

  it('shows a node whose process is alive but does not answer (stopped with SIGSTOP) as no-answer, not up', async () => {
    const pid2 = Number(readFileSync(join(dir, 'node2', 'sibyl.pid'), 'utf8').trim());
    process.kill(pid2, 'SIGSTOP');
    try {
      // The kernel still completes TCP connections to a stopped process, so only a request tells.
      const r = await cli('cluster', 'status');
      expect(r.code, r.stderr).to.equal(0);
      expect(statusOf(r.stdout)).to.deep.equal(['1 up', '2 no-answer']);
      expect(r.stdout).to.contain(': 1 of 2 nodes up\n');
    } finally {
      process.kill(pid2, 'SIGCONT');
    }
    expect(statusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 up', '2 up']);
  });

  it('sibyl stress keeps going without errors when a node is killed under it: its writes are retried on the other host', async () => {
    const child = spawn(process.execPath, [
      SIBYL_BIN, 'stress', 'write', '--duration', '10m', '--keys', '500', '--rf', '2', '--concurrency', '16',
      '--keyspace', 'launcher_stress', '--hosts', `127.0.0.1:${nativePort},127.0.0.2:${nativePort}`,
    ]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', res));
    const progressLines = () => (stdout.match(/^ +\d+\.\d, +\d+, /gm) ?? []).length;
    let wanted = 1;
    let reached: () => void = () => {};
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (progressLines() >= wanted) reached();
    });
    const progressReaches = (n: number) => new Promise<void>((res) => ((wanted = n), (reached = res), progressLines() >= n && res()));
    await progressReaches(1);
    expect((await cli('cluster', 'kill', '2')).code).to.equal(0);
    await progressReaches(progressLines() + 2);
    child.kill('SIGINT');
    expect(await exited, stderr).to.equal(0);
    expect(stdout).to.match(/^Total errors {14}: 0$/m);

    const back = await cli('cluster', 'start', '--if-not-running');
    expect(back.code, back.stderr).to.equal(0);
  });

  it('kill 2 takes node 2 down and restart 2 brings it back', async () => {
    const killed = await cli('cluster', 'kill', '2');
    expect(killed.code, killed.stderr).to.equal(0);
    expect(killed.stdout).to.match(/^Killed node 2 \(127\.0\.0\.2, pid \d+\)\n$/);
    expect(statusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 up', '2 down']);
    const again = await cli('cluster', 'kill', '2');
    expect(again.stderr).to.equal('sibyl cluster kill: node 2 is not running\n');
    // --if-not-running starts only the node that is down.
    const pid1 = readFileSync(join(dir, 'node1', 'sibyl.pid'), 'utf8').trim();
    const partial = await cli('cluster', 'start', '--if-not-running');
    expect(partial.code, partial.stderr).to.equal(0);
    expect(statusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 up', '2 up']);
    expect(readFileSync(join(dir, 'node1', 'sibyl.pid'), 'utf8').trim()).to.equal(pid1);
    expect((await cli('cluster', 'kill', '2')).code).to.equal(0);

    const restarted = await cli('cluster', 'restart', '2');
    expect(restarted.code, restarted.stderr).to.equal(0);
    expect(restarted.stdout).to.match(new RegExp(`^Node 2 is up on 127\\.0\\.0\\.2:${nativePort} \\(pid \\d+\\)\\n$`));
    expect(statusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 up', '2 up']);
  });

  it("prints a node's log", async () => {
    const r = await cli('cluster', 'logs', '1');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`listening for CQL clients on 127.0.0.1:${nativePort}`);
    const bad = await cli('cluster', 'logs', '3');
    expect(bad.stderr).to.equal('sibyl cluster logs: no node 3 in this cluster; its nodes are 1 to 2\n');
  });

  it('stop takes every node down and keeps the state, so start brings back the same nodes and data', async () => {
    const stopped = await cli('cluster', 'stop');
    expect(stopped.stdout).to.equal(`Stopped nodes 1, 2 of cluster in ${dir}\n`);
    expect(statusOf((await cli('cluster', 'status')).stdout)).to.deep.equal(['1 down', '2 down']);
    expect(existsSync(join(dir, 'cluster.json'))).to.equal(true);

    const started = await cli('cluster', 'start');
    expect(started.code, started.stderr).to.equal(0);
    expect(statusOf(started.stdout)).to.deep.equal(['1 up', '2 up']);
    // start returns once every node sees the other up, so the read finds its replica at once.
    const rs = await query('127.0.0.2', 'SELECT v FROM launcher_b.t WHERE k = 1');
    expect(rs.rows).to.deep.equal([{ v: 'kept' }]);
  });

  it("says why a node failed to start with its log's error line, not the usage text after it", async () => {
    expect((await cli('cluster', 'kill', '2')).code).to.equal(0);
    const config = join(dir, 'node2', 'sibyl.yaml');
    const good = readFileSync(config, 'utf8');
    writeFileSync(config, `${good}no_such_setting: 1\n`);
    try {
      const r = await cli('cluster', 'start', '--if-not-running');
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal(
        `sibyl cluster start: node 2 exited during start-up; its log says: sibyl node: unknown setting 'no_such_setting' in config file ${config} ` +
          `(see ${join(dir, 'node2', 'sibyl.log')})\n`,
      );
    } finally {
      writeFileSync(config, good);
    }
    const again = await cli('cluster', 'start', '--if-not-running');
    expect(again.code, again.stderr).to.equal(0);
    expect(statusOf(again.stdout)).to.deep.equal(['1 up', '2 up']);
  });

  it('clear stops the cluster and removes its folder', async () => {
    const r = await cli('cluster', 'clear');
    expect(r.stdout).to.equal(`Stopped nodes 1, 2 and removed ${dir}\n`);
    expect(existsSync(dir)).to.equal(false);
    const status = await cli('cluster', 'status');
    expect(status.code).to.equal(1);
    expect(status.stderr).to.equal(`sibyl cluster status: no cluster in ${dir}; create one with 'sibyl cluster start -n 3 --dir ${dir}'\n`);
  });
});
