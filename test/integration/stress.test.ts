/** `sibyl stress` with the real CLI against one real node: write, read back every key, and fail on errors. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { Client } from '../../src/client/index.js';
import { runCli, type CliResult } from './cli-runner.js';
import { removeDir, SIBYL_BIN, startNode, type NodeProcess } from './harness.js';

const PROGRESS_HEADER = '  time s,  total ops,     op/s,   p50 ms,   p95 ms,   p99 ms,   max ms,  errors\n';
const PROGRESS_LINE = /^ +\d+\.\d, +\d+, +\d+, +[\d.]+, +[\d.]+, +[\d.]+, +[\d.]+, +\d+$/gm;

describe('sibyl stress (real node)', function () {
  this.timeout(60_000);
  let node: NodeProcess;
  let hosts: string;

  before(async () => {
    node = await startNode();
    hosts = `${node.host}:${node.port}`;
  });
  after(async () => {
    await node?.stop();
    if (node) removeDir(node.dataDir);
  });

  it('writes 2000 keys, printing progress lines and the Results block', async () => {
    const r = await runCli(['stress', 'write', '-n', '2000', '--keys', '2000', '--concurrency', '16', '--hosts', hosts]);
    expect(r.stderr).to.equal('');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Running write: 2000 operations at ONE, 16 in flight, 2000 keys, 64-byte values, stress.standard1 on ${hosts}\n`);
    expect(r.stdout).to.contain(PROGRESS_HEADER);
    const lines = r.stdout.match(PROGRESS_LINE) ?? [];
    expect(lines.length).to.be.at.least(1);
    expect(lines[lines.length - 1]).to.match(/^ +\d+\.\d, +2000, /);
    for (const label of ['Op rate', 'Latency mean', 'Latency median', 'Latency 95th percentile', 'Latency 99th percentile', 'Latency max']) {
      expect(r.stdout).to.match(new RegExp(`^${label} +: `, 'm'));
    }
    expect(r.stdout).to.contain('Total operations          : 2,000\nTotal errors              : 0\nTotal operation time      : ');
  });

  it('reads every written key back with its value', async () => {
    const r = await runCli(['stress', 'read', '-n', '2000', '--keys', '2000', '--hosts', hosts, '--cl', 'one']);
    expect(r.stderr).to.equal('');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('Total operations          : 2,000\nTotal errors              : 0\n');

    const client = new Client({ contactPoints: [hosts] });
    try {
      await client.connect();
      let rows = 0;
      for await (const _row of client.iterate('SELECT key FROM stress.standard1', null, { fetchSize: 500 })) rows++;
      expect(rows).to.equal(2000);
    } finally {
      await client.shutdown();
    }
  });

  it('exits 1 when more reads fail than --max-errors allows, naming each kind of failure once', async () => {
    const r = await runCli(['stress', 'read', '-n', '50', '--keys', '50', '--keyspace', 'stress_empty', '--hosts', hosts]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal('error: ValidationError: key N not found\nsibyl stress: 50 operations failed, more than --max-errors 0\n');
    expect(r.stdout).to.contain('\nErrors:\n        50  ValidationError: key N not found\n');
    const tolerated = await runCli(['stress', 'read', '-n', '50', '--keys', '50', '--keyspace', 'stress_empty', '--hosts', hosts, '--max-errors', '50']);
    expect(tolerated.code, tolerated.stderr).to.equal(0);
  });

  it('on Ctrl-C (SIGINT) finishes the operations in flight and prints the Results of what was done', async () => {
    const child = spawn(process.execPath, [SIBYL_BIN, 'stress', 'write', '--duration', '10m', '--keys', '500', '--concurrency', '8', '--hosts', hosts]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliResult>((res) => child.on('exit', (code) => res({ code: code ?? -1, stdout, stderr })));
    // Interrupt once the first progress line shows the run is under way.
    await new Promise<void>((res) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if ((stdout.match(PROGRESS_LINE) ?? []).length > 0) res();
      }),
    );
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('Interrupted: finishing the operations in flight (Ctrl-C again to quit at once)\n');
    const lines = r.stdout.match(PROGRESS_LINE) ?? [];
    const lastTotal = Number(lines[lines.length - 1]!.split(',')[1]);
    expect(lastTotal).to.be.greaterThan(0);
    expect(r.stdout).to.contain(`Total operations          : ${lastTotal.toLocaleString('en-US')}\nTotal errors              : 0\n`);
  });

  it('runs through the hosts that answer when one of --hosts is down, warning about it once', async () => {
    const r = await runCli(['stress', 'write', '-n', '20', '--keys', '20', '--hosts', `${hosts},127.0.0.1:1`]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^sibyl stress: warning: 127\.0\.0\.1:1 does not answer \(.*ECONNREFUSED.*\); running through the other hosts\n$/);
    expect(r.stdout).to.contain('Total operations          : 20\nTotal errors              : 0\n');
  });

  it('reaches a node on an IPv6 address given to --hosts as it is, with --port (--hosts ::1)', async () => {
    const v6 = await startNode({ host: '::1' });
    try {
      const r = await runCli(['stress', 'write', '-n', '20', '--keys', '20', '--hosts', '::1', '--port', String(v6.port)]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(` on [::1]:${v6.port}\n`);
      expect(r.stdout).to.contain('Total operations          : 20\nTotal errors              : 0\n');
    } finally {
      await v6.stop();
      removeDir(v6.dataDir);
    }
  });

  it('says in one line when no node answers', async () => {
    const r = await runCli(['stress', 'write', '-n', '10', '--hosts', '127.0.0.1:1']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^sibyl stress: cannot prepare the run on 127\.0\.0\.1:1: .+\n$/);
  });
});
