// captcha_mnist: the offline digits of the mnist package, the IDX reader (and its errors), the optional
// download (fake fetch) and a small CNN that must learn. No test touches the network.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  IMAGES_FILE, LABELS_FILE, loadMnistIdx, loadMnistPackage, parseIdxImages, parseIdxLabels, prepareDataset,
} from '../../examples/captcha_mnist/prepare_dataset.js';
import { example, run } from '../../examples/captcha_mnist/train.js';
import { fakeFetcher, forbidNetwork, makeTar, tempDir } from './helpers.js';

forbidNetwork();
const root = tempDir('mnist');
const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** IDX bytes (images 0..255, labels) of the first n digits of a shuffled package set. */
function idxFiles(n: number): { images: Buffer; labels: Buffer; pixels: number[]; Y: number[] } {
  const { X, Y } = prepareDataset(n, 7);
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const pixels = Array.from(X.data, (v) => Math.round(v * 255));
  pixels.forEach((v, i) => (images[16 + i] = v));
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  Y.forEach((y, i) => (labels[8 + i] = y));
  return { images, labels, pixels, Y };
}

describe('captcha_mnist data', () => {
  it('reads the 10,000 real digits of the mnist package in digit order', () => {
    const d = loadMnistPackage();
    expect(d.n).toBe(10000);
    expect(d.images.length).toBe(10000 * 784);
    const counts = Array.from({ length: 10 }, (_, k) => d.labels.filter((v) => v === k).length);
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(Math.min(...d.images.subarray(0, 784 * 50))).toBe(0);
    expect(Math.max(...d.images.subarray(0, 784 * 50))).toBe(1);
    // A "1" has far less ink than a "0" on average (real digits, not noise)
    const ink = (k: number): number => {
      const start = d.labels.indexOf(k);
      let s = 0;
      for (let i = start * 784; i < (start + 100) * 784; i++) s += d.images[i];
      return s / 100;
    };
    expect(ink(1)).toBeLessThan(0.6 * ink(0));
  });

  it('prepares a seeded shuffle: reproducible, different per seed, every digit present', () => {
    const a = prepareDataset(300, 1);
    const b = prepareDataset(300, 1);
    const c = prepareDataset(300, 2);
    expect(a.X.shape).toEqual([300, 28, 28, 1]);
    expect(a.Y).toEqual(b.Y);
    expect(Buffer.compare(Buffer.from(a.X.data.buffer), Buffer.from(b.X.data.buffer))).toBe(0); // toEqual on 235k floats is slow
    expect(c.Y).not.toEqual(a.Y);
    expect(new Set(a.Y).size).toBe(10);
  });

  it('reads IDX files, gzipped or plain, from a folder', () => {
    const { images, labels, pixels, Y } = idxFiles(40);
    const plain = join(root, 'plain');
    const gz = join(root, 'gz', 'data');
    mkdirSync(plain, { recursive: true });
    mkdirSync(gz, { recursive: true });
    writeFileSync(join(plain, IMAGES_FILE), images);
    writeFileSync(join(plain, LABELS_FILE), labels);
    writeFileSync(join(gz, `${IMAGES_FILE}.gz`), gzipSync(images));
    writeFileSync(join(gz, `${LABELS_FILE}.gz`), gzipSync(labels));
    for (const dir of [plain, join(root, 'gz')]) {
      const d = loadMnistIdx(dir);
      expect([d.n, d.rows, d.cols]).toEqual([40, 28, 28]);
      expect(Array.from(d.labels)).toEqual(Y);
      expect(Array.from(d.images)).toEqual(pixels);
    }
    expect(() => loadMnistIdx(join(root, 'gz', 'nothing'))).toThrow(/no train-images-idx3-ubyte\[\.gz\] and train-labels-idx1-ubyte\[\.gz\] under/);
  });

  it('rejects malformed IDX headers and truncated files with a clear error', () => {
    const { images, labels } = idxFiles(3);
    const badMagic = Buffer.from(images);
    badMagic.writeUInt32BE(0x801, 0);
    expect(() => parseIdxImages(badMagic, 'img')).toThrow('captcha_mnist: img: malformed IDX header: magic 0x00000801, expected 0x00000803');
    expect(() => parseIdxImages(images.subarray(0, 10), 'img')).toThrow(/img: malformed IDX header: 10 bytes/);
    expect(() => parseIdxImages(images.subarray(0, 16 + 784 * 2), 'img')).toThrow(/img: truncated IDX file: header announces 3 images of 28x28/);
    expect(() => parseIdxLabels(images, 'lab')).toThrow(/lab: malformed IDX header: magic 0x00000803, expected 0x00000801/);
    const badLabel = Buffer.from(labels);
    badLabel[9] = 12;
    expect(() => parseIdxLabels(badLabel, 'lab')).toThrow(/lab: label 1 is 12, expected a digit 0\.\.9/);
    const dir = join(root, 'mismatch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, IMAGES_FILE), images);
    writeFileSync(join(dir, LABELS_FILE), idxFiles(2).labels);
    expect(() => loadMnistIdx(dir)).toThrow(/3 images but 2 labels/);
  });
});

describe('captcha_mnist training', () => {
  it('a small CNN learns real digits: held-out accuracy far above chance (0.1)', async () => {
    expect(Object.keys(example.variants)[0]).toBe('conv');
    const model = await run({ samples: 500, epochs: 3, quiet: true });
    expect(model.embedding.dtrain.X.shape[0]).toBe(400);
    expect(model.embedding.dval.X.shape[0]).toBe(100); // never trained on
    const val = model.metrics.accuracy[1];
    expect(val[val.length - 1]).toBeGreaterThan(0.6);
  }, 60_000);

  it('the adam variant: the same CNN and seed with Adam instead of EpyNN SGD learns too', async () => {
    const model = await run({ variant: 'adam', samples: 500, epochs: 3, quiet: true });
    expect(model.optimizer.name).toBe('adam');
    expect(model.layers[1].steps).toBe(3 * 12); // 400 digits in batches of 32: 12 per epoch (the last 16 digits make no batch, as in EpyNN)
    const val = model.metrics.accuracy[1];
    expect(val[val.length - 1]).toBeGreaterThan(0.6);
  }, 60_000);

  it('the feed-forward variant runs and learns something too', async () => {
    const model = await run({ variant: 'dropout', samples: 500, epochs: 5, quiet: true });
    const val = model.metrics.accuracy[1];
    expect(val[val.length - 1]).toBeGreaterThan(0.4);
  }, 60_000);

  it('the batchnorm variant (beyond EpyNN) learns, with running statistics that moved', async () => {
    const model = await run({ variant: 'batchnorm', samples: 500, epochs: 3, quiet: true });
    expect(model.layers.map((l) => l.name)).toEqual(['Embedding', 'Convolution', 'BatchNormalization', 'Pooling', 'Flatten', 'Dense']);
    expect(Array.from(model.layers[2].p.mean.data).some((v) => v !== 0)).toBe(true);
    const val = model.metrics.accuracy[1];
    expect(val[val.length - 1]).toBeGreaterThan(0.6);
  }, 60_000);

  it('trains from IDX files given with dataDir, and from a (fake) download into the cache', async () => {
    const { images, labels } = idxFiles(120);
    const dir = join(root, 'run-idx');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${IMAGES_FILE}.gz`), gzipSync(images));
    writeFileSync(join(dir, `${LABELS_FILE}.gz`), gzipSync(labels));
    const fromDir = await run({ dataDir: dir, samples: 120, epochs: 1, quiet: true });
    expect(fromDir.embedding.dtrain.X.shape).toEqual([96, 28, 28, 1]);

    const fetcher = fakeFetcher(makeTar({ 'data/train-images-idx3-ubyte.gz': gzipSync(images), 'data/train-labels-idx1-ubyte.gz': gzipSync(labels) }));
    const cacheDir = join(root, 'cache');
    const downloaded = await run({ download: true, cacheDir, fetcher, samples: 120, epochs: 1, quiet: true });
    expect(fetcher.calls).toEqual(['https://synthase.s3.us-west-2.amazonaws.com/mnist_database.tar']);
    expect(same(downloaded.embedding.dtrain.X.data, fromDir.embedding.dtrain.X.data)).toBe(true);
    // A completed download is used by later runs without --download
    const cached = await run({ cacheDir, samples: 120, epochs: 1, quiet: true });
    expect(same(cached.embedding.dtrain.X.data, fromDir.embedding.dtrain.X.data)).toBe(true);
    expect(fetcher.calls.length).toBe(1);
  }, 60_000);

  it('rejects an unknown variant', async () => {
    await expect(run({ variant: 'mlp', quiet: true })).rejects.toThrow("captcha_mnist: unknown variant 'mlp' (known: conv, batchnorm, dropout, adam, epynnlive)");
  });
});
