/**
 * sibylsh's TRACING ON against one real node: after an INSERT and a SELECT,
 * cqlsh's tracing table with the coordinator's steps in order; times and
 * elapsed microseconds vary, so they are matched by pattern.
 */
import { expect } from 'chai';
import { removeDir, startNode, type NodeProcess } from './harness.js';
import { runShell } from './shell-harness.js';

const TIMESTAMP = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?`;

/** The activities of each tracing table in the output, checked row by row against cqlsh's layout. */
function tracedActivities(stdout: string): string[][] {
  const tables: string[][] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^Tracing session: [0-9a-f-]{36}$/.test(lines[i]!)) continue;
    expect(lines[i + 1]).to.equal('');
    expect(lines[i + 2]).to.match(/^ activity +\| timestamp +\| source +\| source_elapsed \| client$/);
    expect(lines[i + 3]).to.match(/^-+\+-+\+-+\+-+\+-+$/);
    const activities: string[] = [];
    for (let j = i + 4; lines[j] !== ''; j++) {
      const m = new RegExp(String.raw`^ +(.+?) \| +${TIMESTAMP} \| +127\.0\.0\.1 \| +\d+ \| +127\.0\.0\.1$`).exec(lines[j]!);
      expect(m, lines[j]).to.not.equal(null);
      activities.push(m![1]!);
    }
    tables.push(activities);
  }
  return tables;
}

describe('sibylsh TRACING ON against a node', function () {
  this.timeout(60_000);
  let node: NodeProcess;

  before(async () => {
    node = await startNode({ timeoutMs: 30_000 });
    const schema = `CREATE KEYSPACE traced WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
CREATE TABLE traced.t (k int PRIMARY KEY, v text);`;
    expect((await runShell([node.host, String(node.port), '-e', schema])).stderr).to.equal('');
  });

  after(async () => {
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
  });

  it('prints a tracing table after an INSERT and after a SELECT, the SELECT after its rows', async () => {
    const script = `TRACING ON;
INSERT INTO traced.t (k, v) VALUES (1, 'one');
SELECT * FROM traced.t WHERE k = 1;
TRACING OFF;
SELECT * FROM traced.t WHERE k = 1;
`;
    const run = await runShell([node.host, String(node.port)], script);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    const self = node.endpoint;
    expect(tracedActivities(run.stdout)).to.deep.equal([
      [
        'Execute CQL3 query',
        "Parsing INSERT INTO traced.t (k, v) VALUES (1, 'one')",
        'Preparing statement',
        'Determining replicas for mutation',
        `Replicas for 1 partition: /${self}`,
        'Writing 1 partition, 1 row, 1 cell to storage',
        'Write applied to storage',
        'Request complete',
      ],
      [
        'Execute CQL3 query',
        'Parsing SELECT * FROM traced.t WHERE k = 1',
        'Preparing statement',
        `reading data from /${self}`,
        'Executing single-partition query locally',
        'Read 1 partition, 1 row, 1 cell from storage',
        'Request complete',
      ],
    ]);
    expect(run.stdout.slice(0, 41)).to.equal('Now Tracing is enabled\n\nTracing session: ');
    // The rows come first, then the trace; after TRACING OFF only the rows.
    expect(run.stdout).to.match(/ 1 \| one\n\n\(1 rows\)\n\nTracing session: /);
    const end = 'Disabled Tracing.\n\n k | v\n---+-----\n 1 | one\n\n(1 rows)\n';
    expect(run.stdout.slice(-end.length)).to.equal(end);
  });
});
