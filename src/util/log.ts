/**
 * A small levelled logger. Lines go to a sink (stderr by default) as
 * `2026-01-02T03:04:05.678Z INFO  message`; the time comes from the Clock
 * passed in, like every other reading of time.
 */
import type { Clock } from '../clock/clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(
  clock: Clock,
  options: { level?: LogLevel; prefix?: string; sink?: (line: string) => void } = {},
): Logger {
  const min = RANK[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => void process.stderr.write(line + '\n'));
  const prefix = options.prefix ? `[${options.prefix}] ` : '';
  const emit = (level: LogLevel, msg: string) => {
    if (RANK[level] < min) return;
    sink(`${new Date(clock.nowMs()).toISOString()} ${level.toUpperCase().padEnd(5)} ${prefix}${msg}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

/** A logger that drops everything (tests that do not care about logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
