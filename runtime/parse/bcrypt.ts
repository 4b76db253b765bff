// bcrypt password checks, for users whose `_hashed_password` came from Parse Server (which hashes with
// bcrypt, `$2a$`/`$2b$`/`$2y$` and a cost): Provos and Mazières' EksBlowfish over the password's UTF-8 bytes
// with their terminating NUL (72 bytes at most), the 128-bit salt and 2^cost rounds, then "OrpheanBeholder-
// ScryDoubt" enciphered 64 times. Blowfish's initial boxes are the hexadecimal digits of pi, computed once on
// first use (Machin's formula in BigInt) instead of being written out here. Only checks: new hashes are scrypt.

import { timingSafeEqual } from 'node:crypto';

const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const hashPattern = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;

/** Whether `hash` is a bcrypt hash this module checks. */
export const isBcryptHash = (hash: string): boolean => hashPattern.test(hash);

/** True when `password` matches the bcrypt `hash`; false for a malformed hash or a cost outside 4–31. */
export function verifyBcrypt(hash: string, password: string): boolean {
  const match = hashPattern.exec(hash);
  if (!match) return false;
  const cost = Number(match[1]);
  if (cost < 4 || cost > 31) return false;
  const salt = decode(match[2]!, 16);
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const expected = Buffer.from(match[3]!);
  const actual = Buffer.from(encode(digest(cost, salt, key).subarray(0, 23)));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** bcrypt's own base64 (its alphabet, no padding) decoded to `length` bytes. */
function decode(text: string, length: number): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (const char of text) {
    buffer = (buffer << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes.slice(0, length));
}

/** Bytes in bcrypt's base64. */
function encode(bytes: Uint8Array): string {
  let text = '';
  let bits = 0;
  let buffer = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += alphabet[(buffer >> bits) & 0x3f];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += alphabet[(buffer << (6 - bits)) & 0x3f];
  return text;
}

/** Blowfish's P-array (18 words) and S-boxes (4 × 256 words): the fractional hex digits of pi, in that order. */
let piWords: Uint32Array | undefined;

function initialState(): Uint32Array {
  if (piWords) return piWords;
  const words = 18 + 4 * 256;
  const bits = BigInt(words * 32 + 64);
  const one = 1n << bits;
  // arctan(1/x) in fixed point with `bits` fractional bits.
  const arctan = (x: bigint): bigint => {
    let sum = 0n;
    let power = one / x;
    const square = x * x;
    for (let k = 1n, sign = 1n; power !== 0n; k += 2n, sign = -sign) {
      sum += sign * (power / k);
      power /= square;
    }
    return sum;
  };
  const pi = 16n * arctan(5n) - 4n * arctan(239n);
  const fraction = pi - 3n * one;
  piWords = new Uint32Array(words);
  for (let i = 0; i < words; i++) piWords[i] = Number((fraction >> (bits - BigInt(32 * (i + 1)))) & 0xffffffffn);
  return piWords;
}

/** EksBlowfish's state: P (18 words) then the four S-boxes, with the Blowfish cipher over it. */
class Blowfish {
  readonly state = Uint32Array.from(initialState());
  private readonly pair = new Uint32Array(2);

  private f(x: number): number {
    const s = this.state;
    return ((((s[18 + (x >>> 24)]! + s[274 + ((x >>> 16) & 0xff)]!) ^ s[530 + ((x >>> 8) & 0xff)]!) + s[786 + (x & 0xff)]!) >>> 0);
  }

  /** Enciphers `pair` in place. */
  encipher(pair: Uint32Array): void {
    const p = this.state;
    let left = pair[0]! ^ p[0]!;
    let right = pair[1]!;
    for (let i = 1; i <= 16; i += 2) {
      right = (right ^ this.f(left) ^ p[i]!) >>> 0;
      left = (left ^ this.f(right) ^ p[i + 1]!) >>> 0;
    }
    pair[0] = (right ^ p[17]!) >>> 0;
    pair[1] = left;
  }

  /** The key schedule: P xored with the key's words, then every P and S word re-enciphered, mixing in `data` (the salt) when given. */
  expand(key: Uint8Array, data?: Uint8Array): void {
    const keyStream = words(key);
    for (let i = 0; i < 18; i++) this.state[i] = (this.state[i]! ^ keyStream()) >>> 0;
    const dataStream = data ? words(data) : () => 0;
    const pair = this.pair;
    pair[0] = 0;
    pair[1] = 0;
    for (let i = 0; i < this.state.length; i += 2) {
      pair[0] = (pair[0]! ^ dataStream()) >>> 0;
      pair[1] = (pair[1]! ^ dataStream()) >>> 0;
      this.encipher(pair);
      this.state[i] = pair[0]!;
      this.state[i + 1] = pair[1]!;
    }
  }
}

/** Big-endian 32-bit words read from `bytes`, cycling over them. */
function words(bytes: Uint8Array): () => number {
  let position = 0;
  return () => {
    let word = 0;
    for (let i = 0; i < 4; i++) {
      word = ((word << 8) | bytes[position]!) >>> 0;
      position = (position + 1) % bytes.length;
    }
    return word;
  };
}

/** The 24 bytes of bcrypt's result for a cost, salt and key. */
function digest(cost: number, salt: Uint8Array, key: Uint8Array): Buffer {
  const cipher = new Blowfish();
  cipher.expand(key, salt);
  for (let round = 0; round < 2 ** cost; round++) {
    cipher.expand(key);
    cipher.expand(salt);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt');
  const blocks = new Uint32Array(6);
  for (let i = 0; i < 6; i++) blocks[i] = text.readUInt32BE(i * 4);
  const pair = new Uint32Array(2);
  for (let n = 0; n < 64; n++) {
    for (let i = 0; i < 6; i += 2) {
      pair[0] = blocks[i]!;
      pair[1] = blocks[i + 1]!;
      cipher.encipher(pair);
      blocks[i] = pair[0]!;
      blocks[i + 1] = pair[1]!;
    }
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(blocks[i]!, i * 4);
  return out;
}
