// In training batches (Layer.reuseOutputs) Pooling hands out its previous output buffers; where the
// windows tile X exactly, dX is not zeroed first (every element is written). Poison the buffers with NaN
// and compare with a fresh layer, for tiling and non-tiling shapes.
import { describe, expect, test } from 'vitest';
import { uniformArray } from '../helpers/random.js';
import { Pooling } from '../../src/pooling/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { kernelArray } from '../../src/kernels/backend.js';

describe('Pooling output buffers reused between training batches', () => {
  const cases: [string, number, number[], 'max' | 'min' | 'mean'][] = [
    ['2x2 tiling 6x6', 6, [2, 2], 'max'],
    ['2x2 with a border row 7x7', 7, [2, 2], 'max'],
    ['1x4 tiling 8x8', 8, [1, 4], 'min'],
    ['3x3 7x7', 7, [3, 3], 'max'],
    ['3x3 tiling 6x6', 6, [3, 3], 'max'],
    ['global 6x6 min', 6, [6, 6], 'min'],
    ['mean 2x2 6x6', 6, [2, 2], 'mean'],
  ];
  for (const [label, hw, poolSize, pool] of cases) {
    // d = 4 too: the WebAssembly kernels (two channels per lane pair) on resident buffers
    test.each([3, 4])(`${label}, d = %i`, (dd) => {
      const fresh = new Pooling({ poolSize: poolSize as [number, number], pool });
      const reused = new Pooling({ poolSize: poolSize as [number, number], pool });
      const X0 = uniformArray([2, hw, hw, dd], 1);
      fresh.computeShapes(X0);
      reused.computeShapes(X0);
      reused.reuseOutputs = true;
      const A0 = fresh.forward(X0);
      reused.outputArray('Z', A0.shape, false).data.fill(NaN); // poison
      reused.outputArray('dX', X0.shape, false).data.fill(NaN);
      for (let batch = 0; batch < 2; batch++) {
        const X = uniformArray([2, hw, hw, dd], 10 + batch);
        const A1 = fresh.forward(X);
        // the reused layer's input resident, as a previous layer's reused buffer (wasm: kernels in place)
        const Xr = new NDArray(kernelArray(X.size), X.shape);
        Xr.data.set(X.data);
        expect(Array.from(reused.forward(Xr).data)).toEqual(Array.from(A1.data));
        const dA = uniformArray(A1.shape, 20 + batch);
        expect(Array.from(reused.backward(dA).data)).toEqual(Array.from(fresh.backward(dA).data));
      }
    });
  }
});

describe('1×1 windows at stride 1 and skipDX', () => {
  test('1×1 pooling is X itself, bit for bit (max, min, mean; special values), as the plain loops', async () => {
    const { naivePoolForward } = await import('./naive.js');
    const X = uniformArray([2, 5, 4, 3], 7);
    X.data.set([-0, 0, Infinity, -Infinity, NaN, 1e-310, -2.5], 0);
    for (const pool of ['max', 'min', 'mean'] as const) {
      const layer = new Pooling({ poolSize: 1, strides: 1, pool });
      layer.checkInput = false; // IEEE special values on purpose
      layer.computeShapes(X);
      const A = layer.forward(X);
      expect(Array.from(A.data).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(Array.from(X.data).map((v) => Object.is(v, -0) ? '-0' : v));
      expect(A.data).not.toBe(X.data); // a copy: X is never handed out as the output
      const want = naivePoolForward(X, [1, 1], [1, 1], pool);
      // the plain loops agree in value (their mean sums from +0, so −0 comes out +0 there)
      want.data.forEach((v, i) => expect(A.data[i] === v || (Number.isNaN(v) && Number.isNaN(A.data[i]))).toBe(true));
    }
  });

  test('skipDX (training, right after the Embedding): no dX computed, bc.dX unset', () => {
    const layer = new Pooling({ poolSize: 2 });
    const X = uniformArray([2, 6, 6, 2], 8);
    layer.computeShapes(X);
    const A = layer.forward(X);
    const dA = uniformArray(A.shape, 9);
    expect(layer.backward(dA).size).toBe(72 * 2); // 2·6·6·2
    expect(layer.bc.dX).toBeDefined();
    layer.skipDX = true;
    expect(layer.backward(dA).size).toBe(0);
    expect(layer.bc.dX).toBeUndefined();
  });
});
