// Central finite differences of L = Σ A ⊙ R against Pooling.backward, on continuous inputs
// (no ties: the max/min are then differentiable), including overlapping windows (strides < poolSize).
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Pooling, type PoolName } from '../../src/pooling/models.js';
import { gradcheck } from '../helpers/gradcheck.js';

const pools: PoolName[] = ['max', 'min', 'mean'];
const configs: { poolSize: [number, number]; strides: [number, number] }[] = [
  { poolSize: [2, 2], strides: [2, 2] },
  { poolSize: [2, 2], strides: [1, 1] }, // overlap
  { poolSize: [3, 2], strides: [1, 2] }, // overlap in h only
  { poolSize: [2, 3], strides: [2, 1] }, // overlap in w only
  { poolSize: [3, 3], strides: [2, 2] }, // overlap, uneven cover
  { poolSize: [1, 1], strides: [1, 1] },
  { poolSize: [2, 2], strides: [3, 3] }, // gaps: some inputs get no gradient
];

describe('Pooling gradcheck', () => {
  for (const pool of pools) {
    for (const { poolSize, strides } of configs) {
      test(`pool=${pool} poolSize=${poolSize} strides=${strides} m=2 h=6 w=7 d=3`, () => {
        const rng = seededRng(`pool-${pool}-${poolSize}-${strides}`);
        const X = new NDArray(Float64Array.from({ length: 2 * 6 * 7 * 3 }, () => rng.standardNormal()), [2, 6, 7, 3]);
        const layer = new Pooling({ poolSize, strides, pool });
        const { checked, maxRel } = gradcheck(layer, X, rng, { h: 1e-6, tol: 1e-6 });
        expect(checked).toBe(X.size);
        expect(maxRel).toBeLessThan(1e-6);
      });
    }
  }
});
