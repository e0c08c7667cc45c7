/**
 * Formatting shared by sibyltool's commands, reproducing nodetool's: its
 * file sizes (FileUtils.stringifyFileSize), percentages (DecimalFormat),
 * printf-style padding, and TableBuilder's tables (columns two spaces apart,
 * the last one unpadded).
 */

const KIB = 1024;
const UNITS: [number, string][] = [
  [KIB ** 4, 'TiB'],
  [KIB ** 3, 'GiB'],
  [KIB ** 2, 'MiB'],
  [KIB, 'KiB'],
];

/** `69.07 KiB`, `1 MiB`, `512 bytes`: at most two decimals, none trailing; '?' when unknown. */
export function fileSize(bytes: number | null): string {
  if (bytes === null) return '?';
  for (const [size, unit] of UNITS) if (bytes >= size) return `${decimals(bytes / size, 2)} ${unit}`;
  return `${decimals(bytes, 2)} bytes`;
}

/** Java's DecimalFormat("#.##"): rounded to `places`, trailing zeros dropped. */
function decimals(n: number, places: number): string {
  return String(Number(n.toFixed(places)));
}

/** A fraction as nodetool's percentage, with `places` decimals (`100.0%`); '?' when unknown. */
export function percent(fraction: number | null, places: number): string {
  return fraction === null ? '?' : `${(fraction * 100).toFixed(places)}%`;
}

/** printf's `%-Ns`. */
export function left(text: string, width: number): string {
  return text.padEnd(width);
}

/** printf's `%Ns`. */
export function right(text: string, width: number): string {
  return text.padStart(width);
}

/** Column widths shared by several tables, so they line up (nodetool's TableBuilder.SharedTable). */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/** Rows as TableBuilder prints them: every column but the last padded to its width, two spaces apart. */
export function table(rows: readonly (readonly string[])[], widths: readonly number[] = columnWidths(rows)): string {
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) + '  ' : cell)).join('') + '\n').join('');
}

/** An internode or client endpoint as nodetool shows it: the address alone, or with its port under -pp. */
export function address(endpoint: string, printPort: boolean): string {
  if (printPort) return endpoint;
  const colon = endpoint.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(endpoint.slice(colon + 1)) ? endpoint.slice(0, colon) : endpoint;
}

/** Sorts addresses as people expect: 127.0.0.2 before 127.0.0.10. */
export function compareAddresses(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Groups items by datacenter, datacenters in name order. */
export function byDatacenter<T extends { dc: string }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.dc, [...(groups.get(item.dc) ?? []), item]);
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

/** `Up`/`Down` and `Normal`/`Joining`/`Leaving`/`Moving` of a two-letter status such as `UN`. */
export function statusWords(status: string): { status: string; state: string } {
  const up = status[0] === 'U' ? 'Up' : status[0] === 'D' ? 'Down' : '?';
  const state = { N: 'Normal', J: 'Joining', L: 'Leaving', M: 'Moving' }[status[1] ?? ''] ?? '?';
  return { status: up, state };
}
