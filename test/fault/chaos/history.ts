/**
 * The history of a chaos run: every operation's start and end (monotonic
 * milliseconds since the run began, from one clock in one process, so the
 * order between clients is real), what it did and how it ended.
 *
 * Outcomes: `ok` (acknowledged), `failed` (definitely not applied: refused
 * before anything was sent) and `unknown` (a timeout or a lost connection:
 * the write may have applied, now or later).
 */
export type Outcome = 'ok' | 'failed' | 'unknown';

/** What a read saw: the value and its write time, or null for no row. */
export interface Observed {
  value: string;
  timestampUs: number;
}

interface OperationBase {
  id: number;
  client: number;
  /** The node coordinating the client's requests. */
  node: number;
  key: number;
  startMs: number;
  endMs: number;
  outcome: Outcome;
  /** The error's class and message when the outcome is not ok. */
  error?: string;
}

export interface WriteOperation extends OperationBase {
  kind: 'write';
  /** Unique across the run, so a read names the write it saw. */
  value: string;
  /** The client-side write timestamp, unique across the run. */
  timestampUs: number;
}

export interface ReadOperation extends OperationBase {
  kind: 'read';
  /** Set when the outcome is ok. */
  observed?: Observed | null;
}

export type Operation = WriteOperation | ReadOperation;

export class HistoryRecorder {
  readonly operations: Operation[] = [];
  private nextId = 0;

  constructor(private readonly nowMs: () => number) {}

  now(): number {
    return this.nowMs();
  }

  /** A fresh operation id. */
  id(): number {
    return this.nextId++;
  }

  record(op: Operation): void {
    this.operations.push(op);
  }
}

/** One line of a history, as failures print it. */
export function formatOperation(op: Operation): string {
  const span = `[${(op.startMs / 1000).toFixed(3)} → ${(op.endMs / 1000).toFixed(3)} s]`;
  const who = `client ${op.client} via node ${op.node}`;
  const what =
    op.kind === 'write'
      ? `write k=${op.key} v=${op.value} ts=${op.timestampUs}`
      : `read  k=${op.key} → ${op.observed === undefined ? '?' : op.observed === null ? 'no row' : `v=${op.observed.value} ts=${op.observed.timestampUs}`}`;
  return `${span} ${who}: ${what}  ${op.outcome}${op.error ? ` (${op.error})` : ''}`;
}
