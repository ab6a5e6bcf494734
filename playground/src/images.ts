// Your own images: files dropped or chosen (a folder per class, or a class prefix in each file name:
// cat_01.png, cat-2.jpg, dog3.png), decoded by the browser, made grey, turned so that the ink is bright
// on dark as in MNIST, and cropped, scaled to 20×20 and centred by the centre of mass in 28×28 (centre.ts).
import { centreDigit } from './centre.js';
import type { CustomData } from './datasets.js';

/** The label of a file: its folder (when it came in a folder), else its name up to the first _ - digit or space. */
export function labelOf(name: string, path = ''): string {
  const parts = path.split('/').filter(Boolean);
  if (parts.length >= 2) return parts[parts.length - 2];
  const m = /^([^_\-\s\d.]+)/.exec(name);
  return m ? m[1] : '';
}

/** The labels of a set of files, or the problem (a file without a label, a single class), naming the file. */
export function labelFiles(files: { name: string; path?: string }[]): { labels: string[]; classes: string[] } {
  if (files.length === 0) throw new Error('no image files');
  const labels = files.map((f) => {
    const l = labelOf(f.name, f.path);
    if (l === '') throw new Error(`${f.path || f.name}: no label: put each class in its own folder, or start each file name with its class (cat_01.png)`);
    return l;
  });
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new Error(`every image has the label '${classes[0]}': at least two classes are needed (a folder or a file-name prefix per class)`);
  if (files.length < 10) throw new Error(`${files.length} images; at least 10 are needed (a fifth of them is held out for validation)`);
  return { labels, classes };
}

/** Grey levels in [0, 1], bright ink on a dark background (a light background is inverted), as MNIST. */
export function inkOf(rgba: ArrayLike<number>, n: number): Float64Array {
  const g = new Float64Array(n);
  let mean = 0;
  for (let k = 0; k < n; k++) {
    const a = rgba[4 * k + 3] / 255;
    // transparent pixels count as background (white)
    g[k] = (a * (0.299 * rgba[4 * k] + 0.587 * rgba[4 * k + 1] + 0.114 * rgba[4 * k + 2]) + (1 - a) * 255) / 255;
    mean += g[k];
  }
  if (mean / n > 0.5) for (let k = 0; k < n; k++) g[k] = 1 - g[k];
  return g;
}

/** Decodes, labels and resizes the files (browser only: createImageBitmap and a canvas). */
export async function readImages(files: File[]): Promise<CustomData & { sizes: string }> {
  const images = files.filter((f) => !f.name.startsWith('.'));
  const { labels, classes } = labelFiles(images.map((f) => ({ name: f.name, path: (f as File & { webkitRelativePath?: string }).webkitRelativePath ?? '' })));
  const X = new Float64Array(images.length * 784);
  const sizes = new Map<string, number>();
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  for (const [i, f] of images.entries()) {
    let bmp: ImageBitmap;
    try {
      bmp = await createImageBitmap(f);
    } catch {
      throw new Error(`${(f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name}: not an image this browser can decode (PNG, JPEG, GIF, WebP, BMP)`);
    }
    const key = `${bmp.width}×${bmp.height}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    // at most 280 pixels on the longer side before the MNIST crop and scale
    const s = Math.min(1, 280 / Math.max(bmp.width, bmp.height));
    canvas.width = Math.max(1, Math.round(bmp.width * s));
    canvas.height = Math.max(1, Math.round(bmp.height * s));
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    X.set(centreDigit(inkOf(px, canvas.width * canvas.height), canvas.width, canvas.height), i * 784);
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const sizeText = [...sizes].map(([k, n]) => `${n} of ${k}`).join(', ');
  return { X, n: images.length, features: [], Y: labels.map((l) => index.get(l)!), classes, name: `${images.length} images`, shape: [28, 28, 1], sizes: sizeText };
}
