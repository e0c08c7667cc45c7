/**
 * A request's trace laid out as cqlsh's print_trace lays it out: a blank
 * line, `Tracing session: <id>`, a blank line, then the table `activity |
 * timestamp | source | source_elapsed | client` whose first row is the
 * request itself (at 0 µs on the coordinator), then every node's events in
 * time order, then `Request complete` at the request's duration. Timestamps
 * print as Python's str(datetime) does in local time
 * (`2026-11-22 03:04:05.678000`, no fraction on a whole second).
 *
 * Nodes appear by their address without the internode port, as Cassandra
 * shows them; only when two sources share an address (several nodes on one
 * host, told apart by port) do the ports stay, so the rows remain distinct.
 */
import type { TraceInfo } from '../src/cql/result.js';
import { ANSI, type Formatted } from './format-value.js';
import { tableLines } from './table-output.js';

export const TRACE_COLUMNS = ['activity', 'timestamp', 'source', 'source_elapsed', 'client'];

export interface TraceLayout {
  colour: boolean;
  /** A person at a terminal: cqlsh then adds a blank line after the table. */
  interactive: boolean;
  /** Minutes east of UTC at a given instant (ms); the machine's local zone when absent. */
  utcOffsetMinutes?: (epochMs: number) => number;
}

const localOffsetMinutes = (epochMs: number): number => -new Date(epochMs).getTimezoneOffset();

/** Python's str(datetime): `YYYY-MM-DD HH:MM:SS.ffffff`, the fraction left out when it is zero. */
export function formatTraceTimestamp(epochUs: number, utcOffsetMinutes: (epochMs: number) => number = localOffsetMinutes): string {
  const wholeMs = Math.floor(epochUs / 1000);
  const micros = epochUs - Math.floor(epochUs / 1_000_000) * 1_000_000;
  const d = new Date(wholeMs + utcOffsetMinutes(wholeMs) * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const seconds = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micros === 0 ? seconds : `${seconds}.${pad(micros, 6)}`;
}

/** How each endpoint is shown: its host, or host:port when another source shares the host. */
export function sourceNames(endpoints: readonly string[]): Map<string, string> {
  const hostOf = (endpoint: string) => {
    const bracketed = /^\[(.+)\]:\d+$/.exec(endpoint);
    if (bracketed) return bracketed[1]!;
    const colon = endpoint.lastIndexOf(':');
    return colon > 0 && endpoint.indexOf(':') === colon ? endpoint.slice(0, colon) : endpoint;
  };
  const byHost = new Map<string, Set<string>>();
  for (const e of endpoints) {
    const host = hostOf(e);
    if (!byHost.has(host)) byHost.set(host, new Set());
    byHost.get(host)!.add(e);
  }
  return new Map(endpoints.map((e) => [e, byHost.get(hostOf(e))!.size > 1 ? e : hostOf(e)]));
}

function cell(text: string, colour: 'text' | 'number'): Formatted {
  return { text, coloured: `${ANSI[colour]}${text}${ANSI.reset}` };
}

/** The rows of cqlsh's tracing table, as plain strings. */
export function traceRows(trace: TraceInfo, utcOffsetMinutes?: (epochMs: number) => number): string[][] {
  const names = sourceNames([trace.coordinator, ...trace.events.map((e) => e.source)]);
  const client = trace.client ?? '';
  const coordinator = names.get(trace.coordinator)!;
  return [
    [trace.request, formatTraceTimestamp(trace.startedAtUs, utcOffsetMinutes), coordinator, '0', client],
    ...trace.events.map((e) => [e.activity, formatTraceTimestamp(e.timestampUs, utcOffsetMinutes), names.get(e.source)!, String(e.sourceElapsedUs), client]),
    ['Request complete', formatTraceTimestamp(trace.startedAtUs + trace.durationUs, utcOffsetMinutes), coordinator, String(trace.durationUs), client],
  ];
}

/** Every line print_trace writes for one trace. */
export function traceLines(trace: TraceInfo, layout: TraceLayout): string[] {
  const rows = traceRows(trace, layout.utcOffsetMinutes).map((row) => row.map((text, i) => cell(text, i === 3 ? 'number' : 'text')));
  const title = layout.colour ? `${ANSI.header}Tracing session: ${ANSI.reset}${trace.sessionId}` : `Tracing session: ${trace.sessionId}`;
  const lines = ['', title, '', ...tableLines({ names: TRACE_COLUMNS, rows }, layout.colour, true)];
  if (layout.interactive) lines.push('');
  lines.push('');
  return lines;
}
