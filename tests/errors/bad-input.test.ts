// The bad-input table (issues #12 items 3, 4, 6): every public entry point with its bad inputs, each
// asserting the error class docs/ERRORS.md assigns and the message (the entry point, the argument,
// what was expected, the value received — NaN/Infinity as such, strings quoted, shapes as given).
// No training loops of significance: the models train for 1–2 epochs on a dozen samples.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  Convolution, Dense, Dropout, EpyNN, EpyNNError, Embedding, FileWriteError, Flatten, GRU, LSTM, ModelFileError, NDArray,
  NonFiniteError, Pooling, RNN, ShapeError, StateError, add, argmax, array, defaultHPars, dot, evaluateMetric, full,
  lineChartSVG, lossFunctions, metricsFunctions, modelFromJSON, ones, parseModelJSON, plotSVG, relu, reshape,
  scheduleLrate, seHPars, sumAxis0, terminalChart, toTFJS, fromTFJS, transpose, zeros,
} from '../../src/index.js';
import { readModel } from '../../src/node/index.js';
import { show } from '../../src/commons/checks.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;
type Case = [name: string, f: () => unknown, type: ErrorClass, ...parts: (string | RegExp)[]];
const cases: Case[] = [];
const add_ = (...c: Case): void => void cases.push(c);

// A little data and a few models, built lazily (each at most 2 epochs on 12 samples)
const X = Array.from({ length: 12 }, (_, i) => [i % 3, (i * 7) % 5, i % 2]);
const Y = Array.from({ length: 12 }, (_, i) => i % 2);
const dense = (): EpyNN => new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()], 'bad');
let trained: EpyNN | undefined;
const trainedDense = (): EpyNN => (trained ??= dense().train({ epochs: 1, quiet: true, initLogs: false }));
const images = (n: number, s: number): number[][][][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: s }, (_, r) => Array.from({ length: s }, (_, c) => [((i + r * c) % 5) / 5])));
let conv: EpyNN | undefined;
const convModel = (): EpyNN =>
  (conv ??= new EpyNN(
    [new Embedding({ XData: images(8, 6), YData: Array.from({ length: 8 }, (_, i) => i % 2) }), new Convolution({ unitFilters: 2, filterSize: 2 }), new Flatten(), new Dense()],
    'conv',
  ).train({ epochs: 1, quiet: true, initLogs: false }));

// ---------------------------------------------------------------------------------------------
// Option values of every layer: [layer, option, bad value, expected class, message]
const NOT_FINITE = [NaN, Infinity, -Infinity];
const POSITIVE_INT_BAD: unknown[] = [0, -1, 1.5, '3', null, true, [2], ...NOT_FINITE];
const layerCtors: Record<string, (o: object) => unknown> = {
  Dense: (o) => new Dense(o as never),
  Convolution: (o) => new Convolution(o as never),
  RNN: (o) => new RNN(o as never),
  LSTM: (o) => new LSTM(o as never),
  GRU: (o) => new GRU(o as never),
};
const intOptions: [string, string][] = [['Dense', 'units'], ['Convolution', 'unitFilters'], ['RNN', 'unitCells'], ['LSTM', 'unitCells'], ['GRU', 'unitCells']];
for (const [layer, option] of intOptions) {
  for (const bad of POSITIVE_INT_BAD) {
    const type = typeof bad === 'number' && !Number.isFinite(bad) ? NonFiniteError : EpyNNError;
    add_(`${layer} ${option}: ${show(bad)}`, () => layerCtors[layer]({ [option]: bad }), type, `${layer}: ${option} must be a positive integer, got ${show(bad)}`);
  }
}
const fnOptions: [string, string, string][] = [
  ['Dense', 'activate', 'an activation function'], ['Dense', 'initialization', 'an initializer function'],
  ['Convolution', 'activate', 'an activation function'], ['Convolution', 'initialization', 'an initializer function'],
  ['RNN', 'activate', 'an activation function'], ['RNN', 'initialization', 'an initializer function'],
  ['LSTM', 'activateOutput', 'an activation function'], ['LSTM', 'activateForget', 'an activation function'],
  ['GRU', 'activateReset', 'an activation function'], ['GRU', 'activateUpdate', 'an activation function'],
];
for (const [layer, option, what] of fnOptions) {
  for (const bad of ['relu', 3, null]) {
    add_(`${layer} ${option}: ${show(bad)}`, () => layerCtors[layer]({ [option]: bad }), EpyNNError, `${layer}: ${option} must be ${what}, got ${show(bad)}`);
  }
}
for (const [layer, option] of [['Convolution', 'useBias'], ['RNN', 'sequences'], ['RNN', 'clipGradients'], ['LSTM', 'sequences'], ['GRU', 'clipGradients']]) {
  for (const bad of [1, 'yes', null]) {
    add_(`${layer} ${option}: ${show(bad)}`, () => layerCtors[layer]({ [option]: bad }), EpyNNError, `${layer}: ${option} must be a boolean, got ${show(bad)}`);
  }
}
for (const [layer, option, make] of [
  ['Convolution', 'filterSize', (v: unknown) => new Convolution({ filterSize: v as never })],
  ['Convolution', 'strides', (v: unknown) => new Convolution({ strides: v as never })],
  ['Pooling', 'poolSize', (v: unknown) => new Pooling({ poolSize: v as never })],
  ['Pooling', 'strides', (v: unknown) => new Pooling({ strides: v as never })],
] as const) {
  for (const bad of [0, -2, 1.5, [2, 0], [2], [2, 2, 2], [2, '2'], '2', NaN]) {
    add_(`${layer} ${option}: ${show(bad)}`, () => make(bad), EpyNNError, `${layer}: ${option} must be a positive integer or [h, w] of positive integers, got ${show(bad)}`);
  }
}
for (const bad of [-1, 0.5, '1', NaN, Infinity]) {
  const type = typeof bad === 'number' && !Number.isFinite(bad) ? NonFiniteError : EpyNNError;
  add_(`Convolution padding: ${show(bad)}`, () => new Convolution({ padding: bad as never }), type, `Convolution: padding must be a non-negative integer, got ${show(bad)}`);
}
for (const bad of ['avg', 'MAX', 3, null]) {
  add_(`Pooling pool: ${show(bad)}`, () => new Pooling({ pool: bad as never }), EpyNNError, `Pooling: pool must be one of 'max', 'min', 'mean', got ${show(bad)}`);
}
add_('Pooling pool near-miss', () => new Pooling({ pool: 'maxx' as never }), EpyNNError, "did you mean 'max'?");
for (const bad of [1, 1.5, -0.1, '0.5', null]) {
  add_(`Dropout dropProb: ${show(bad)}`, () => new Dropout({ dropProb: bad as never }), EpyNNError, `Dropout: dropProb must be a number in [0, 1), got ${show(bad)}`);
}
add_('Dropout dropProb: NaN', () => new Dropout({ dropProb: NaN }), NonFiniteError, 'Dropout: dropProb must be a number in [0, 1), got NaN');
for (const bad of [[1.5], ['1'], 0.5, 'x']) {
  add_(`Dropout axis: ${show(bad)}`, () => new Dropout({ axis: bad as never }), EpyNNError, `Dropout: axis must be an integer or an array of integers, got ${show(bad)}`);
}

// Layer seHPars (EpyNN's keys and values)
const HPARS_BAD: [string, unknown, ErrorClass, string][] = [
  ['learning_rate', NaN, NonFiniteError, 'learning_rate must be a finite number, got NaN'],
  ['learning_rate', Infinity, NonFiniteError, 'learning_rate must be a finite number, got Infinity'],
  ['learning_rate', '0.1', EpyNNError, "learning_rate must be a number, got '0.1'"],
  ['learning_rate', -0.1, EpyNNError, 'learning_rate must be > 0, got -0.1'],
  ['learning_rate', 0, EpyNNError, 'learning_rate must be > 0, got 0'],
  ['learning_rate', null, EpyNNError, 'learning_rate must be a number, got null'],
  ['LRELU_alpha', NaN, NonFiniteError, 'LRELU_alpha must be a finite number, got NaN'],
  ['ELU_alpha', -Infinity, NonFiniteError, 'ELU_alpha must be a finite number, got -Infinity'],
  ['softmax_temperature', 0, EpyNNError, 'softmax_temperature must be > 0, got 0'],
  ['softmax_temperature', NaN, NonFiniteError, 'softmax_temperature must be a finite number, got NaN'],
  ['schedule', 'cosine', EpyNNError, "schedule must be one of 'steady', 'exp_decay', 'lin_decay', got 'cosine'"],
  ['schedule', 'exp-decay', EpyNNError, "schedule must be one of 'steady', 'exp_decay', 'lin_decay', got 'exp-decay' — did you mean 'exp_decay'?"],
  ['decay_k', -1, EpyNNError, 'decay_k must be >= 0, got -1'],
  ['cycle_descent', NaN, NonFiniteError, 'cycle_descent must be a finite number, got NaN'],
  ['cycle_epochs', 1.5, EpyNNError, 'cycle_epochs must be a non-negative integer, got 1.5'],
  ['learningRate', 0.1, EpyNNError, "unknown seHPars key 'learningRate' — did you mean 'learning_rate'?"],
  ['lr', 0.1, EpyNNError, "unknown seHPars key 'lr'"],
];
for (const [key, value, type, message] of HPARS_BAD) {
  add_(`Dense seHPars.${key}: ${show(value)}`, () => new Dense({ seHPars: { [key]: value } as never }), type, `Dense: seHPars: ${message}`.replace('seHPars: unknown', 'unknown'));
  add_(`initialize seHPars.${key}: ${show(value)}`, () => dense().initialize({ quiet: true, seHPars: { [key]: value } as never }), type, message);
}
add_('Dense seHPars: 5', () => new Dense({ seHPars: 5 as never }), EpyNNError, 'Dense: seHPars must be an object, got 5');
add_('train after seHPars mutated to NaN', () => {
  const m = dense().initialize({ quiet: true });
  m.seHPars.learning_rate = NaN;
  return m.train({ epochs: 1, quiet: true });
}, NonFiniteError, 'EpyNN.train: Embedding: seHPars: learning_rate must be a finite number, got NaN');

// ---------------------------------------------------------------------------------------------
// Layer methods: out of order, wrong shapes, sizes
const built = <L extends { computeShapes(A: NDArray): void; initializeParameters(): void }>(layer: L, A: NDArray): L => {
  layer.computeShapes(A);
  layer.initializeParameters();
  return layer;
};
for (const [name, make, A, dA] of [
  ['Dense', () => new Dense(), zeros([2, 3]), zeros([2, 1])],
  ['Convolution', () => new Convolution(), zeros([1, 4, 4, 1]), zeros([1, 1, 1, 1])],
  ['Pooling', () => new Pooling(), zeros([1, 4, 4, 1]), zeros([1, 2, 2, 1])],
  ['Dropout', () => new Dropout(), zeros([2, 3]), zeros([2, 3])],
  ['Flatten', () => new Flatten(), zeros([2, 3, 2]), zeros([2, 6])],
  ['RNN', () => new RNN(), zeros([2, 3, 4]), zeros([2, 1])],
  ['LSTM', () => new LSTM(), zeros([2, 3, 4]), zeros([2, 1])],
  ['GRU', () => new GRU(), zeros([2, 3, 4]), zeros([2, 1])],
] as const) {
  add_(`${name}.backward before forward`, () => built(make(), A).backward(dA), StateError, `${name}: backward() called before forward()`);
}
for (const [name, make] of [['Dense', () => new Dense()], ['Convolution', () => new Convolution()], ['RNN', () => new RNN()], ['LSTM', () => new LSTM()], ['GRU', () => new GRU()]] as const) {
  add_(`${name}.initializeParameters before computeShapes`, () => make().initializeParameters(), StateError, `${name}: initializeParameters() called before computeShapes()`);
}
add_('Dense.forward before initializeParameters', () => new Dense().forward(zeros([2, 3])), StateError, 'Dense: forward() called before initializeParameters() (parameter W is not set)');
add_('Convolution.forward before computeShapes', () => new Convolution().forward(zeros([1, 4, 4, 1])), StateError, 'Convolution: forward() called before computeShapes()');
add_('RNN.forward before initializeParameters', () => new RNN().forward(zeros([2, 3, 4])), StateError, 'RNN: forward() called before initializeParameters() (parameter U is not set)');
add_('Dense.computeGradients first', () => new Dense().computeGradients(), StateError, 'Dense: computeGradients() called before forward()');
add_('Convolution.computeGradients before backward', () => {
  const c = built(new Convolution(), zeros([1, 4, 4, 1]));
  c.forward(zeros([1, 4, 4, 1]));
  c.computeGradients();
}, StateError, 'Convolution: computeGradients() called before backward()');
add_('RNN.computeGradients before backward', () => {
  const r = built(new RNN(), zeros([2, 3, 4]));
  r.forward(zeros([2, 3, 4]));
  r.computeGradients();
}, StateError, 'RNN: computeGradients() called before backward()');
add_('Dense.computeShapes 3-D', () => new Dense().computeShapes(zeros([2, 3, 4])), ShapeError, 'Dense: input A must be a 2-D array (m, n), got shape (2, 3, 4)');
add_('Dense.forward width changed', () => built(new Dense(), zeros([2, 3])).forward(zeros([2, 5])), ShapeError, 'Dense: forward input A has shape (2, 5), but W (3, 1) was built for n = 3 features');
add_('Dense.backward dA shape', () => {
  const d = built(new Dense({ units: 2 }), zeros([4, 3]));
  d.forward(zeros([4, 3]));
  d.backward(zeros([4, 3]));
}, ShapeError, 'Dense: backward input dA must have shape (4, 2) = (m, u), got (4, 3)');
add_('Convolution.computeShapes 3-D', () => new Convolution().computeShapes(zeros([2, 5, 5])), ShapeError, 'Convolution: computeShapes: A must be 4-D (m, h, w, d), got shape (2, 5, 5)');
add_('Convolution filter larger than input', () => new Convolution({ filterSize: 4 }).computeShapes(zeros([1, 3, 3, 1])), ShapeError, 'is larger than the padded input');
add_('Convolution huge padding (32-bit offsets)', () => new Convolution({ padding: 1e9 }).computeShapes(zeros([1, 4, 4, 1])), ShapeError, 'Convolution: computeShapes: padded input (m, h + 2p, w + 2p, d) with padding 1000000000 of shape (1, 2000000004, 2000000004, 1)', 'more than the 2147483640 an array may hold');
add_('Convolution 1e9 filters', () => new Convolution({ unitFilters: 1e9 }).computeShapes(zeros([1, 4, 4, 1])), ShapeError, 'Convolution: computeShapes: filters W (fh, fw, d, u) of shape (3, 3, 1, 1000000000) would hold 9.000e+9 values');
add_('Dense 1e6 units on 1e4 features', () => new Dense({ units: 1e6 }).computeShapes(zeros([1, 10000])), ShapeError, 'Dense: weights W (n, u) of shape (10000, 1000000) would hold 1.000e+10 values');
add_('RNN 1e5 units', () => new RNN({ unitCells: 1e5 }).computeShapes(zeros([1, 2, 3])), ShapeError, 'RNN: V of shape (100000, 100000)');
add_('Pooling 3-D', () => new Pooling().forward(zeros([2, 4, 4])), ShapeError, 'Pooling: input X must be 4-D (m, h, w, d), got shape (2, 4, 4)');
add_('Pooling larger than input', () => new Pooling({ poolSize: 5 }).forward(zeros([1, 4, 4, 1])), ShapeError, 'Pooling: poolSize [5, 5] is larger than the input');
add_('Dropout axis out of range', () => new Dropout({ axis: 5 }).computeShapes(zeros([2, 2])), EpyNNError, 'Dropout: axis 5 is out of range');
add_('RNN 2-D input', () => new RNN().computeShapes(zeros([2, 3])), ShapeError, 'RNN: input X must be 3-D (m, s, e)');
add_('LSTM zero steps', () => new LSTM().computeShapes(zeros([2, 0, 3])), ShapeError, 'LSTM: input X must have at least one step');
add_('GRU width changed', () => built(new GRU(), zeros([2, 3, 4])).forward(zeros([2, 3, 5])), ShapeError, 'GRU: input X of shape (2, 3, 5) has e = 5 elements per step');
const wrongShape = Object.assign((x: NDArray) => zeros([x.shape[0], 7]), { displayName: 'wrongShape' });
add_('Dense custom activation changes the shape', () => built(new Dense({ units: 2, activate: wrongShape }), zeros([3, 4])).forward(zeros([3, 4])), ShapeError, 'Dense: forward: activation activate returned shape (3, 7), expected an NDArray of its input\'s shape (3, 2)');
add_('Convolution custom activation returns a number', () => built(new Convolution({ activate: (() => 3) as never }), zeros([1, 3, 3, 1])).forward(zeros([1, 3, 3, 1])), ShapeError, 'Convolution: forward: activation activate returned 3');
add_('RNN custom activation changes the shape', () => built(new RNN({ activate: wrongShape }), zeros([2, 3, 4])).forward(zeros([2, 3, 4])), ShapeError, "RNN: activate must return an array of the input's shape");

// ---------------------------------------------------------------------------------------------
// NDArray and array functions
add_('new NDArray(data, 2)', () => new NDArray(new Float64Array(2), 2 as never), ShapeError, 'NDArray: shape must be an array of non-negative integers, got 2');
add_('new NDArray(array, shape)', () => new NDArray([1, 2] as never, [2]), EpyNNError, 'NDArray: data must be a Float64Array, got [1, 2]');
add_("new NDArray shape [2, '2']", () => new NDArray(new Float64Array(4), [2, '2'] as never), ShapeError, "NDArray: shape must hold non-negative integers, got [2, '2']");
add_('new NDArray shape [-1, 2]', () => new NDArray(new Float64Array(4), [-1, 2]), ShapeError, 'got [-1, 2]');
add_('new NDArray shape [NaN]', () => new NDArray(new Float64Array(1), [NaN]), ShapeError, 'got [NaN]');
add_('new NDArray size mismatch', () => new NDArray(new Float64Array(3), [2, 2]), ShapeError, 'NDArray: cannot make an array of shape (2, 2) from 3 values');
add_('zeros([-1])', () => zeros([-1]), ShapeError, 'zeros: shape must hold non-negative integers, got [-1]');
add_('zeros([1e5, 1e5])', () => zeros([1e5, 1e5]), ShapeError, 'zeros: an array of shape (100000, 100000) would hold 1.000e+10 values');
add_('zeros(5)', () => zeros(5 as never), ShapeError, 'zeros: shape must be an array of non-negative integers, got 5');
add_('zeros([1.5])', () => zeros([1.5]), ShapeError, 'got [1.5]');
add_("zeros(['3'])", () => zeros(['3'] as never), ShapeError, "got ['3']");
add_('ones([Infinity])', () => ones([Infinity]), ShapeError, 'full: shape must hold non-negative integers, got [Infinity]');
add_('full([2], "1")', () => full([2], '1' as never), EpyNNError, "full: value must be a number, got '1'");
add_('full([3e9])', () => full([3e9], 0), ShapeError, 'full: an array of shape (3000000000,) would hold');
add_('reshape mismatch', () => reshape(zeros([2, 3]), [4]), ShapeError, 'reshape: cannot reshape array of size 6 into shape (4,)');
add_('add shapes', () => add(zeros([2]), zeros([3])), ShapeError, 'add: operands could not be broadcast together with shapes (2,) (3,)');
add_('dot not aligned', () => dot(zeros([2, 3]), zeros([2, 3])), ShapeError, 'dot: shapes (2, 3) and (2, 3) not aligned');
add_('dot 1-D', () => dot(zeros([2]), zeros([2, 3])), ShapeError, 'dot: expected 2-D arrays');
add_('transpose 3-D', () => transpose(zeros([1, 2, 3])), ShapeError, 'transpose: expected a 2-D array, got shape (1, 2, 3)');
add_('argmax 1-D', () => argmax(zeros([3])), ShapeError, 'argmax: expected a 2-D array, got shape (3,)');
add_('array ragged', () => array([[1, 2], [3]]), ShapeError, 'array: ragged nested array at [1]: expected length 2, got length 1');
add_('array strings', () => array([['a']] as never), EpyNNError, "array: expected numbers, got 'a' at [0][0]");

// ---------------------------------------------------------------------------------------------
// Embedding data
const emb = (o: object) => () => new Embedding(o as never);
add_('XData: 5', emb({ XData: 5 }), EpyNNError, 'Embedding: XData must be an array of samples (nested arrays of numbers, an NDArray, or an array of NDArrays), got 5');
add_("XData: 'abc'", emb({ XData: 'abc' }), EpyNNError, "XData must be an array of samples (nested arrays of numbers, an NDArray, or an array of NDArrays), got 'abc'");
add_('XData: {}', emb({ XData: {} }), EpyNNError, 'got an object');
add_('XData: null', emb({ XData: null }), EpyNNError, 'got null');
add_('XData: []', emb({ XData: [] }), EpyNNError, 'Embedding: XData is empty (no samples)');
add_('XData: 0-d NDArray', emb({ XData: array(3) }), EpyNNError, 'Embedding: XData must be an array of samples, got the single number 3');
add_('XData NaN', emb({ XData: [[1, 2], [3, NaN]] }), NonFiniteError, 'Embedding: XData must hold finite numbers, got NaN at XData[1, 1]');
add_('XData Infinity', emb({ XData: [[1, Infinity]] }), NonFiniteError, 'got Infinity at XData[0, 1]');
add_('XData -Infinity in an NDArray', emb({ XData: array([[[0, 1]], [[-Infinity, 2]]]) }), NonFiniteError, 'got -Infinity at XData[1, 0, 0]');
add_('XData NaN in an array of NDArrays', emb({ XData: [array([1, 2]), array([NaN, 2])] }), NonFiniteError, 'got NaN at XData[1, 0]');
add_('XData NDArrays of two shapes', emb({ XData: [array([1, 2]), array([1, 2, 3])] }), ShapeError, 'Embedding: XData[1] has shape (3,), but XData[0] has shape (2,)');
add_('XData ragged', emb({ XData: [[1, 2], [3]] }), EpyNNError, 'Embedding: XData must be numeric with one shape for every sample: array: ragged nested array');
add_('XData strings without XEncode', emb({ XData: [['a', 'b']] }), EpyNNError, "Embedding: XData must be numeric with one shape for every sample: array: expected numbers, got 'a' at [0][0]");
add_('YData NaN', emb({ XData: X, YData: [...Y.slice(0, 11), NaN] }), NonFiniteError, 'Embedding: YData must hold finite numbers, got NaN at YData[11]');
add_('YData Infinity one-hot', emb({ XData: [[1], [2]], YData: [[1, 0], [0, Infinity]] }), NonFiniteError, 'got Infinity at YData[1, 1]');
add_('YData count', emb({ XData: X, YData: [0, 1] }), EpyNNError, 'Embedding: XData and YData must have the same number of samples, got 12 and 2');
add_('YData: 5', emb({ XData: X, YData: 5 }), EpyNNError, 'Embedding: YData must be an array of samples (nested arrays of numbers, an NDArray, or an array of NDArrays), got 5');
add_('YData 3-D', emb({ XData: [[1], [2]], YData: [[[1]], [[0]]] }), EpyNNError, 'Embedding: YData must be (N,) labels or (N, k) one-hot, got 3-D');
add_('YData without XData', emb({ YData: [1] }), EpyNNError, 'Embedding: YData given without XData');
add_('YEncode labels not 0..k-1', emb({ XData: [[1], [2]], YData: [1, 2], YEncode: true }), EpyNNError, 'YEncode needs labels 0..1 (2 distinct labels), got 2');
add_('YEncode one-hot input', emb({ XData: [[1], [2]], YData: [[1, 0], [0, 1]], YEncode: true }), ShapeError, 'YEncode expects 1-D labels of shape (N,), got (2, 2)');
add_('XScale constant', emb({ XData: [[1, 1], [1, 1]], XScale: true }), EpyNNError, 'XScale needs at least two distinct feature values');
add_('XEncode with numbers', emb({ XData: [1, 2], XEncode: true }), EpyNNError, 'with XEncode each sample must be a string or an array of strings/numbers; sample 0 is 1');
add_('XEncode XData: 5', emb({ XData: 5, XEncode: true }), EpyNNError, 'XData must be an array of samples (strings or arrays of elements) with XEncode, got 5');
add_('XEncode ragged', emb({ XData: ['ab', 'abc'], XEncode: true }), ShapeError, 'ragged sequences: sample 0 has length 2, sample 1 has length 3');
add_('XEncode mixed', emb({ XData: [['a', 1]], XEncode: true }), EpyNNError, "cannot sort a mix of strings and numbers");
for (const bad of [[1, 1], [1, 1, -1], [1, NaN, 0], 'abc', [0, 0, 0]]) {
  add_(`relativeSize ${show(bad)}`, emb({ XData: X, relativeSize: bad }), EpyNNError, `Embedding: relativeSize must ${JSON.stringify(bad) === '[0,0,0]' ? 'not be all zero' : 'be three non-negative numbers [train, val, test]'}, got ${show(bad)}`);
}
for (const bad of [0, 1.5, '4', NaN, -2]) {
  add_(`batchSize ${show(bad)}`, emb({ XData: X, batchSize: bad }), EpyNNError, `Embedding: batchSize must be an integer >= 1 (or undefined for one batch), got ${show(bad)}`);
}
add_('batchSize larger than dtrain', emb({ XData: X, YData: Y, batchSize: 100 }), EpyNNError, 'Embedding: batchSize 100 is larger than dtrain (8 samples)');
for (const [k, bad] of [['XEncode', 'yes'], ['YEncode', 1], ['XScale', null]] as const) {
  add_(`${k} ${show(bad)}`, emb({ XData: X, [k]: bad }), EpyNNError, `Embedding: ${k} must be a boolean, got ${show(bad)}`);
}

// ---------------------------------------------------------------------------------------------
// The network: constructor, initialize, train, predict, write, plot
add_('EpyNN no layers', () => new EpyNN([]), EpyNNError, 'EpyNN: layers must be a non-empty array of layers');
add_('EpyNN layers: 5', () => new EpyNN(5 as never), EpyNNError, 'EpyNN: layers must be a non-empty array of layers');
add_('EpyNN first not Embedding', () => new EpyNN([new Dense()]), EpyNNError, 'EpyNN: the first layer must be an Embedding (the data layer), got Dense');
add_('EpyNN layer twice', () => { const d = new Dense(); return new EpyNN([new Embedding(), d, d]); }, EpyNNError, 'EpyNN: the same layer object appears twice in layers');
add_('EpyNN non-layer', () => new EpyNN([new Embedding(), {} as never]), EpyNNError, 'layers[1]');
const init = (o: object) => () => dense().initialize({ quiet: true, ...o } as never);
add_("loss 'XX'", init({ loss: 'XX' }), EpyNNError, "loss 'XX' is unknown; known losses: MSE, MAE, MSLE, CCE, BCE");
add_('loss 3', init({ loss: 3 }), EpyNNError, "EpyNN.initialize: loss must be a loss name such as 'MSE', got 3");
add_('CCE with sigmoid', init({ loss: 'CCE' }), EpyNNError, 'CCE can not be used with sigmoid activation');
add_("metrics 'accuracy'", init({ metrics: 'accuracy' }), EpyNNError, "EpyNN.initialize: metrics must be an array of names, got 'accuracy'");
add_('metrics [3]', init({ metrics: [3] }), EpyNNError, 'EpyNN.initialize: metrics must be an array of names, got 3 in [3]');
add_("metrics ['acc']", init({ metrics: ['acc'] }), EpyNNError, "EpyNN.initialize: unknown metric 'acc'; known:");
add_("metrics ['toString']", init({ metrics: ['toString'] }), EpyNNError, "unknown metric 'toString'");
for (const bad of [1.5, 'a', NaN, null]) {
  add_(`seed ${show(bad)}`, init({ seed: bad }), EpyNNError, `EpyNN.initialize: seed must be an integer (or undefined for a random seed), got ${show(bad)}`);
}
add_("compat 'x'", init({ compat: 'x' }), EpyNNError, "EpyNN.initialize: compat must be 'epynn' or undefined, got 'x'");
add_('params 1', init({ params: 1 }), EpyNNError, 'EpyNN.initialize: params must be a boolean, got 1');
add_("quiet 'yes'", init({ quiet: 'yes' }), EpyNNError, "EpyNN.initialize: quiet must be a boolean, got 'yes'");
add_('seHPars: []', init({ seHPars: [] }), EpyNNError, 'EpyNN.initialize: seHPars must be an object, got []');
add_('check pass names the layer', () => new EpyNN([new Embedding({ XData: X, YData: Y }), new Convolution()]).initialize({ quiet: true }), EpyNNError, 'EpyNN check failed in Convolution.computeShapes(): Convolution: computeShapes: A must be 4-D');
add_('a 4-D output for the loss', () => new EpyNN([new Embedding({ XData: images(4, 4), YData: [0, 1, 0, 1] }), new Convolution({ activate: (x: NDArray) => relu(x) })]).initialize({ quiet: true, loss: 'MSE' }), ShapeError, 'MSE: A must be a 2-D array (m, k), got shape (3, 1, 1, 1)');
const train = (o: object) => () => dense().train({ quiet: true, ...o } as never);
for (const bad of [0, -3, 1.5, '3', NaN, null]) {
  const type = typeof bad === 'number' && Number.isNaN(bad) ? NonFiniteError : EpyNNError;
  add_(`epochs ${show(bad)}`, train({ epochs: bad }), type, `EpyNN.train: epochs must be a positive integer, got ${show(bad)}`);
}
add_('epochs missing', train({}), EpyNNError, 'EpyNN.train: epochs is required, e.g. model.train({ epochs: 10 })');
add_('verbose 0', train({ epochs: 1, verbose: 0 }), EpyNNError, 'EpyNN.train: verbose must be a positive integer, got 0');
add_("initLogs 'no'", train({ epochs: 1, initLogs: 'no' }), EpyNNError, "EpyNN.train: initLogs must be a boolean, got 'no'");
add_('chart 1', train({ epochs: 1, chart: 1 }), EpyNNError, 'EpyNN.train: chart must be a boolean, got 1');
add_('train without labels', () => new EpyNN([new Embedding({ XData: X }), new Dense()]).train({ epochs: 1, quiet: true }), EpyNNError, 'Embedding: no labeled training data');
add_('train data: 5', train({ epochs: 1, data: 5 }), EpyNNError, 'EpyNN.train: data: expected { XData, YData }');
add_('train data unknown key', train({ epochs: 1, data: { XData: X, Ydata: Y } }), EpyNNError, "unknown option 'Ydata' — did you mean 'YData'?");
add_('predict before initialize', () => dense().predict(X), StateError, 'EpyNN.predict: the model is not initialized');
add_('predict NaN', () => trainedDense().predict([[1, NaN, 0]]), NonFiniteError, 'EpyNN.predict: XData must hold finite numbers, got NaN at XData[0, 1]');
add_('predict all NaN', () => trainedDense().predict([[NaN, NaN, NaN]]), NonFiniteError, 'got NaN at XData[0, 0]');
add_('predict Infinity', () => trainedDense().predict(array([[0, 1, Infinity]])), NonFiniteError, 'got Infinity at XData[0, 2]');
add_('predict XData: 5', () => trainedDense().predict(5 as never), EpyNNError, 'EpyNN.predict: XData must be an array of samples (nested arrays of numbers, an NDArray, or an array of NDArrays), got 5');
add_('predict []', () => trainedDense().predict([]), EpyNNError, 'EpyNN.predict: XData is empty');
add_('predict wrong width', () => trainedDense().predict([[1, 2]]), ShapeError, 'EpyNN.predict: XData of shape (1, 2) has samples of shape (2,), but the model was built for samples of shape (3,)');
add_('predict 8x8 on a 6x6 model', () => convModel().predict(images(2, 8)), ShapeError, 'EpyNN.predict: XData of shape (2, 8, 8, 1) has samples of shape (8, 8, 1), but the model was built for samples of shape (6, 6, 1)');
add_("predict XEncode 'yes'", () => trainedDense().predict(X, { XEncode: 'yes' as never }), EpyNNError, "EpyNN.predict: XEncode must be a boolean, got 'yes'");
add_('predict XEncode without map', () => trainedDense().predict(X, { XEncode: true }), EpyNNError, 'EpyNN.predict: XEncode needs the element map');
add_('write path 5', () => trainedDense().write(5 as never), EpyNNError, 'EpyNN.write: path must be a file path string (or undefined for models/<uname>.json), got 5');
add_('write includeData unknown', () => trainedDense().write(join(dir, 'a.json'), { include: true } as never), EpyNNError, "EpyNN.write: unknown option 'include'");
add_('write under a file', () => {
  writeFileSync(join(dir, 'file'), 'x');
  return trainedDense().write(join(dir, 'file', 'm.json'));
}, FileWriteError, join(dir, 'file'), 'a part of the path is a file, not a folder');
add_('plot: options 5', () => trainedDense().plot(5 as never), EpyNNError, 'EpyNN.plot: expected an options object, got 5');

// ---------------------------------------------------------------------------------------------
// Plots, schedules, losses, metrics
add_('lineChartSVG options string', () => lineChartSVG([], 'title' as never), EpyNNError, "lineChartSVG: expected an options object, got 'title'; write lineChartSVG(series, { title: 'title' })");
add_('plotSVG unknown', () => plotSVG(trainedDense(), { colour: 'red' } as never), EpyNNError, "plotSVG: unknown option 'colour'");
add_('terminalChart array options', () => terminalChart([], [] as never), EpyNNError, 'terminalChart: expected an options object, got []');
add_('scheduleLrate frozen', () => scheduleLrate(seHPars as never, 3), EpyNNError, 'scheduleLrate: seHPars is frozen');
add_('scheduleLrate schedule', () => scheduleLrate(defaultHPars({ schedule: 'cos' }), 3), EpyNNError, "scheduleLrate: schedule 'cos' is unknown");
add_('scheduleLrate epochs', () => scheduleLrate(defaultHPars(), 0), EpyNNError, 'scheduleLrate: trainingEpochs must be a positive integer, got 0');
add_('lossFunctions unknown', () => lossFunctions('L2'), EpyNNError, "loss 'L2' is unknown");
add_('BCE with tanh', () => lossFunctions('BCE', 'tanh'), EpyNNError, 'BCE contains log() and can not be used with tanh activation');
add_('metricsFunctions unknown', () => metricsFunctions('f1'), EpyNNError, "metric 'f1' is unknown");
add_('evaluateMetric unknown', () => evaluateMetric('f1', zeros([2, 1]), zeros([2, 1])), EpyNNError, "evaluateMetric: 'f1' is neither a metric");

// ---------------------------------------------------------------------------------------------
// Model files (readModel, parseModelJSON, modelFromJSON): ModelFileError; bad arguments: EpyNNError
add_('readModel(0)', () => readModel(0 as never), ModelFileError, 'readModel: path must be a non-empty string');
add_("readModel('')", () => readModel(''), ModelFileError, 'readModel: path must be a non-empty string');
add_('readModel missing file', () => readModel(join(dir, 'none.json')), ModelFileError, 'none.json');
add_('readModel a folder', () => readModel(dir), ModelFileError, 'a model file is a regular file');
add_('readModel /dev/zero', () => readModel('/dev/zero'), ModelFileError, 'a model file is a regular file');
add_('readModel maxBytes 0', () => readModel(join(dir, 'x.json'), { maxBytes: 0 }), ModelFileError, 'readModel: maxBytes must be a positive integer, got 0');
add_('readModel options 5', () => readModel(join(dir, 'x.json'), 5 as never), EpyNNError, 'readModel: expected an options object, got 5');
add_('readModel unknown option', () => readModel(join(dir, 'x.json'), { max_bytes: 5 } as never), EpyNNError, "readModel: unknown option 'max_bytes' — did you mean 'maxBytes'?");
add_('readModel not JSON', () => {
  writeFileSync(join(dir, 'bad.json'), '{ not json');
  return readModel(join(dir, 'bad.json'));
}, ModelFileError, 'bad.json');
add_('readModel empty file', () => {
  writeFileSync(join(dir, 'empty.json'), '');
  return readModel(join(dir, 'empty.json'));
}, ModelFileError, 'empty.json');
add_('readModel other JSON', () => {
  writeFileSync(join(dir, 'other.json'), '{"a": 1}');
  return readModel(join(dir, 'other.json'));
}, ModelFileError, 'other.json');
add_('parseModelJSON garbage', () => parseModelJSON('{'), ModelFileError, 'EpyNN.fromJSON');
add_('modelFromJSON {}', () => modelFromJSON({} as never), ModelFileError, 'EpyNN.fromJSON');
add_('modelFromJSON tampered d', () => {
  const json = trainedDense().toJSON() as unknown as { layers: { d: Record<string, unknown> }[] };
  json.layers[1].d.u = 5;
  return modelFromJSON(json as never);
}, ModelFileError, 'EpyNN.fromJSON');
add_('modelFromJSON __proto__ in a config', () => {
  const text = JSON.stringify(trainedDense().toJSON()).replace('"config":{"units"', '"config":{"__proto__":{"units":3},"units"');
  return modelFromJSON(text);
}, ModelFileError, '__proto__');
add_('readModel newest in an empty folder', () => {
  const cwd = process.cwd();
  const empty = join(dir, 'emptyfolder');
  mkdirSync(join(empty, 'models'), { recursive: true });
  process.chdir(empty);
  try {
    return readModel();
  } finally {
    process.chdir(cwd);
  }
}, ModelFileError, 'readModel: no model file (*.json) in');

// Hostile numbers (issue 22): non-finite input to predict and to a layer called directly, samples
// without features, a 0-d array where an axis is summed, TF.js manifests with null entries
add_('train epochs 1e20', () => dense().train({ epochs: 1e20, quiet: true }), EpyNNError, 'EpyNN.train: epochs must be at most 1000000 per call (what a model file records), got 100000000000000000000');
add_('train epochs 2**32', () => dense().train({ epochs: 2 ** 32, quiet: true }), EpyNNError, 'EpyNN.train: epochs must be at most 1000000 per call');
add_('predict NaN input', () => trainedDense().predict([[1, NaN, 0]]), NonFiniteError, 'EpyNN.predict: XData must hold finite numbers, got NaN at XData[0, 1]');
add_('predict Infinity input', () => trainedDense().predict([[1, 2, 3], [Infinity, 0, 0]]), NonFiniteError, 'EpyNN.predict: XData must hold finite numbers, got Infinity at XData[1, 0]');
add_('Convolution.forward NaN', () => {
  const c = new Convolution({ unitFilters: 1, filterSize: 2 });
  const A = full([1, 3, 3, 1], 0.5);
  c.computeShapes(A);
  c.initializeParameters();
  A.data[4] = NaN;
  return c.forward(A);
}, NonFiniteError, 'Convolution.forward: A must hold finite numbers, got NaN at A[0, 1, 1, 0]');
add_('Dense.forward -Infinity', () => {
  const d = new Dense({ units: 2 });
  const A = ones([2, 3]);
  d.computeShapes(A);
  d.initializeParameters();
  A.data[5] = -Infinity;
  return d.forward(A);
}, NonFiniteError, 'Dense.forward: A must hold finite numbers, got -Infinity at A[1, 2]');
add_('Embedding samples without features', () => new Embedding({ XData: [[], []], YData: [0, 1] }), ShapeError, 'Embedding: XData has 2 samples of shape (0,) with no features: a sample needs at least one value');
add_('sumAxis0 of a 0-d array', () => sumAxis0(new NDArray(new Float64Array([5]), [])), ShapeError, 'sumAxis0: a 0-d array has no axis 0');
add_('fromTFJS null manifest group', () => {
  const t = toTFJS(trainedDense());
  return fromTFJS({ ...t.modelJSON, weightsManifest: [null as never] }, t.weightData);
}, ModelFileError, 'fromTFJS: weightsManifest[0] must be an object { paths, weights }, got null');
add_('fromTFJS negative shape', () => {
  const t = toTFJS(trainedDense());
  const json = JSON.parse(JSON.stringify(t.modelJSON));
  json.weightsManifest[0].weights[0].shape = [3, -1];
  return fromTFJS(json, t.weightData);
}, ModelFileError, 'fromTFJS: weightsManifest[0].weights[0] (dense_1/kernel).shape must be an array of at most 8 non-negative integers, got [3, -1]');

describe('bad inputs give a typed error naming the entry point, the argument and the value', () => {
  test('the table covers at least 250 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
  });

  test.each(cases)('%s', (_name, f, type, ...parts) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err, 'should throw').toBeInstanceOf(type);
    // No plain JS error dressed up: the class is exactly the documented one or a subclass of it
    expect((err as Error).name).toBe(type === EpyNNError ? (err as Error).name : type.name);
    for (const p of parts) expect((err as Error).message).toContain(p as string);
    expect((err as Error).message).not.toMatch(/\bnull\b.*NaN|got undefined$/);
  });
});
