/**
 * Values as cqlsh prints them: text bare at the top level and quoted inside
 * collections, blobs as 0x…, timestamps as `2026-01-02 03:04:05.678000+0000`,
 * booleans as True/False, floats and doubles with cqlsh's precision rule (5
 * significant digits, more for the digits left of the point), null as
 * `null`. Each value comes back as plain text plus its colour, so widths are
 * measured on the text alone.
 */
import type { CqlType } from '../src/schema/cql-type.js';

export type Colour = 'text' | 'number' | 'blob' | 'null' | 'collection' | 'other';

/** One formatted cell: `text` is what a terminal shows, `coloured` the same with ANSI colours. */
export interface Formatted {
  text: string;
  coloured: string;
}

export const ANSI: Record<Colour | 'header' | 'error' | 'reset', string> = {
  text: '\x1b[0;1;33m',
  number: '\x1b[0;1;32m',
  blob: '\x1b[0;35m',
  null: '\x1b[0;1;31m',
  collection: '\x1b[0;1;34m',
  other: '\x1b[0;1;32m',
  header: '\x1b[0;1;35m',
  error: '\x1b[0;1;31m',
  reset: '\x1b[0m',
};

/** cqlsh's display precisions (cqlshrc's float_precision and double_precision): 5 for both by default. */
export const FLOAT_PRECISION = 5;
export const DOUBLE_PRECISION = 5;

function paint(text: string, colour: Colour): Formatted {
  return { text, coloured: `${ANSI[colour]}${text}${ANSI.reset}` };
}

/** Formats a decoded driver value of `type` (null for a missing value). */
export function formatValue(type: CqlType, value: unknown): Formatted {
  if (value === null || value === undefined) return paint('null', 'null');
  return format(type, value, false);
}

function format(type: CqlType, value: unknown, quoted: boolean): Formatted {
  switch (type.kind) {
    case 'list':
    case 'set': {
      const [open, close] = type.kind === 'list' ? ['[', ']'] : ['{', '}'];
      const items = (value as unknown[]).map((v) => format(type.element, v, true));
      return joinCollection(open, close, items.map((i) => [i]));
    }
    case 'map': {
      const entries = [...(value as Map<unknown, unknown>).entries()].map(([k, v]) => [format(type.key, k, true), format(type.value, v, true)]);
      return joinCollection('{', '}', entries);
    }
    case 'native':
      break;
  }
  switch (type.name) {
    case 'ascii':
    case 'text':
    case 'varchar':
      return paint(formatText(value as string, quoted), 'text');
    case 'inet':
      return paint(quoted ? `'${String(value)}'` : String(value), 'other');
    case 'timestamp': {
      const text = formatTimestampUs((value as Date).getTime());
      return paint(quoted ? `'${text}'` : text, 'other');
    }
    case 'float':
      return paint(formatFloat(value as number, FLOAT_PRECISION), 'number');
    case 'double':
      return paint(formatFloat(value as number, DOUBLE_PRECISION), 'number');
    case 'boolean':
      return paint(value ? 'True' : 'False', 'other');
    case 'blob':
      return paint(`0x${(value as Buffer).toString('hex')}`, 'blob');
    case 'uuid':
    case 'timeuuid':
      return paint(String(value).toLowerCase(), 'other');
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
    case 'varint':
    case 'counter':
    case 'decimal':
      return paint(String(value), 'number');
    default:
      return paint(String(value), 'other');
  }
}

function joinCollection(open: string, close: string, entries: Formatted[][]): Formatted {
  const c = (s: string) => `${ANSI.collection}${s}${ANSI.reset}`;
  const text = open + entries.map((e) => e.map((f) => f.text).join(': ')).join(', ') + close;
  const coloured = c(open) + entries.map((e) => e.map((f) => f.coloured).join(c(': '))).join(c(', ')) + c(close);
  return { text, coloured };
}

/**
 * cqlsh shows backslashes doubled and control characters escaped (C0, DEL,
 * the C1 controls and the no-break space, U+0000-U+001F and U+007F-U+00A0),
 * so every value stays on one line and none reaches the terminal as a control
 * sequence.
 */
export function formatText(value: string, quoted: boolean): string {
  let out = value.replace(/\\/g, '\\\\');
  if (quoted) out = out.replace(/'/g, "''");
  out = out.replace(/[\x00-\x1f\x7f-\xa0]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return quoted ? `'${out}'` : out;
}

/**
 * `2026-01-02 03:04:05.678000+0000`: cqlsh's timestamp format, always UTC
 * here. A timestamp outside years 1 to 9999, which Python's datetime cannot
 * hold, shows as cqlsh shows it: milliseconds since the epoch.
 */
export function formatTimestampUs(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) return String(ms);
  const y = String(year).padStart(4, '0');
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${y}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000+0000`;
}

/**
 * cqlsh's floating point rule: Python's `'%.*g'`, with the precision raised
 * by the digits left of the point when the number is not shown in
 * scientific notation.
 */
export function formatFloat(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  const magnitude = Math.abs(value);
  const exponent = magnitude > Number.EPSILON ? Math.trunc(Math.log10(magnitude)) : Number.MIN_SAFE_INTEGER;
  const digits = exponent >= -4 && exponent < precision ? precision + exponent + 1 : precision;
  return pythonG(value, digits);
}

/** Python's `'%.<digits>g' % value`. */
export function pythonG(value: number, digits: number): string {
  const p = Math.max(1, digits);
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exp] = value.toExponential(p - 1).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= p) {
    const sign = e < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(Math.max(0, p - 1 - e)));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}
