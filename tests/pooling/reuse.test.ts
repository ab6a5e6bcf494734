// In training batches (Layer.reuseOutputs) Pooling hands out its previous output buffers; where the
// windows tile X exactly, dX is not zeroed first (every element is written). Poison the buffers with NaN
// and compare with a fresh layer, for tiling and non-tiling shapes.
import { describe, expect, test } from 'vitest';
import { uniformArray } from '../helpers/random.js';
import { Pooling } from '../../src/pooling/models.js';

describe('Pooling output buffers reused between training batches', () => {
  const cases: [string, number, number[], 'max' | 'min' | 'mean'][] = [
    ['2x2 tiling 6x6', 6, [2, 2], 'max'],
    ['2x2 with a border row 7x7', 7, [2, 2], 'max'],
    ['1x4 tiling 8x8', 8, [1, 4], 'min'],
    ['3x3 7x7', 7, [3, 3], 'max'],
    ['mean 2x2 6x6', 6, [2, 2], 'mean'],
  ];
  for (const [label, hw, poolSize, pool] of cases) {
    test(label, () => {
      const fresh = new Pooling({ poolSize: poolSize as [number, number], pool });
      const reused = new Pooling({ poolSize: poolSize as [number, number], pool });
      const X0 = uniformArray([2, hw, hw, 3], 1);
      fresh.computeShapes(X0);
      reused.computeShapes(X0);
      reused.reuseOutputs = true;
      const A0 = fresh.forward(X0);
      reused.outputArray('Z', A0.shape, false).data.fill(NaN); // poison
      reused.outputArray('dX', X0.shape, false).data.fill(NaN);
      for (let batch = 0; batch < 2; batch++) {
        const X = uniformArray([2, hw, hw, 3], 10 + batch);
        const A1 = fresh.forward(X);
        expect(Array.from(reused.forward(X).data)).toEqual(Array.from(A1.data));
        const dA = uniformArray(A1.shape, 20 + batch);
        expect(Array.from(reused.backward(dA).data)).toEqual(Array.from(fresh.backward(dA).data));
      }
    });
  }
});
