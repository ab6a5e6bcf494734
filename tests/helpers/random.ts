import { NDArray } from '../../src/commons/ndarray.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';

/** An array of the shape with seeded values uniform in [−0.5, 0.5). */
export function uniformArray(shape: number[], seed: number): NDArray {
  const rng = seededRng(seed);
  return new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() - 0.5), shape);
}

/**
 * An array of the shape with standard-normal values times `scale`, drawn in order from `rng`, or from a
 * fresh seededRng(seed) when a number is given.
 */
export function randn(shape: readonly number[], rng: Rng | number, scale = 1): NDArray {
  const source = typeof rng === 'number' ? seededRng(rng) : rng;
  return new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * source.standardNormal()), shape);
}
