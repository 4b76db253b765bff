// Password hashes of app users: salted scrypt, stored as `scrypt$N$r$p$saltBase64$hashBase64`, so that the
// parameters can change without breaking stored hashes. Users imported without a password get a hash that
// no password matches.

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters (N = 2^14, about 40 ms per hash on the reference machine). */
const cost = { N: 16384, r: 8, p: 1 };
const saltBytes = 16;
const keyBytes = 32;
const unusablePrefix = 'unusable$';

function derive(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Buffer {
  return scryptSync(password, salt, length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

/** A salted slow hash of `password`; `N` lowers or raises scrypt's cost (the hash records it). */
export function hashPassword(password: string, N: number = cost.N): string {
  const salt = randomBytes(saltBytes);
  const hash = derive(password, salt, N, cost.r, cost.p, keyBytes);
  return ['scrypt', N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** A hash that no password matches, for users created without one. */
export function unusablePasswordHash(): string {
  return unusablePrefix + randomBytes(keyBytes).toString('base64');
}

/** True when `password` matches `hash`; false for unusable or malformed hashes. */
export function verifyPassword(hash: string, password: string): boolean {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  // Bounds keep a malformed hash from asking scrypt for gigabytes of memory.
  const valid = [N, r, p].every((n) => Number.isInteger(n) && n >= 1) && N > 1 && (N & (N - 1)) === 0
    && 128 * N * r <= 256 * 1024 * 1024 && p <= 16 && expected.length > 0;
  if (!valid) return false;
  return timingSafeEqual(derive(password, salt, N, r, p, expected.length), expected);
}
