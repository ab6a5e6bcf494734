// Bit-exact array encoding for model files: float64 little-endian bytes -> base64, and CRC-32 over those
// bytes. Runs in Node and browsers (no import of Buffer): base64 uses the platform's native coder when
// there is one — Node's Buffer (feature-detected on globalThis), Uint8Array.prototype.toBase64 /
// Uint8Array.fromBase64, else btoa / atob in chunks — and plain TypeScript otherwise. A native decoder's
// bytes are kept only when they encode back to the same text (the native decoders skip characters the
// format does not allow), so every path gives the same bytes and the same errors.
import { EpyNNError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** True on little-endian platforms (all current ones): float64 bytes are then copied, not converted. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The IEEE-754 bytes of every value, little-endian whatever the platform's byte order. */
export function float64ToBytes(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return bytes;
}

/** The inverse of float64ToBytes; the byte count must be a multiple of 8. */
export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) throw new EpyNNError(`bytesToFloat64: ${bytes.length} bytes is not a whole number of float64 values`);
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const values = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  return values;
}

/** Node's Buffer, as far as base64 goes (looked up on globalThis: the core imports nothing from Node). */
interface BufferLike {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
  from(text: string, encoding: 'base64'): Uint8Array;
}
/** The ES2025 base64 methods of Uint8Array (Chromium 140+, Firefox 133+, Safari 18.2+, Node 25+). */
interface Uint8ArrayBase64 {
  toBase64?(this: Uint8Array): string;
}
interface Uint8ArrayConstructorBase64 {
  fromBase64?(text: string): Uint8Array;
}

/** A base64 coder: encode (any bytes) and decode (as leniently as the platform does: see base64DecodeWith). */
export interface Base64Coder {
  /** Which implementation: 'buffer', 'uint8array', 'btoa' or 'js'. */
  name: string;
  /** Standard base64 of the bytes, with '=' padding. */
  encode(bytes: Uint8Array): string;
  /** The bytes of a checked base64 text. */
  decode(text: string): Uint8Array;
}

/** Bytes per btoa / String.fromCharCode call: a multiple of 3 so the pieces' base64 concatenate. */
const CHUNK = 3 * 8192;

/** Every coder this platform has, best first; the last is plain TypeScript, always there. */
export function base64Coders(): Base64Coder[] {
  const coders: Base64Coder[] = [];
  const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (typeof NodeBuffer?.from === 'function') {
    coders.push({
      name: 'buffer',
      encode: (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      decode: (text) => {
        const b = NodeBuffer.from(text, 'base64');
        return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); // a plain, unpooled Uint8Array
      },
    });
  }
  const proto = Uint8Array.prototype as Uint8Array & Uint8ArrayBase64;
  const ctor = Uint8Array as unknown as Uint8ArrayConstructorBase64;
  if (typeof proto.toBase64 === 'function' && typeof ctor.fromBase64 === 'function') {
    const toBase64 = proto.toBase64;
    const fromBase64 = ctor.fromBase64;
    coders.push({ name: 'uint8array', encode: (bytes) => toBase64.call(bytes), decode: (text) => fromBase64.call(Uint8Array, text) });
  }
  const g = globalThis as { btoa?: (s: string) => string; atob?: (s: string) => string };
  if (typeof g.btoa === 'function' && typeof g.atob === 'function') {
    const { btoa, atob } = g as Required<typeof g>;
    coders.push({
      name: 'btoa',
      encode: (bytes) => {
        const parts: string[] = [];
        for (let i = 0; i < bytes.length; i += CHUNK) {
          parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[])));
        }
        return parts.join('');
      },
      decode: (text) => {
        const out = new Uint8Array(decodedLength(text));
        const step = (CHUNK / 3) * 4;
        let o = 0;
        for (let i = 0; i < text.length; i += step) {
          const bin = atob(text.slice(i, i + step));
          for (let j = 0; j < bin.length; j++) out[o++] = bin.charCodeAt(j);
        }
        return out;
      },
    });
  }
  coders.push({ name: 'js', encode: encodeJs, decode: decodeJs });
  return coders;
}

const BEST = base64Coders()[0];

/** Standard base64 (RFC 4648, with '=' padding), with the platform's native coder when it has one. */
export function base64Encode(bytes: Uint8Array): string {
  return BEST.encode(bytes);
}

/** Decodes standard base64; throws on a bad length or a character outside the alphabet. */
export function base64Decode(text: string): Uint8Array {
  return base64DecodeWith(BEST, text);
}

/**
 * Decodes with `coder`, as strictly as the plain decoder: the native decoders skip or accept what the
 * format does not allow (whitespace, '-' and '_', '=' inside), so their bytes count only when they
 * encode back to exactly `text`; otherwise the plain decoder decides (and names the bad character).
 */
export function base64DecodeWith(coder: Base64Coder, text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new EpyNNError(`base64: length must be a multiple of 4, got ${typeof text === 'string' ? text.length : typeof text}`);
  }
  if (coder.name === 'js') return decodeJs(text);
  let bytes: Uint8Array;
  try {
    bytes = coder.decode(text);
  } catch {
    return decodeJs(text);
  }
  return bytes.length === decodedLength(text) && coder.encode(bytes) === text ? bytes : decodeJs(text);
}

const decodedLength = (text: string): number => (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

function encodeJs(bytes: Uint8Array): string {
  const parts: string[] = [];
  const n = bytes.length;
  let out = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (out.length >= 65536) {
      parts.push(out);
      out = '';
    }
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + '==';
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + '=';
  }
  parts.push(out);
  return parts.join('');
}

function decodeJs(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new EpyNNError(`base64: length must be a multiple of 4, got ${typeof text === 'string' ? text.length : typeof text}`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array(decodedLength(text));
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

/** CRC-32 tables for slicing by 8: TABLES[k][b] is the CRC of byte b followed by k zero bytes. */
const CRC_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 255];
  return t;
})();
const CRC_TABLE = CRC_TABLES.subarray(0, 256);

/** Feeds bytes to a running CRC-32 register (not finalised); 8 bytes per step. */
function crcUpdate(c: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const T = CRC_TABLES;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c = T[1792 + (lo & 255)] ^ T[1536 + ((lo >>> 8) & 255)] ^ T[1280 + ((lo >>> 16) & 255)] ^ T[1024 + (lo >>> 24)] ^
      T[768 + bytes[i + 4]] ^ T[512 + bytes[i + 5]] ^ T[256 + bytes[i + 6]] ^ T[bytes[i + 7]];
  }
  for (; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return c;
}

/**
 * Node's zlib.crc32 (Node ≥ 20.15), found through process.getBuiltinModule (the core imports nothing from
 * Node): CRC-32 of bytes or of a string's UTF-8 bytes, continuing from a previous CRC. Undefined in browsers.
 */
const nativeCrc32 = ((): ((data: Uint8Array | string, value?: number) => number) | undefined => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const zlib = proc?.getBuiltinModule?.('node:zlib') as { crc32?: (data: Uint8Array | string, value?: number) => number } | undefined;
    return typeof zlib?.crc32 === 'function' ? zlib.crc32 : undefined;
  } catch {
    return undefined;
  }
})();

/** Whether CRC-32 runs natively here (Node's zlib) rather than on the tables below. */
export const NATIVE_CRC32 = nativeCrc32 !== undefined;

const hex8 = (c: number): string => ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');

/** CRC-32 (IEEE, as in zip and PNG) of the bytes, as 8 lowercase hex digits. `native: false` forces the tables. */
export function crc32(bytes: Uint8Array, native = true): string {
  if (native && nativeCrc32 !== undefined) return (nativeCrc32(bytes) >>> 0).toString(16).padStart(8, '0');
  return hex8(crcUpdate(0xffffffff, bytes));
}

/** UTF-16 units per TextEncoder.encodeInto call (into 3 bytes per unit at most). */
const TEXT_CHUNK = 16384;
const ENCODER = typeof TextEncoder === 'function' ? new TextEncoder() : undefined;
let textBuffer: Uint8Array | undefined;

/** A running CRC-32 over UTF-8 text fed in pieces (no copy of the whole text). */
export class Crc32Text {
  private c = 0xffffffff;

  /** @param native - use Node's zlib.crc32 for long text when there is one (false: always the tables) */
  constructor(private readonly native = true) {}

  private put(b: number): void {
    this.c = CRC_TABLE[(this.c ^ b) & 255] ^ (this.c >>> 8);
  }

  /** Feeds the UTF-8 bytes of `text` (a lone surrogate as U+FFFD, as TextEncoder does). */
  update(text: string): this {
    if (this.native && nativeCrc32 !== undefined && text.length >= 256) {
      this.c = (nativeCrc32(text, (this.c ^ 0xffffffff) >>> 0) ^ 0xffffffff) | 0;
      return this;
    }
    if (ENCODER !== undefined && text.length >= 256) {
      // Long text (the arrays' base64): the platform's UTF-8 encoder, piece by piece into one buffer,
      // never splitting a surrogate pair between two pieces
      textBuffer ??= new Uint8Array(3 * TEXT_CHUNK);
      for (let i = 0; i < text.length; ) {
        let j = Math.min(text.length, i + TEXT_CHUNK);
        if (j < text.length && (text.charCodeAt(j - 1) & 0xfc00) === 0xd800) j--;
        const { written } = ENCODER.encodeInto(text.slice(i, j), textBuffer);
        this.c = crcUpdate(this.c, textBuffer, 0, written);
        i = j;
      }
      return this;
    }
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
    return hex8(this.c);
  }
}

/** CRC-32 of the UTF-8 bytes of `text`. */
export function crc32Text(text: string): string {
  return new Crc32Text().update(text).digest();
}
