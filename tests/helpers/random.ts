import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';

/** An array of the shape with seeded values uniform in [−0.5, 0.5). */
export function uniformArray(shape: number[], seed: number): NDArray {
  const rng = seededRng(seed);
  return new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() - 0.5), shape);
}
