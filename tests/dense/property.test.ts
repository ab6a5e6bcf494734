// Dense: option and shape errors (messages name what is wrong), linearity of backward in dA,
// and toConfig round trip.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { relu, softmax, tanh } from '../../src/activation/functions.js';
import { EpyNNError, ShapeError, StateError } from '../../src/errors.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Dense } from '../../src/dense/models.js';
import { getActivation } from '../../src/activation/functions.js';
import { getInitializer, orthogonal } from '../../src/initialization/functions.js';
import { defaultHPars } from '../../src/settings.js';
import { randn } from '../helpers/random.js';

function built(u: number, n: number, m = 3, opts = {}): { layer: Dense; X: NDArray } {
  const layer = new Dense({ units: u, ...opts });
  const X = randn([m, n], 1);
  layer.computeShapes(X);
  layer.initializeParameters();
  return { layer, X };
}

describe('Dense options', () => {
  test('defaults: units 1, sigmoid, xavier; W (n, u) and b zeros (1, u)', () => {
    const layer = new Dense();
    expect(layer.name).toBe('Dense');
    expect(layer.trainable).toBe(true);
    expect(layer.activation).toEqual({ activate: 'sigmoid' });
    expect(layer.toConfig()).toEqual({ units: 1, activate: 'sigmoid', initialization: 'xavier' });
    layer.computeShapes(zeros([2, 5]));
    layer.initializeParameters();
    expect(layer.p.W.shape).toEqual([5, 1]);
    expect(layer.p.b.shape).toEqual([1, 1]);
    expect(Array.from(layer.p.b.data)).toEqual([0]);
    expect(layer.d).toEqual({ u: 1, m: 2, n: 5 });
  });

  test('toConfig rebuilds an equivalent layer', () => {
    const layer = new Dense({ units: 4, activate: tanh, initialization: orthogonal });
    const cfg = layer.toConfig();
    expect(cfg).toEqual({ units: 4, activate: 'tanh', initialization: 'orthogonal' });
    const again = new Dense({ units: cfg.units, activate: getActivation(cfg.activate), initialization: getInitializer(cfg.initialization) });
    expect(again.toConfig()).toEqual(cfg);
  });

  test('seHPars are copied, not shared', () => {
    const hp = defaultHPars({ LRELU_alpha: 0.01 });
    const layer = new Dense({ seHPars: hp });
    hp.LRELU_alpha = 0.5;
    expect(layer.hPars.LRELU_alpha).toBe(0.01);
  });

  test.each([0, -2, 1.5, NaN, '3'])('units = %s is rejected', (units) => {
    expect(() => new Dense({ units: units as number })).toThrow(EpyNNError);
    expect(() => new Dense({ units: units as number })).toThrow(/Dense: units must be a positive integer, got /);
  });

  test('non-function activate / initialization are rejected', () => {
    expect(() => new Dense({ activate: 'relu' as never })).toThrow(/Dense: activate must be an activation function, got 'relu'/);
    expect(() => new Dense({ initialization: null as never })).toThrow(/Dense: initialization must be an initializer function, got null/);
  });
});

describe('Dense shape errors', () => {
  test('computeShapes and forward need a 2-D input', () => {
    const layer = new Dense({ units: 2 });
    expect(() => layer.computeShapes(zeros([2, 3, 4]))).toThrow(ShapeError);
    expect(() => layer.computeShapes(zeros([2, 3, 4]))).toThrow(/Dense: input A must be a 2-D array \(m, n\), got shape \(2, 3, 4\)/);
    const { layer: l2 } = built(2, 3);
    expect(() => l2.forward(zeros([6]))).toThrow(/Dense: forward input A must be a 2-D array \(m, n\), got shape \(6,\)/);
  });

  test('forward before parameters are set', () => {
    const layer = new Dense({ units: 2 });
    expect(() => layer.forward(zeros([2, 3]))).toThrow(/Dense: forward\(\) called before initializeParameters\(\) \(parameter W is not set\)/);
    expect(() => layer.forward(zeros([2, 3]))).toThrow(StateError);
  });

  test('input width differs from the built W', () => {
    const { layer } = built(2, 3);
    expect(() => layer.forward(zeros([4, 5]))).toThrow(ShapeError);
    expect(() => layer.forward(zeros([4, 5]))).toThrow(/Dense: forward input A has shape \(4, 5\), but W \(3, 2\) was built for n = 3 features/);
  });

  test('input width differs from W set by hand without computeShapes', () => {
    const layer = new Dense({ units: 2 });
    layer.p.W = zeros([3, 2]);
    layer.p.b = zeros([1, 2]);
    expect(() => layer.forward(zeros([4, 5]))).toThrow(/Dense: p.W has shape \(3, 2\), expected \(5, 2\) = \(n, u\)/);
  });

  test('parameters set by hand with the wrong shape', () => {
    const { layer, X } = built(2, 3);
    layer.p.W = zeros([3, 4]);
    expect(() => layer.forward(X)).toThrow(/Dense: p.W has shape \(3, 4\), expected \(3, 2\) = \(n, u\)/);
    layer.p.W = zeros([3, 2]);
    layer.p.b = zeros([2]);
    expect(() => layer.forward(X)).toThrow(/Dense: p.b has shape \(2,\), expected \(1, 2\) = \(1, u\)/);
  });

  test('backward: before forward, wrong dA shape', () => {
    const { layer, X } = built(2, 3, 4);
    expect(() => layer.backward(zeros([4, 2]))).toThrow(/Dense: backward\(\) called before forward\(\)/);
    expect(() => new Dense().backward(zeros([4, 2]))).toThrow(StateError);
    layer.forward(X);
    expect(() => layer.backward(zeros([4, 3]))).toThrow(/Dense: backward input dA must have shape \(4, 2\) = \(m, u\), got \(4, 3\)/);
    expect(() => layer.backward(zeros([3, 2]))).toThrow(/got \(3, 2\)/);
    expect(() => layer.backward(zeros([8]))).toThrow(/got \(8,\)/);
  });

  test('computeGradients before backward', () => {
    const layer = new Dense({ units: 2 });
    expect(() => layer.computeGradients()).toThrow(/Dense: computeGradients\(\) called before forward\(\)/);
    expect(() => layer.computeGradients()).toThrow(StateError);
  });

  test('m comes from each batch, not from the computeShapes batch', () => {
    const { layer } = built(3, 4, 5);
    const A = layer.forward(randn([2, 4], 9));
    expect(A.shape).toEqual([2, 3]);
    expect(layer.backward(randn([2, 3], 10)).shape).toEqual([2, 4]);
    layer.computeGradients();
    expect(layer.g.dW.shape).toEqual([4, 3]);
    expect(layer.g.db.shape).toEqual([1, 3]);
  });
});

describe('Dense properties', () => {
  test('backward is linear in dA: dX(a·dA1 + dA2) = a·dX(dA1) + dX(dA2) (softmax T = 3 too)', () => {
    fcheck.assert(
      fcheck.property(
        fcheck.record({
          m: fcheck.integer({ min: 1, max: 4 }),
          n: fcheck.integer({ min: 1, max: 6 }),
          u: fcheck.integer({ min: 1, max: 5 }),
          act: fcheck.constantFrom(relu, tanh, softmax),
          a: fcheck.double({ min: -3, max: 3, noNaN: true }),
          seed: fcheck.integer({ min: 0, max: 1000 }),
        }),
        ({ m, n, u, act, a, seed }) => {
          const layer = new Dense({ units: u, activate: act, seHPars: defaultHPars({ softmax_temperature: 3 }) });
          const X = randn([m, n], seed);
          layer.computeShapes(X);
          layer.initializeParameters();
          layer.forward(X);
          const d1 = randn([m, u], seed + 1);
          const d2 = randn([m, u], seed + 2);
          const x1 = layer.backward(d1).data.slice();
          const x2 = layer.backward(d2).data.slice();
          const x12 = layer.backward(new NDArray(d1.data.map((v, i) => a * v + d2.data[i]), [m, u])).data;
          return x12.every((v, i) => Math.abs(v - (a * x1[i] + x2[i])) <= 1e-12 * (1 + Math.abs(v)));
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  test('softmax output rows sum to one; dZ rows sum to zero (softmax is shift-invariant)', () => {
    const { layer, X } = built(4, 3, 5, { activate: softmax, seHPars: defaultHPars({ softmax_temperature: 2 }) });
    const A = layer.forward(X);
    for (let i = 0; i < 5; i++) expect(A.data.slice(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    layer.backward(randn([5, 4], 3));
    for (let i = 0; i < 5; i++) expect(Math.abs(layer.bc.dZ.data.slice(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0))).toBeLessThan(1e-14);
  });
});
