// NumPy's array files in plain TypeScript (no fs, no dependency): `.npy` (format 1.0: magic, a
// Python-dict header, the raw little-endian values) and `.npz` (a zip of `.npy` members). The
// writer stores the members uncompressed with their CRC-32, as `numpy.savez` does; the reader takes
// what `numpy.savez` writes (stored members, the ZIP64 extra fields it adds) and refuses compressed
// members (`numpy.savez_compressed`) with a clear error.
import { EpyNNError } from '../errors.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import { crc32 } from './bytes.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The dtypes the reader takes (little-endian floats); the writer writes float64 ('<f8'). */
const DTYPES: Record<string, 4 | 8> = { '<f8': 8, '<f4': 4 };

/** One `.npy` file of a float64 array (dtype '<f8', C order). */
export function encodeNpy(a: NDArray): Uint8Array {
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n', padded with spaces to a multiple of 64
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + a.size * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const o = 10 + header.length;
  for (let i = 0; i < a.size; i++) view.setFloat64(o + i * 8, a.data[i], true);
  return out;
}

/** A float64 NDArray from `.npy` bytes ('<f8' or '<f4', C order); `where` names the caller and file in errors. */
export function decodeNpy(bytes: Uint8Array, where: string): NDArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new EpyNNError(`${where}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) [headerLen, start] = [view.getUint16(8, true), 10];
  else if (major === 2 || major === 3) [headerLen, start] = [view.getUint32(8, true), 12];
  else throw new EpyNNError(`${where}: .npy format version ${major} is not read (1, 2 and 3 are)`);
  if (start + headerLen > bytes.length) throw new EpyNNError(`${where}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new EpyNNError(`${where}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  const width = Object.hasOwn(DTYPES, descr) ? DTYPES[descr] : undefined;
  if (width === undefined) throw new EpyNNError(`${where}: dtype '${descr}' is not read; expected float64 ('<f8') or float32 ('<f4')`);
  if (fortran === 'True') throw new EpyNNError(`${where}: Fortran-ordered arrays are not read; save a C-ordered array (numpy.ascontiguousarray)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new EpyNNError(`${where}: bad .npy shape (${shapeText})`);
  const size = shape.reduce((a, b) => a * b, 1);
  const o = start + headerLen;
  if (bytes.length - o !== size * width) throw new EpyNNError(`${where}: array ${fmt(shape)} needs ${size * width} bytes of data, the file holds ${bytes.length - o}`);
  const data = new Float64Array(size);
  if (width === 8) for (let i = 0; i < size; i++) data[i] = view.getFloat64(o + i * 8, true);
  else for (let i = 0; i < size; i++) data[i] = view.getFloat32(o + i * 4, true);
  return new NDArray(data, shape);
}

/** An `.npz` (uncompressed zip, as `numpy.savez`) holding one `<name>.npy` member per entry. */
export function encodeNpz(arrays: Record<string, NDArray>): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const entries = Object.entries(arrays);
  for (const [name, a] of entries) {
    const fname = enc.encode(`${name}.npy`);
    const data = encodeNpy(a);
    const crc = parseInt(crc32(data), 16) >>> 0;
    if (offset + data.length > 0xffffffff) throw new EpyNNError(`encodeNpz: more than 4 GiB of arrays (no ZIP64 writing)`);
    const local = new Uint8Array(30 + fname.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true); // local file header signature
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0, true); // flags
    lv.setUint16(8, 0, true); // method: stored
    lv.setUint16(10, 0, true); // time
    lv.setUint16(12, 0x21, true); // date 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true); // compressed size
    lv.setUint32(22, data.length, true); // uncompressed size
    lv.setUint16(26, fname.length, true);
    lv.setUint16(28, 0, true); // extra length
    local.set(fname, 30);
    const cd = new Uint8Array(46 + fname.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true); // central directory header signature
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(8, 0, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, 0, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, fname.length, true);
    // extra, comment, disk, internal attributes, external attributes: 0
    cv.setUint32(42, offset, true); // local header offset
    cd.set(fname, 46);
    parts.push(local, data);
    central.push(cd);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true); // end of central directory signature
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let o = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The arrays of an `.npz` (names without `.npy`), as float64 NDArrays; `where` names the caller and file in errors. */
export function decodeNpz(bytes: Uint8Array, where: string): Record<string, NDArray> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new EpyNNError(`${where}: not an .npz file (no zip end record)`);
  let count = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === 0x07064b50) {
    // ZIP64 end of central directory locator -> record
    const rec = Number(view.getBigUint64(eocd - 20 + 8, true));
    if (view.getUint32(rec, true) !== 0x06064b50) throw new EpyNNError(`${where}: bad ZIP64 end record`);
    count = Number(view.getBigUint64(rec + 32, true));
    cdOffset = Number(view.getBigUint64(rec + 48, true));
  }
  const dec = new TextDecoder();
  const out: Record<string, NDArray> = {};
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new EpyNNError(`${where}: bad zip central directory entry ${k}`);
    const method = view.getUint16(p + 10, true);
    let size = view.getUint32(p + 20, true);
    const crc = view.getUint32(p + 16, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information (0x0001): the 64-bit values of the fields set to 0xffffffff, in order
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (view.getUint32(p + 24, true) === 0xffffffff) q += 8; // uncompressed size
        if (size === 0xffffffff) {
          size = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (method !== 0) throw new EpyNNError(`${where}: member ${name} is compressed (method ${method}); save with numpy.savez, not savez_compressed`);
    if (view.getUint32(local, true) !== 0x04034b50) throw new EpyNNError(`${where}: bad zip local header for ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) throw new EpyNNError(`${where}: member ${name} is truncated`);
    const data = bytes.subarray(start, start + size);
    if ((parseInt(crc32(data), 16) >>> 0) !== crc) throw new EpyNNError(`${where}: member ${name} fails its CRC-32 check (corrupted file)`);
    if (!name.endsWith('.npy')) continue;
    out[name.slice(0, -4)] = decodeNpy(data, `${where} (${name})`);
  }
  return out;
}
