/**
 * The operating-system side of the launcher: spawning a detached node that
 * outlives the launcher, reading and checking pid files, probing a client
 * port, and waiting for a start-up line or an exit. Waiting uses the Clock
 * passed in, like every other reading of time.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../clock/clock.js';
import { Opcode, PROTOCOL_VERSION, type Envelope } from '../../transport/protocol.js';
import { createPackr, encodeFrame } from '../../util/framing.js';
import type { NodeSpec } from './plan.js';
import { ClusterError } from './state.js';

/** bin/sibyl.js, found from this compiled file (dist/src/tools/cluster/). */
export const SIBYL_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../bin/sibyl.js');

/** Milliseconds `status` waits for a node to answer; generous, as a busy 2-core machine answers slowly. */
const PROBE_ANSWER_TIMEOUT_MS = 2000;

/** The line a node logs once it accepts clients (src/node/node.ts). */
const STARTED_LINE = /listening for CQL clients on \S+/;

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((res) => clock.setTimeout(res, ms));
}

/** The pid in the node's pid file if that process is alive and is a Sibyl node; otherwise undefined. */
export function runningPid(node: NodeSpec): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(node.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // A pid is reused once its process is gone: on Linux make sure it is still this node's process.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    try {
      if (!readFileSync(cmdline, 'utf8').includes(node.configFile)) return undefined;
    } catch {
      return undefined;
    }
  }
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts `sibyl node --config <file>` detached, in its own process group, with
 * stdout and stderr appended to the node's log, and writes its pid file.
 * Returns the pid and the log size before the start, from where the caller
 * looks for this run's start-up line.
 */
export function spawnNode(node: NodeSpec): { pid: number; logOffset: number } {
  mkdirSync(node.nodeDir, { recursive: true });
  const logOffset = existsSync(node.logFile) ? statSync(node.logFile).size : 0;
  const logFd = openSync(node.logFile, 'a');
  try {
    const child = spawn(process.execPath, [SIBYL_BIN, 'node', '--config', node.configFile], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      cwd: node.nodeDir,
    });
    if (child.pid === undefined) throw new ClusterError(`cannot start node ${node.index}: spawning ${process.execPath} failed`);
    child.unref();
    writeFileSync(node.pidFile, `${child.pid}\n`);
    return { pid: child.pid, logOffset };
  } finally {
    closeSync(logFd);
  }
}

export function removePidFile(node: NodeSpec): void {
  rmSync(node.pidFile, { force: true });
}

/**
 * Connects to host:port; `watch` decides when the node counts as up and calls
 * `done(true)`. An error, or no verdict within timeoutMs, counts as down.
 */
function probe(clock: Clock, host: string, port: number, timeoutMs: number, watch: (socket: Socket, done: (up: boolean) => void) => void): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (up: boolean) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      socket.destroy();
      res(up);
    };
    const timer = clock.setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    watch(socket, done);
  });
}

/** Resolves true if something accepts a TCP connection on host:port within timeoutMs. */
export function probePort(clock: Clock, host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return probe(clock, host, port, timeoutMs, (socket, done) => socket.once('connect', () => done(true)));
}

/**
 * Resolves true if a node on host:port answers a request within timeoutMs.
 * A connection alone proves little: the kernel completes it from the listen
 * backlog even for a hung or stopped process, which would read as up. So an
 * OPTIONS frame is sent, and any answer (SUPPORTED, an error such as a TLS
 * port refusing plain text, or a close) counts: only a live process sends it.
 */
export function probeAnswer(clock: Clock, host: string, port: number, timeoutMs = PROBE_ANSWER_TIMEOUT_MS): Promise<boolean> {
  return probe(clock, host, port, timeoutMs, (socket, done) => {
    socket.once('connect', () => socket.write(encodeFrame(createPackr(), { v: PROTOCOL_VERSION, s: 1, o: Opcode.OPTIONS, b: {} } satisfies Envelope)));
    socket.once('data', () => done(true));
    socket.once('end', () => done(true));
  });
}

/**
 * Waits until the node's log shows its start-up line (written after
 * `logOffset`) and its client port accepts connections. Fails with the tail
 * of the log if the process exits first or the time runs out.
 */
export async function waitForStartup(clock: Clock, node: NodeSpec, pid: number, logOffset: number, timeoutMs: number): Promise<void> {
  const deadline = clock.nowMs() + timeoutMs;
  for (;;) {
    const log = readLogFrom(node.logFile, logOffset);
    if (STARTED_LINE.test(log) && (await probePort(clock, node.address, node.nativePort))) return;
    if (!isAlive(pid)) {
      removePidFile(node);
      throw new ClusterError(`node ${node.index} exited during start-up; ${logExplanation(log, node)}`);
    }
    if (clock.nowMs() >= deadline) {
      throw new ClusterError(`node ${node.index} did not accept clients on ${node.address}:${node.nativePort} within ${timeoutMs} ms; ${logExplanation(log, node)}`);
    }
    await sleep(clock, 100);
  }
}

/** Waits until `pid` has exited; false if it is still alive after timeoutMs. */
export async function waitForExit(clock: Clock, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = clock.nowMs() + timeoutMs;
  while (isAlive(pid)) {
    if (clock.nowMs() >= deadline) return false;
    await sleep(clock, 50);
  }
  return true;
}

function readLogFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * The line of this run's log that says why the node failed, so a failed start
 * explains itself in one line (the full log is one command away). The literal
 * last line rarely does: a refused config ends with the usage text, and an
 * uncaught error with stack frames and Node's version footer. So the node's
 * own error line (`sibyl node: ...`, `sibyl: ...`) or an uncaught error's
 * first line wins; otherwise the last line that is not a stack frame.
 */
export function failureLine(log: string): string | undefined {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const last = (test: (line: string) => boolean) => lines.filter(test).pop();
  return (
    last((l) => /^sibyl( node)?: /.test(l)) ??
    last((l) => /^[A-Za-z]*(Error|Exception)\b[^:]*: /.test(l)) ??
    last((l) => !l.startsWith('at ') && !/^Node\.js v\d/.test(l))
  );
}

function logExplanation(log: string, node: NodeSpec): string {
  const line = failureLine(log);
  return line !== undefined ? `its log says: ${line} (see ${join(node.logFile)})` : `its log ${node.logFile} is empty`;
}
