// Pure-TS base64, float64 bytes and CRC-32 against Node's own implementations (Buffer, zlib).
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Crc32Text, NATIVE_CRC32, base64Coders, base64Decode, base64DecodeWith, base64Encode, bytesToFloat64, crc32, crc32Text, float64ToBytes } from '../../src/io/bytes.js';

describe('base64', () => {
  it('matches Buffer for every length 0..40 and random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const text = base64Encode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect([...base64Decode(text)]).toEqual([...bytes]);
      }),
    );
  });

  it('rejects bad lengths and characters, and padding in the middle', () => {
    expect(() => base64Decode('abc')).toThrow('base64: length must be a multiple of 4, got 3');
    expect(() => base64Decode('ab$d')).toThrow('base64: invalid character "$" at position 2');
    expect(() => base64Decode('ab==abcd')).toThrow('base64: invalid character "=" at position 2');
  });
});

describe('base64 coders (Buffer in Node; toBase64, btoa or plain TypeScript in browsers)', () => {
  afterEach(() => vi.unstubAllGlobals());
  const coders = base64Coders();

  it('Node has Buffer first, and the btoa and plain coders', () => {
    expect(coders.map((c) => c.name)).toEqual(expect.arrayContaining(['buffer', 'btoa', 'js']));
    expect(coders[0].name).toBe('buffer');
    expect(coders[coders.length - 1].name).toBe('js');
  });

  it('without Buffer (a browser), the coders are the browser ones: never Buffer', () => {
    vi.stubGlobal('Buffer', undefined);
    const names = base64Coders().map((c) => c.name);
    expect(names).not.toContain('buffer');
    expect(names[0]).toBe(typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === 'function' ? 'uint8array' : 'btoa');
    vi.stubGlobal('btoa', undefined);
    expect(base64Coders().map((c) => c.name).filter((n) => n !== 'uint8array')).toEqual(['js']);
  });

  it('every coder agrees with Buffer on every length 0..70 (odd ones too), random bytes and a subarray', () => {
    for (const coder of coders) {
      for (let n = 0; n <= 70; n++) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31 + 7) & 255);
        const text = coder.encode(bytes);
        expect(text, `${coder.name} ${n}`).toBe(Buffer.from(bytes).toString('base64'));
        expect([...coder.decode(text)], `${coder.name} ${n}`).toEqual([...bytes]);
      }
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (bytes, skip) => {
          const sub = bytes.subarray(Math.min(skip, bytes.length)); // a view with a byteOffset
          expect(coder.encode(sub)).toBe(Buffer.from(sub).toString('base64'));
          const back = coder.decode(coder.encode(sub));
          expect(back).toBeInstanceOf(Uint8Array);
          expect([...back]).toEqual([...sub]);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('every coder agrees on large inputs across the chunk boundaries (3·8192 bytes)', () => {
    for (const n of [3 * 8192 - 1, 3 * 8192, 3 * 8192 + 1, 3 * 8192 * 4 + 2, 200_001]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
      const expected = Buffer.from(bytes).toString('base64');
      for (const coder of coders) {
        expect(coder.encode(bytes) === expected, `${coder.name} ${n}`).toBe(true);
        expect(Buffer.from(coder.decode(expected)).equals(Buffer.from(bytes)), `${coder.name} ${n}`).toBe(true);
      }
    }
  });

  it('decoding is strict whatever the coder: the same error as the plain decoder, never skipped characters', () => {
    const bad: [string, string][] = [
      ['ab$d', 'base64: invalid character "$" at position 2'],
      ['ab==abcd', 'base64: invalid character "=" at position 2'],
      ['A===', 'base64: invalid character "=" at position 1'],
      ['ab\nc', 'base64: invalid character "\\n" at position 2'],
      ['ab-_', 'base64: invalid character "-" at position 2'], // base64url: Buffer would accept it
      ['abc', 'base64: length must be a multiple of 4, got 3'],
    ];
    for (const coder of coders) {
      for (const [text, message] of bad) expect(() => base64DecodeWith(coder, text), `${coder.name} ${text}`).toThrow(message);
      // non-canonical trailing bits (the plain decoder ignores them): the same bytes on every path
      expect([...base64DecodeWith(coder, 'AB==')], coder.name).toEqual([0]);
      expect([...base64DecodeWith(coder, 'AAB=')], coder.name).toEqual([0, 0]);
    }
  });
});

describe('CRC-32 (slicing by 8, and over text through TextEncoder)', () => {
  it('Node has the native CRC (zlib.crc32 through process.getBuiltinModule)', () => {
    expect(NATIVE_CRC32).toBe(true);
  });

  it('the tables (the browser path) match zlib for every length 0..40 and at every offset; the native path too', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
    for (let n = 0; n <= 40; n++) {
      for (const start of [0, 1, 3, 7]) {
        const sub = bytes.subarray(start, start + n);
        const want = (zlib.crc32(sub) >>> 0).toString(16).padStart(8, '0');
        expect(crc32(sub, false)).toBe(want);
        expect(crc32(sub)).toBe(want);
      }
    }
  });

  it('long text gives the CRC of its UTF-8 bytes on every path (tables through TextEncoder, native), surrogate pairs split by the chunks included', () => {
    const pieces = ['a'.repeat(16383) + '😀' + 'b'.repeat(300), 'é€'.repeat(20000), 'x'.repeat(255) + '\ud800' + 'y'.repeat(300), 'z'.repeat(16384) + '\udc00'];
    for (const text of pieces) {
      const want = (zlib.crc32(Buffer.from(text, 'utf8')) >>> 0).toString(16).padStart(8, '0');
      for (const native of [false, true]) {
        expect(new Crc32Text(native).update(text).digest()).toBe(want);
        // fed in pieces, short (the plain loop) and long (the encoder or zlib) alike
        expect(new Crc32Text(native).update(text.slice(0, 10)).update(text.slice(10)).digest()).toBe(want);
      }
      expect(crc32Text(text)).toBe(want);
    }
  });
});

describe('float64 bytes', () => {
  it('keeps every bit: -0, NaN payloads, subnormals, infinities, extremes', () => {
    const specials = new Float64Array([0, -0, NaN, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE, Math.PI, 1 / 3]);
    const nanPayload = new DataView(new ArrayBuffer(8));
    nanPayload.setUint32(0, 0x7ff80000 + 12345, true);
    nanPayload.setUint32(4, 0x7ff00000 | 0x1234, true);
    const values = new Float64Array([...specials, nanPayload.getFloat64(0, true)]);
    const back = bytesToFloat64(base64Decode(base64Encode(float64ToBytes(values))));
    expect([...new Uint8Array(back.buffer)]).toEqual([...new Uint8Array(values.buffer)]);
    // little-endian on disk, whatever the platform: 1.0 is 00 00 00 00 00 00 f0 3f
    expect([...float64ToBytes(new Float64Array([1]))]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    const buf = Buffer.from(float64ToBytes(values));
    values.forEach((v, i) => expect(Object.is(buf.readDoubleLE(i * 8), v) || Number.isNaN(v)).toBe(true));
  });

  it('refuses a byte count that is not a multiple of 8', () => {
    expect(() => bytesToFloat64(new Uint8Array(12))).toThrow('bytesToFloat64: 12 bytes is not a whole number of float64 values');
  });
});

describe('crc32', () => {
  it('is the IEEE CRC-32 (check value of "123456789" is cbf43926) and matches zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe('00000000');
    const zlibCrc32 = (zlib as { crc32?: (b: Uint8Array) => number }).crc32; // Node >= 20.15
    if (zlibCrc32 === undefined) return;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes).toString(16).padStart(8, '0'));
      }),
    );
  });
});

describe('crc32Text', () => {
  it('equals the CRC-32 of the UTF-8 bytes (Buffer as the oracle), for ASCII, accents, CJK, emoji and lone surrogates', () => {
    for (const s of ['', 'a', 'epynn-ts/model', 'é à ü', '日本語', '🙂 x 🙂', 'a\ud800b', '\udc00', 'x'.repeat(1000)]) {
      expect(crc32Text(s), JSON.stringify(s)).toBe(crc32(new Uint8Array(Buffer.from(s, 'utf8'))));
    }
  });
});
