// Small Dense models for the durable-write tests (and their child process).
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { EpyNN } from '../../src/network/models.js';

/** A Dense model on `n` features and `u` units: its file is about 11 · n · u bytes. */
export function denseModel(n: number, u: number, seed = 1): EpyNN {
  const X = Array.from({ length: 4 }, (_, i) => Array.from({ length: n }, (_, j) => ((i * 7 + j * 3) % 5) / 5));
  const Y = Array.from({ length: 4 }, (_, i) => Array.from({ length: u }, (_, k) => (k === i % u ? 1 : 0)));
  const model = new EpyNN([new Embedding({ XData: X, YData: Y, relativeSize: [1, 0, 0] }), new Dense({ units: u })], 'durable');
  return model.initialize({ seed, quiet: true });
}

/** One sample of `n` features. */
export const sample = (n: number): number[][] => [Array.from({ length: n }, (_, j) => (j % 3) / 3)];
