/**
 * COPY TO then COPY FROM through the real shell round-trips 10,000 rows of
 * every CQL type exactly: awkward text (delimiters, quotes, newlines, empty
 * strings), nulls, extreme numbers, NaN and infinities, collections.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.js';
import { removeDir, startNode, tempDir, type NodeProcess } from './harness.js';
import { runShell } from './shell-harness.js';

const ROWS = 10_000;

const COLUMNS = `k int, a ascii, t text, vc varchar, i int, bi bigint, si smallint, ti tinyint, vi varint,
  f float, d double, dec decimal, b boolean, u uuid, tu timeuuid, ts timestamp, dt date, tm time, bl blob, ip inet,
  l list<text>, s set<int>, m map<text, double>, fl frozen<list<timestamp>>`;

const TEXTS = ['', 'plain', 'comma, inside', 'quote " and \'', 'new\nline', ' padded ', 'ünïcødé ✓', 'back\\slash', 'null', 'NULL'];
const FLOATS = [0, -0, 1.5, -3.4028234663852886e38, 1.401298464324817e-45, Number.NaN, Infinity, -Infinity, 0.1];
const DOUBLES = [0, -0, Math.PI, -1.7976931348623157e308, 5e-324, Number.NaN, Infinity, -Infinity, 0.1 + 0.2];

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0').slice(-width);
}

function rowValues(n: number): unknown[] {
  const nul = n % 17 === 0;
  const at = new Date(Date.UTC(1970 + (n % 400), n % 12, 1 + (n % 28), n % 24, n % 60, n % 60, n % 1000));
  return [
    n,
    nul ? null : `ascii ${n}`,
    TEXTS[n % TEXTS.length],
    nul ? null : `v${n}`,
    n % 3 === 0 ? -(2 ** 31) + n : 2 ** 31 - 1 - n,
    BigInt(n) * 922_337_203_685_477n * (n % 2 === 0 ? 1n : -1n),
    (n % 65536) - 32768,
    (n % 256) - 128,
    BigInt(n) ** 5n * -1n,
    FLOATS[n % FLOATS.length],
    DOUBLES[n % DOUBLES.length],
    `${n % 2 === 0 ? '-' : ''}${n}.${String(n).padStart(6, '0')}`,
    n % 2 === 0,
    `${hex(n, 8)}-0000-4000-8000-${hex(n * 7919, 12)}`,
    `${hex(n, 8)}-1111-11f0-8000-${hex(n, 12)}`,
    at,
    `${1900 + (n % 300)}-0${1 + (n % 9)}-1${n % 10}`,
    `${String(n % 24).padStart(2, '0')}:30:15.${String(n).padStart(9, '0')}`,
    nul ? null : Buffer.from(hex(n * 31, 8), 'hex'),
    n % 2 === 0 ? `10.0.${n % 256}.${(n >> 8) % 256}` : `2001:db8::${hex(n, 4)}`,
    nul ? null : [TEXTS[n % TEXTS.length], `x${n}`, 'it\'s, "so"'],
    nul ? null : [n, -n, 7],
    nul ? null : new Map([[`k${n}`, DOUBLES[n % DOUBLES.length]!], ['a b', 1.25]]),
    nul ? null : [at, new Date(0)],
  ];
}

describe('sibylsh COPY', function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let client: Client;
  let dir: string;

  before(async () => {
    node = await startNode();
    dir = tempDir('sibylsh-copy-');
    client = new Client({ contactPoints: [`${node.host}:${node.port}`] });
    await client.execute(`CREATE KEYSPACE io WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE io.src (${COLUMNS}, PRIMARY KEY (k))`);
    await client.execute(`CREATE TABLE io.dst (${COLUMNS}, PRIMARY KEY (k))`);
    const names = COLUMNS.split(/,\s*(?![^<]*>)/).map((c) => c.trim().split(/\s+/)[0]!);
    const insert = `INSERT INTO io.src (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    for (let start = 0; start < ROWS; start += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, j) => client.execute(insert, rowValues(start + j))));
    }
  });

  after(async () => {
    await client?.shutdown();
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
    if (dir) removeDir(dir);
  });

  it('exports 10,000 rows of every type and imports them back identically', async () => {
    const file = join(dir, 'rows.csv');
    const target = [node.host, String(node.port)];
    const out = await runShell([...target, '-e', `COPY io.src TO '${file}' WITH HEADER = true`]);
    expect(out.stderr).to.equal('');
    expect(out.code).to.equal(0);
    const outLines = out.stdout.split('\n');
    expect(outLines[0]).to.equal('Starting copy of io.src with columns [k, a, b, bi, bl, d, dec, dt, f, fl, i, ip, l, m, s, si, t, ti, tm, ts, tu, u, vc, vi].');
    expect(outLines[1]).to.match(/^Processed: 10000 rows; Rate: +\d+ rows\/s; Avg\. rate: +\d+ rows\/s$/);
    expect(outLines[2]).to.match(/^10000 rows exported to 1 files in \d+\.\d{3} seconds\.$/);
    expect(readFileSync(file, 'utf8').split('\n')[0]).to.equal('k,a,b,bi,bl,d,dec,dt,f,fl,i,ip,l,m,s,si,t,ti,tm,ts,tu,u,vc,vi');

    const back = await runShell([...target, '-e', `COPY io.dst FROM '${file}' WITH HEADER = true`]);
    expect(back.stderr).to.equal('');
    expect(back.code).to.equal(0);
    expect(back.stdout.split('\n')[2]).to.match(/^10000 rows imported from 1 files in \d+\.\d{3} seconds \(0 skipped\)\.$/);

    const read = async (table: string) => {
      const rows: Record<string, unknown>[] = [];
      for await (const row of client.iterate(`SELECT * FROM io.${table}`, null, { fetchSize: 2000 })) rows.push({ ...row });
      return rows.sort((a, b) => (a['k'] as number) - (b['k'] as number));
    };
    const [src, dst] = [await read('src'), await read('dst')];
    expect(src).to.have.length(ROWS);
    // NaN is not equal to itself under deep equality of numbers in chai, so compare the bytes' JSON-ish form.
    const canon = (rows: Record<string, unknown>[]) =>
      JSON.stringify(rows, (_k, v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v instanceof Map ? [...v] : v,
      );
    expect(canon(dst)).to.equal(canon(src));
  });

  it('prints COPY TO STDOUT as CSV lines alone instead of writing a file named STDOUT', async () => {
    await client.execute('CREATE TABLE io.small (k int PRIMARY KEY, t text, l list<int>)');
    await client.execute("INSERT INTO io.small (k, t, l) VALUES (1, 'a,b', [1, 2])");
    await client.execute('INSERT INTO io.small (k) VALUES (2)');
    const run = await runShell([node.host, String(node.port), '-e', "COPY io.small (k, t, l) TO STDOUT WITH HEADER = true AND NULL = 'N'"], '', {}, dir);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout.split('\n').sort()).to.deep.equal(['', '1,"a,b","[1, 2]"', '2,N,N', 'k,t,l']);
    expect(existsSync(join(dir, 'STDOUT'))).to.equal(false);
    const stdin = await runShell([node.host, String(node.port), '-e', 'COPY io.small FROM STDIN']);
    expect(stdin.code).to.equal(1);
    expect(stdin.stderr).to.equal("<stdin>:1:COPY FROM STDIN is not supported: name a file, e.g. COPY ks.t FROM 'rows.csv'\n");
  });

  it('names the row, the field and the column of a field that is not a value of its type', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'k,t\n7,fine\nseven,bad\n');
    const run = await runShell([node.host, String(node.port), '-e', `COPY io.small (k, t) FROM '${file}' WITH HEADER = true AND MAXREQUESTS = 1`]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal('<stdin>:1:Failed to import row 2 (int key seven): ParseError - Failed to parse seven : invalid int value for column k\n');
  });
});
