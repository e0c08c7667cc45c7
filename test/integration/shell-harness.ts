/** Runs the real `sibylsh` executable with arguments and piped stdin, collecting its output. */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SIBYLSH_BIN = join(ROOT, 'bin/sibylsh.js');

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `cwd` is where relative file names (COPY, CAPTURE, SOURCE) resolve; the test process's own by default. */
export function runShell(args: string[], stdin = '', env: Record<string, string> = {}, cwd?: string): Promise<ShellRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SIBYLSH_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, ...(cwd !== undefined ? { cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
