/**
 * Durations on the command line, as cassandra-stress and ccm write them:
 * `30s`, `5m`, `1h`, `250ms`, or a bare number of seconds.
 */
import { UsageError } from './args.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in `text`; `option` names the flag in the error for anything else. */
export function parseDurationMs(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option} expects a duration such as 30s, 5m, 1h or 250ms; got '${text}'`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  if (ms <= 0) throw new UsageError(`${option} must be longer than zero; got '${text}'`);
  return Math.round(ms);
}

/** A positive integer option such as `-n 1000` or `--concurrency 64`; `1e6` and `100k` are not accepted, plain digits are. */
export function parsePositiveInt(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${option} expects a positive whole number; got '${text}'`);
  const n = Number(text);
  if (n <= 0 || !Number.isSafeInteger(n)) throw new UsageError(`${option} expects a positive whole number; got '${text}'`);
  return n;
}

/** A TCP port number, 1 to 65535. */
export function parsePort(text: string, option: string): number {
  const port = parsePositiveInt(text, option);
  if (port > 65535) throw new UsageError(`${option} expects a port between 1 and 65535; got '${text}'`);
  return port;
}
