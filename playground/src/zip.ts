// A ZIP archive of stored (uncompressed) files: local headers, the data, the central directory and its
// end record (PKWARE APPNOTE 4.3), CRC-32 as the format defines it. Enough to hand model.json and its
// weights over as one download, without a dependency.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected, as zip and gzip use it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The bytes of a zip holding `files` (name → content) stored without compression. */
export function storedZip(files: { name: string; data: Uint8Array }[], date = new Date(1980, 0, 1)): Uint8Array {
  const enc = new TextEncoder();
  const dosTime = ((date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1)) & 0xffff;
  const dosDate = (((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate()) & 0xffff;
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const local = new Uint8Array(30 + name.length);
    const v = new DataView(local.buffer);
    v.setUint32(0, 0x04034b50, true); // local file header signature
    v.setUint16(4, 20, true); // version needed: 2.0
    v.setUint16(6, 0x0800, true); // flags: UTF-8 names
    v.setUint16(8, 0, true); // method: stored
    v.setUint16(10, dosTime, true);
    v.setUint16(12, dosDate, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, f.data.length, true); // compressed size
    v.setUint32(22, f.data.length, true); // uncompressed size
    v.setUint16(26, name.length, true);
    v.setUint16(28, 0, true); // extra field length
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const w = new DataView(entry.buffer);
    w.setUint32(0, 0x02014b50, true); // central directory header signature
    w.setUint16(4, 20, true); // version made by
    w.setUint16(6, 20, true); // version needed
    w.setUint16(8, 0x0800, true);
    w.setUint16(10, 0, true);
    w.setUint16(12, dosTime, true);
    w.setUint16(14, dosDate, true);
    w.setUint32(16, crc, true);
    w.setUint32(20, f.data.length, true);
    w.setUint32(24, f.data.length, true);
    w.setUint16(28, name.length, true);
    // extra, comment, disk number, internal and external attributes: 0
    w.setUint32(42, offset, true); // offset of the local header
    entry.set(name, 46);
    parts.push(local, f.data);
    central.push(entry);
    offset += local.length + f.data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true); // end of central directory signature
  e.setUint16(8, files.length, true); // entries on this disk
  e.setUint16(10, files.length, true); // entries in total
  e.setUint32(12, dirSize, true);
  e.setUint32(16, offset, true); // offset of the central directory
  const out = new Uint8Array(offset + dirSize + end.length);
  let k = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
