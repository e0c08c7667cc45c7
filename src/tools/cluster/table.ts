/** Left-aligned text tables for `start` and `status`: columns as wide as their widest cell, two spaces apart. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** `node 2` or `nodes 1, 2, 3`, for messages. */
export function nodeList(indices: readonly number[]): string {
  return `${indices.length === 1 ? 'node' : 'nodes'} ${indices.join(', ')}`;
}
