// Laws of LayerNormalization over random shapes and options (fast-check, fixed seeds): each group's
// output statistics, samples independent (bit for bit), axis -1 on a map is its rows, shift
// invariance per sample, and the gradient's sum per group.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { LayerNormalization, type LayerNormalizationOptions } from '../../src/layernorm/models.js';
import { expectClose } from '../helpers/close.js';

const randn = (shape: number[], seed: number, scale = 1, shift = 0): NDArray => {
  const rng = seededRng(seed);
  return new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.standardNormal()), shape);
};

function layerFor(X: NDArray, seed: number, opts: LayerNormalizationOptions = {}): LayerNormalization {
  const rng = seededRng(seed);
  const layer = new LayerNormalization(opts);
  layer.computeShapes(X);
  layer.initializeParameters();
  if (layer.scale) layer.p.gamma = new NDArray(layer.p.gamma.data.map(() => 0.5 + rng.uniform()), layer.p.gamma.shape);
  if (layer.center) layer.p.beta = new NDArray(layer.p.beta.data.map(() => rng.uniform() - 0.5), layer.p.beta.shape);
  return layer;
}

const caseArb = fcheck.oneof(
  fcheck.tuple(fcheck.integer({ min: 1, max: 6 }), fcheck.integer({ min: 1, max: 7 })).map(([m, n]) => ({ shape: [m, n], axis: -1 as const })),
  fcheck.tuple(fcheck.integer({ min: 1, max: 3 }), fcheck.integer({ min: 1, max: 4 }), fcheck.integer({ min: 1, max: 4 }), fcheck.integer({ min: 1, max: 4 }), fcheck.boolean())
    .map(([m, h, w, d, three]) => ({ shape: [m, h, w, d], axis: three ? ([-3, -2, -1] as const) : (-1 as const) })),
);
const PARAMS = { seed: 20261207, numRuns: 60 };
const groupSize = (shape: number[], axis: unknown): number => (axis === -1 ? shape[shape.length - 1] : shape.slice(-3).reduce((a, b) => a * b, 1));

describe('LayerNormalization properties', () => {
  test('without γ and β each group has mean 0 and variance σ²/(σ² + ε)', () => {
    fcheck.assert(fcheck.property(caseArb, fcheck.integer({ min: 0, max: 1e6 }), ({ shape, axis }, seed) => {
      const X = randn(shape, seed, 3, 2);
      const layer = layerFor(X, seed, { axis, center: false, scale: false });
      const A = layer.forward(X);
      const n = groupSize(shape, axis);
      for (let o = 0; o < X.size; o += n) {
        let s = 0;
        let sx = 0;
        for (let k = 0; k < n; k++) {
          s += A.data[o + k];
          sx += X.data[o + k];
        }
        let q = 0;
        let qx = 0;
        for (let k = 0; k < n; k++) {
          q += (A.data[o + k] - s / n) ** 2;
          qx += (X.data[o + k] - sx / n) ** 2;
        }
        expect(Math.abs(s / n)).toBeLessThan(1e-12);
        expect(Math.abs(q / n - qx / n / (qx / n + 1e-5))).toBeLessThan(1e-12);
      }
    }), PARAMS);
  });

  test('samples are independent: any sub-batch gives its rows of the whole batch, bit for bit, forward and backward', () => {
    fcheck.assert(fcheck.property(caseArb.filter((c) => c.shape[0] >= 2), fcheck.integer({ min: 0, max: 1e6 }), ({ shape, axis }, seed) => {
      const X = randn(shape, seed, 2, 1);
      const dA = randn(shape, seed + 1);
      const whole = layerFor(X, seed, { axis });
      const A = whole.forward(X).data.slice();
      const dX = whole.backward(dA).data.slice();
      const row = X.size / shape[0];
      const part = layerFor(X, seed, { axis });
      const sub = (T: NDArray): NDArray => new NDArray(T.data.slice(row, X.size), [shape[0] - 1, ...shape.slice(1)]);
      expect(Array.from(part.forward(sub(X)).data)).toEqual(Array.from(A.subarray(row)));
      expect(Array.from(part.backward(sub(dA)).data)).toEqual(Array.from(dX.subarray(row)));
    }), PARAMS);
  });

  test('axis -1 on (m, h, w, d) is axis -1 on its rows (m·h·w, d), bit for bit', () => {
    fcheck.assert(fcheck.property(caseArb.filter((c) => c.shape.length === 4), fcheck.integer({ min: 0, max: 1e6 }), ({ shape }, seed) => {
      const X = randn(shape, seed);
      const rows = [X.size / shape[3], shape[3]];
      const a = layerFor(X, seed);
      const b = layerFor(X.reshape(rows), seed);
      expect(Array.from(a.forward(X).data)).toEqual(Array.from(b.forward(X.reshape(rows)).data));
    }), PARAMS);
  });

  test('shifting a sample by a constant changes nothing (to rounding); the gradient of each group sums to 0', () => {
    fcheck.assert(fcheck.property(caseArb, fcheck.integer({ min: 0, max: 1e6 }), ({ shape, axis }, seed) => {
      const X = randn(shape, seed);
      const n = groupSize(shape, axis);
      const shifted = new NDArray(X.data.map((v, i) => v + 3 * Math.floor(i / n) - 5), X.shape);
      const a = layerFor(X, seed, { axis });
      const b = layerFor(X, seed, { axis });
      expectClose(b.forward(shifted), a.forward(X), 'shifted', { rtol: 1e-9, atol: 1e-12 });
      const dX = a.backward(randn(shape, seed + 3));
      for (let o = 0; o < X.size; o += n) {
        let s = 0;
        let scale = 0;
        for (let k = 0; k < n; k++) {
          s += dX.data[o + k];
          scale += Math.abs(dX.data[o + k]);
        }
        expect(Math.abs(s)).toBeLessThanOrEqual(1e-12 * (1 + scale));
      }
    }), PARAMS);
  });
});
