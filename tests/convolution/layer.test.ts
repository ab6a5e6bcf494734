// Layer behaviour outside the fixtures: SGD at the scheduled learning rate, useBias = false,
// seHPars honoured (EpyNN's Convolution drops it), int strides honoured, no mutation of inputs,
// toConfig round trip.
import { describe, expect, test } from 'vitest';
import { lrelu, tanh } from '../../src/activation/functions.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Convolution, type ConvolutionOptions } from '../../src/convolution/models.js';
import { orthogonal, xavier } from '../../src/initialization/functions.js';
import { defaultHPars } from '../../src/settings.js';
import { randn } from '../helpers/random.js';

const rng = seededRng(1);

function step(layer: Convolution, X: NDArray): { W0: Float64Array; b0: Float64Array } {
  layer.computeShapes(X);
  layer.initializeParameters();
  const W0 = layer.p.W.data.slice();
  const b0 = layer.p.b.data.slice();
  const A = layer.forward(X);
  layer.backward(randn(A.shape, rng));
  layer.computeGradients();
  layer.updateParameters();
  return { W0, b0 };
}

describe('updateParameters', () => {
  test('SGD uses lrate[e], not learning_rate', () => {
    const layer = new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: tanh, seHPars: defaultHPars({ learning_rate: 123 }) });
    layer.lrate = [0.5, 0.25, 0.125];
    layer.e = 2;
    const X = randn([2, 4, 4, 2], rng);
    // b starts at zero; db is non-zero (checked below), so the bias update shows in b
    layer.computeShapes(X);
    const { W0, b0 } = step(layer, X);
    const { dW, db } = layer.g;
    expect(db.data.some((v) => v !== 0)).toBe(true);
    layer.p.W.data.forEach((v, i) => expect(v).toBe(W0[i] - 0.125 * dW.data[i]));
    layer.p.b.data.forEach((v, i) => expect(v).toBe(b0[i] - 0.125 * db.data[i]));
  });

  test('trainable = false freezes the parameters', () => {
    const layer = new Convolution({ unitFilters: 2, activate: tanh });
    layer.trainable = false;
    layer.lrate = [0.1];
    const { W0 } = step(layer, randn([1, 6, 6, 1], rng));
    expect([...layer.p.W.data]).toEqual([...W0]);
  });

  test('useBias = false: db is zeros (u,), b stays zero and is not added', () => {
    const layer = new Convolution({ unitFilters: 4, filterSize: 3, strides: 1, padding: 1, useBias: false, activate: tanh });
    layer.lrate = [0.3];
    const X = randn([2, 5, 5, 2], rng);
    step(layer, X);
    expect(layer.g.db.shape).toEqual([4]);
    expect([...layer.g.db.data]).toEqual([0, 0, 0, 0]);
    expect([...layer.p.b.data]).toEqual([0, 0, 0, 0]);
    // even a hand-set b is ignored by forward and never moved
    layer.p.b = new NDArray(Float64Array.of(1, 2, 3, 4), [4]);
    const Z0 = layer.forward(X);
    layer.p.b = zeros([4]);
    expect([...layer.forward(X).data]).toEqual([...Z0.data]);
  });
});

describe('options EpyNN mishandles', () => {
  test('an int strides is honoured (EpyNN silently uses the filter size)', () => {
    const layer = new Convolution({ filterSize: 3, strides: 1 });
    expect([layer.d.sh, layer.d.sw]).toEqual([1, 1]);
    layer.computeShapes(zeros([1, 7, 6, 1]));
    expect([layer.d.oh, layer.d.ow]).toEqual([5, 4]);
    expect(new Convolution({ filterSize: [3, 2] }).toConfig().strides).toEqual([3, 2]); // default
  });

  test('seHPars reach the activation (EpyNN drops se_hPars in Convolution)', () => {
    const layer = new Convolution({ filterSize: 1, activate: lrelu, seHPars: defaultHPars({ LRELU_alpha: 0.05 }) });
    const X = new NDArray(Float64Array.of(-2, 4), [1, 1, 2, 1]);
    layer.computeShapes(X);
    layer.p.W = new NDArray(Float64Array.of(1), [1, 1, 1, 1]);
    layer.p.b = zeros([1]);
    expect([...layer.forward(X).data]).toEqual([-0.1, 4]);
    expect([...layer.backward(NDArray.from([[[[1], [1]]]])).data]).toEqual([0.05, 1]);
  });

  test('padding: output size from the padded input, dX unpadded', () => {
    const layer = new Convolution({ filterSize: 3, strides: 1, padding: 2 });
    const X = randn([1, 4, 5, 2], rng);
    layer.computeShapes(X);
    layer.initializeParameters();
    const A = layer.forward(X);
    expect(A.shape).toEqual([1, 6, 7, 1]);
    expect(layer.backward(randn(A.shape, rng)).shape).toEqual([1, 4, 5, 2]);
  });
});

test('caller arrays are never mutated', () => {
  const layer = new Convolution({ unitFilters: 3, filterSize: [2, 3], strides: [1, 2], padding: 1, activate: tanh });
  const X = randn([3, 5, 6, 2], rng);
  const Xc = X.data.slice();
  layer.computeShapes(X);
  layer.initializeParameters();
  const A = layer.forward(X);
  const dA = randn(A.shape, rng);
  const dAc = dA.data.slice();
  const Wc = layer.p.W.data.slice();
  layer.backward(dA);
  layer.computeGradients();
  expect([...X.data]).toEqual([...Xc]);
  expect([...dA.data]).toEqual([...dAc]);
  expect([...layer.p.W.data]).toEqual([...Wc]);
  expect(layer.fc.X.shape).toEqual([3, 5, 6, 2]);
  expect(Object.keys(layer.fc).sort()).toEqual(['A', 'X', 'Z']);
  expect(Object.keys(layer.bc).sort()).toEqual(['dA', 'dX', 'dZ']);
});

test('toConfig rebuilds an equivalent layer', () => {
  const opts: ConvolutionOptions = { unitFilters: 5, filterSize: 4, strides: 2, padding: 1, activate: tanh, initialization: orthogonal, useBias: false };
  const cfg = new Convolution(opts).toConfig();
  expect(cfg).toEqual({ unitFilters: 5, filterSize: [4, 4], strides: [2, 2], padding: 1, activate: 'tanh', initialization: 'orthogonal', useBias: false });
  const defaults = new Convolution().toConfig();
  expect(defaults).toEqual({ unitFilters: 1, filterSize: [3, 3], strides: [3, 3], padding: 0, activate: 'relu', initialization: 'xavier', useBias: true });
  expect(new Convolution({ initialization: xavier }).initialization).toBe(xavier);
});

describe('identity activation: no copies (EpyNN\'s identity returns its argument)', () => {
  test('A is Z and dZ is dA, with the values of the plain layer; inputs untouched', async () => {
    const { identity } = await import('../../src/activation/functions.js');
    const layer = new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: identity });
    const X = randn([2, 5, 4, 2], rng);
    layer.computeShapes(X);
    layer.initializeParameters();
    const A = layer.forward(X);
    expect(A).toBe(layer.fc.Z);
    expect(layer.fc.A).toBe(layer.fc.Z);
    // Same values as a custom activation that copies (the general path)
    const copying = new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: (x: NDArray) => x.copy() });
    copying.computeShapes(X);
    copying.initializeParameters();
    copying.p.W = layer.p.W.copy();
    copying.p.b = layer.p.b.copy();
    expect(Array.from(copying.forward(X).data)).toEqual(Array.from(A.data));
    const dA = randn(A.shape, rng);
    const dA0 = dA.data.slice();
    const dX = layer.backward(dA);
    expect(layer.bc.dZ).toBe(dA);
    expect(Array.from(dA.data)).toEqual(Array.from(dA0));
    layer.computeGradients();
    // The general path's dZ = dA ⊙ f'(Z) with f' = 1 (the custom activation's derivative is a copy of ones)
    copying.activate = (x: NDArray, deriv?: boolean) => (deriv ? new NDArray(new Float64Array(x.size).fill(1), x.shape) : x.copy());
    copying.forward(X);
    const dXc = copying.backward(dA);
    copying.computeGradients();
    expect(Array.from(dX.data)).toEqual(Array.from(dXc.data));
    expect(Array.from(layer.g.dW.data)).toEqual(Array.from(copying.g.dW.data));
    expect(Array.from(layer.g.db.data)).toEqual(Array.from(copying.g.db.data));
  });
});
