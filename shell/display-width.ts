/**
 * How many terminal columns text takes, as cqlsh measures it with wcwidth:
 * East Asian wide and fullwidth characters (CJK, Hangul, fullwidth forms,
 * and the emoji a terminal draws two columns wide) take two, combining marks
 * and format characters none, everything else one. Tables are aligned on
 * this, not on the string's length, or a column holding 日本語 would end
 * three columns short of the rule above it.
 */

/** Inclusive code point ranges a terminal draws two columns wide (Markus Kuhn's wcwidth, plus emoji). */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3040, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function charWidth(codePoint: number, char: string): number {
  if (codePoint === 0xad) return 1;
  if (ZERO_WIDTH.test(char)) return 0;
  for (const [low, high] of WIDE) {
    if (codePoint < low) return 1;
    if (codePoint <= high) return 2;
  }
  return 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    width += codePoint < 0x300 ? 1 : charWidth(codePoint, char);
  }
  return width;
}
