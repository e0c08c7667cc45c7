/**
 * Result pages laid out as cqlsh lays them out: a left-justified header
 * (right-trimmed), a dashed rule with `+` under each ` | `, right-justified
 * values; or, with EXPAND ON, one `@ Row n` block per row.
 */
import { displayWidth } from './display-width.js';
import { ANSI, type Formatted } from './format-value.js';

export interface Page {
  names: string[];
  rows: Formatted[][];
}

/** The lines of one page in the table layout; `header` is false for later pages off a terminal. */
export function tableLines(page: Page, colour: boolean, header: boolean): string[] {
  const widths = page.names.map(displayWidth);
  for (const row of page.rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, displayWidth(cell.text))));
  const lines: string[] = [];
  if (header) {
    const cells = page.names.map((n, i) => {
      const padding = ' '.repeat(widths[i]! - displayWidth(n));
      return colour ? `${ANSI.header}${n}${ANSI.reset}${padding}` : n + padding;
    });
    lines.push(` ${cells.join(' | ')}`.trimEnd());
    lines.push(`-${widths.map((w) => '-'.repeat(w)).join('-+-')}-`);
  }
  for (const row of page.rows) {
    const cells = row.map((cell, i) => ' '.repeat(widths[i]! - displayWidth(cell.text)) + (colour ? cell.coloured : cell.text));
    lines.push(` ${cells.join(' | ')}`);
  }
  return lines;
}

/** EXPAND ON: each row as `@ Row n`, a rule, then ` name | value` lines and a blank line. */
export function verticalLines(page: Page, colour: boolean, rowOffset: number): string[] {
  const nameWidth = Math.max(...page.names.map(displayWidth));
  const valueWidth = Math.max(0, ...page.rows.flatMap((r) => r.map((c) => displayWidth(c.text))));
  const lines: string[] = [];
  page.rows.forEach((row, r) => {
    lines.push(`@ Row ${rowOffset + r + 1}`);
    lines.push(`-${'-'.repeat(nameWidth)}-+-${'-'.repeat(valueWidth)}-`);
    row.forEach((cell, i) => {
      const name = page.names[i]!;
      const padding = ' '.repeat(nameWidth - displayWidth(name));
      const shownName = colour ? `${ANSI.header}${name}${ANSI.reset}${padding}` : name + padding;
      lines.push(` ${shownName} | ${colour ? cell.coloured : cell.text}`);
    });
    lines.push('');
  });
  return lines;
}
