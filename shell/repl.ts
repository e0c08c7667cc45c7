/**
 * The interactive loop at a terminal: readline with the keyspace prompt and
 * a continuation prompt, history kept in ~/.sibyl/sibylsh_history across
 * sessions, tab completion, Ctrl-C to drop a half-typed statement or to
 * abandon a running one, and Ctrl-D (or EXIT) to leave. Lines typed while a
 * statement runs wait their turn, so statements always run in order.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { Completer } from './completion.js';
import type { Shell } from './shell.js';
import { StatementSplitter } from './splitter.js';

/** Lines of history kept in memory and offered with the arrow keys. */
export const HISTORY_LINES_MAX = 1000;

export function historyPath(): string {
  return join(homedir(), '.sibyl', 'sibylsh_history');
}

function loadHistory(path: string): string[] {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    // readline wants the most recent first.
    return lines.slice(-HISTORY_LINES_MAX).reverse();
  } catch {
    return [];
  }
}

/** Hands out typed lines one at a time; null once input has ended. */
class LineQueue {
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private closed = false;

  constructor(rl: Interface) {
    rl.on('line', (line) => this.push(line));
    rl.on('close', () => {
      this.closed = true;
      this.waiter?.(null);
      this.waiter = undefined;
    });
  }

  private push(line: string): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(line);
    } else {
      this.lines.push(line);
    }
  }

  /** Ends a wait for a line without one (Ctrl-C at `---MORE---`); the waiter sees null. */
  cancelWait(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(null);
  }

  next(): Promise<string | null> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

export async function runRepl(shell: Shell, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const path = historyPath();
  const splitter = new StatementSplitter();
  const completer = new Completer(shell.client, () => shell.keyspace, () => splitter.pending);
  const rl = createInterface({
    input,
    output,
    terminal: true,
    history: loadHistory(path),
    historySize: HISTORY_LINES_MAX,
    removeHistoryDuplicates: false,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      completer.complete(line).then(
        (result) => callback(null, result),
        () => callback(null, [[], line]),
      );
    },
  });
  const queue = new LineQueue(rl);
  shell.io.more = async () => {
    rl.setPrompt('---MORE---');
    rl.prompt();
    await queue.next();
  };
  /** Set while a statement runs: Ctrl-C then abandons it instead of editing the line. */
  let interruptRunning: (() => void) | undefined;
  rl.on('SIGINT', () => {
    // readline keeps the half-typed line after Ctrl-C; drop it as GNU readline does for cqlsh, or the next line typed would be appended to it.
    Object.assign(rl, { line: '', cursor: 0 });
    if (interruptRunning) {
      interruptRunning();
      return;
    }
    splitter.reset();
    output.write('\n');
    rl.setPrompt(shell.prompt);
    rl.prompt();
  });
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch {
    // Without a writable home the shell still works; history is just not kept.
  }
  rl.setPrompt(shell.prompt);
  rl.prompt();
  for (;;) {
    const line = await queue.next();
    if (line === null) break;
    if (line.trim() !== '') {
      try {
        appendFileSync(path, `${line}\n`);
      } catch {
        // See above: history is best effort.
      }
    }
    for (const statement of splitter.feed(line)) {
      // Ctrl-C while a statement runs does what cqlsh's does: the prompt comes back at once and the
      // statement's answer, whenever it arrives, is not printed. The node may still apply a write.
      const interrupted = new Promise<true>((resolve) => (interruptRunning = () => resolve(true)));
      const abandoned = await Promise.race([shell.run(statement.text).then(() => false), interrupted]);
      interruptRunning = undefined;
      if (statement.text.trim() !== '' && !/^\s*(select|describe|desc)\b/i.test(statement.text)) completer.invalidate();
      if (abandoned) {
        shell.abandonRunning();
        queue.cancelWait();
        splitter.reset();
        output.write('\n');
        break;
      }
      if (shell.exited) break;
    }
    if (shell.exited) break;
    rl.setPrompt(splitter.pending ? shell.continuationPrompt : shell.prompt);
    rl.prompt();
  }
  if (!shell.exited) output.write('\n');
  // Ctrl-D inside a statement leaves it unrun, and says so as cqlsh does.
  if (!shell.exited && splitter.pending) shell.reportIncomplete();
  rl.close();
}
