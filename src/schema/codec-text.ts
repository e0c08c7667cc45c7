/**
 * Text forms of the CQL values that have one: dates, times, timestamps,
 * uuids, inet addresses and decimals. Every parser here returns undefined on
 * malformed input, so the caller decides how to word the error (a driver
 * value and a CQL literal are reported differently). Pure: no I/O, no clock.
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of daysFromCivil. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validCivil(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD' (year may carry a sign) → days since the epoch. */
export function parseDate(text: string): number | undefined {
  const m = /^([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validCivil(year, month, day)) return undefined;
  return daysFromCivil(year, month, day);
}

export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
}

export const NANOS_PER_DAY = 86_400n * 1_000_000_000n;

/** 'HH:MM:SS[.fffffffff]' → nanoseconds since midnight. */
export function parseTime(text: string): bigint | undefined {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const fraction = BigInt((m[4] ?? '').padEnd(9, '0'));
  return (BigInt(h * 3600 + min * 60 + s) * 1_000_000_000n) + fraction;
}

export function formatTime(nanos: bigint): string {
  const seconds = Number(nanos / 1_000_000_000n);
  const fraction = nanos % 1_000_000_000n;
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  return `${pad(h, 2)}:${pad(min, 2)}:${pad(seconds % 60, 2)}.${fraction.toString().padStart(9, '0')}`;
}

/**
 * A timestamp string → milliseconds since the epoch. Accepts what Cassandra's
 * TimestampSerializer accepts: 'YYYY-MM-DD', optionally followed by ' ' or
 * 'T' and 'HH:MM[:SS[.fff]]', optionally followed by a zone ('Z', '+hh',
 * '+hhmm', '+hh:mm'). Without a zone the time is UTC (Cassandra would use
 * the server's zone; Sibyl nodes have none, so results never depend on it).
 */
export function parseTimestamp(text: string): number | undefined {
  const m =
    /^([+-]?\d{4,9})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, min, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validCivil(year, month, day) || h > 23 || min > 59 || s > 59) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  let offsetMin = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2) || '0');
    if (zh > 23 || zm > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + h) * 60 + min - offsetMin) * 60_000 + s * 1000 + ms;
}

/** Milliseconds since the epoch → 'YYYY-MM-DD HH:MM:SS.fff+0000', a form parseTimestamp reads back. */
export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const h = Math.floor(inDay / 3_600_000);
  const min = Math.floor((inDay % 3_600_000) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  return `${formatDate(days)} ${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}.${pad(inDay % 1000, 3)}+0000`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseUuid(text: string): Buffer | undefined {
  if (!UUID_RE.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

export function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The version nibble of a serialized uuid. */
export function uuidVersion(bytes: Buffer): number {
  return bytes[6]! >> 4;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** An IPv4 or IPv6 address → its 4 or 16 bytes (4 for an IPv4-mapped IPv6 address). */
export function parseInet(text: string): Buffer | undefined {
  const v4 = parseIpv4(text);
  if (v4) return Buffer.from(v4);
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const tail = parseIpv4(p);
        if (!tail) return undefined;
        out.push((tail[0]! << 8) | tail[1]!, (tail[2]! << 8) | tail[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const buf = Buffer.alloc(16);
  groups.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  // Java (and so Cassandra) turns an IPv4-mapped address (::ffff:a.b.c.d) into
  // the plain IPv4 address, stored as 4 bytes.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return buf.subarray(12);
  return buf;
}

/** 4 or 16 bytes → dotted IPv4 or RFC 5952 IPv6 text (lower case, longest zero run compressed). */
export function formatInet(bytes: Buffer): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** A decimal in plain or exponent form → unscaled integer and scale (value = unscaled × 10^-scale). */
export function parseDecimal(text: string): { unscaled: bigint; scale: number } | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[1]}${m[2] || '0'}${fraction}`);
  const scale = fraction.length - Number(m[4] ?? 0);
  if (scale > 0x7fffffff || scale < -0x80000000) return undefined;
  return { unscaled, scale };
}

/**
 * The canonical text of a decimal, exactly as Java's BigDecimal.toString
 * writes it (what Cassandra and cqlsh show): plain digits when the scale is
 * non-negative and the adjusted exponent is at least -6 (trailing zeros kept,
 * they are part of the value's scale), otherwise one digit, the rest after a
 * point, and an exponent (`1.5E+10`, `1E-400`). parseDecimal reads either form
 * back to the same unscaled value and scale.
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coefficient = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  const adjusted = coefficient.length - 1 - scale;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + coefficient;
    const digits = coefficient.padStart(scale + 1, '0');
    return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  const mantissa = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
  return `${sign}${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
}

/** Minimal two's-complement big-endian bytes of an integer (Cassandra's varint). */
export function varintToBytes(n: bigint): Buffer {
  const bytes: number[] = [];
  let v = n;
  for (;;) {
    const b = Number(v & 0xffn);
    bytes.push(b);
    v >>= 8n;
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
  }
  return Buffer.from(bytes.reverse());
}

export function bytesToVarint(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${bytes.toString('hex')}`);
  return bytes[0]! & 0x80 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}
