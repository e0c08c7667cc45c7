/**
 * Password hashing for PasswordAuthenticator: scrypt (node:crypto) with a
 * random salt per password, stored as one self-describing string
 * `scrypt$N$r$p$salt$hash` (base64 salt and hash), so the parameters can be
 * raised later without invalidating passwords already stored. Verification
 * recomputes the hash with the stored parameters and compares in constant
 * time.
 */
import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters: N = 2^14, r = 8, p = 1 (about 16 MiB and tens of milliseconds per hash). */
export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
export const SALT_BYTES = 16;
export const HASH_BYTES = 32;

/** Hashes `password` with the given random salt bytes (SALT_BYTES of them). */
export async function hashPassword(password: string, salt: Buffer): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const hash = await derive(password, salt, HASH_BYTES, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Whether `password` matches a string hashPassword produced; false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  let actual: Buffer;
  try {
    actual = await derive(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  } catch {
    return false;
  }
  return timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
