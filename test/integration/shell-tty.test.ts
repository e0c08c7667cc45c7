/**
 * sibylsh at a real terminal, driven through tmux: a statement typed over
 * several lines with the continuation prompt, tab completion of a keyword and
 * of a table name from the live schema, and history kept across sessions.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, startNode, tempDir, type NodeProcess } from './harness.js';
import { runShell, SIBYLSH_BIN } from './shell-harness.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('sibylsh at a terminal (tmux)', function () {
  this.timeout(60_000);
  let node: NodeProcess;
  let home: string;
  const session = `sibylsh-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);

  /** Waits until the pane shows `text` (the shell answers asynchronously). */
  async function waitFor(text: string | RegExp): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const s = screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
      await sleep(100);
    }
    throw new Error(`the terminal never showed ${String(text)}:\n${screen()}`);
  }

  function startShell(): void {
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-e', `HOME=${home}`, '-e', 'NO_COLOR=1', process.execPath, SIBYLSH_BIN, node.host, String(node.port));
  }

  before(async function () {
    if (!HAS_TMUX) this.skip();
    node = await startNode();
    home = tempDir('sibylsh-home-');
    const setup = await runShell([node.host, String(node.port)], `CREATE KEYSPACE term WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
CREATE TABLE term.readings (sensor text PRIMARY KEY, value int);
INSERT INTO term.readings (sensor, value) VALUES ('s1', 42);`);
    expect(setup.stderr).to.equal('');
  });

  after(async () => {
    if (HAS_TMUX) spawnSync('tmux', ['kill-session', '-t', session]);
    if (node) {
      await node.stop();
      removeDir(node.dataDir);
    }
    if (home) removeDir(home);
  });

  it('takes a statement over several lines, completes names, and keeps history across sessions', async () => {
    startShell();
    await waitFor('sibylsh>');
    tmux('send-keys', '-t', session, 'USE term\\;', 'Enter');
    await waitFor('sibylsh:term>');
    // Multi-line: the continuation prompt appears until the `;`.
    tmux('send-keys', '-t', session, 'SELECT value', 'Enter');
    await waitFor('   ...');
    // Completion: "read" completes to the table of the current keyspace, "WHE" to the keyword.
    tmux('send-keys', '-t', session, 'FROM read', 'Tab');
    await waitFor('   ... FROM readings');
    tmux('send-keys', '-t', session, ' WHE', 'Tab');
    await waitFor('   ... FROM readings WHERE');
    tmux('send-keys', '-t', session, 'sensor = \'s1\'\\;', 'Enter');
    const shown = await waitFor('(1 rows)');
    expect(shown).to.contain(' value\n-------\n    42\n\n(1 rows)');
    tmux('send-keys', '-t', session, 'EXIT\\;', 'Enter');
    for (let i = 0; i < 50 && spawnSync('tmux', ['has-session', '-t', session]).status === 0; i++) await sleep(100);

    const history = readFileSync(join(home, '.sibyl', 'sibylsh_history'), 'utf8');
    expect(history).to.equal("USE term;\nSELECT value\nFROM readings WHERE sensor = 's1';\nEXIT;\n");

    // A new session offers the previous one's lines with the up arrow.
    startShell();
    await waitFor('sibylsh>');
    tmux('send-keys', '-t', session, 'Up', 'Up');
    await waitFor("sibylsh> FROM readings WHERE sensor = 's1';");
  });
});
