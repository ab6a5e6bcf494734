// Infinite and NaN values take the fallback paths of the pooling kernels (the fast paths select with
// arithmetic, where ∞ · 0 would be NaN); both must agree with the plain reference loops.
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Pooling } from '../../src/pooling/models.js';
import { naivePoolBackward, naivePoolForward } from './naive.js';

function same(actual: NDArray, expected: NDArray, label: string): void {
  expect(actual.shape, label).toEqual(expected.shape);
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (!(Object.is(a, e) || a === e)) expect.fail(`${label}[${i}]: ${a} vs ${e}`);
  }
}

describe('pooling with infinities and NaN matches the reference loops', () => {
  for (const pool of ['max', 'min'] as const) {
    test(`${pool}: ±Infinity and NaN in X, ±Infinity in dA`, () => {
      const rng = seededRng(5);
      const X = new NDArray(Float64Array.from({ length: 2 * 6 * 6 * 3 }, () => rng.uniform() - 0.5), [2, 6, 6, 3]);
      X.data[0] = Infinity;
      X.data[7] = -Infinity;
      X.data[40] = NaN;
      const layer = new Pooling({ poolSize: 2, pool });
      layer.computeShapes(X);
      const A = layer.forward(X);
      same(A, naivePoolForward(X, [2, 2], [2, 2], pool), 'A');
      const dA = new NDArray(Float64Array.from(A.data, () => rng.uniform()), A.shape);
      dA.data[3] = Infinity;
      dA.data[10] = -Infinity;
      same(layer.backward(dA), naivePoolBackward(X, dA, [2, 2], [2, 2], pool), 'dX');
    });
  }
});
