/** Runs the real `sibyl` executable to completion and hands back its exit code and output. */
import { execFile } from 'node:child_process';
import { SIBYL_BIN } from './harness.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((res) => {
    execFile(process.execPath, [SIBYL_BIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      res({ code, stdout, stderr });
    });
  });
}
