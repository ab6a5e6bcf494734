// In training batches (Layer.reuseOutputs) Convolution hands out its previous output buffers without
// zeroing them (it writes every element). Poison the buffers with NaN and check that forward, dZ and the
// gradients still equal those of a fresh layer, on both kernel paths (direct, and im2col + GEMM).
import { describe, expect, test } from 'vitest';
import { relu, tanh } from '../../src/activation/functions.js';
import { uniformArray } from '../helpers/random.js';
import { Convolution } from '../../src/convolution/models.js';

describe('Convolution output buffers reused between training batches', () => {
  for (const [label, d, f, activate] of [['direct relu', 1, 3, relu], ['direct tanh', 2, 3, tanh], ['im2col relu', 16, 3, relu]] as const) {
    test(label, () => {
      const make = () => {
        const layer = new Convolution({ unitFilters: 5, filterSize: f, strides: 1, padding: 1, activate });
        layer.computeShapes(uniformArray([3, 7, 7, d], 1));
        layer.initializeParameters();
        return layer;
      };
      const fresh = make();
      const reused = make();
      reused.reuseOutputs = true;
      reused.skipDX = true;
      for (const key of ['Z', 'A', 'dZ']) reused.outputArray(key, [3, 7, 7, 5], false).data.fill(NaN); // poison
      for (let batch = 0; batch < 2; batch++) {
        const X = uniformArray([3, 7, 7, d], 10 + batch);
        const dA = uniformArray([3, 7, 7, 5], 20 + batch);
        const A1 = fresh.forward(X);
        const A2 = reused.forward(X);
        expect(Array.from(A2.data)).toEqual(Array.from(A1.data));
        expect(Array.from(reused.fc.Z.data)).toEqual(Array.from(fresh.fc.Z.data));
        fresh.backward(dA);
        reused.backward(dA);
        expect(Array.from(reused.bc.dZ.data)).toEqual(Array.from(fresh.bc.dZ.data));
        fresh.computeGradients();
        reused.computeGradients();
        expect(Array.from(reused.g.dW.data)).toEqual(Array.from(fresh.g.dW.data));
        expect(Array.from(reused.g.db.data)).toEqual(Array.from(fresh.g.db.data));
      }
    });
  }
});

describe('dZ read in place or copied once per backward (the WebAssembly kernels keep a copy for computeGradients)', () => {
  test('identity: dA written in place between batches, with and without the dX pass, gradients as a fresh layer', async () => {
    const { identity } = await import('../../src/activation/functions.js');
    const make = () => {
      const layer = new Convolution({ unitFilters: 8, filterSize: 3, strides: 1, activate: identity });
      layer.computeShapes(uniformArray([2, 6, 7, 1], 1));
      layer.initializeParameters();
      return layer;
    };
    const kept = make(); // one dA array per batch size, overwritten for every batch
    const dAs = [uniformArray([2, 4, 5, 8], 30), uniformArray([1, 4, 5, 8], 31)];
    for (let batch = 0; batch < 6; batch++) {
      const m = batch % 3 === 2 ? 1 : 2; // a smaller batch now and then (the copy is reused, not regrown)
      const dA = dAs[2 - m];
      const X = uniformArray([m, 6, 7, 1], 40 + batch);
      const next = uniformArray([m, 4, 5, 8], 50 + batch);
      dA.data.set(next.data);
      kept.skipDX = batch % 2 === 1; // the dX pass (which copies dZ) only every other batch
      kept.forward(X);
      kept.backward(dA);
      kept.computeGradients();
      const fresh = make();
      fresh.forward(X);
      fresh.backward(next);
      fresh.computeGradients();
      expect(Array.from(kept.g.dW.data)).toEqual(Array.from(fresh.g.dW.data));
      expect(Array.from(kept.g.db.data)).toEqual(Array.from(fresh.g.db.data));
      kept.computeGradients(); // again, after the copy was taken: the same
      expect(Array.from(kept.g.dW.data)).toEqual(Array.from(fresh.g.dW.data));
    }
  });
});

describe('forward-only passes (forwardOnly) with relu: only A, no Z kept', () => {
  for (const [label, d] of [['direct', 1], ['im2col', 16]] as const) {
    test(`${label}: A as a plain forward, bit for bit; no fc.Z; backward says why it cannot run`, async () => {
      const { StateError } = await import('../../src/errors.js');
      const make = () => {
        const layer = new Convolution({ unitFilters: 6, filterSize: 3, strides: 1, padding: 1, activate: relu });
        layer.computeShapes(uniformArray([3, 7, 7, d], 1));
        layer.initializeParameters();
        return layer;
      };
      const plain = make();
      const ev = make();
      ev.p.W = plain.p.W.copy();
      ev.p.b = uniformArray([6], 3); // a bias too
      plain.p.b = ev.p.b.copy();
      ev.reuseOutputs = true; // as in evaluation chunks
      ev.forwardOnly = true;
      ev.outputArray('A', [3, 7, 7, 6], false).data.fill(NaN); // poison
      for (let chunk = 0; chunk < 2; chunk++) {
        const X = uniformArray([3, 7, 7, d], 60 + chunk);
        X.data[5] = -1e300; // some negative z, relu's 0
        const want = plain.forward(X);
        const A = ev.forward(X);
        expect(Array.from(A.data)).toEqual(Array.from(want.data));
        expect(ev.fc.A).toBe(A);
        expect(ev.fc.Z).toBeUndefined();
        expect(ev.fs.Z).toEqual([3, 7, 7, 6]);
        expect(() => ev.backward(uniformArray([3, 7, 7, 6], 70))).toThrow(StateError);
        expect(() => ev.backward(uniformArray([3, 7, 7, 6], 70))).toThrow(/forward-only .* keeps no Z/);
      }
      // Forward-only off: Z kept, backward runs
      ev.forwardOnly = false;
      ev.forward(uniformArray([3, 7, 7, d], 80));
      expect(ev.fc.Z).toBeDefined();
      expect(() => ev.backward(uniformArray([3, 7, 7, 6], 81))).not.toThrow();
    });
  }
});
