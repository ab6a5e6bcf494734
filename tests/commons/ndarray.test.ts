import { describe, expect, test } from 'vitest';
import { ShapeError, EpyNNError } from '../../src/commons/errors.js';
import { NDArray, array, argmax, dot, fmt, reshape, roundHalfEven, sumAxis0, transpose, zeros } from '../../src/commons/ndarray.js';
import { orthogonal, xavier } from '../../src/initialization/functions.js';
import { seededRng } from '../../src/commons/rng.js';
import { seHPars, defaultHPars } from '../../src/settings.js';

describe('NDArray', () => {
  test('round trip nested arrays', () => {
    const nested = [[[1, 2], [3, 4], [5, 6]]];
    const a = NDArray.from(nested);
    expect(a.shape).toEqual([1, 3, 2]);
    expect(a.toNested()).toEqual(nested);
  });
  test('rejects ragged input and naming the place', () => {
    expect(() => array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => array([[1, 2], [3]])).toThrow(/ragged nested array at \[1\]: expected length 2, got length 1/);
  });
  test('constructor validates data length against shape', () => {
    expect(() => new NDArray(new Float64Array(5), [2, 3])).toThrow(/cannot make an array of shape \(2, 3\) from 5 values/);
    expect(() => new NDArray([1, 2] as unknown as Float64Array, [2])).toThrow(EpyNNError);
  });
  test('reshape shares data and checks size', () => {
    const a = zeros([2, 6]);
    const b = reshape(a, [3, -1]);
    expect(b.shape).toEqual([3, 4]);
    b.data[0] = 5;
    expect(a.data[0]).toBe(5);
    expect(() => reshape(a, [5, 2])).toThrow(/cannot reshape array of size 12 into shape \(5, 2\)/);
  });
  test('fmt prints shapes as NumPy', () => {
    expect(fmt([3, 4])).toBe('(3, 4)');
    expect(fmt([2])).toBe('(2,)');
    expect(fmt([])).toBe('()');
  });
  test('dot, transpose, sumAxis0, argmax', () => {
    const a = array([[1, 2, 3], [4, 5, 6]]);
    const b = array([[1, 0], [0, 1], [1, 1]]);
    expect(dot(a, b).toNested()).toEqual([[4, 5], [10, 11]]);
    expect(transpose(a).toNested()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(sumAxis0(a).toNested()).toEqual([5, 7, 9]);
    expect(argmax(array([[1, 3, 3], [9, 2, 1]])).toNested()).toEqual([1, 0]);
    expect(() => dot(a, a)).toThrow(/dot: shapes \(2, 3\) and \(2, 3\) not aligned: 3 \(dim 1\) != 2 \(dim 0\)/);
  });
  test('roundHalfEven matches np.around', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 0.49, 0.51].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 0, 1]);
  });
});

describe('settings and initializers', () => {
  test('default hyperparameters have EpyNN values and are never shared', () => {
    expect(seHPars).toEqual({ learning_rate: 0.1, schedule: 'steady', decay_k: 0, cycle_epochs: 0, cycle_descent: 0, ELU_alpha: 1, LRELU_alpha: 0.3, softmax_temperature: 1 });
    expect(Object.isFrozen(seHPars)).toBe(true);
    const mine = defaultHPars({ learning_rate: 0.01 });
    mine.decay_k = 3;
    expect(seHPars.decay_k).toBe(0);
  });
  test('xavier scale follows sqrt(2 / sum(shape)) and is deterministic', () => {
    const W = xavier([200, 300], seededRng(1));
    const W2 = xavier([200, 300], seededRng(1));
    expect(W.data).toEqual(W2.data);
    let s2 = 0;
    for (const v of W.data) s2 += v * v;
    expect(Math.sqrt(s2 / W.size)).toBeCloseTo(Math.sqrt(2 / 500), 2);
  });
  test.each([[5, 3], [3, 5], [4, 4]])('orthogonal (%i, %i) has orthonormal rows or columns', (r, c) => {
    const W = orthogonal([r, c], seededRng(3));
    const G = r >= c ? dot(transpose(W), W) : dot(W, transpose(W));
    const n = Math.min(r, c);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(G.data[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
  });
  test('standard normal has mean 0 and variance 1', () => {
    const rng = seededRng(11);
    let s = 0, s2 = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) { const v = rng.standardNormal(); s += v; s2 += v * v; }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});
