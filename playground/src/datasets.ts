// The playground's datasets, built the same way in the page and in the worker: real MNIST digits from the
// packed asset (scripts/pack-mnist.ts), and the dummy datasets from the examples' own seeded generators.
import { NDArray, seededRng } from '../../src/index.js';
import type { CsvData } from './csv.js';
import { prepareDataset as dummyImage } from '../../examples/dummy_image/prepare_dataset.js';
import { prepareDataset as dummyString } from '../../examples/dummy_string/prepare_dataset.js';
import { prepareDataset as dummyTime } from '../../examples/dummy_time/prepare_dataset.js';
import type { DataSpec, DatasetKind } from './spec.js';

export const MNIST_SIZE = 28 * 28;

/** The packed digits: labels (n,) and pixels (n, 28, 28) as bytes 0..255. */
export interface MnistPack {
  n: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

/** Parses the asset (gzip-compressed, unless the host already decoded it). */
export async function parseMnistPack(raw: ArrayBuffer): Promise<MnistPack> {
  let bytes = new Uint8Array(raw);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'EPMN') throw new Error(`mnist-digits.bin: not a packed digits file (magic '${magic}')`);
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (bytes.length !== 8 + n + n * MNIST_SIZE) throw new Error(`mnist-digits.bin: ${bytes.length} bytes for ${n} digits`);
  return { n, labels: bytes.subarray(8, 8 + n), pixels: bytes.subarray(8 + n) };
}

export async function loadMnist(url = 'mnist-digits.bin'): Promise<MnistPack> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseMnistPack(await res.arrayBuffer());
}

/** Data for the Embedding, plus what the page needs to show samples. */
export interface Dataset {
  kind: DatasetKind;
  /** (n, ...) features; strings for dummy_string (one-hot encoded by the Embedding). */
  X: NDArray | string[][];
  Y: number[];
  XEncode: boolean;
  /** Names of the classes, index = label. */
  classes: string[];
  /** Image height and width (images only). */
  image?: [number, number];
  about: string;
}

export const DATASETS: Record<DatasetKind, { label: string; max: number; about: string }> = {
  mnist: { label: 'MNIST digits', max: 10000, about: 'real handwritten digits, 28×28 grey levels, 10 classes' },
  dummy_image: { label: 'dummy_image', max: 5000, about: '28×28 random images; class 0 = masked by a zero row and column, 1 = random' },
  dummy_time: { label: 'dummy_time', max: 5000, about: '128 samples of noise; class 0 = a sine wave is hidden in it, 1 = noise only' },
  dummy_string: { label: 'dummy_string', max: 5000, about: '12 letters of A/T/G/C; class 0 = first and last letters equal, 1 = not' },
  images: { label: 'your images', max: 1_000_000, about: 'your images: grey, resized like MNIST (20×20 centred by mass in 28×28), labels from folders or file-name prefixes' },
  csv: { label: 'your CSV', max: 1_000_000, about: 'your CSV file: numeric features (each scaled to [0, 1]) and a label column, rows shuffled with the seed' },
};

/** Your own data (a CSV), held by the page and sent to the worker. */
export type CustomData = Pick<CsvData, 'X' | 'n' | 'features' | 'Y' | 'classes'> & { name: string; shape?: number[] };

/** Grey levels scaled to [0, 1] (what EpyNN's XScale does), as an NDArray (n, h, w, 1). */
function images(nested: number[][][][], max: number): NDArray {
  const n = nested.length;
  const [h, w] = [nested[0].length, nested[0][0].length];
  const data = new Float64Array(n * h * w);
  let k = 0;
  for (const img of nested) for (const row of img) for (const px of row) data[k++] = px[0] / max;
  return new NDArray(data, [n, h, w, 1]);
}

/** Builds the dataset (`seed` drives the dummy generators; MNIST takes the first `samples` packed digits). */
export function makeDataset({ kind, samples }: DataSpec, seed: number, mnist?: MnistPack, custom?: CustomData): Dataset {
  const about = DATASETS[kind].about;
  switch (kind) {
    case 'images':
    case 'csv': {
      if (!custom) throw new Error(kind === 'csv' ? 'no CSV loaded: choose a file with "Load CSV…"' : 'no images loaded: choose or drop them ("Load images…")');
      // rows in a seeded order (a file sorted by label would otherwise leave one class in dval)
      const order = seededRng(seed).permutation(custom.n);
      const n = Math.min(samples || custom.n, custom.n);
      const shape = custom.shape ?? [custom.features.length];
      const f = shape.reduce((a, b) => a * b, 1);
      const data = new Float64Array(n * f);
      order.slice(0, n).forEach((r, i) => data.set(custom.X.subarray(r * f, (r + 1) * f), i * f));
      const about = custom.shape ? `${custom.name}, ${custom.classes.length} classes (${custom.classes.join(', ')})`
        : `${custom.name}: ${custom.n} rows, ${f} features (${custom.features.slice(0, 6).join(', ')}${f > 6 ? ', …' : ''}), ${custom.classes.length} classes`;
      return { kind, X: new NDArray(data, [n, ...shape]), Y: order.slice(0, n).map((r) => custom.Y[r]), XEncode: false, classes: custom.classes, about,
        ...(custom.shape ? { image: [custom.shape[0], custom.shape[1]] as [number, number] } : {}) };
    }
    case 'mnist': {
      if (!mnist) throw new Error('MNIST digits are not loaded yet');
      const n = Math.min(samples, mnist.n);
      const data = new Float64Array(n * MNIST_SIZE);
      for (let i = 0; i < data.length; i++) data[i] = mnist.pixels[i] / 255;
      return { kind, X: new NDArray(data, [n, 28, 28, 1]), Y: Array.from(mnist.labels.subarray(0, n)), XEncode: false,
        classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], image: [28, 28], about };
    }
    case 'dummy_image': {
      const { X, Y } = dummyImage(samples, seed);
      return { kind, X: images(X, 15), Y, XEncode: false, classes: ['masked', 'random'], image: [28, 28], about };
    }
    case 'dummy_time': {
      const { X, Y } = dummyTime(samples, seed);
      const data = Float64Array.from(X.flat(2));
      return { kind, X: new NDArray(data, [X.length, X[0].length, 1]), Y, XEncode: false, classes: ['sine', 'noise'], about };
    }
    case 'dummy_string': {
      const { X, Y } = dummyString(samples, seed);
      return { kind, X, Y, XEncode: true, classes: ['first = last', 'first ≠ last'], about };
    }
  }
}

/** Number of samples in a dataset. */
export const sampleCount = (d: Dataset): number => (Array.isArray(d.X) ? d.X.length : d.X.shape[0]);

/** Samples [start, end) as a dataset X (for the check pass on a few samples, and for predictions). */
export function sliceX(d: Dataset, start: number, end: number): NDArray | string[][] {
  if (Array.isArray(d.X)) return d.X.slice(start, end);
  const row = d.X.data.length / d.X.shape[0];
  return new NDArray(d.X.data.slice(start * row, end * row), [end - start, ...d.X.shape.slice(1)]);
}

/** The first `n` samples plus the first sample of every class missing among them (the check pass needs every label). */
export function checkSubset(d: Dataset, n: number): { X: NDArray | string[][]; Y: number[]; XEncode: boolean } {
  const total = sampleCount(d);
  const idx = Array.from({ length: Math.min(n, total) }, (_, i) => i);
  const seen = new Set(idx.map((i) => d.Y[i]));
  for (let i = idx.length; i < total && seen.size < d.classes.length; i++) {
    if (!seen.has(d.Y[i])) {
      seen.add(d.Y[i]);
      idx.push(i);
    }
  }
  const Y = idx.map((i) => d.Y[i]);
  if (Array.isArray(d.X)) {
    const X = d.X;
    return { X: idx.map((i) => X[i]), Y, XEncode: d.XEncode };
  }
  const row = d.X.data.length / d.X.shape[0];
  const data = new Float64Array(idx.length * row);
  idx.forEach((i, k) => data.set((d.X as NDArray).data.subarray(i * row, (i + 1) * row), k * row));
  return { X: new NDArray(data, [idx.length, ...d.X.shape.slice(1)]), Y, XEncode: d.XEncode };
}
