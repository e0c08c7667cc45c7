/**
 * TLS against real `sibyl node` processes, with a self-signed certificate
 * made at run time: the client port requires TLS (a plain-text driver,
 * sibylsh or sibyltool is refused with a sentence saying so), internode
 * traffic is TLS (a plain-text peer gets no handshake answer) with the
 * cluster secret's proof on top, and the cluster still serves QUORUM.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Client } from '../../src/client/index.js';
import { MESSAGING_VERSION, Kind } from '../../src/net/wire.js';
import { TLS_REQUIRED_MESSAGE } from '../../src/transport/client-tls.js';
import { removeDir, SIBYL_BIN, tempDir } from '../integration/harness.js';
import { RawPeer } from '../unit/net/raw-peer.js';
import { destroyAfterSuite, FaultCluster, rejectionOf, SIBYLTOOL_BIN, waitFor, type ToolRun } from './harness.js';
import { selfSignedCertificate } from './tls-certs.js';

const SIBYLSH_BIN = join(SIBYL_BIN, '..', 'sibylsh.js');

function run(bin: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 20_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('TLS on the client port and between nodes (real processes)', function () {
  this.timeout(90_000);
  const specs = [1, 2].map((index) => ({ index, dc: 'dc1', settings: {} as Record<string, unknown> }));
  // The certificate is made first, so the drivers and sibyltool runs the cluster makes can trust it.
  const certDir = tempDir('sibyl-tls-');
  const cert = selfSignedCertificate(certDir);
  const cluster = new FaultCluster(specs, undefined, {
    clientOptions: { ssl: { ca: readFileSync(cert.certificate) } },
    toolArgs: ['--ssl'],
    toolEnv: { SSL_CERTFILE: cert.certificate },
  });

  before(async () => {
    const secretFile = join(cluster.root, 'cluster.secret');
    writeFileSync(secretFile, 'tls-cluster-secret\n');
    const files = { certificate: cert.certificate, private_key: cert.privateKey };
    for (const spec of specs) {
      spec.settings = {
        cluster_secret_file: secretFile,
        client_encryption_options: { enabled: true, ...files },
        server_encryption_options: { internode_encryption: 'all', ...files, ca: cert.certificate },
      };
    }
    await cluster.start();
  });
  destroyAfterSuite(cluster, {
    afterDestroy: (kept) => {
      if (!kept) removeDir(certDir);
    },
  });

  it('forms a cluster over internode TLS that serves QUORUM writes and reads through a TLS driver', async () => {
    await cluster.awaitAllUp(30_000);
    expect(cluster.logOf(1)).to.match(/Listening for peers on 127\.0\.0\.1:\d+ \(TLS\)/);
    const c = await cluster.client(1);
    await c.execute(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`);
    await c.execute('CREATE TABLE ks.t (k text PRIMARY KEY, v text)');
    await cluster.awaitSchemaAgreement();
    await c.execute(`INSERT INTO ks.t (k, v) VALUES ('a', 'over tls')`, null, { consistency: 'QUORUM' });
    const rs = await (await cluster.client(2)).execute(`SELECT v FROM ks.t WHERE k = 'a'`, null, { consistency: 'ALL' });
    expect(rs.rows.map((r) => r['v'])).to.deep.equal(['over tls']);
  });

  it('speaks only TLS on the internode port: a plain-text HELLO gets no answer, a TLS client completes a handshake', async () => {
    const socket = netConnect(cluster.storagePort, cluster.host(1));
    await new Promise((resolve) => socket.once('connect', resolve));
    const plain = new RawPeer(socket);
    plain.send([Kind.Hello, { cluster_name: 'Sibyl Fault Test', from: '127.0.0.9:7000', version: MESSAGING_VERSION }]);
    expect(await plain.next(3000), 'no HELLO_ACK or REFUSED in plain text').to.equal(undefined);
    await waitFor('the plain-text peer to be disconnected', 10_000, () => socket.destroyed || socket.readableEnded);
    await waitFor('node 1 to log the failed TLS handshake', 10_000, () => /Refusing internode connection from an unidentified peer \(127\.0\.0\.1:\d+\): TLS handshake failed/.test(cluster.logOf(1)));

    const secure = tlsConnect({ host: cluster.host(1), port: cluster.storagePort, ca: readFileSync(cert.certificate) });
    const authorized = await new Promise<boolean>((resolve, reject) => {
      secure.once('secureConnect', () => resolve(secure.authorized));
      secure.once('error', reject);
    });
    secure.destroy();
    expect(authorized).to.equal(true);
  });

  it('refuses a plain-text driver with an error saying TLS is required', async () => {
    const plain = new Client({ contactPoints: [cluster.nativeEndpoint(1)], discoverNodes: false, connectTimeoutMs: 5000 });
    try {
      const err = await rejectionOf(plain.connect());
      const inner = Object.values((err as unknown as { innerErrors: Record<string, Error> }).innerErrors ?? {})[0];
      expect(inner?.message).to.equal(TLS_REQUIRED_MESSAGE);
    } finally {
      await plain.shutdown();
    }
  });

  it('tells a TLS driver that does not trust the certificate why it failed', async () => {
    const untrusting = new Client({ contactPoints: [cluster.nativeEndpoint(1)], discoverNodes: false, connectTimeoutMs: 5000, ssl: true });
    try {
      const err = await rejectionOf(untrusting.connect());
      const inner = Object.values((err as unknown as { innerErrors: Record<string, Error> }).innerErrors ?? {})[0];
      expect(inner?.message).to.match(/^TLS connection to 127\.0\.0\.1:\d+ failed: self.signed certificate/);
    } finally {
      await untrusting.shutdown();
    }
  });

  it('runs sibylsh --ssl and sibyltool --ssl, and refuses them without --ssl', async () => {
    const env = { SSL_CERTFILE: cert.certificate };
    const host = cluster.host(1);
    const port = String(cluster.nativePort);
    const shell = await run(SIBYLSH_BIN, [host, port, '--ssl', '-e', `SELECT v FROM ks.t WHERE k = 'a';`], env);
    expect(shell.stderr).to.equal('');
    expect(shell.stdout).to.include('over tls');
    const plainShell = await run(SIBYLSH_BIN, [host, port, '-e', 'SELECT * FROM system.local;'], env);
    expect(plainShell.code).to.equal(1);
    expect(plainShell.stderr).to.include(TLS_REQUIRED_MESSAGE);

    const tool = await cluster.tool(1, 'status');
    expect(tool.code, tool.stderr).to.equal(0);
    expect(tool.stdout).to.match(/UN {2}127\.0\.0\.1/);
    const plainTool = await run(SIBYLTOOL_BIN, ['-h', host, '-p', port, 'status'], env);
    expect(plainTool.code).to.equal(1);
    expect(plainTool.stderr).to.equal(`sibyltool: cannot connect to ${host}:${port}: ${TLS_REQUIRED_MESSAGE}\n`);
  });
});
