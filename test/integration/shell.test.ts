/**
 * sibylsh against one real node: statements from -e, -f and a pipe, output
 * compared exactly with what cqlsh prints, errors on stderr with a non-zero
 * exit, and DESCRIBE SCHEMA recreating the schema on a fresh node.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, startNode, tempDir, type NodeProcess } from './harness.js';
import { runShell } from './shell-harness.js';

const SCHEMA = `CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
CREATE TABLE shop.items (
  k int, c text, price double, ratio float, data blob, at timestamp, id uuid,
  tags set<text>, counts map<text, int>, flags list<boolean>, ok boolean, "Mixed" text STATIC,
  PRIMARY KEY (k, c)
) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'it''s here' AND default_time_to_live = 0;
CREATE TABLE shop.simple (id text PRIMARY KEY, n bigint);
`;

describe('sibylsh against a node', function () {
  this.timeout(30_000);
  let node: NodeProcess;
  let dir: string;
  const target = () => [node.host, String(node.port)];

  before(async () => {
    node = await startNode();
    dir = tempDir('sibylsh-test-');
    const run = await runShell([...target(), '-e', SCHEMA]);
    expect(run.stderr).to.equal('');
    const rows = `USE shop;
INSERT INTO items (k, c, price, ratio, data, at, id, tags, counts, flags, ok) VALUES (1, 'a;b', 3.14159265358979, 0.1, 0xcafe, '2026-01-02 03:04:05.678+0000', 6AB09BEC-E68E-48D9-A5F8-97E6FB4C9B47, {'x', 'it''s'}, {'a': 1}, [true, false], true);
INSERT INTO items (k, c) VALUES (2, 'longer text');
`;
    expect((await runShell(target(), rows)).code).to.equal(0);
  });

  after(async () => {
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
    if (dir) removeDir(dir);
  });

  it('prints rows as cqlsh does: left-justified header, right-justified values, typed formatting (doubles to cqlsh\'s 5 digits), (N rows)', async () => {
    const run = await runShell([...target(), '-e', 'SELECT * FROM shop.items']);
    expect(run.code).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      [
        '',
        ' k | c           | Mixed | at                              | counts   | data   | flags         | id                                   | ok   | price   | ratio | tags',
        '---+-------------+-------+---------------------------------+----------+--------+---------------+--------------------------------------+------+---------+-------+----------------',
        " 1 |         a;b |  null | 2026-01-02 03:04:05.678000+0000 | {'a': 1} | 0xcafe | [True, False] | 6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47 | True | 3.14159 |   0.1 | {'it''s', 'x'}",
        ' 2 | longer text |  null |                            null |     null |   null |          null |                                 null | null |    null |  null |           null',
        '',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('sends a batch typed on one line or over several as one statement, so its statements never run one by one, as cqlsh does', async () => {
    const ok = await runShell([...target(), '-k', 'shop'], `BEGIN BATCH INSERT INTO simple (id, n) VALUES ('b1', 1); INSERT INTO simple (id, n) VALUES ('b2', 2); APPLY BATCH;
BEGIN UNLOGGED BATCH
  INSERT INTO simple (id, n) VALUES ('b3', 3);
  INSERT INTO simple (id, n) VALUES ('b4', 4);
APPLY BATCH;
`);
    expect(ok.stderr).to.equal('');
    expect(ok.code).to.equal(0);
    // The server refuses this batch whole (b6's n is not a bigint), so b5, which comes first, must not be written either.
    const refused = await runShell([...target(), '-k', 'shop'], `BEGIN BATCH INSERT INTO simple (id, n) VALUES ('b5', 5); INSERT INTO simple (id, n) VALUES ('b6', 'six'); APPLY BATCH;\n`);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('InvalidRequest');
    const read = await runShell([...target(), '-k', 'shop', '-e', "SELECT id, n FROM simple WHERE id IN ('b1', 'b2', 'b3', 'b4', 'b5', 'b6')"]);
    expect(read.stdout).to.include('(4 rows)');
    for (const id of ['b1', 'b2', 'b3', 'b4']) expect(read.stdout).to.include(` ${id} |`);
    expect(read.stdout).to.not.include('b5');
  });

  it('aligns columns on terminal width: wide CJK characters take two columns, combining marks none', async () => {
    const run = await runShell([...target(), '-k', 'shop'], `INSERT INTO simple (id, n) VALUES ('日本語', 1);
INSERT INTO simple (id, n) VALUES ('cafe\u0301', 22);
SELECT id, n FROM simple WHERE id IN ('日本語', 'cafe\u0301');
EXPAND ON
SELECT id, n FROM simple WHERE id = '日本語';
`);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      [
        '',
        ' id     | n',
        '--------+----',
        '   cafe\u0301 | 22',
        ' 日本語 |  1',
        '',
        '(2 rows)',
        'Now Expanded output is enabled',
        '',
        '@ Row 1',
        '----+--------',
        ' id | 日本語',
        ' n  | 1',
        '',
        '',
        '(1 rows)',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters in text as cqlsh does, C1 controls and the no-break space included', async () => {
    const run = await runShell([...target(), '-k', 'shop'], `UPDATE simple SET n = 6 WHERE id = 'a\u009bb\u00a0c\td\u007f';
SELECT id FROM simple WHERE id = 'a\u009bb\u00a0c\td\u007f';
DELETE FROM simple WHERE id = 'a\u009bb\u00a0c\td\u007f';
`);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal('\n id\n--------------------\n a\\x9bb\\xa0c\\td\\x7f\n\n(1 rows)\n');
  });

  it('shows a timestamp outside years 1 to 9999 as milliseconds since the epoch, as cqlsh does', async () => {
    const run = await runShell([...target(), '-k', 'shop'], `CREATE TABLE times (k int PRIMARY KEY, at timestamp);
INSERT INTO times (k, at) VALUES (1, 253402300800000);
INSERT INTO times (k, at) VALUES (2, -62135596800001);
INSERT INTO times (k, at) VALUES (3, 253402300799999);
SELECT k, at FROM times WHERE k IN (1, 2, 3);
DROP TABLE times;
`);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      [
        '',
        ' k | at',
        '---+---------------------------------',
        ' 1 |                 253402300800000',
        ' 2 |                 -62135596800001',
        ' 3 | 9999-12-31 23:59:59.999000+0000',
        '',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('prints the header of an empty result and (0 rows)', async () => {
    const run = await runShell([...target(), '-k', 'shop', '-e', 'SELECT id, n FROM simple WHERE id = \'none\'']);
    expect(run.stdout).to.equal('\n id | n\n----+---\n\n\n(0 rows)\n');
  });

  it('runs piped statements spanning lines, with ; inside strings and comments, and follows USE', async () => {
    const input = [
      'USE shop; -- a comment; with a semicolon',
      "INSERT INTO simple (id, n) VALUES ('semi;colon', 7);",
      '/* block; comment */ SELECT id,',
      '  n FROM simple',
      "  WHERE id = 'semi;colon';",
      'EXPAND ON',
      "SELECT * FROM simple WHERE id = 'semi;colon';",
    ].join('\n');
    const run = await runShell(target(), input);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      [
        '',
        ' id         | n',
        '------------+---',
        ' semi;colon | 7',
        '',
        '(1 rows)',
        'Now Expanded output is enabled',
        '',
        '@ Row 1',
        '----+------------',
        ' id | semi;colon',
        ' n  | 7',
        '',
        '',
        '(1 rows)',
        '',
      ].join('\n'),
    );
  });

  it('answers shell commands in cqlsh words', async () => {
    const run = await runShell(target(), 'CONSISTENCY\nCONSISTENCY quorum\nCONSISTENCY\nTRACING\nPAGING 50\nPAGING OFF\nEXPAND\n');
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      [
        'Current consistency level is ONE.',
        'Consistency level set to QUORUM.',
        'Current consistency level is QUORUM.',
        'Tracing is currently disabled. Use TRACING ON to enable.',
        'Page size: 50',
        'Disabled Query paging.',
        'Expanded output is currently disabled. Use EXPAND ON to enable.',
        '',
      ].join('\n'),
    );
  });

  it("answers cqlsh's SERIAL CONSISTENCY at once with why it is unsupported, instead of taking it for the start of a statement", async () => {
    const run = await runShell(target(), 'SERIAL CONSISTENCY\nCONSISTENCY\n');
    expect(run).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: '<stdin>:1:SERIAL CONSISTENCY is not supported: Sibyl has no lightweight transactions (conditional updates) for it to apply to.\n',
    });
  });

  it('answers HELP on a topic it does not have with an error, as cqlsh does', async () => {
    const run = await runShell(target(), 'HELP nope\n');
    expect(run).to.deep.equal({ code: 1, stdout: '', stderr: '<stdin>:1:*** No help on nope\n' });
  });

  it('waits --connect-timeout seconds for a node that accepts the connection but never answers, as cqlsh does', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as import('node:net').AddressInfo;
    try {
      const run = await runShell(['127.0.0.1', String(port), '--connect-timeout', '1', '-e', 'SELECT * FROM system.local']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.match(new RegExp(`^Connection error: \\('Unable to connect to any servers', \\{'127\\.0\\.0\\.1:${port}': ".*did not reply before timeout 1000 ms .*"\\}\\)\n$`));
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('prints its version for --version and -v and exits 0 without connecting, as cqlsh does', async () => {
    for (const flag of ['--version', '-v']) {
      // Port 1 refuses connections: the version is printed before any connection is tried.
      const run = await runShell(['127.0.0.1', '1', flag]);
      expect(run).to.deep.equal({ code: 0, stdout: 'sibylsh 0.1.0\n', stderr: '' });
    }
  });

  it('reports an -f file it cannot read before trying to connect', async () => {
    const missing = join(dir, 'missing.cql');
    // Port 1 refuses connections: a connection attempt would print a Connection error instead.
    const run = await runShell(['127.0.0.1', '1', '-f', missing]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.equal(`sibylsh: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'\n`);
  });

  it('stops at the first failed statement of -f, prints the error with file and line to stderr, and exits 1', async () => {
    const file = join(dir, 'script.cql');
    writeFileSync(file, "SELECT id FROM shop.simple WHERE id = 'x';\nSELECT * FROM shop.nope;\nSELECT * FROM shop.simple;\n");
    const run = await runShell([...target(), '-f', file]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal('\n id\n----\n\n\n(0 rows)\n');
    expect(run.stderr).to.equal(`${file}:2:InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table nope"\n`);
  });

  it('reports a statement left without its ; at the end of a file or pipe instead of running it, as cqlsh does', async () => {
    const file = join(dir, 'cut.cql');
    writeFileSync(file, "SELECT id FROM shop.simple WHERE id = 'x';\nDELETE FROM shop.simple\n");
    const fromFile = await runShell([...target(), '-f', file]);
    expect(fromFile.code).to.equal(1);
    expect(fromFile.stdout).to.equal('\n id\n----\n\n\n(0 rows)\n');
    expect(fromFile.stderr).to.equal(`${file}:2:Incomplete statement at end of file\n`);
    const piped = await runShell(target(), 'DELETE FROM shop.simple');
    expect(piped).to.deep.equal({ code: 1, stdout: '', stderr: '<stdin>:1:Incomplete statement at end of file\n' });
    // -e is one statement whose ; cqlsh adds itself.
    const executed = await runShell([...target(), '-e', "SELECT id FROM shop.simple WHERE id = 'x'"]);
    expect(executed.code).to.equal(0);
    expect(executed.stdout).to.equal('\n id\n----\n\n\n(0 rows)\n');
  });

  it('points at a syntax error with a caret under the statement', async () => {
    const run = await runShell([...target(), '-e', 'SELECT *\nFROM shop.simple WHER id = 1']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      ["<stdin>:2:SyntaxException: line 2:17 mismatched input 'WHER' expecting EOF", 'FROM shop.simple WHER id = 1', '                 ^', ''].join('\n'),
    );
  });

  it("prints Unavailable with the driver's info dict", async () => {
    await runShell([...target(), '-e', "CREATE KEYSPACE rf3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE rf3.t (k int PRIMARY KEY)"]);
    const run = await runShell([...target(), '-e', 'CONSISTENCY QUORUM; SELECT * FROM rf3.t']);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal('Consistency level set to QUORUM.\n');
    expect(run.stderr).to.equal(
      '<stdin>:1:Unavailable: Error from server: code=1000 [Unavailable exception] message="Cannot achieve consistency level QUORUM" ' +
        "info={'consistency': 'QUORUM', 'required_replicas': 2, 'alive_replicas': 1}\n",
    );
    await runShell([...target(), '-e', 'DROP KEYSPACE rf3']);
  });

  it('prints CQL that recreates the table exactly', async () => {
    const run = await runShell([...target(), '-e', 'DESCRIBE TABLE shop.items']);
    expect(run.stdout).to.equal(
      [
        '',
        'CREATE TABLE shop.items (',
        '    k int,',
        '    c text,',
        '    "Mixed" text static,',
        '    at timestamp,',
        '    counts map<text, int>,',
        '    data blob,',
        '    flags list<boolean>,',
        '    id uuid,',
        '    ok boolean,',
        '    price double,',
        '    ratio float,',
        '    tags set<text>,',
        '    PRIMARY KEY (k, c)',
        ') WITH CLUSTERING ORDER BY (c DESC)',
        "    AND comment = 'it''s here'",
        '    AND default_time_to_live = 0',
        '    AND gc_grace_seconds = 864000',
        "    AND read_repair = 'BLOCKING';",
        '',
        '',
      ].join('\n'),
    );
  });

  it('lists keyspaces and tables', async () => {
    expect((await runShell([...target(), '-e', 'DESCRIBE KEYSPACES'])).stdout).to.equal('\nshop  system  system_schema\n\n');
    expect((await runShell([...target(), '-k', 'shop', '-e', 'DESC TABLES'])).stdout).to.equal('\nitems  simple\n\n');
  });

  it("reports a missing keyspace or table as Cassandra's server-side DESCRIBE does, as an InvalidRequest", async () => {
    const cases: [string, string][] = [
      ['DESCRIBE KEYSPACE nope', "'nope' not found in keyspaces"],
      ['DESCRIBE TABLE shop.nope', "Table 'nope' not found in keyspace 'shop'"],
      ['DESCRIBE shop.nope', "'nope' not found in keyspace 'shop'"],
      ['DESCRIBE nope', "'nope' not found in keyspaces"],
      ['DESCRIBE TABLE nope', 'No keyspace specified and no current keyspace'],
    ];
    for (const [command, message] of cases) {
      const run = await runShell(target(), `${command}\n`);
      expect(run.code, command).to.equal(1);
      expect(run.stderr, command).to.equal(`<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message="${message}"\n`);
    }
  });

  it('DESCRIBE SCHEMA fed into a fresh node describes identically', async () => {
    const first = await runShell([...target(), '-e', 'DESCRIBE SCHEMA']);
    expect(first.code).to.equal(0);
    expect(first.stdout).to.contain("CREATE KEYSPACE shop WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;");
    const fresh = await startNode();
    try {
      const load = await runShell([fresh.host, String(fresh.port)], first.stdout);
      expect(load.stderr).to.equal('');
      const second = await runShell([fresh.host, String(fresh.port), '-e', 'DESCRIBE SCHEMA']);
      expect(second.stdout).to.equal(first.stdout);
    } finally {
      await fresh.stop();
      removeDir(fresh.dataDir);
    }
  });

  it('writes query results to the CAPTURE file and shell messages to the terminal', async () => {
    const file = join(dir, 'capture.txt');
    const run = await runShell(target(), `CAPTURE '${file}'\nSELECT n FROM shop.simple WHERE id = 'semi;colon';\nCAPTURE OFF\n`);
    expect(run.stdout).to.equal(`Now capturing query output to '${file}'.\nStopped capture. Output saved to '${file}'.\n`);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).to.equal('\n n\n---\n 7\n\n(1 rows)\n');
  });

  it('captures results without colour even when the terminal has it, and refuses a second CAPTURE while one is on', async () => {
    const file = join(dir, 'capture-colour.txt');
    const other = join(dir, 'capture-other.txt');
    const run = await runShell([...target(), '-C'], `CAPTURE '${file}'\nCAPTURE\nSELECT n FROM shop.simple WHERE id = 'semi;colon';\nCAPTURE '${other}'\n`);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal(`Now capturing query output to '${file}'.\nCurrently capturing query output to '${file}'.\n`);
    expect(run.stderr).to.equal(`\x1b[0;1;31m<stdin>:4:Already capturing output to ${file}. Use CAPTURE OFF to disable.\x1b[0m\n`);
    const { existsSync, readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).to.equal('\n n\n---\n 7\n\n(1 rows)\n');
    expect(existsSync(other)).to.equal(false);
  });

  it('runs a SOURCE file and reports the server version and host', async () => {
    const file = join(dir, 'source.cql');
    writeFileSync(file, 'CONSISTENCY TWO\nCONSISTENCY\n');
    const run = await runShell(target(), `SOURCE '${file}'\nSHOW VERSION\nSHOW HOST\n`);
    expect(run.stdout).to.equal(
      `Consistency level set to TWO.\nCurrent consistency level is TWO.\n[sibylsh 0.1.0 | Sibyl 0.1.0 | CQL spec 3.4.6 | Native protocol v1]\nConnected to Sibyl Cluster at ${node.host}:${node.port}\n`,
    );
  });
});
