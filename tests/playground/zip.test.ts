// The playground's stored zip (playground/src/zip.ts), used for the TF.js export as one download.
import { inflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32, storedZip } from '../../playground/src/zip.js';

/** Reads a zip through its central directory (as unzip does): name -> bytes, checking every CRC. */
function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(v.getUint32(end, true)).toBe(0x06054b50);
  const count = v.getUint16(end + 10, true);
  let p = v.getUint32(end + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(p, true)).toBe(0x02014b50);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const extra = v.getUint16(p + 30, true);
    const comment = v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    expect(v.getUint32(local, true)).toBe(0x04034b50);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const raw = zip.subarray(start, start + v.getUint32(local + 18, true));
    const data = method === 0 ? raw : new Uint8Array(inflateRawSync(raw));
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

describe('storedZip', () => {
  test('CRC-32 gives the standard check value and the empty value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test('a zip of model.json and a binary weights file reads back byte for byte', () => {
    const json = new TextEncoder().encode(JSON.stringify({ format: 'layers-model', ü: 1 }));
    const weights = new Uint8Array(4099).map((_, i) => (i * 37) & 0xff);
    const zip = storedZip([{ name: 'model.json', data: json }, { name: 'weights.bin', data: weights }, { name: 'empty', data: new Uint8Array(0) }]);
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(['model.json', 'weights.bin', 'empty']);
    expect(Buffer.from(files.get('model.json')!).equals(Buffer.from(json))).toBe(true);
    expect(Buffer.from(files.get('weights.bin')!).equals(Buffer.from(weights))).toBe(true);
    expect(files.get('empty')!.length).toBe(0);
  });
});
