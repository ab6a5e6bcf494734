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
      layer.checkInput = false; // IEEE special values on purpose
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

// The 4-element windows (2×2, 1×4, 4×1) take unrolled kernels; non-overlapping ones store dX
// instead of adding. Windows that cover X detect an infinity from the pooled values, others scan X.
describe('4-element windows, covering or not, against the reference loops bit for bit', () => {
  // Stricter than `same`: +0 and −0 differ too (the stored 0 + dA·mask must give +0 like the += on zeros)
  const same = (actual: NDArray, expected: NDArray, label: string): void => {
    expect(actual.shape, label).toEqual(expected.shape);
    for (let i = 0; i < expected.data.length; i++) {
      if (!Object.is(actual.data[i], expected.data[i])) expect.fail(`${label}[${i}]: ${actual.data[i]} vs ${expected.data[i]}`);
    }
  };
  const configs: { shape: number[]; poolSize: [number, number]; strides: [number, number] }[] = [
    { shape: [2, 6, 8, 3], poolSize: [2, 2], strides: [2, 2] }, // covers X exactly
    { shape: [3, 7, 9, 5], poolSize: [2, 2], strides: [2, 2] }, // last row and column never read
    { shape: [2, 8, 9, 2], poolSize: [2, 2], strides: [3, 3] }, // gaps between windows
    { shape: [2, 5, 8, 3], poolSize: [1, 4], strides: [1, 4] },
    { shape: [2, 9, 4, 3], poolSize: [4, 1], strides: [4, 2] },
    { shape: [1, 6, 6, 2], poolSize: [2, 2], strides: [1, 1] }, // overlapping: the += path
  ];
  const cases = configs.flatMap((c) => (['max', 'min'] as const).map((pool) => ({ ...c, pool })));
  test.each(cases)('$pool $shape pool $poolSize strides $strides', ({ shape, poolSize, strides, pool }) => {
    const rng = seededRng(31);
    const n = shape.reduce((a, b) => a * b, 1);
    const layer = new Pooling({ poolSize, strides, pool });
    layer.checkInput = false; // IEEE special values on purpose
    const check = (X: NDArray, label: string): void => {
      const A = layer.forward(X);
      same(A, naivePoolForward(X, poolSize, strides, pool), `${label} A`);
      const dA = new NDArray(Float64Array.from(A.data, () => rng.standardNormal()), A.shape);
      dA.data[0] = -0;
      dA.data[1] = Infinity;
      dA.data[2] = -Infinity;
      dA.data[3] = NaN;
      same(layer.backward(dA), naivePoolBackward(X, dA, poolSize, strides, pool), `${label} dX`);
    };
    // Small integers: many ties (every tied position gets dA)
    check(new NDArray(Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * 3)), shape), 'ties');
    // NaN only (no infinity): the arithmetic select keeps NaN
    const Xn = new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), shape);
    Xn.data[5] = NaN;
    check(Xn, 'NaN');
    // An infinity inside the first window, then one in the very last element of X (not read by
    // every configuration's windows): Math.max/min everywhere
    const Xi = new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), shape);
    Xi.data[0] = pool === 'max' ? -Infinity : Infinity;
    check(Xi, 'infinity in a window');
    const Xl = new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), shape);
    Xl.data[n - 1] = Infinity;
    Xl.data[n - 2] = -Infinity;
    check(Xl, 'infinity at the end');
  });
});
