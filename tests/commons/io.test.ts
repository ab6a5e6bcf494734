// EpyNN commons/io.py counterparts against hand-checked cases (values worked out by hand from
// io.py's definitions, and checked against NumPy where noted).
import { describe, expect, test } from 'vitest';
import {
  encodeDataset, indexElementsAuto, oneHotDecodeSequence, oneHotEncode, oneHotEncodeSequence, padding, scaleFeatures,
} from '../../src/commons/io.js';
import { EpyNNError, ShapeError } from '../../src/errors.js';
import { NDArray, arange, array } from '../../src/commons/ndarray.js';
import { throwsWith } from '../helpers/errors.js';
import { softmax } from '../../src/activation/functions.js';
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { EpyNN } from '../../src/network/models.js';

describe('indexElementsAuto', () => {
  test('sorted unique elements, encoder, decoder and size (strings are atoms, as in NumPy)', () => {
    const [toIdx, toEl, n] = indexElementsAuto([['T', 'A', 'G'], ['A', 'C', 'T']]);
    expect(n).toBe(4);
    expect([...toIdx]).toEqual([['A', 0], ['C', 1], ['G', 2], ['T', 3]]);
    expect([...toEl]).toEqual([[0, 'A'], [1, 'C'], [2, 'G'], [3, 'T']]);
    const [words] = indexElementsAuto(['ACGT', 'AC', 'ACGT']);
    expect([...words.keys()]).toEqual(['AC', 'ACGT']);
  });
  test('numbers sort by value (not as strings), from nested arrays or an NDArray', () => {
    const [toIdx, , n] = indexElementsAuto([[10, 2], [1, 2.5]]);
    expect([...toIdx.keys()]).toEqual([1, 2, 2.5, 10]);
    expect(n).toBe(4);
    const [fromArray] = indexElementsAuto(array([[3, 1], [1, 3]]));
    expect([...fromArray]).toEqual([[1, 0], [3, 1]]);
  });
  test('strings sort by code point, as Python sorts str', () => {
    const [toIdx] = indexElementsAuto(['b', 'B', 'a', '\u{1F600}', '\uFFFF']);
    expect([...toIdx.keys()]).toEqual(['B', 'a', 'b', '\uFFFF', '\u{1F600}']);
  });
  test('mixed strings and numbers, NaN and other values are errors', () => {
    throwsWith(() => indexElementsAuto(['a', 1]), EpyNNError, 'indexElementsAuto', 'mixes strings and numbers');
    throwsWith(() => indexElementsAuto([1, NaN]), EpyNNError, 'indexElementsAuto', 'NaN', '[1]');
    throwsWith(() => indexElementsAuto([[1], [null as unknown as number]]), EpyNNError, 'null', '[1][0]');
  });
});

describe('scaleFeatures', () => {
  test('(X - min) / (max - min) over the whole array, shape kept, input untouched', () => {
    const X = array([[2, 4], [6, 10]]);
    const S = scaleFeatures(X);
    expect(S.shape).toEqual([2, 2]);
    expect(Array.from(S.data)).toEqual([0, 0.25, 0.5, 1]);
    expect(Array.from(X.data)).toEqual([2, 4, 6, 10]);
    expect(Array.from(scaleFeatures([-1, 0, 3]).data)).toEqual([0, 0.25, 1]);
  });
  test('constant, empty or non-finite data is an error (EpyNN: NaN)', () => {
    throwsWith(() => scaleFeatures([5, 5, 5]), EpyNNError, 'scaleFeatures', 'every value of XData is 5');
    throwsWith(() => scaleFeatures(new NDArray(new Float64Array(0), [0])), EpyNNError, 'scaleFeatures', 'empty');
    throwsWith(() => scaleFeatures([1, Infinity]), EpyNNError, 'scaleFeatures', 'non-finite');
  });
});

describe('oneHotEncode', () => {
  test('zeros (elementsSize,) with 1 at i; negative i counts from the end (NumPy indexing)', () => {
    const v = oneHotEncode(2, 4);
    expect(v.shape).toEqual([4]);
    expect(Array.from(v.data)).toEqual([0, 0, 1, 0]);
    expect(Array.from(oneHotEncode(-1, 3).data)).toEqual([0, 0, 1]);
  });
  test('out-of-bounds index and bad size are errors', () => {
    throwsWith(() => oneHotEncode(4, 4), EpyNNError, 'oneHotEncode', 'index 4 is out of bounds for elementsSize 4');
    throwsWith(() => oneHotEncode(-5, 4), EpyNNError, 'out of bounds');
    throwsWith(() => oneHotEncode(0.5, 4), EpyNNError, 'index 0.5');
    throwsWith(() => oneHotEncode(0, -1), EpyNNError, 'elementsSize must be a non-negative integer');
  });
});

describe('oneHotEncodeSequence and oneHotDecodeSequence', () => {
  const [toIdx, toEl, n] = indexElementsAuto([['A', 'C', 'G', 'T']]);
  test('one row per element; a string is iterated by characters as Python iterates a str', () => {
    const E = oneHotEncodeSequence(['G', 'A', 'T'], toIdx, n);
    expect(E.shape).toEqual([3, 4]);
    expect(E.toNested()).toEqual([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]);
    expect(oneHotEncodeSequence('GAT', toIdx, n).toNested()).toEqual(E.toNested());
  });
  test('a plain-object encoder works like the Map', () => {
    const E = oneHotEncodeSequence(['b', 'a'], { a: 0, b: 1 }, 2);
    expect(E.toNested()).toEqual([[0, 1], [1, 0]]);
  });
  test('decode: the element of each row\'s argmax (first index on ties); round trip', () => {
    expect(oneHotDecodeSequence(oneHotEncodeSequence('TGCA', toIdx, n), toEl)).toEqual(['T', 'G', 'C', 'A']);
    expect(oneHotDecodeSequence([[0.1, 0.7, 0.2, 0], [0.5, 0.1, 0.5, 0.2]], toEl)).toEqual(['C', 'A']);
    expect(oneHotDecodeSequence([[0, 1], [1, 0]], ['x', 'y'])).toEqual(['y', 'x']);
  });
  test('unknown elements and indices are errors (Python: KeyError)', () => {
    throwsWith(() => oneHotEncodeSequence(['A', 'N'], toIdx, n), EpyNNError, 'oneHotEncodeSequence', '"N" is not in elementToIdx');
    throwsWith(() => oneHotEncodeSequence(['toString'], {}, 1), EpyNNError, '"toString" is not in elementToIdx');
    throwsWith(() => oneHotDecodeSequence([[0, 0, 1]], ['x', 'y']), EpyNNError, 'oneHotDecodeSequence', 'index 2 (row 0)');
    throwsWith(() => oneHotDecodeSequence(array([1, 0]), toEl), ShapeError, 'must be 2-D');
  });
});

describe('encodeDataset', () => {
  test('one (s, elementsSize) array per sequence, from arrays, strings or NDArray rows', () => {
    const [toIdx, , n] = indexElementsAuto([[1, 2, 3]]);
    const enc = encodeDataset([[3, 1], [2, 2]], toIdx, n);
    expect(enc.map((e) => e.toNested())).toEqual([[[0, 0, 1], [1, 0, 0]], [[0, 1, 0], [0, 1, 0]]]);
    const fromArray = encodeDataset(array([[3, 1], [2, 2]]), toIdx, n);
    expect(fromArray.map((e) => e.toNested())).toEqual(enc.map((e) => e.toNested()));
    const [chars, , k] = indexElementsAuto([['a', 'b']]);
    expect(encodeDataset(['ab', 'ba'], chars, k).map((e) => e.toNested())).toEqual([[[1, 0], [0, 1]], [[0, 1], [1, 0]]]);
  });
});

describe('encodeDataset output as Embedding data (what EpyNN\'s prepare + X_encode scripts do)', () => {
  test('an array of one-hot NDArrays is accepted by the Embedding and trains', () => {
    const X = ['ACGT', 'TTGA', 'GGCA', 'CATT', 'AGTC', 'TCAG', 'GATC', 'CTGA'].map((w) => [...w]);
    const [toIdx, , n] = indexElementsAuto(X);
    const XData = encodeDataset(X, toIdx, n);
    const embedding = new Embedding({ XData, YData: X.map((x) => (x[0] === 'A' || x[0] === 'G' ? 0 : 1)), YEncode: true, relativeSize: [1, 0, 0] });
    expect(embedding.dtrain.X.shape).toEqual([8, 4, 4]);
    const rows = Array.from({ length: 8 * 4 }, (_, r) => Array.from(embedding.dtrain.X.data.subarray(r * 4, r * 4 + 4)));
    for (const row of rows) expect([...row].sort()).toEqual([0, 0, 0, 1]); // every step one-hot
    const model = new EpyNN([embedding, new Flatten(), new Dense({ units: 2, activate: softmax })], 'io');
    model.initialize({ loss: 'CCE', seed: 1, quiet: true });
    model.train({ epochs: 3, quiet: true });
    expect(model.epochsDone).toBe(3);
  });
});

describe('padding', () => {
  // X (2, 2, 3, 1) = 1..12; NumPy: np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))[0, :, :, 0]
  const X = array(arange(1, 13).data, [2, 2, 3, 1]);
  test('adds p zeros on each side of h and w, as np.pad', () => {
    const P = padding(X, 1);
    expect(P.shape).toEqual([2, 4, 5, 1]);
    expect(P.slice(0, null, null, 0).toNested()).toEqual([[0, 0, 0, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 0, 0, 0, 0]]);
    expect(P.slice(1, 2, null, 0).toNested()).toEqual([0, 10, 11, 12, 0]);
  });
  test('forward = false removes it (X[:, p:-p, p:-p, :]); depth > 1 kept per pixel', () => {
    const Xd = array(arange(1, 2 * 3 * 3 * 2 + 1).data, [2, 3, 3, 2]);
    expect(padding(padding(Xd, 2), 2, false).toNested()).toEqual(Xd.toNested());
    expect(padding(Xd, 1, false).toNested()).toEqual([[[[9, 10]]], [[[27, 28]]]]);
  });
  test('padding 0 returns XData itself; bad input is an error', () => {
    expect(padding(X, 0)).toBe(X);
    throwsWith(() => padding(array([[1]]), 1), ShapeError, 'padding', '4-D');
    throwsWith(() => padding(X, -1), EpyNNError, 'padding must be a non-negative integer');
    throwsWith(() => padding(X, 1, false), ShapeError, 'cannot remove padding 1');
  });
});
