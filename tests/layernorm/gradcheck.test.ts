// LayerNormalization backward and computeGradients against central differences of L = Σ A ⊙ R
// (tests/helpers/gradcheck.ts): alone over the last axis and the last three, and in its placements
// after Dense and after Convolution.
import { describe, expect, test } from 'vitest';
import { identity, tanh } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { LayerNormalization, type LayerNormalizationOptions } from '../../src/layernorm/models.js';
import { Chain } from '../helpers/chain.js';
import { gradcheck } from '../helpers/gradcheck.js';

const randn = (rng: ReturnType<typeof seededRng>, shape: number[], scale = 1, shift = 0): NDArray =>
  new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.standardNormal()), shape);

function layerFor(X: NDArray, options: LayerNormalizationOptions, rng: ReturnType<typeof seededRng>): LayerNormalization {
  const layer = new LayerNormalization(options);
  layer.computeShapes(X);
  layer.initializeParameters();
  if (layer.scale) layer.p.gamma = new NDArray(layer.p.gamma.data.map(() => 0.5 + rng.uniform()), layer.p.gamma.shape);
  if (layer.center) layer.p.beta = new NDArray(layer.p.beta.data.map(() => rng.uniform() - 0.5), layer.p.beta.shape);
  return layer;
}

const cases: [number[], LayerNormalizationOptions][] = [
  [[4, 5], {}],
  [[3, 3], { center: false }],
  [[3, 6], { scale: false, epsilon: 1e-3 }],
  [[2, 4, 3], {}],
  [[2, 3, 4, 3], {}],
  [[2, 3, 4, 3], { axis: [-3, -2, -1] }],
  [[1, 2, 3, 2], { axis: [-3, -2, -1], center: false }],
  [[3, 2, 2, 4], { axis: [-3, -2, -1], center: false, scale: false }],
];

describe('LayerNormalization gradients match finite differences', () => {
  cases.forEach(([shape, opts], ci) => {
    test(`X ${JSON.stringify(shape)} ${JSON.stringify(opts)}`, () => {
      const rng = seededRng(300 + ci);
      const X = randn(rng, shape, 2, 0.7);
      const layer = layerFor(X, opts, rng);
      const { checked, maxRel } = gradcheck(layer, X, rng);
      const k = opts.axis === undefined ? 1 : 3;
      const n = shape.slice(shape.length - k).reduce((a, b) => a * b, 1);
      expect(checked).toBe(X.size + Object.keys(layer.p).length * n);
      expect(maxRel).toBeLessThan(1e-6);
    });
  });

  test('the check catches a backward without the path through μ and σ²', () => {
    const rng = seededRng(9);
    const X = randn(rng, [3, 4]);
    const layer = layerFor(X, {}, rng);
    const backward = layer.backward.bind(layer);
    layer.backward = (dA: NDArray): NDArray => {
      backward(dA);
      const inv = layer.fc.var.data.map((v) => 1 / Math.sqrt(v + layer.epsilon));
      return new NDArray(layer.bc.dXh.data.map((v, i) => v * inv[Math.floor(i / 4)]), dA.shape);
    };
    expect(() => gradcheck(layer, X, rng)).toThrow(/analytic .* vs numeric/);
  });
});

describe('LayerNormalization in its placements', () => {
  test('after Dense (tanh)', () => {
    const rng = seededRng(31);
    const X = randn(rng, [4, 5]);
    const chain = new Chain([new Dense({ units: 4, activate: tanh }), new LayerNormalization()]);
    chain.build(X);
    const { checked, maxRel } = gradcheck(chain, X, rng, { params: ['0.W', '0.b', '1.gamma', '1.beta'] });
    expect(checked).toBe(20 + 20 + 4 + 4 + 4);
    expect(maxRel).toBeLessThan(1e-6);
  });

  test('after Convolution (identity), over the last three axes', () => {
    const rng = seededRng(32);
    const X = randn(rng, [2, 4, 4, 2]);
    const chain = new Chain([new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: identity }), new LayerNormalization({ axis: [-3, -2, -1] })]);
    chain.build(X);
    const { checked, maxRel } = gradcheck(chain, X, rng, { params: ['0.W', '0.b', '1.gamma', '1.beta'] });
    expect(checked).toBe(64 + 24 + 3 + 27 + 27);
    expect(maxRel).toBeLessThan(1e-6);
  });

  test('after Convolution (tanh), over the channels of each position', () => {
    const rng = seededRng(33);
    const X = randn(rng, [2, 4, 4, 2]);
    const chain = new Chain([new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: tanh }), new LayerNormalization()]);
    chain.build(X);
    const { checked, maxRel } = gradcheck(chain, X, rng, { params: ['0.W', '0.b', '1.gamma', '1.beta'] });
    expect(checked).toBe(64 + 24 + 3 + 3 + 3);
    expect(maxRel).toBeLessThan(1e-6);
  });
});
