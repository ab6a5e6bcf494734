// Dummy images (EpyNN epynnlive/dummy_image): 28x28x1 grey images of 16 tones; half of them have
// one row and one column set to zero. Label 0 (positive) for a masked image, 1 for a random one.
import { type Rng, seededRng } from '../../src/index.js';

const int = (rng: Rng, n: number): number => Math.floor(rng.uniform() * n);

/** One image (HEIGHT, WIDTH, 1) as nested arrays, and its label. */
export function featuresImage(rng: Rng, WIDTH = 28, HEIGHT = 28): { image: number[][][]; label: number } {
  const N_TONES = 16;
  const image = Array.from({ length: HEIGHT }, () => Array.from({ length: WIDTH }, () => [int(rng, N_TONES)]));
  const masked = rng.uniform() < 0.5;
  if (masked) {
    const row = int(rng, HEIGHT);
    const col = int(rng, WIDTH);
    for (let w = 0; w < WIDTH; w++) image[row][w][0] = 0;
    for (let h = 0; h < HEIGHT; h++) image[h][col][0] = 0;
  }
  // EpyNN's law compares sums with the masked copy; a masked image is the positive class
  return { image, label: masked ? 0 : 1 };
}

export function prepareDataset(N_SAMPLES = 100, seed = 1, size = 28): { X: number[][][][]; Y: number[] } {
  const rng = seededRng(`dummy_image:${seed}`);
  const X: number[][][][] = [];
  const Y: number[] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const { image, label } = featuresImage(rng, size, size);
    X.push(image);
    Y.push(label);
  }
  return { X, Y };
}
