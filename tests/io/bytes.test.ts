// Pure-TS base64, float64 bytes and CRC-32 against Node's own implementations (Buffer, zlib).
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, bytesToFloat64, crc32, crc32Text, float64ToBytes } from '../../src/io/bytes.js';

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
