// Property tests (fast-check, fixed seed): the shape law, gradient conservation, and the fast kernels
// against the plain reference implementation in ./naive.ts.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NDArray, sum } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Pooling, type PoolName } from '../../src/pooling/models.js';
import { expectClose } from '../helpers/close.js';
import { naivePoolBackward, naivePoolForward } from './naive.js';

const dims = fcheck.record({
  m: fcheck.integer({ min: 1, max: 3 }),
  h: fcheck.integer({ min: 1, max: 8 }),
  w: fcheck.integer({ min: 1, max: 8 }),
  d: fcheck.integer({ min: 1, max: 3 }),
  ph: fcheck.integer({ min: 1, max: 4 }),
  pw: fcheck.integer({ min: 1, max: 4 }),
  sh: fcheck.integer({ min: 1, max: 4 }),
  sw: fcheck.integer({ min: 1, max: 4 }),
  pool: fcheck.constantFrom<PoolName>('max', 'min', 'mean'),
  seed: fcheck.integer({ min: 0, max: 1e6 }),
  ints: fcheck.boolean(), // small integers: many ties
});

function randomX([m, h, w, d]: number[], seed: number, ints: boolean): NDArray {
  const rng = seededRng(seed);
  return new NDArray(
    Float64Array.from({ length: m * h * w * d }, () => (ints ? Math.floor(rng.uniform() * 4) : rng.standardNormal())),
    [m, h, w, d],
  );
}

describe('Pooling properties', () => {
  test('output is (m, floor((h - ph) / sh) + 1, floor((w - pw) / sw) + 1, d)', () => {
    fcheck.assert(
      fcheck.property(dims, ({ m, h, w, d, ph, pw, sh, sw, pool }) => {
        fcheck.pre(ph <= h && pw <= w);
        const layer = new Pooling({ poolSize: [ph, pw], strides: [sh, sw], pool });
        const A = layer.forward(new NDArray(new Float64Array(m * h * w * d), [m, h, w, d]));
        expect(A.shape).toEqual([m, Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1, d]);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('max/min/mean without ties and without overlap: Σ dX = Σ dA', () => {
    fcheck.assert(
      fcheck.property(dims, ({ m, h, w, d, ph, pw, sh, sw, pool, seed }) => {
        fcheck.pre(ph <= h && pw <= w && sh >= ph && sw >= pw);
        const X = randomX([m, h, w, d], seed, false);
        const layer = new Pooling({ poolSize: [ph, pw], strides: [sh, sw], pool });
        const A = layer.forward(X);
        const dA = randomX(A.shape, seed + 1, false);
        const dX = layer.backward(dA);
        expect(Math.abs(sum(dX) - sum(dA))).toBeLessThan(1e-12 * (1 + dA.size));
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  test('fast kernels equal the plain reference (ties and overlaps included)', () => {
    fcheck.assert(
      fcheck.property(dims, ({ m, h, w, d, ph, pw, sh, sw, pool, seed, ints }) => {
        fcheck.pre(ph <= h && pw <= w);
        const X = randomX([m, h, w, d], seed, ints);
        const xBefore = X.data.slice();
        const layer = new Pooling({ poolSize: [ph, pw], strides: [sh, sw], pool });
        const A = layer.forward(X);
        const dA = randomX(A.shape, seed + 1, false);
        const dX = layer.backward(dA);
        expectClose(A, naivePoolForward(X, [ph, pw], [sh, sw], pool), 'A');
        expectClose(dX, naivePoolBackward(X, dA, [ph, pw], [sh, sw], pool), 'dX');
        expect(X.data).toEqual(xBefore); // input never mutated
      }),
      { seed: 1234, numRuns: 300 },
    );
  });

  test('number arguments mean [n, n]; strides default to poolSize', () => {
    expect(new Pooling({ poolSize: 3 }).toConfig()).toEqual({ poolSize: [3, 3], strides: [3, 3], pool: 'max' });
    expect(new Pooling({ poolSize: [2, 3], strides: 1 }).toConfig()).toEqual({ poolSize: [2, 3], strides: [1, 1], pool: 'max' });
    expect(new Pooling().toConfig()).toEqual({ poolSize: [2, 2], strides: [2, 2], pool: 'max' });
    const cfg = new Pooling({ poolSize: [3, 2], strides: [1, 2], pool: 'mean' }).toConfig();
    expect(new Pooling(cfg).toConfig()).toEqual(cfg); // round trip
  });

  test('mean pooling sends dA / (ph·pw) to every window position', () => {
    const layer = new Pooling({ poolSize: [2, 2], pool: 'mean' });
    const X = NDArray.from([[[[1], [2]], [[3], [10]]]]); // (1, 2, 2, 1)
    expect(Array.from(layer.forward(X).data)).toEqual([4]);
    expect(Array.from(layer.backward(NDArray.from([[[[8]]]])).data)).toEqual([2, 2, 2, 2]);
  });

  test('NaN in a window propagates to max/min output like np.max', () => {
    const X = NDArray.from([[[[1], [NaN]], [[3], [10]]]]);
    // a direct call refuses it (NonFiniteError); with checkInput off, as inside a network, NaN propagates
    expect(() => new Pooling({ pool: 'max' }).forward(X)).toThrow('Pooling.forward: A must hold finite numbers, got NaN at A[0, 0, 1, 0]');
    const unchecked = (pool: 'max' | 'min'): Pooling => Object.assign(new Pooling({ pool }), { checkInput: false });
    expect(Number.isNaN(unchecked('max').forward(X).data[0])).toBe(true);
    expect(Number.isNaN(unchecked('min').forward(X).data[0])).toBe(true);
  });

  test('parameterless: initializeParameters/computeGradients/updateParameters change nothing', () => {
    const layer = new Pooling();
    layer.initializeParameters();
    layer.forward(randomX([1, 4, 4, 1], 3, false));
    layer.backward(randomX([1, 2, 2, 1], 4, false));
    layer.computeGradients();
    layer.updateParameters();
    expect(layer.p).toEqual({});
    expect(layer.g).toEqual({});
    expect(layer.trainable).toBe(false);
  });
});
