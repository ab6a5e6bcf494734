// BatchNormalization backward and computeGradients against central differences of L = Σ A ⊙ R
// (tests/helpers/gradcheck.ts): alone on (m, n) and (m, h, w, d) inputs, in training mode (the
// batch statistics depend on X) and in evaluation mode (the running ones), and in its placements
// after Dense and after Convolution, where the gradients of W and b go through its backward.
import { describe, expect, test } from 'vitest';
import { identity, tanh } from '../../src/activation/functions.js';
import { BatchNormalization, type BatchNormalizationOptions } from '../../src/batchnorm/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Chain } from '../helpers/chain.js';
import { gradcheck } from '../helpers/gradcheck.js';

const randn = (rng: ReturnType<typeof seededRng>, shape: number[], scale = 1, shift = 0): NDArray =>
  new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.standardNormal()), shape);

/** A layer on X with random γ, β and running statistics. */
function layerFor(X: NDArray, options: BatchNormalizationOptions, rng: ReturnType<typeof seededRng>): BatchNormalization {
  const layer = new BatchNormalization(options);
  layer.computeShapes(X);
  layer.initializeParameters();
  const n = X.shape[X.ndim - 1];
  if (layer.scale) layer.p.gamma = new NDArray(Float64Array.from({ length: n }, () => 0.5 + rng.uniform()), [n]);
  if (layer.center) layer.p.beta = new NDArray(Float64Array.from({ length: n }, () => rng.uniform() - 0.5), [n]);
  layer.p.mean = new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), [n]);
  layer.p.var = new NDArray(Float64Array.from({ length: n }, () => 0.5 + rng.uniform()), [n]);
  return layer;
}

const shapes = [[6, 4], [3, 2], [3, 4, 5, 3], [1, 3, 3, 2], [2, 2, 3, 5]];
const options: BatchNormalizationOptions[] = [{}, { center: false }, { scale: false }, { center: false, scale: false, epsilon: 1e-2 }];

describe('BatchNormalization gradients match finite differences', () => {
  shapes.forEach((shape, si) => {
    options.forEach((opts, oi) => {
      for (const training of [true, false]) {
        test(`X ${JSON.stringify(shape)} ${JSON.stringify(opts)} ${training ? 'training' : 'evaluation'}`, () => {
          const rng = seededRng(10 * si + oi + (training ? 100 : 0));
          const X = randn(rng, shape, 2, 0.7);
          const layer = layerFor(X, opts, rng);
          layer.training = training;
          const keys = Object.keys(layer.p).filter((k) => k === 'gamma' || k === 'beta');
          const { checked, maxRel } = gradcheck(layer, X, rng, { params: keys });
          const n = shape[shape.length - 1];
          expect(checked).toBe(X.size + keys.length * n);
          expect(maxRel).toBeLessThan(1e-6);
        });
      }
    });
  });

  test('two samples (x̂ = ±√(σ²/(σ² + ε)): the gradient of X is of the order of ε, here a large one)', () => {
    const rng = seededRng(8);
    const X = randn(rng, [2, 3], 2);
    const layer = layerFor(X, { epsilon: 0.5 }, rng);
    layer.training = true;
    const { maxRel } = gradcheck(layer, X, rng, { params: ['gamma', 'beta'] });
    expect(maxRel).toBeLessThan(1e-6);
  });

  test('the check catches a backward that ignores the batch statistics (training)', () => {
    const rng = seededRng(7);
    const X = randn(rng, [5, 3]);
    const layer = layerFor(X, {}, rng);
    layer.training = true;
    const forward = layer.forward.bind(layer);
    layer.forward = (A: NDArray): NDArray => {
      const out = forward(A);
      layer.batchStats = false; // backward as if μ and σ² were constants
      return out;
    };
    expect(() => gradcheck(layer, X, rng, { params: ['gamma', 'beta'] })).toThrow(/analytic .* vs numeric/);
  });
});

describe('BatchNormalization in its placements', () => {
  test('after Dense (tanh): dX, dW, db, dγ, dβ through the batch statistics', () => {
    const rng = seededRng(21);
    const X = randn(rng, [7, 5]);
    const chain = new Chain([new Dense({ units: 4, activate: tanh }), new BatchNormalization()]);
    chain.build(X);
    chain.trainingMode = true;
    const { checked, maxRel } = gradcheck(chain, X, rng, { params: ['0.W', '0.b', '1.gamma', '1.beta'] });
    expect(checked).toBe(35 + 20 + 4 + 4 + 4);
    expect(maxRel).toBeLessThan(1e-6);
  });

  test('after Convolution (identity): dX, dW, db, dγ, dβ through the batch statistics per channel', () => {
    const rng = seededRng(22);
    const X = randn(rng, [2, 5, 5, 2]);
    const chain = new Chain([new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: identity }), new BatchNormalization({ momentum: 0.3 })]);
    chain.build(X);
    chain.trainingMode = true;
    const { checked, maxRel } = gradcheck(chain, X, rng, { params: ['0.W', '1.gamma', '1.beta'] });
    expect(checked).toBe(100 + 2 * 2 * 2 * 3 + 3 + 3);
    expect(maxRel).toBeLessThan(1e-6);
    // A bias right before the batch mean is subtracted has no effect: its gradient is 0 (to rounding)
    const db = (chain.layers[0] as Convolution).g.db;
    for (const v of db.data) expect(Math.abs(v)).toBeLessThan(1e-12);
  });
});
