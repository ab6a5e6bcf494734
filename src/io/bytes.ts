// Bit-exact array encoding for model files, in plain TypeScript (no Buffer, no atob): float64
// little-endian bytes -> base64, and CRC-32 over those bytes.
import { EpyNNError } from '../commons/errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** The IEEE-754 bytes of every value, little-endian whatever the platform's byte order. */
export function float64ToBytes(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return bytes;
}

/** The inverse of float64ToBytes; the byte count must be a multiple of 8. */
export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) throw new EpyNNError(`bytesToFloat64: ${bytes.length} bytes is not a whole number of float64 values`);
  const values = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  return values;
}

/** Standard base64 (RFC 4648, with '=' padding). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + '==';
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + '=';
  }
  return out;
}

/** Decodes standard base64; throws on a bad length or a character outside the alphabet. */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new EpyNNError(`base64: length must be a multiple of 4, got ${typeof text === 'string' ? text.length : typeof text}`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const isPad = c === 61 && i + 4 === text.length && j >= 4 - pad; // '=' only at the very end
      const d = isPad ? 0 : c < 128 ? LOOKUP[c] : -1;
      if (d < 0) throw new EpyNNError(`base64: invalid character ${JSON.stringify(text[i + j])} at position ${i + j}`);
      v = (v << 6) | d;
    }
    out[o++] = (v >> 16) & 255;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as in zip and PNG) of the bytes, as 8 lowercase hex digits. */
export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

/** A running CRC-32 over UTF-8 text fed in pieces (no TextEncoder, no copy of the whole text). */
export class Crc32Text {
  private c = 0xffffffff;

  private put(b: number): void {
    this.c = CRC_TABLE[(this.c ^ b) & 255] ^ (this.c >>> 8);
  }

  /** Feeds the UTF-8 bytes of `text` (a lone surrogate as U+FFFD, as TextEncoder does). */
  update(text: string): this {
    for (let i = 0; i < text.length; i++) {
      let u = text.charCodeAt(i);
      if (u < 0x80) {
        this.c = CRC_TABLE[(this.c ^ u) & 255] ^ (this.c >>> 8);
        continue;
      }
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (u >= 0xd800 && u <= 0xdfff) u = 0xfffd;
      if (u < 0x800) {
        this.put(0xc0 | (u >> 6));
        this.put(0x80 | (u & 63));
      } else if (u < 0x10000) {
        this.put(0xe0 | (u >> 12));
        this.put(0x80 | ((u >> 6) & 63));
        this.put(0x80 | (u & 63));
      } else {
        this.put(0xf0 | (u >> 18));
        this.put(0x80 | ((u >> 12) & 63));
        this.put(0x80 | ((u >> 6) & 63));
        this.put(0x80 | (u & 63));
      }
    }
    return this;
  }

  /** The CRC-32 so far, as 8 lowercase hex digits. */
  digest(): string {
    return ((this.c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
  }
}

/** CRC-32 of the UTF-8 bytes of `text`. */
export function crc32Text(text: string): string {
  return new Crc32Text().update(text).digest();
}
