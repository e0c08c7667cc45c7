import { expect } from 'chai';
import { formatDescribeCluster } from '../../../src/tools/sibyltool/commands/describecluster.js';
import { formatFaults } from '../../../src/tools/sibyltool/commands/faults.js';
import { formatGossipInfo } from '../../../src/tools/sibyltool/commands/gossipinfo.js';
import { formatInfo } from '../../../src/tools/sibyltool/commands/info.js';
import { formatProxyHistograms } from '../../../src/tools/sibyltool/commands/proxyhistograms.js';
import { formatRing } from '../../../src/tools/sibyltool/commands/ring.js';
import { formatStatus } from '../../../src/tools/sibyltool/commands/status.js';
import { formatTpStats } from '../../../src/tools/sibyltool/commands/tpstats.js';
import { fileSize } from '../../../src/tools/sibyltool/format.js';
import { main } from '../../../src/tools/sibyltool/main.js';

const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';

describe('sibyltool output formats', () => {
  it('sizes files as nodetool does', () => {
    expect([0, 512, 1024, 70_721, 1_572_864, 5 * 1024 ** 3, null].map(fileSize)).to.deep.equal([
      '0 bytes',
      '512 bytes',
      '1 KiB',
      '69.06 KiB',
      '1.5 MiB',
      '5 GiB',
      '?',
    ]);
  });

  it('prints status by datacenter with shared column widths, a clock offset column and the ownership note', () => {
    const out = formatStatus(
      {
        effective: false,
        note: 'Non-system keyspaces differ',
        endpoints: [
          { dc: 'dc2', rack: 'r1', endpoint: '127.0.0.10:7000', status: 'DN', loadBytes: null, tokens: 16, owns: null, hostId: ID2, clockOffsetMs: null },
          { dc: 'dc1', rack: 'rack1', endpoint: '127.0.0.1:7000', status: 'UN', loadBytes: 70_721, tokens: 16, owns: 1 / 3, hostId: ID1, clockOffsetMs: -3.2 },
          { dc: 'dc1', rack: 'rack1', endpoint: '127.0.0.2:7000', status: 'UL', loadBytes: 2048, tokens: 16, owns: 2 / 3, hostId: ID2, clockOffsetMs: 12 },
        ],
      },
      false,
    );
    expect(out).to.equal(
      [
        'Datacenter: dc1',
        '===============',
        'Status=Up/Down',
        '|/ State=Normal/Leaving/Joining/Moving',
        `--  Address     Load       Tokens  Owns   Host ID                               Rack   Clock offset`,
        `UN  127.0.0.1   69.06 KiB  16      33.3%  ${ID1}  rack1  -3 ms`,
        `UL  127.0.0.2   2 KiB      16      66.7%  ${ID2}  rack1  +12 ms`,
        'Datacenter: dc2',
        '===============',
        'Status=Up/Down',
        '|/ State=Normal/Leaving/Joining/Moving',
        `--  Address     Load       Tokens  Owns   Host ID                               Rack   Clock offset`,
        `DN  127.0.0.10  ?          16      ?      ${ID2}  r1     ?`,
        '',
        'Note: Non-system keyspaces differ',
        '',
      ].join('\n'),
    );
  });

  it('prints ring rows in token order under the last token, with nodetool fixed widths', () => {
    const out = formatRing(
      {
        effective: true,
        endpoints: [
          { dc: 'dc1', rack: 'rack1', endpoint: '127.0.0.1:7000', status: 'UN', loadBytes: 1024, owns: 1, tokens: ['-5', '10'] },
          { dc: 'dc1', rack: 'rack1', endpoint: '127.0.0.2:7000', status: 'DN', loadBytes: null, owns: 0.5, tokens: ['3'] },
        ],
      },
      true,
    );
    const row = (a: string, r: string, s: string, st: string, l: string, o: string, t: string) =>
      a.padEnd(14) + '  ' + r.padEnd(12) + s.padEnd(7) + st.padEnd(8) + l.padEnd(16) + o.padEnd(20) + t.padEnd(44);
    expect(out).to.equal(
      [
        '',
        'Datacenter: dc1',
        '==========',
        row('Address', 'Rack', 'Status', 'State', 'Load', 'Owns', 'Token'),
        row('', '', '', '', '', '', '10'),
        row('127.0.0.1:7000', 'rack1', 'Up', 'Normal', '1 KiB', '100.00%', '-5'),
        row('127.0.0.2:7000', 'rack1', 'Down', 'Normal', '?', '50.00%', '3'),
        row('127.0.0.1:7000', 'rack1', 'Up', 'Normal', '1 KiB', '100.00%', '10'),
        '',
        '  Warning: "sibyltool ring" is used to output all the tokens of a node.',
        '  To view status related info of a node use "sibyltool status" instead.',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints info as name: value lines, tokens counted unless -T', () => {
    const answer = {
      hostId: ID1,
      gossipActive: true,
      nativeTransportActive: true,
      loadBytes: 2048,
      generation: 1_700_000_000,
      uptimeSeconds: 42,
      heapUsedBytes: 10.5 * 1024 * 1024,
      heapMaxBytes: 100 * 1024 * 1024,
      offHeapBytes: 0,
      dc: 'dc1',
      rack: 'rack1',
      tokens: ['-1', '7'],
    };
    const head = [
      `ID                     : ${ID1}`,
      'Gossip active          : true',
      'Native Transport active: true',
      'Load                   : 2 KiB',
      'Generation No          : 1700000000',
      'Uptime (seconds)       : 42',
      'Heap Memory (MB)       : 10.50 / 100.00',
      'Off Heap Memory (MB)   : 0.00',
      'Data Center            : dc1',
      'Rack                   : rack1',
    ];
    expect(formatInfo(answer, false)).to.equal([...head, 'Token                  : (invoke with -T/--tokens to see all 2 tokens)', ''].join('\n'));
    expect(formatInfo(answer, true)).to.equal([...head, 'Token                  : -1', 'Token                  : 7', ''].join('\n'));
  });

  it('prints describecluster with schema versions, stats, datacenters and keyspaces', () => {
    const out = formatDescribeCluster(
      {
        name: 'Test Cluster',
        snitch: 'SimpleSnitch',
        partitioner: 'Murmur3Partitioner',
        schemaVersions: [{ version: 'abc', endpoints: ['127.0.0.1:7000', '127.0.0.2:7000'] }],
        stats: { live: 2, joining: 0, moving: 0, leaving: 0, unreachable: 0 },
        datacenters: [{ name: 'dc1', nodes: 2, down: 0 }],
        releaseVersions: [{ version: '0.1.0', endpoints: ['127.0.0.1:7000'] }],
        keyspaces: [{ name: 'shop', class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 1 } }],
      },
      false,
    );
    expect(out).to.equal(
      'Cluster Information:\n\tName: Test Cluster\n\tSnitch: SimpleSnitch\n\tPartitioner: Murmur3Partitioner\n\tSchema versions:\n' +
        '\t\tabc: [127.0.0.1, 127.0.0.2]\n\nStats for all nodes:\n\tLive: 2\n\tJoining: 0\n\tMoving: 0\n\tLeaving: 0\n\tUnreachable: 0\n' +
        '\nData Centers: \n\tdc1 #Nodes: 2 #Down: 0\n\nDatabase versions:\n\t0.1.0: [127.0.0.1:7000]\n' +
        '\nKeyspaces:\n\tshop -> Replication class: NetworkTopologyStrategy {dc1=3, dc2=1}\n',
    );
  });

  it('prints gossipinfo with tokens hidden', () => {
    expect(
      formatGossipInfo(
        { endpoints: [{ endpoint: '127.0.0.1:7000', generation: 5, heartbeat: 9, states: { STATUS: { value: 'NORMAL,1', version: 2 }, TOKENS: { value: 'x', version: 3 } } }] },
        false,
      ),
    ).to.equal('/127.0.0.1\n  generation:5\n  heartbeat:9\n  STATUS:2:NORMAL,1\n  TOKENS:3:<hidden>\n');
  });

  it('prints tpstats and proxyhistograms in nodetool columns', () => {
    expect(
      formatTpStats({ pools: [{ name: 'ReadStage', active: 1, pending: 0, completed: 12345, blocked: 0, allTimeBlocked: 0 }], dropped: { MUTATION: 3 } }),
    ).to.equal(
      'Pool Name                    Active   Pending      Completed   Blocked  All time blocked\n' +
        'ReadStage                         1         0          12345         0                 0\n' +
        '\nMessage type           Dropped\nMUTATION                     3\n',
    );
    const h = (v: number) => ({ count: 1, percentilesUs: { '50': v, '75': v, '95': v, '98': v, '99': v }, minUs: 1, maxUs: v });
    const out = formatProxyHistograms({ read: h(103), write: h(20), range: h(0) });
    expect(out.split('\n')).to.deep.equal([
      'proxy histograms',
      'Percentile       Read Latency      Write Latency      Range Latency',
      '                     (micros)           (micros)           (micros)',
      '50%                    103.00              20.00               0.00',
      '75%                    103.00              20.00               0.00',
      '95%                    103.00              20.00               0.00',
      '98%                    103.00              20.00               0.00',
      '99%                    103.00              20.00               0.00',
      'Min                      1.00               1.00               1.00',
      'Max                    103.00              20.00               0.00',
      '',
      '',
    ]);
  });

  it('prints fault rules as a table and their removal as a sentence', () => {
    expect(formatFaults({ action: 'list', rules: [] })).to.equal('No fault rules.\n');
    expect(formatFaults({ action: 'list', rules: [{ id: 12, rule: 'drop MUTATION', matched: 3 }] })).to.equal('ID  Matched  Rule\n12  3        drop MUTATION\n');
    expect(formatFaults({ action: 'clear', all: true, removed: [1] })).to.equal('Removed 1 fault rule.\n');
    expect(formatFaults({ action: 'clear', all: false, removed: [4] })).to.equal('Removed fault rule 4.\n');
  });
});

describe('sibyltool command line', () => {
  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  it('prints usage and exits 1 without a command, and 0 for --help', async () => {
    const none = await run([]);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.match(/^Usage: sibyltool \[-h HOST\] \[-p PORT\] \[-pp\] <command> \[args\]\n/);
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.equal(none.stderr);
  });

  it('refuses an unknown command with the usage', async () => {
    const r = await run(['nodes']);
    expect(r.code).to.equal(1);
    expect(r.stderr.split('\n')[0]).to.equal("sibyltool: unknown command 'nodes'");
    expect(r.stderr).to.contain('Usage: sibyltool');
  });

  it('prints a command help without connecting, before or after the command', async () => {
    const after = await run(['-p', '1', 'getendpoints', '--help']);
    expect(after.code).to.equal(0);
    expect(after.stdout.split('\n')[0]).to.equal('Usage: sibyltool [global options] getendpoints <keyspace> <table> <key>');
    expect((await run(['help', 'getendpoints'])).stdout).to.equal(after.stdout);
  });

  it('refuses a bad port and a wrong argument count with a one-line reason', async () => {
    const port = await run(['-p', 'x', 'status']);
    expect(port.code).to.equal(1);
    expect(port.stderr.split('\n')[0]).to.equal("sibyltool: option -p must be a port number, got 'x'");
    const args = await run(['getendpoints', 'ks']);
    expect(args.code).to.equal(1);
    expect(args.stderr.split('\n')[0]).to.equal('sibyltool getendpoints: getendpoints needs exactly <keyspace> <table> <key>');
  });
});
