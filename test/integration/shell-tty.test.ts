/**
 * sibylsh at a real terminal, driven through tmux: a statement typed over
 * several lines with the continuation prompt, tab completion of a keyword and
 * of a table name from the live schema, history kept across sessions, and
 * Ctrl-C dropping a typed line or abandoning a running statement.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  // Each shell gets a tmux server of its own: a new session on a server that the previous session's end is shutting down can die with it.
  let socket = '';
  let starts = 0;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const alive = () => spawnSync('tmux', ['-L', socket, 'has-session', '-t', session]).status === 0;
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

  function startShell(...extraArgs: string[]): void {
    socket = `sibylsh-test-${process.pid}-${++starts}`;
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-e', `HOME=${home}`, '-e', 'NO_COLOR=1', process.execPath, SIBYLSH_BIN, node.host, String(node.port), ...extraArgs);
  }

  /** Runs `sibylsh args` at a colour terminal (NO_COLOR unset) and returns the screen with its escape sequences once `done` shows. */
  async function colourScreen(args: string[], done: string): Promise<string> {
    socket = `sibylsh-test-${process.pid}-${++starts}`;
    const command = [process.execPath, SIBYLSH_BIN, node.host, String(node.port), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-e', `HOME=${home}`, '-e', 'TERM=xterm-256color', `${command}; sleep 30`);
    await waitFor(done);
    const shown = tmux('capture-pane', '-p', '-e', '-t', session);
    tmux('kill-server');
    return shown;
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
    if (HAS_TMUX && socket !== '') spawnSync('tmux', ['-L', socket, 'kill-server']);
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
    for (let i = 0; i < 50 && alive(); i++) await sleep(100);

    const history = readFileSync(join(home, '.sibyl', 'sibylsh_history'), 'utf8');
    expect(history).to.equal("USE term;\nSELECT value\nFROM readings WHERE sensor = 's1';\nEXIT;\n");

    // A new session offers the previous one's lines with the up arrow.
    startShell();
    await waitFor('sibylsh>');
    tmux('send-keys', '-t', session, 'Up', 'Up');
    await waitFor("sibylsh> FROM readings WHERE sensor = 's1';");
    // Ctrl-C drops the recalled line, so EXIT typed next is a line of its own and ends the shell.
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'EXIT', 'Enter');
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    expect(alive()).to.equal(false);
  });

  it("shows the user and keyspace in the prompt and lines a continued statement up under it, as cqlsh does", async () => {
    // The node does not ask for a login, so -u and -p are accepted and only the prompt shows them.
    startShell('-u', 'bob', '-p', 'secret', '-k', 'term');
    await waitFor('bob@sibylsh:term>');
    tmux('send-keys', '-t', session, 'SELECT value', 'Enter');
    const shown = await waitFor(/^ +\.\.\.$/m);
    expect(shown).to.match(/^bob@sibylsh:term> SELECT value\n {14}\.\.\.$/m);
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'EXIT', 'Enter');
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    expect(alive()).to.equal(false);
  });

  it('colours results at a terminal but not those of -f unless -C asks, as cqlsh does', async () => {
    const file = join(home, 'select.cql');
    writeFileSync(file, "SELECT value FROM term.readings WHERE sensor = 's1';\n");
    const select = "SELECT value FROM term.readings WHERE sensor = 's1'";
    expect(await colourScreen(['-e', select], '(1 rows)')).to.contain('\x1b[');
    expect(await colourScreen(['-f', file], '(1 rows)')).to.not.contain('\x1b[');
    expect(await colourScreen(['-C', '-f', file], '(1 rows)')).to.contain('\x1b[');
  });

  it('abandons a running statement on Ctrl-C: the prompt returns and its late answer is never printed', async () => {
    startShell();
    await waitFor('sibylsh>');
    tmux('send-keys', '-t', session, 'clear', 'Enter');
    // A stopped node never answers, so the SELECT is still running when Ctrl-C arrives.
    node.child.kill('SIGSTOP');
    try {
      tmux('send-keys', '-t', session, "SELECT value FROM term.readings WHERE sensor = 's1'\\;", 'Enter');
      await waitFor("sibylsh> SELECT value FROM term.readings WHERE sensor = 's1';");
      tmux('send-keys', '-t', session, 'C-c');
      await waitFor(/sensor = 's1';\n+sibylsh> *$/m);
    } finally {
      node.child.kill('SIGCONT');
    }
    // The next statement runs at once and alone: the abandoned SELECT's rows never appear.
    tmux('send-keys', '-t', session, 'CONSISTENCY', 'Enter');
    const shown = await waitFor('Current consistency level is ONE.');
    tmux('send-keys', '-t', session, "SELECT sensor FROM term.readings WHERE sensor = 's1'\\;", 'Enter');
    await waitFor(/ sensor\n-+\n +s1\n/);
    const after = screen();
    expect(shown).to.not.contain('(1 rows)');
    expect(after).to.not.match(/^ value$/m);
    expect(after.match(/\(1 rows\)/g)).to.have.length(1);
  });
});
