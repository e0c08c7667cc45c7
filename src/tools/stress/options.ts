/**
 * `sibyl stress` options, parsed and checked in one pure function so every
 * rule is unit-tested: each wrong option is a UsageError naming it.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import { CONSISTENCY_NAMES } from '../../transport/protocol.js';
import { parseArgs, UsageError } from '../args.js';
import { parseDurationMs, parsePort, parsePositiveInt } from '../duration.js';

export type StressCommand = 'write' | 'read' | 'mixed';
export type OpKind = 'write' | 'read';

export interface StressOptions {
  command: StressCommand;
  /** Operations to run; undefined when running for a duration. */
  ops: number | undefined;
  durationMs: number | undefined;
  consistency: ConsistencyName;
  concurrency: number;
  /** Keys are numbered 0 to keys - 1. */
  keys: number;
  valueBytes: number;
  /** Driver contact points (`host` or `host:port`). */
  hosts: string[];
  /** Relative weights of writes and reads in `mixed`. */
  ratio: Record<OpKind, number>;
  keyspace: string;
  replicationFactor: number;
  /** More errors than this make the run exit non-zero. */
  maxErrors: number;
  /** Seeds the key and operation choice of `mixed`, so a run can be repeated exactly. */
  seed: number;
}

export const STRESS_USAGE = `Usage: sibyl stress write|read|mixed [options]

  -n OPS              operations to run (default: --keys, so a write touches every key once)
  --duration 30s      run for a time instead (s, m, h, ms)
  --cl QUORUM         consistency level (default ONE)
  --concurrency 64    requests in flight
  --keys 100000       key population; write and read walk it in order, mixed picks keys at random
  --value-size 64     bytes per value
  --hosts 127.0.0.1   comma-separated contact points (host or host:port)
  --port 9042         client port of hosts given without one
  --ratio write=1,read=3   mix of operations for mixed
  --keyspace stress   keyspace, created if missing with SimpleStrategy and --rf
  --rf 1              replication factor of a keyspace it creates
  --max-errors 0      exit non-zero if more operations than this fail
  --seed 1            seed of mixed's random choices

Writes go to <keyspace>.standard1 (key blob PRIMARY KEY, value blob); reads check
that every key they read is present with the value a write gives it.
`;

const VALUED = ['-n', '--duration', '--cl', '--concurrency', '--keys', '--value-size', '--hosts', '--port', '--ratio', '--keyspace', '--rf', '--max-errors', '--seed'];

export function parseStressOptions(argv: string[]): StressOptions {
  const args = parseArgs(argv, VALUED);
  const [command, extra] = args.positional;
  if (command !== 'write' && command !== 'read' && command !== 'mixed') {
    throw new UsageError(command === undefined ? 'name a workload: write, read or mixed' : `unknown workload '${command}'; use write, read or mixed`);
  }
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const get = (name: string) => {
    const v = args.flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const int = (name: string, fallback: number) => {
    const v = get(name);
    return v === undefined ? fallback : parsePositiveInt(v, name);
  };
  if (get('-n') !== undefined && get('--duration') !== undefined) throw new UsageError('give either -n or --duration, not both');
  const keys = int('--keys', 100_000);
  const durationText = get('--duration');
  const durationMs = durationText !== undefined ? parseDurationMs(durationText, '--duration') : undefined;
  const maxErrorsText = get('--max-errors');
  if (maxErrorsText !== undefined && !/^\d+$/.test(maxErrorsText)) throw new UsageError(`--max-errors expects a whole number; got '${maxErrorsText}'`);
  const seedText = get('--seed');
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number; got '${seedText}'`);
  const ratioText = get('--ratio');
  if (ratioText !== undefined && command !== 'mixed') throw new UsageError('--ratio applies only to mixed');
  return {
    command,
    ops: durationMs === undefined ? int('-n', keys) : undefined,
    durationMs,
    consistency: parseConsistency(get('--cl') ?? 'ONE'),
    concurrency: int('--concurrency', 64),
    keys,
    valueBytes: int('--value-size', 64),
    hosts: parseHosts(get('--hosts') ?? '127.0.0.1', get('--port')),
    ratio: ratioText !== undefined ? parseRatio(ratioText) : { write: 1, read: 1 },
    keyspace: parseKeyspace(get('--keyspace') ?? 'stress'),
    replicationFactor: int('--rf', 1),
    maxErrors: maxErrorsText !== undefined ? Number(maxErrorsText) : 0,
    seed: seedText !== undefined ? Number(seedText) : 1,
  };
}

/** `write=1,read=3`: whole-number weights, at least one of them above zero. */
export function parseRatio(text: string): Record<OpKind, number> {
  const ratio: Record<OpKind, number> = { write: 0, read: 0 };
  for (const part of text.split(',')) {
    const m = /^\s*(write|read)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--ratio expects weights such as write=1,read=3; got '${part}'`);
    ratio[m[1] as OpKind] = Number(m[2]);
  }
  if (ratio.write + ratio.read === 0) throw new UsageError('--ratio needs a weight above zero');
  return ratio;
}

export function parseConsistency(text: string): ConsistencyName {
  const upper = text.toUpperCase();
  if (!(CONSISTENCY_NAMES as readonly string[]).includes(upper)) {
    throw new UsageError(`--cl must be one of ${CONSISTENCY_NAMES.join(', ')}; got '${text}'`);
  }
  return upper as ConsistencyName;
}

/** Splits `--hosts` and gives each host without a port the `--port` one. */
export function parseHosts(text: string, portText: string | undefined): string[] {
  const port = portText !== undefined ? parsePort(portText, '--port') : undefined;
  const hosts = text.split(',').map((h) => h.trim());
  if (hosts.some((h) => h === '')) throw new UsageError(`--hosts expects comma-separated hosts; got '${text}'`);
  return hosts.map((h) => (port !== undefined && !hasPort(h) ? withPort(h, port) : h));
}

/** `host:port` or `[v6]:port`; a bare IPv6 address (`::1`) ends in digits after a colon but names no port. */
function hasPort(host: string): boolean {
  return /^\[.+\]:\d+$/.test(host) || /^[^:]+:\d+$/.test(host);
}

/** An IPv6 address takes brackets before its port, as in a URL (`[::1]:9042`). */
function withPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseKeyspace(text: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(text)) throw new UsageError(`--keyspace must be a plain identifier (letters, digits, _); got '${text}'`);
  return text;
}
