// Behaviour of Dropout beyond the fixtures: identity cases, evaluation mode, seeding, keep rate,
// broadcast masks, and the broadcast kernel against a plain reference.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Dropout } from '../../src/dropout/models.js';
import { expectClose } from '../helpers/close.js';
import { cyclingRng } from './stub.js';

function randomArray(shape: number[], seed: number | string): NDArray {
  const rng = seededRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), shape);
}

/** Plain reference: D broadcast by index arithmetic on each element. */
function naiveApply(X: NDArray, D: NDArray, p: number): NDArray {
  const Y = zeros(X.shape);
  const nd = X.ndim;
  for (let i = 0; i < X.size; i++) {
    let rem = i;
    let dOff = 0;
    let dStride = 1;
    const sub: number[] = new Array(nd);
    for (let ax = nd - 1; ax >= 0; ax--) {
      sub[ax] = rem % X.shape[ax];
      rem = Math.floor(rem / X.shape[ax]);
    }
    for (let ax = nd - 1; ax >= 0; ax--) {
      dOff += (D.shape[ax] === 1 ? 0 : sub[ax]) * dStride;
      dStride *= D.shape[ax];
    }
    Y.data[i] = (X.data[i] * D.data[dOff]) / (1 - p);
  }
  return Y;
}

describe('Dropout properties', () => {
  test('dropProb = 0 is the identity while training (even if uniform() returns exactly 0)', () => {
    const layer = new Dropout({ dropProb: 0 });
    layer.training = true;
    layer.rng = cyclingRng([0, 0.5, 1e-300]);
    const X = randomArray([5, 7], 1);
    const dA = randomArray([5, 7], 2);
    expect(layer.forward(X).data).toEqual(X.data);
    expect(layer.backward(dA).data).toEqual(dA.data);
    expect(Array.from(layer.fc.D.data).every((v) => v === 1)).toBe(true);
  });

  test('evaluation mode (training false, the default) is the identity and draws nothing', () => {
    const layer = new Dropout({ dropProb: 0.9 });
    expect(layer.training).toBe(false);
    const rng = (layer.rng = cyclingRng([0]));
    const X = randomArray([4, 3, 2], 3);
    const dA = randomArray([4, 3, 2], 4);
    const A = layer.forward(X);
    expect(A.data).toEqual(X.data);
    expect(A).not.toBe(X); // a copy: later layers cannot write into the caller's X
    expect(layer.fc.D).toBeUndefined();
    expect(layer.backward(dA).data).toEqual(dA.data);
    expect(rng.calls).toBe(0);
  });

  test('switching to evaluation after a training pass stops dropping', () => {
    const layer = new Dropout({ dropProb: 0.5 });
    layer.training = true;
    const X = randomArray([10, 10], 5);
    expect(layer.forward(X).data).not.toEqual(X.data);
    layer.training = false;
    expect(layer.forward(X).data).toEqual(X.data);
    expect(layer.backward(X).data).toEqual(X.data);
  });

  test('the same seed gives the same mask; another seed another mask', () => {
    const X = randomArray([8, 16], 6);
    const mask = (seed: number): Float64Array => {
      const layer = new Dropout({ dropProb: 0.5 });
      layer.training = true;
      layer.seed(seed);
      layer.forward(X);
      return layer.fc.D.data;
    };
    expect(mask(11)).toEqual(mask(11));
    expect(mask(11)).not.toEqual(mask(12));
  });

  test.each([0.1, 0.5, 0.8])('keep fraction ≈ 1 − p on 200 000 entries (p = %f), mean preserved', (p) => {
    const layer = new Dropout({ dropProb: p });
    layer.training = true;
    layer.seed(2024);
    const X = new NDArray(new Float64Array(200_000).fill(1), [1000, 200]);
    const A = layer.forward(X);
    const kept = layer.fc.D.data.reduce((s, v) => s + v, 0) / layer.fc.D.size;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.005); // ~5 standard deviations
    const meanA = A.data.reduce((s, v) => s + v, 0) / A.size;
    expect(Math.abs(meanA - 1)).toBeLessThan(0.03); // inverted dropout keeps E[A] = X
    // every entry of A is 0 or 1/(1-p)
    expect(A.data.every((v) => v === 0 || v === 1 / (1 - p))).toBe(true);
  });

  test('axis broadcasts the mask: whole slices kept or dropped together', () => {
    const layer = new Dropout({ dropProb: 0.5, axis: [1, -1] });
    layer.training = true;
    layer.seed(3);
    const X = new NDArray(new Float64Array(6 * 4 * 5).fill(1), [6, 4, 5]);
    const A = layer.forward(X);
    expect(layer.fs.D).toEqual([6, 1, 1]);
    expect(layer.fc.D.shape).toEqual([6, 1, 1]);
    for (let i = 0; i < 6; i++) {
      const slice = Array.from(A.data.subarray(i * 20, (i + 1) * 20));
      expect(new Set(slice).size).toBe(1);
      expect(slice[0]).toBe(layer.fc.D.data[i] * 2);
    }
  });

  test('broadcast kernel equals the plain reference (forward and backward, any rank and axes)', () => {
    fcheck.assert(
      fcheck.property(
        fcheck.array(fcheck.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
        fcheck.array(fcheck.boolean(), { minLength: 5, maxLength: 5 }),
        fcheck.double({ min: 0, max: 0.95, noNaN: true }),
        fcheck.integer({ min: 0, max: 1e6 }),
        (shape, onAxis, p, seed) => {
          const axis = shape.map((_, i) => i).filter((i) => onAxis[i]);
          const layer = new Dropout({ dropProb: p, axis });
          layer.training = true;
          layer.seed(seed);
          const X = randomArray(shape, seed);
          const dA = randomArray(shape, seed + 1);
          const A = layer.forward(X);
          expect(layer.fc.D.shape).toEqual(shape.map((s, i) => (onAxis[i] ? 1 : s)));
          expectClose(A, naiveApply(X, layer.fc.D, p), 'A', { atol: 0, rtol: 0 });
          expectClose(layer.backward(dA), naiveApply(dA, layer.fc.D, p), 'dX', { atol: 0, rtol: 0 });
        },
      ),
      { seed: 99, numRuns: 300 },
    );
  });

  test('a number axis means [axis]; toConfig round-trips', () => {
    const layer = new Dropout({ dropProb: 0.3, axis: 1 });
    expect(layer.toConfig()).toEqual({ dropProb: 0.3, axis: [1] });
    expect(new Dropout(layer.toConfig()).toConfig()).toEqual(layer.toConfig());
    expect(new Dropout().toConfig()).toEqual({ dropProb: 0.5, axis: [] });
  });
});
