/**
 * The real `bin/sibyltool.js` against one real `sibyl node` process: each
 * command's output is compared exactly, except for values that vary between
 * runs (host id, load, schema version, uptime, memory), matched by pattern.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { removeDir, SIBYL_BIN, startNode, type NodeProcess } from './harness.js';

const SIBYLTOOL_BIN = join(dirname(SIBYL_BIN), 'sibyltool.js');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SIZE = '\\d+(?:\\.\\d{1,2})? (?:bytes|KiB|MiB|GiB)';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sibyltool(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SIBYLTOOL_BIN, ...args], (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Escapes a literal for a RegExp. */
function lit(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('sibyltool against a real node', function () {
  this.timeout(60_000);
  let node: NodeProcess;
  let client: Client;
  let tool: (...args: string[]) => Promise<Run>;

  before(async () => {
    node = await startNode();
    client = new Client({ contactPoints: [`${node.host}:${node.port}`] });
    await client.connect();
    await client.execute(`CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE shop.orders (tenant text, n int, v text, PRIMARY KEY ((tenant, n)))`);
    await client.execute(`INSERT INTO shop.orders (tenant, n, v) VALUES ('acme', 7, 'x')`);
    await client.execute(`SELECT * FROM shop.orders WHERE tenant = 'acme' AND n = 7`);
    tool = (...args) => sibyltool(['-h', node.host, '-p', String(node.port), ...args]);
  });

  after(async () => {
    await client?.shutdown();
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
  });

  /** The node's internode port: ephemeral in tests, and what bare hosts in fault rules default to. */
  const internodePort = () => node.endpoint.slice(node.endpoint.lastIndexOf(':') + 1);

  it('status shows the node up and normal, owning everything with its 16 vnode tokens, with its clock offset', async () => {
    const r = await tool('status');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).to.deep.equal([
      'Datacenter: datacenter1',
      '=======================',
      'Status=Up/Down',
      '|/ State=Normal/Leaving/Joining/Moving',
    ]);
    expect(lines[4]).to.match(/^--  Address    Load +Tokens  Owns \(effective\)  Host ID {31}Rack   Clock offset$/);
    expect(lines[5]).to.match(new RegExp(`^UN  127\\.0\\.0\\.1  ${SIZE} +16      100\\.0%            ${UUID}  rack1  0 ms$`));
    expect(lines.slice(6)).to.deep.equal(['', '']);
  });

  it('info reports the node, gossip active, its uptime and its tokens', async () => {
    const r = await tool('info');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(
        '^' +
          [
            `ID                     : ${UUID}`,
            'Gossip active          : true',
            'Native Transport active: true',
            `Load                   : ${SIZE}`,
            'Generation No          : \\d{10}',
            'Uptime \\(seconds\\)       : \\d+',
            'Heap Memory \\(MB\\)       : \\d+\\.\\d\\d / \\d+\\.\\d\\d',
            'Off Heap Memory \\(MB\\)   : \\d+\\.\\d\\d',
            'Data Center            : datacenter1',
            'Rack                   : rack1',
            'Token                  : \\(invoke with -T/--tokens to see all 16 tokens\\)',
          ].join('\n') +
          '\n$',
      ),
    );
    const tokens = await tool('info', '-T');
    expect(tokens.stdout.split('\n').filter((l) => /^Token {18}: -?\d+$/.test(l))).to.have.length(16);
  });

  it('describecluster names the cluster, one schema version and every keyspace', async () => {
    const r = await tool('describecluster');
    expect(r.code).to.equal(0);
    const expected =
      'Cluster Information:\n\tName: Sibyl Cluster\n\tSnitch: GossipingPropertyFileSnitch\n\tPartitioner: Murmur3Partitioner\n\tSchema versions:\n' +
      `\t\t${UUID}: \\[127\\.0\\.0\\.1\\]\n\nStats for all nodes:\n\tLive: 1\n\tJoining: 0\n\tMoving: 0\n\tLeaving: 0\n\tUnreachable: 0\n` +
      `\nData Centers: \n\tdatacenter1 #Nodes: 1 #Down: 0\n\nDatabase versions:\n\t\\d+\\.\\d+\\.\\d+: \\[127\\.0\\.0\\.1:${internodePort()}\\]\n` +
      '\nKeyspaces:\n' +
      lit('\tshop -> Replication class: SimpleStrategy {replication_factor=1}\n') +
      lit('\tsystem -> Replication class: SimpleStrategy {replication_factor=1}\n') +
      lit('\tsystem_schema -> Replication class: SimpleStrategy {replication_factor=1}\n');
    expect(r.stdout).to.match(new RegExp(`^${expected}$`));
  });

  it('describering prints the schema version and each of the 16 ranges with its replica, as nodetool describering does', async () => {
    const r = await tool('describering', 'shop');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(new RegExp(`^Schema Version:${UUID}$`));
    expect(lines[1]).to.equal('TokenRange: ');
    const ranges = lines.slice(2).map((l) => {
      const m = /^\tTokenRange\(start_token:(-?\d+), end_token:(-?\d+), endpoints:\[127\.0\.0\.1\], rpc_endpoints:\[127\.0\.0\.1\], endpoint_details:\[EndpointDetails\(host:127\.0\.0\.1, datacenter:datacenter1, rack:rack1\)\]\)$/.exec(l);
      expect(m, l).to.not.equal(null);
      return { start: BigInt(m![1]!), end: BigInt(m![2]!) };
    });
    expect(ranges).to.have.length(16);
    // Token order, each range starting where the one before ended, the first wrapping from the last.
    ranges.forEach((range, i) => expect(range.start).to.equal(ranges[(i + 15) % 16]!.end));
    expect(ranges.slice(1).every((range, i) => range.end > ranges[i]!.end)).to.equal(true);
    expect(await tool('describering', 'nope')).to.deep.equal({ code: 1, stdout: '', stderr: "sibyltool: Keyspace 'nope' does not exist\n" });
    expect((await tool('describering')).stderr.split('\n')[0]).to.equal('sibyltool describering: describering needs a keyspace');
  });

  it('getendpoints prints the one replica of a composite key, and names a missing table with its keyspace', async () => {
    expect(await tool('getendpoints', 'shop', 'orders', 'acme:7')).to.deep.equal({ code: 0, stdout: '127.0.0.1\n', stderr: '' });
    expect(await tool('-pp', 'getendpoints', 'shop', 'orders', 'acme:7')).to.deep.equal({ code: 0, stdout: `127.0.0.1:${internodePort()}\n`, stderr: '' });
    expect(await tool('getendpoints', 'shop', 'nope', '1')).to.deep.equal({ code: 1, stdout: '', stderr: "sibyltool: Unknown table 'nope' in keyspace 'shop'\n" });
  });

  it('getendpoints and dump take a key that starts with -: a negative number as it is, anything else after --', async () => {
    await client.execute('CREATE TABLE shop.counts (k int PRIMARY KEY, v text)');
    await client.execute(`INSERT INTO shop.counts (k, v) VALUES (-5, 'minus five')`);
    expect(await tool('getendpoints', 'shop', 'counts', '-5')).to.deep.equal({ code: 0, stdout: '127.0.0.1\n', stderr: '' });
    expect(await tool('getendpoints', 'shop', 'orders', '--', '-acme:7')).to.deep.equal({ code: 0, stdout: '127.0.0.1\n', stderr: '' });
    const dumped = await tool('dump', 'shop.counts', '-5');
    expect(dumped.code).to.equal(0);
    expect(JSON.parse(dumped.stdout)[0].partition.key).to.deep.equal(['-5']);
  });

  it("a composite key's component may hold ':' written '\\:', as Cassandra's getendpoints reads it", async () => {
    await client.execute('CREATE TABLE shop.readings (sensor text, at timestamp, v int, PRIMARY KEY ((sensor, at)))');
    await client.execute(`INSERT INTO shop.readings (sensor, at, v) VALUES ('hall:1', '2026-11-22 10:30:00+0000', 7)`);
    const key = 'hall\\:1:2026-11-22 10\\:30\\:00+0000';
    expect(await tool('getendpoints', 'shop', 'readings', key)).to.deep.equal({ code: 0, stdout: '127.0.0.1\n', stderr: '' });
    const dumped = await tool('dump', 'shop.readings', key);
    expect(dumped.code).to.equal(0);
    const partitions = JSON.parse(dumped.stdout) as { partition: { key: string[] }; rows: unknown[] }[];
    expect(partitions).to.have.length(1);
    expect(partitions[0]!.partition.key[0]).to.equal('hall:1');
    expect(partitions[0]!.rows).to.have.length(1);
  });

  it('version prints the release version', async () => {
    const r = await tool('version');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^ReleaseVersion: \d+\.\d+\.\d+\n$/);
  });

  it('proxyhistograms counts the coordinated read and write', async () => {
    const r = await tool('proxyhistograms');
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.equal('proxy histograms');
    expect(lines[3]).to.match(/^50% {6} +[1-9]\d*\.00 +[1-9]\d*\.00 +0\.00$/);
  });

  it('tpstats lists every request verb under its dropped messages, 0 when none was dropped, as nodetool does', async () => {
    const r = await tool('tpstats');
    expect(r.code).to.equal(0);
    const [pools, dropped] = r.stdout.split('\n\n');
    expect(pools!.split('\n').map((l) => l.split(/\s+/)[0])).to.deep.equal(['Pool', 'MutationStage', 'ReadStage']);
    const verbs = ['MUTATION', 'READ', 'READ_DIGEST', 'RANGE_READ', 'READ_REPAIR', 'TRUNCATE', 'BATCHLOG_STORE', 'BATCHLOG_REMOVE', 'HINT'];
    verbs.push('GOSSIP_DIGEST_SYN', 'GOSSIP_DIGEST_ACK', 'GOSSIP_DIGEST_ACK2', 'ECHO', 'SCHEMA_PUSH', 'SCHEMA_PULL');
    verbs.push('REPAIR_MERKLE_TREE', 'REPAIR_DIGESTS', 'REPAIR_FETCH', 'REPAIR_STREAM');
    expect(dropped).to.equal(['Message type           Dropped', ...verbs.map((v) => v.padEnd(20) + '0'.padStart(10))].join('\n') + '\n');
  });

  it('faults adds, lists and clears rules', async () => {
    expect(await tool('faults', 'list')).to.deep.equal({ code: 0, stdout: 'No fault rules.\n', stderr: '' });
    expect(await tool('faults', 'drop', 'MUTATION', 'to', '127.0.0.2')).to.deep.equal({
      code: 0,
      stdout: `Added fault rule 1: drop MUTATION to 127.0.0.2:${internodePort()}\n`,
      stderr: '',
    });
    expect(await tool('faults', 'delay', 'READ', '200ms', 'from', '127.0.0.3:7001')).to.deep.equal({
      code: 0,
      stdout: 'Added fault rule 2: delay READ 200ms from 127.0.0.3:7001\n',
      stderr: '',
    });
    expect((await tool('faults', 'list')).stdout).to.equal(
      `ID  Matched  Rule\n1   0        drop MUTATION to 127.0.0.2:${internodePort()}\n2   0        delay READ 200ms from 127.0.0.3:7001\n`,
    );
    expect((await tool('faults', 'clear', '1')).stdout).to.equal('Removed fault rule 1.\n');
    expect((await tool('faults', 'clear')).stdout).to.equal('Removed 1 fault rule.\n');
    expect(await tool('faults', 'drop', 'NOPE')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: "sibyltool: invalid fault rule 'drop NOPE': unknown verb 'NOPE'\n",
    });
  });

  it('--help describes a command without connecting', async () => {
    const r = await sibyltool(['-p', String(await closedPort()), 'status', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout.split('\n')[0]).to.equal('Usage: sibyltool [global options] status [keyspace]');
  });

  it('reaches a node listening on an IPv6 address given to -h as it is (-h ::1)', async () => {
    const v6 = await startNode({ host: '::1' });
    try {
      const r = await sibyltool(['-h', '::1', '-p', String(v6.port), 'status']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^UN {2}::1 /m);
    } finally {
      await v6.stop();
      removeDir(v6.dataDir);
    }
  });

  it('says in one line that it cannot connect, and exits 1', async () => {
    const port = await closedPort();
    expect(await sibyltool(['-p', String(port), 'status'])).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: `sibyltool: cannot connect to 127.0.0.1:${port}: connection refused\n`,
    });
  });

  it('refuses arguments a command does not take, naming them as nodetool does, instead of ignoring them', async () => {
    for (const [args, extra] of [
      [['status', 'shop', 'extra'], 'extra'],
      [['ring', 'shop', 'x'], 'x'],
      [['version', 'x'], 'x'],
      [['describecluster', 'a', 'b'], 'a, b'],
      [['info', 'x'], 'x'],
      [['tpstats', 'x'], 'x'],
      [['netstats', 'x'], 'x'],
      [['statushandoff', 'x'], 'x'],
      [['getendpoints', 'shop', 'orders', 'acme:7', 'x'], 'x'],
      [['truncatehints', '127.0.0.1', 'x'], 'x'],
    ] as [string[], string][]) {
      const r = await tool(...args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.stdout).to.equal('');
      const lines = r.stderr.split('\n');
      expect(lines.slice(0, 2)).to.deep.equal([`sibyltool ${args[0]}: Found unexpected parameters: [${extra}]`, '']);
      expect(lines[2]).to.match(new RegExp(`^Usage: sibyltool \\[global options\\] ${args[0]}\\b`));
    }
  });

  it('truncatehints deletes the hints of a known target and refuses an address or host id it does not know', async () => {
    // The test node's storage_port is 0 (ephemeral), so its endpoint is named with the port it bound.
    expect(await tool('truncatehints', `127.0.0.1:${internodePort()}`)).to.deep.equal({ code: 0, stdout: '', stderr: '' });
    expect(await tool('truncatehints')).to.deep.equal({ code: 0, stdout: '', stderr: '' });
    const hostId = /^ID\s+: (\S+)$/m.exec((await tool('info')).stdout)![1]!;
    expect(await tool('truncatehints', hostId.toUpperCase())).to.deep.equal({ code: 0, stdout: '', stderr: '' });
    expect(await tool('truncatehints', '10.9.9.9:7000')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: "sibyltool: Can't delete hints for unknown address /10.9.9.9:7000\n",
    });
    expect(await tool('truncatehints', '00000000-0000-0000-0000-000000000000')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: "sibyltool: Can't delete hints for unknown host id 00000000-0000-0000-0000-000000000000\n",
    });
  });

  it('says in one line that a port which accepts but never answers gave no answer, and exits 1', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      expect(await sibyltool(['-p', String(port), 'status'])).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `sibyltool: cannot connect to 127.0.0.1:${port}: no answer within 5000 ms (is it a Sibyl client port, and is the node responsive?)\n`,
      });
    } finally {
      silent.close();
    }
  });

  it('says in one line that a port answering another protocol is not a Sibyl client port, and exits 1', async () => {
    const http = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    try {
      const r = await sibyltool(['-p', String(port), 'status']);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(new RegExp(`^sibyltool: cannot connect to 127\\.0\\.0\\.1:${port}: the answer is not Sibyl's client protocol; is it a Sibyl client port\\? \\(.+\\)\\n$`));
    } finally {
      http.close();
    }
  });

  it('refuses an unknown command with the usage, and exits 1', async () => {
    const r = await tool('nodes');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr.split('\n').slice(0, 3)).to.deep.equal(["sibyltool: unknown command 'nodes'", '', 'Usage: sibyltool [-h HOST] [-p PORT] [-pp] <command> [args]']);
    const help = await tool('help', 'nodes');
    expect(help.code).to.equal(1);
    expect(help.stderr.split('\n')[0]).to.equal("sibyltool: unknown command 'nodes'");
    expect((await tool('help', 'status')).stdout.split('\n')[0]).to.equal('Usage: sibyltool [global options] status [keyspace]');
  });
});
