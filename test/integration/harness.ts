/**
 * Runs real `sibyl node` processes on loopback for integration tests: each
 * gets its own temporary data directory and port 0, and the harness reads the
 * bound port from the node's start-up line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SIBYL_BIN = join(ROOT, 'bin/sibyl.js');

export interface NodeProcess {
  child: ChildProcess;
  host: string;
  port: number;
  /** The internode endpoint, 'host:port' (the port is ephemeral: nodes start with --storage-port 0). */
  endpoint: string;
  dataDir: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal and waits for the exit; resolves to the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** Waits for the process to exit by itself. */
  exited: Promise<number | string>;
}

export function tempDir(prefix = 'sibyl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `nodeArgs` go to the Node.js runtime of the node process (a benchmark's `--cpu-prof`), `args` to `sibyl node`. */
export async function startNode(options: { dataDir?: string; host?: string; args?: string[]; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? tempDir();
  const host = options.host ?? '127.0.0.1';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SIBYL_BIN, 'node', '--data', dataDir, '--listen', host, '--port', '0', '--storage-port', '0', ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stdout!.resume();
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? -1)));
  const [port, endpoint] = await new Promise<[number, string]>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not start within ${options.timeoutMs ?? 10000} ms:\n${err}`)), options.timeoutMs ?? 10000);
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      // The host may be an IPv6 address (::1), so the port is what follows the last colon.
      const m = /listening for CQL clients on \S+:(\d+) \(internode ([^,\s]+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        res([Number(m[1]), m[2]!]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`node exited with ${code} before listening:\n${err}`));
    });
  });
  return {
    child,
    host,
    port,
    endpoint,
    dataDir,
    stderr: () => err,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
