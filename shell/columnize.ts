/**
 * Python's cmd.columnize, which cqlsh lists names with: the fewest rows
 * whose columns, two spaces apart, fit the width; names run down the columns.
 */
export function columnize(names: string[], displayWidth = 80): string[] {
  if (names.length === 0) return ['<empty>'];
  if (names.length === 1) return [names[0]!];
  const size = names.length;
  let rows = size;
  let widths: number[] = [0];
  for (let nrows = 1; nrows < size; nrows++) {
    const ncols = Math.ceil(size / nrows);
    const colWidths: number[] = [];
    let total = -2;
    for (let col = 0; col < ncols; col++) {
      let w = 0;
      for (let row = 0; row < nrows && row + nrows * col < size; row++) w = Math.max(w, names[row + nrows * col]!.length);
      colWidths.push(w);
      total += w + 2;
      if (total > displayWidth) break;
    }
    if (total <= displayWidth) {
      rows = nrows;
      widths = colWidths;
      break;
    }
  }
  const ncols = rows === size ? 1 : Math.ceil(size / rows);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const texts: string[] = [];
    for (let col = 0; col < ncols; col++) texts.push(names[row + rows * col] ?? '');
    while (texts.length > 0 && texts[texts.length - 1] === '') texts.pop();
    lines.push(texts.map((t, col) => t.padEnd(widths[col] ?? 0)).join('  '));
  }
  return lines;
}
