// Laws of BatchNormalization over random shapes and options (fast-check, fixed seeds): the batch's
// output statistics, layout (a map is its rows), shift invariance, sample permutation, evaluation
// sample by sample, and the gradient's orthogonality to what the normalization removes.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BatchNormalization } from '../../src/batchnorm/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { expectClose } from '../helpers/close.js';

const randn = (shape: number[], seed: number, scale = 1, shift = 0): NDArray => {
  const rng = seededRng(seed);
  return new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.standardNormal()), shape);
};

function layerFor(X: NDArray, seed: number, opts = {}): BatchNormalization {
  const rng = seededRng(seed);
  const layer = new BatchNormalization(opts);
  layer.computeShapes(X);
  layer.initializeParameters();
  const n = X.shape[X.ndim - 1];
  if (layer.scale) layer.p.gamma = new NDArray(Float64Array.from({ length: n }, () => 0.5 + rng.uniform()), [n]);
  if (layer.center) layer.p.beta = new NDArray(Float64Array.from({ length: n }, () => rng.uniform() - 0.5), [n]);
  layer.p.mean = new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), [n]);
  layer.p.var = new NDArray(Float64Array.from({ length: n }, () => 0.5 + rng.uniform()), [n]);
  return layer;
}

// (m, n) or (m, h, w, d) with at least 2 values per channel
const shapeArb = fcheck.oneof(
  fcheck.tuple(fcheck.integer({ min: 2, max: 9 }), fcheck.integer({ min: 1, max: 6 })).map(([m, n]) => [m, n]),
  fcheck.tuple(fcheck.integer({ min: 1, max: 3 }), fcheck.integer({ min: 1, max: 4 }), fcheck.integer({ min: 2, max: 4 }), fcheck.integer({ min: 1, max: 4 })).map(([m, h, w, d]) => [m, h, w, d]),
);
const optsArb = fcheck.record({ center: fcheck.boolean(), scale: fcheck.boolean(), epsilon: fcheck.constantFrom(1e-5, 1e-3, 0.1) });
const PARAMS = { seed: 20261207, numRuns: 60 };

describe('BatchNormalization properties', () => {
  test('training output per channel: mean β, variance γ²·σ²/(σ² + ε)', () => {
    fcheck.assert(fcheck.property(shapeArb, optsArb, fcheck.integer({ min: 0, max: 1e6 }), (shape, opts, seed) => {
      const X = randn(shape, seed, 3, 2);
      const layer = layerFor(X, seed, opts);
      layer.training = true;
      const A = layer.forward(X);
      const n = shape[shape.length - 1];
      const R = X.size / n;
      for (let c = 0; c < n; c++) {
        let s = 0;
        let q = 0;
        let sx = 0;
        let qx = 0;
        for (let r = 0; r < R; r++) {
          s += A.data[r * n + c];
          sx += X.data[r * n + c];
        }
        const mA = s / R;
        const mX = sx / R;
        for (let r = 0; r < R; r++) {
          q += (A.data[r * n + c] - mA) ** 2;
          qx += (X.data[r * n + c] - mX) ** 2;
        }
        const g = opts.scale ? layer.p.gamma.data[c] : 1;
        const b = opts.center ? layer.p.beta.data[c] : 0;
        const vX = qx / R;
        expect(Math.abs(mA - b)).toBeLessThan(1e-12);
        expect(Math.abs(q / R - (g * g * vX) / (vX + opts.epsilon))).toBeLessThan(1e-12);
      }
    }), PARAMS);
  });

  test('a map (m, h, w, d) is normalized as its rows (m·h·w, d): the same bits, forward and backward', () => {
    fcheck.assert(fcheck.property(shapeArb.filter((s) => s.length === 4), fcheck.boolean(), fcheck.integer({ min: 0, max: 1e6 }), (shape, training, seed) => {
      const X = randn(shape, seed, 2, 1);
      const dA = randn(shape, seed + 1);
      const rows = [X.size / shape[3], shape[3]];
      const a = layerFor(X, seed);
      const b = layerFor(X.reshape(rows), seed);
      a.training = b.training = training;
      expect(Array.from(a.forward(X).data)).toEqual(Array.from(b.forward(X.reshape(rows)).data));
      expect(Array.from(a.backward(dA).data)).toEqual(Array.from(b.backward(dA.reshape(rows)).data));
    }), PARAMS);
  });

  test('training: shifting a channel by a constant changes nothing (to rounding)', () => {
    fcheck.assert(fcheck.property(shapeArb, fcheck.integer({ min: 0, max: 1e6 }), (shape, seed) => {
      const X = randn(shape, seed);
      const n = shape[shape.length - 1];
      const shifted = new NDArray(X.data.map((v, i) => v + 10 * (i % n) - 7), X.shape);
      const a = layerFor(X, seed);
      const b = layerFor(X, seed);
      a.training = b.training = true;
      expectClose(b.forward(shifted), a.forward(X), 'shifted', { rtol: 1e-9, atol: 1e-12 });
    }), PARAMS);
  });

  test('training: the gradient per channel sums to 0, and Σ dX ⊙ X̂ = Σ (dX̂ ⊙ X̂) · ε / ((σ² + ε)·√(σ² + ε)) (0 without ε)', () => {
    fcheck.assert(fcheck.property(shapeArb, optsArb, fcheck.integer({ min: 0, max: 1e6 }), (shape, opts, seed) => {
      const X = randn(shape, seed, 2);
      const layer = layerFor(X, seed, opts);
      layer.training = true;
      layer.forward(X);
      const dX = layer.backward(randn(shape, seed + 2));
      const n = shape[shape.length - 1];
      const xh = layer.fc.Xh.data;
      const dxh = layer.bc.dXh.data;
      for (let c = 0; c < n; c++) {
        let s = 0;
        let t = 0;
        let u = 0;
        let scale = 0;
        for (let i = c; i < dX.size; i += n) {
          s += dX.data[i];
          t += dX.data[i] * xh[i];
          u += dxh[i] * xh[i];
          scale += Math.abs(dX.data[i]) + Math.abs(dxh[i]);
        }
        const v = layer.fc.var.data[c];
        const eps = opts.epsilon;
        expect(Math.abs(s)).toBeLessThanOrEqual(1e-12 * (1 + scale));
        expect(Math.abs(t - (u * eps) / ((v + eps) * Math.sqrt(v + eps)))).toBeLessThanOrEqual(1e-12 * (1 + scale));
      }
    }), PARAMS);
  });

  test('training mixes the samples; evaluation does not (each sample alone gives its own row, bit for bit)', () => {
    fcheck.assert(fcheck.property(shapeArb.filter((s) => s[0] >= 2), fcheck.integer({ min: 0, max: 1e6 }), (shape, seed) => {
      const X = randn(shape, seed, 2, 1);
      const layer = layerFor(X, seed);
      const row = X.size / shape[0];
      const first = new NDArray(X.data.slice(0, row), [1, ...shape.slice(1)]);
      layer.training = false;
      const all = layer.forward(X).data.slice(0, row);
      expect(Array.from(layer.forward(first).data)).toEqual(Array.from(all));
      layer.training = true;
      const batch = layer.forward(X).data.slice(0, row);
      expect(Array.from(batch)).not.toEqual(Array.from(all));
    }), PARAMS);
  });

  test('training: permuting the samples permutes the output rows (to rounding: the sums change order)', () => {
    fcheck.assert(fcheck.property(shapeArb, fcheck.integer({ min: 0, max: 1e6 }), (shape, seed) => {
      const X = randn(shape, seed);
      const m = shape[0];
      const row = X.size / m;
      const perm = Array.from({ length: m }, (_, i) => (i * 7 + 3) % m);
      if (new Set(perm).size !== m) return; // 7 and m not coprime
      const P = new Float64Array(X.size);
      perm.forEach((src, dst) => P.set(X.data.subarray(src * row, (src + 1) * row), dst * row));
      const a = layerFor(X, seed);
      a.training = true;
      const A = a.forward(X);
      const b = layerFor(X, seed);
      b.training = true;
      const B = b.forward(new NDArray(P, X.shape));
      const expected = new Float64Array(X.size);
      perm.forEach((src, dst) => expected.set(A.data.subarray(src * row, (src + 1) * row), dst * row));
      expectClose(B, new NDArray(expected, X.shape), 'permuted', { rtol: 1e-12, atol: 1e-12 });
    }), PARAMS);
  });
});
