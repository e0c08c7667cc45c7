/**
 * One real `sibyl node` process on loopback, used through the real driver:
 * the data model end to end (composite partition key, clustering order,
 * static column, set, TTL, explicit timestamps, range delete), last-write-wins,
 * garbage on the port, a locked data directory, and SIGTERM.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { InvalidRequestError, SyntaxError as CqlSyntaxError, UnavailableError } from '../../src/util/errors.js';
import { Opcode } from '../../src/transport/protocol.js';
import { RawClient } from '../unit/transport/raw-client.js';
import { removeDir, SIBYL_BIN, startNode, tempDir, type NodeProcess } from './harness.js';

const DAY = '2026-11-22';
const WHERE_PK = `tenant = 'acme' AND day = '${DAY}'`;

describe('a single node through the driver', function () {
  this.timeout(30_000);
  let node: NodeProcess;
  let client: Client;

  before(async () => {
    node = await startNode();
    client = new Client({ contactPoints: [`${node.host}:${node.port}`], consistency: 'ONE' });
    await client.connect();
    await client.execute(`CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE shop.events (
        tenant text, day date, hour int, seq int,
        owner text STATIC, tags set<text>, note text,
        PRIMARY KEY ((tenant, day), hour, seq)
      ) WITH CLUSTERING ORDER BY (hour ASC, seq DESC)`);
    const ins = `INSERT INTO shop.events (tenant, day, hour, seq, note, tags) VALUES ('acme', '${DAY}', ?, ?, ?, ?)`;
    await client.execute(ins + ' USING TIMESTAMP 1000', [9, 1, 'a', ['x']]);
    await client.execute(ins + ' USING TTL 3600 AND TIMESTAMP 1000', [9, 2, 'b', null]);
    for (const [hour, seq, note] of [[10, 1, 'c'], [10, 2, 'd'], [11, 1, 'e']] as const) {
      await client.execute(ins + ' USING TIMESTAMP 2000', [hour, seq, note, null]);
    }
    await client.execute(`UPDATE shop.events USING TIMESTAMP 3000 SET owner = 'ann' WHERE ${WHERE_PK}`);
    await client.execute(`UPDATE shop.events USING TIMESTAMP 3000 SET tags = tags + {'y', 'z'} WHERE ${WHERE_PK} AND hour = 9 AND seq = 1`);
    await client.execute(`UPDATE shop.events USING TIMESTAMP 3001 SET tags = tags - {'x'} WHERE ${WHERE_PK} AND hour = 9 AND seq = 1`);
    await client.execute(`DELETE FROM shop.events USING TIMESTAMP 4000 WHERE ${WHERE_PK} AND hour > 9 AND hour <= 10`);
    // An older write must not overwrite a newer one; a newer one must.
    await client.execute(`UPDATE shop.events USING TIMESTAMP 500 SET note = 'stale' WHERE ${WHERE_PK} AND hour = 9 AND seq = 1`);
    await client.execute(`UPDATE shop.events USING TIMESTAMP 5000 SET note = 'fresh' WHERE ${WHERE_PK} AND hour = 11 AND seq = 1`);
  });

  after(async () => {
    await client?.shutdown();
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
  });

  it('returns rows in clustering order (hour ASC, seq DESC) with the static column on every row', async () => {
    const rs = await client.execute(`SELECT * FROM shop.events WHERE ${WHERE_PK}`);
    expect(rs.columns.map((c) => c.name)).to.deep.equal(['tenant', 'day', 'hour', 'seq', 'note', 'owner', 'tags']);
    expect(rs.rows.map((r) => ({ ...r }))).to.deep.equal([
      { tenant: 'acme', day: DAY, hour: 9, seq: 2, note: 'b', owner: 'ann', tags: null },
      { tenant: 'acme', day: DAY, hour: 9, seq: 1, note: 'a', owner: 'ann', tags: ['y', 'z'] },
      { tenant: 'acme', day: DAY, hour: 11, seq: 1, note: 'fresh', owner: 'ann', tags: null },
    ]);
  });

  it('reverses the clustering order with ORDER BY hour DESC', async () => {
    const rs = await client.execute(`SELECT hour, seq FROM shop.events WHERE ${WHERE_PK} ORDER BY hour DESC`);
    expect(rs.rows.map((r) => [r['hour'], r['seq']])).to.deep.equal([[11, 1], [9, 1], [9, 2]]);
  });

  it('reports writetime() and ttl() of cells', async () => {
    const rs = await client.execute(
      `SELECT seq, writetime(note) AS wt, ttl(note) AS t, writetime(owner) FROM shop.events WHERE ${WHERE_PK} AND hour = 9`,
    );
    expect(rs.rows.length).to.equal(2);
    const [b, a] = rs.rows;
    expect(b!['wt']).to.equal(1000n);
    expect(b!['t']).to.be.a('number').within(3590, 3600);
    expect(a!['wt']).to.equal(1000n);
    expect(a!['t']).to.equal(null);
    expect(a!['writetime(owner)']).to.equal(3000n);
  });

  it('keeps the newer value when an older timestamp writes later', async () => {
    const rs = await client.execute(`SELECT note, writetime(note) FROM shop.events WHERE ${WHERE_PK} AND hour = 9 AND seq = 1`);
    expect(rs.rows[0]!['note']).to.equal('a');
    expect(rs.rows[0]!['writetime(note)']).to.equal(1000n);
  });

  it('pages through a partition with fetchSize and pageState, every row once', async () => {
    await client.execute('CREATE TABLE shop.log (k int, c int, v text, PRIMARY KEY (k, c))');
    for (let c = 0; c < 25; c++) await client.execute('INSERT INTO shop.log (k, c, v) VALUES (1, ?, ?)', [c, `v${c}`]);
    const seen: number[] = [];
    let pageState: string | undefined;
    let pages = 0;
    do {
      const rs = await client.execute('SELECT c FROM shop.log WHERE k = 1', [], { fetchSize: 10, pageState });
      pages++;
      seen.push(...rs.rows.map((r) => r['c'] as number));
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
  });

  it('answers a bad statement with a SyntaxError naming line and column', async () => {
    const err = await client.execute('SELECT * FORM shop.events').then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CqlSyntaxError);
    expect((err as Error).message).to.match(/^line 1:9 /);
    expect((err as Error).message).to.contain('FORM');
  });

  it('answers a wrongly typed value with Cassandra\'s InvalidRequest wording', async () => {
    const err = await client
      .execute(`INSERT INTO shop.events (tenant, day, hour, seq) VALUES ('acme', '${DAY}', 'nine', 1)`)
      .then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect((err as Error).message).to.equal('Invalid STRING constant (nine) for "hour" of type int');
  });

  it('refuses QUORUM on a replication factor of 3 with one live node, with the arithmetic', async () => {
    await client.execute(`CREATE KEYSPACE wide WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
    await client.execute('CREATE TABLE wide.t (k int PRIMARY KEY, v int)');
    const err = await client
      .execute('INSERT INTO wide.t (k, v) VALUES (1, 1)', [], { consistency: 'QUORUM' })
      .then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(UnavailableError);
    expect(err).to.include({ consistency: 'QUORUM', required: 2, alive: 1 });
    // A statement-level USING CONSISTENCY overrides the level the client sent.
    await client.execute('INSERT INTO wide.t (k, v) VALUES (1, 1) USING CONSISTENCY ONE', [], { consistency: 'QUORUM' });
  });

  it('disconnects a client sending garbage and keeps serving the others', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const sock = tcpConnect(node.port, node.host, () => {
        sock.write(Buffer.from([0, 0, 0, 8, 0xc1, 0xc1, 0xc1, 0xc1, 0xff, 0xfe, 0x00, 0x13]));
      });
      sock.on('data', () => {});
      sock.on('error', () => {});
      sock.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 5000).unref();
    });
    expect(closed).to.equal(true);
    const rs = await client.execute(`SELECT COUNT(*) FROM shop.events WHERE ${WHERE_PK}`);
    expect(rs.rows[0]!['count']).to.equal(3n);
  });

  it("answers OPTIONS with the CQL version system.local reports, Cassandra 4.1's 3.4.6", async () => {
    const raw = await RawClient.open(node.port);
    try {
      const supported = await raw.request(1, Opcode.OPTIONS, {});
      expect(supported.o).to.equal(Opcode.SUPPORTED);
      expect(supported.b).to.deep.equal({ versions: [1], cqlVersion: '3.4.6', compression: [] });
    } finally {
      raw.close();
    }
    const local = await client.execute('SELECT cql_version FROM system.local');
    expect(local.rows[0]!['cql_version']).to.equal('3.4.6');
  });

  it('refuses a second node on a locked data directory with a clear message', () => {
    const res = spawnSync(process.execPath, [SIBYL_BIN, 'node', '--data', node.dataDir, '--port', '0', '--storage-port', '0'], { encoding: 'utf8', timeout: 15_000 });
    expect(res.status).to.equal(1);
    expect(res.stderr).to.contain(`data directory ${node.dataDir} is in use by another Sibyl node`);
    expect(res.stderr).not.to.match(/\n\s+at /);
  });
});

describe('a node that cannot start', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  /** Runs `sibyl node` on a fresh data directory and free ports, with `args` after (later flags win). */
  function runNode(args: string[], dataDir?: string) {
    const dir = tempDir();
    dirs.push(dir);
    return spawnSync(process.execPath, [SIBYL_BIN, 'node', '--data', dataDir ?? join(dir, 'data'), '--port', '0', '--storage-port', '0', ...args], { encoding: 'utf8', timeout: 15_000 });
  }

  it('names a bad setting and its config file in one line, without the usage text', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'sibyl.yaml');
    writeFileSync(file, 'num_tokens: 0\n');
    const res = runNode(['--config', file]);
    expect(res.status).to.equal(2);
    expect(res.stderr).to.equal(`sibyl node: setting 'num_tokens' in config file ${file} must be a positive whole number, got 0\n`);
  });

  it('refuses a port past 65535 before it opens anything', () => {
    const res = runNode(['--port', '70000']);
    expect(res.status).to.equal(2);
    expect(res.stderr).to.equal(`sibyl node: setting 'native_transport_port' in command line must be a whole number from 0 to 65535, got "70000"\n`);
  });

  it('names data_directory and the reason when a file stands where the directory should be', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const dataDir of [file, join(file, 'data')]) {
      const res = runNode([], dataDir);
      expect(res.status, res.stderr).to.equal(1);
      expect(res.stderr).to.match(new RegExp(`^sibyl node: cannot start: cannot open data_directory ${dataDir}: (EEXIST|ENOTDIR): `));
      expect(res.stderr).not.to.match(/\n\s+at /);
    }
  });

  it("refuses data saved under another cluster_name, dc or rack, in Cassandra's words, and starts again under its own", async () => {
    const first = await startNode({ args: ['--cluster-name', 'Orders', '--dc', 'east', '--rack', 'r1'] });
    dirs.push(first.dataDir);
    expect(await first.stop()).to.equal(0);
    const own = ['--cluster-name', 'Orders', '--dc', 'east', '--rack', 'r1'];
    const refusals: [string[], string][] = [
      [['--cluster-name', 'Billing'], 'Saved cluster name Orders != configured name Billing (cluster_name)'],
      [
        ['--dc', 'west'],
        'Cannot start node if its data center (west) differs from previous data center (east). ' +
          'Please fix the dc setting, or decommission this node and bootstrap it again with an empty data_directory.',
      ],
      [
        ['--rack', 'r2'],
        'Cannot start node if its rack (r2) differs from previous rack (r1). ' +
          'Please fix the rack setting, or decommission this node and bootstrap it again with an empty data_directory.',
      ],
    ];
    for (const [change, message] of refusals) {
      const res = runNode([...own, ...change], first.dataDir);
      expect(res.status, res.stderr).to.equal(1);
      expect(res.stderr).to.equal(`sibyl node: cannot start: ${message}\n`);
    }
    const again = await startNode({ dataDir: first.dataDir, args: own });
    expect(await again.stop()).to.equal(0);
  });

  it('records cluster_name, dc and rack afresh when the first start failed before the node joined', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    // No seed answers, so this start ends before the node has tokens.
    expect(runNode(['--seeds', '127.0.0.1:1', '--dc', 'typo'], dataDir).status).to.equal(1);
    const fixed = await startNode({ dataDir, args: ['--dc', 'east'] });
    expect(await fixed.stop()).to.equal(0);
  });

  it('names listen_address when it names no host', () => {
    const res = runNode(['--listen', 'no-such-host.invalid']);
    expect(res.status).to.equal(1);
    expect(res.stderr).to.equal('sibyl node: cannot start: address no-such-host.invalid cannot be resolved (listen_address)\n');
  });

  it('refuses to found a cluster of its own when it is no seed and no seed answers, in Cassandra\'s words', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = runNode(['--seeds', `127.0.0.1:${port}`]);
    expect(res.status, res.stderr).to.equal(1);
    expect(res.stderr).to.contain(
      `sibyl node: cannot start: Unable to gossip with any peers: no seed (127.0.0.1:${port}) showed this node a ring to join within 5 gossip rounds; ` +
        'start a seed first, or list this node among the seeds to start a new cluster\n',
    );
    expect(res.stderr).not.to.contain('Chose 16 tokens');
  });

  it('names storage_port when the internode port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const res = runNode(['--storage-port', String(port)]);
      expect(res.status).to.equal(1);
      expect(res.stderr).to.contain(`sibyl node: cannot start: address 127.0.0.1:${port} is already in use (storage_port)\n`);
      expect(res.stderr).not.to.match(/\n\s+at /);
    } finally {
      taken.close();
    }
  });
});

describe('a node stopped with SIGTERM', function () {
  this.timeout(30_000);

  it('stops cleanly, with exit 0, on a SIGTERM that arrives while it is still starting', async () => {
    const dataDir = tempDir();
    try {
      const child = spawn(process.execPath, [SIBYL_BIN, 'node', '--data', dataDir, '--port', '0', '--storage-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
      // The first line comes from the internode listener, well before the client port is served.
      child.stderr!.on('data', (chunk: string) => {
        if (stderr === '') child.kill('SIGTERM');
        stderr += chunk;
      });
      expect(await exited, stderr).to.equal(0);
      expect(stderr).to.contain('sibyl node: received SIGTERM while starting; stopping once started');
      expect(stderr).to.contain('Storage closed; node stopped');
    } finally {
      removeDir(dataDir);
    }
  });

  it('exits 0 and keeps every acknowledged write, its host id and its tokens across a restart; SIGINT stops it the same way', async () => {
    const first = await startNode();
    const dataDir = first.dataDir;
    let client = new Client({ contactPoints: [`${first.host}:${first.port}`] });
    await client.connect();
    await client.execute(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
    await Promise.all(Array.from({ length: 200 }, (_, i) => client.execute('INSERT INTO ks.t (k, v) VALUES (?, ?)', [i, `v${i}`])));
    const identity = async () => {
      const local = (await client.execute('SELECT host_id, tokens FROM system.local')).rows[0]!;
      return { hostId: String(local['host_id']), tokens: [...(local['tokens'] as Iterable<string>)].sort() };
    };
    const before = await identity();
    expect(before.tokens).to.have.length(16);
    await client.shutdown();
    expect(await first.stop('SIGTERM')).to.equal(0);
    expect(first.stderr()).to.contain('node stopped');

    const second = await startNode({ dataDir });
    client = new Client({ contactPoints: [`${second.host}:${second.port}`] });
    try {
      await client.connect();
      const rs = await client.execute('SELECT COUNT(*) FROM ks.t');
      expect(rs.rows[0]!['count']).to.equal(200n);
      const one = await client.execute('SELECT v FROM ks.t WHERE k = 123');
      expect(one.rows[0]!['v']).to.equal('v123');
      expect(await identity()).to.deep.equal(before);
    } finally {
      await client.shutdown();
      expect(await second.stop('SIGINT')).to.equal(0);
      removeDir(dataDir);
    }
    expect(second.stderr()).to.contain('Received SIGINT; shutting down');
    expect(second.stderr()).to.contain('node stopped');
  });
});
