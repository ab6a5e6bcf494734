import { describe, expect, test } from 'vitest';
import { ShapeError, EpyNNError } from '../../src/errors.js';
import {
  NDArray, arange, array, argmax, concatenate, dot, expandDims, fmt, linspace, ones, reshape, roundHalfEven, stack, sumAxis0, transpose, zeros,
} from '../../src/commons/ndarray.js';
import { throwsWith } from '../helpers/errors.js';

describe('NDArray', () => {
  test('round trip nested arrays', () => {
    const nested = [[[1, 2], [3, 4], [5, 6]]];
    const a = NDArray.from(nested);
    expect(a.shape).toEqual([1, 3, 2]);
    expect(a.toNested()).toEqual(nested);
  });
  test('rejects ragged input and naming the place', () => {
    expect(() => array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => array([[1, 2], [3]])).toThrow(/ragged nested array at \[1\]: expected length 2, got length 1/);
  });
  test('constructor validates data length against shape', () => {
    expect(() => new NDArray(new Float64Array(5), [2, 3])).toThrow(/cannot make an array of shape \(2, 3\) from 5 values/);
    expect(() => new NDArray([1, 2] as unknown as Float64Array, [2])).toThrow(EpyNNError);
  });
  test('reshape shares data and checks size', () => {
    const a = zeros([2, 6]);
    const b = reshape(a, [3, -1]);
    expect(b.shape).toEqual([3, 4]);
    b.data[0] = 5;
    expect(a.data[0]).toBe(5);
    expect(() => reshape(a, [5, 2])).toThrow(/cannot reshape array of size 12 into shape \(5, 2\)/);
  });
  test('fmt prints shapes as NumPy', () => {
    expect(fmt([3, 4])).toBe('(3, 4)');
    expect(fmt([2])).toBe('(2,)');
    expect(fmt([])).toBe('()');
  });
  test('dot, transpose, sumAxis0, argmax', () => {
    const a = array([[1, 2, 3], [4, 5, 6]]);
    const b = array([[1, 0], [0, 1], [1, 1]]);
    expect(dot(a, b).toNested()).toEqual([[4, 5], [10, 11]]);
    expect(transpose(a).toNested()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(sumAxis0(a).toNested()).toEqual([5, 7, 9]);
    expect(argmax(array([[1, 3, 3], [9, 2, 1]])).toNested()).toEqual([1, 0]);
    expect(() => dot(a, a)).toThrow(/dot: shapes \(2, 3\) and \(2, 3\) not aligned: 3 \(dim 1\) != 2 \(dim 0\)/);
  });
  test('roundHalfEven matches np.around', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 0.49, 0.51].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 0, 1]);
  });
});

// Indexing and NumPy's data-preparation functions (get, row, slice, stack, concatenate, expandDims,
// linspace, arange). Expected values were computed with NumPy and committed.
// a = np.arange(24.).reshape(2, 3, 4)
const a = array(arange(24).data, [2, 3, 4]);

describe('get, row, slice', () => {
  test('get: one index per axis, negative from the end', () => {
    expect(a.get(1, 2, 3)).toBe(23);
    expect(a.get(-1, 0, -1)).toBe(15);
    expect(a.get(0, 1, 2)).toBe(6);
    throwsWith(() => a.get(0, 3, 0), EpyNNError, 'NDArray.get', 'index 3 is out of bounds for axis 1 with size 3');
    throwsWith(() => a.get(0, 1), ShapeError, 'expected 3 indices', 'got 2');
    throwsWith(() => a.get(0, 1.5, 0), EpyNNError, 'indices must be integers');
  });
  test('row: a[i] as a copy of shape shape[1:]', () => {
    const r = a.row(-1);
    expect(r.shape).toEqual([3, 4]);
    expect(r.get(0, 0)).toBe(12);
    r.data[0] = -1;
    expect(a.get(1, 0, 0)).toBe(12);
    expect(array([5, 6]).row(1).shape).toEqual([]);
    throwsWith(() => a.row(2), EpyNNError, 'NDArray.row', 'index 2 is out of bounds for axis 0 with size 2');
  });
  test('slice: NumPy basic slicing (values from NumPy)', () => {
    expect(a.slice(null, 0).toNested()).toEqual([[0, 1, 2, 3], [12, 13, 14, 15]]); // a[:, 0]
    expect(a.slice(1, [null, null, -1], [1, 3]).toNested()).toEqual([[21, 22], [17, 18], [13, 14]]); // a[1, ::-1, 1:3]
    expect(a.slice(-1, [-2], [null, null, 2]).toNested()).toEqual([[16, 18], [20, 22]]); // a[-1, -2:, ::2]
    expect(a.slice(null, [2, 0, -1], -1).toNested()).toEqual([[11, 7], [23, 19]]); // a[:, 2:0:-1, -1]
    expect(a.slice([5, 9]).shape).toEqual([0, 3, 4]); // a[5:9] is empty
    expect(a.slice().toNested()).toEqual(a.toNested());
  });
  test('slice errors name the axis', () => {
    throwsWith(() => a.slice(null, [0, 2, 0]), EpyNNError, 'NDArray.slice', 'step cannot be zero (axis 1)');
    throwsWith(() => a.slice(0, 0, 0, 0), ShapeError, 'too many indices (4)');
    throwsWith(() => a.slice(null, null, 4), EpyNNError, 'index 4 is out of bounds for axis 2 with size 4');
    throwsWith(() => a.slice([0.5, 1]), EpyNNError, 'slice bounds must be integers or null');
  });
});

describe('stack, concatenate, expandDims', () => {
  test('stack along a new axis (np.stack)', () => {
    expect(stack([array([1, 2]), array([3, 4])], 1).toNested()).toEqual([[1, 3], [2, 4]]);
    expect(stack([[1, 2], [3, 4]]).toNested()).toEqual([[1, 2], [3, 4]]);
    expect(stack([zeros([2, 3]), ones([2, 3])], -1).shape).toEqual([2, 3, 2]);
    throwsWith(() => stack([array([1, 2]), array([1, 2, 3])]), ShapeError, 'stack', 'same shape', '(3,)');
    throwsWith(() => stack([]), EpyNNError, 'stack', 'at least one array');
  });
  test('concatenate along an existing axis (np.concatenate)', () => {
    expect(concatenate([ones([2, 1]), zeros([2, 2])], 1).toNested()).toEqual([[1, 0, 0], [1, 0, 0]]);
    expect(concatenate([[1, 2], [3]]).toNested()).toEqual([1, 2, 3]);
    expect(concatenate([a, a]).shape).toEqual([4, 3, 4]);
    expect(concatenate([a, a], 1).get(0, 4, 1)).toBe(5);
    throwsWith(() => concatenate([ones([2, 1]), ones([3, 1])], 1), ShapeError, 'concatenate', 'array 1 has shape (3, 1)');
    throwsWith(() => concatenate([ones([2])], 1), EpyNNError, 'axis 1 is out of bounds for 1 dimensions');
  });
  test('expandDims adds an axis of size 1 (np.expand_dims), as a copy', () => {
    const x = array([[1, 2], [3, 4]]);
    expect(expandDims(x, -1).shape).toEqual([2, 2, 1]);
    expect(expandDims(x, 0).shape).toEqual([1, 2, 2]);
    expect(expandDims(x, 1).toNested()).toEqual([[[1, 2]], [[3, 4]]]);
    expandDims(x, 0).data[0] = 9;
    expect(x.get(0, 0)).toBe(1);
    throwsWith(() => expandDims(x, 3), EpyNNError, 'expandDims', 'axis 3 is out of bounds');
  });
});

describe('linspace and arange (bit for bit against NumPy)', () => {
  test('linspace', () => {
    expect(Array.from(linspace(0, 1, 7).data)).toEqual([0.0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.6666666666666666, 0.8333333333333333, 1.0]);
    expect(Array.from(linspace(0.3, 17.1, 13, { endpoint: false }).data)).toEqual([
      0.3, 1.5923076923076924, 2.8846153846153846, 4.176923076923077, 5.469230769230769, 6.7615384615384615, 8.053846153846155,
      9.346153846153847, 10.63846153846154, 11.930769230769233, 13.223076923076924, 14.515384615384617, 15.80769230769231,
    ]);
    expect(Array.from(linspace(-2.5, 3.7, 11).data)).toEqual([
      -2.5, -1.88, -1.26, -0.6400000000000001, -0.020000000000000018, 0.6000000000000001, 1.2199999999999998, 1.8399999999999999, 2.46, 3.08, 3.7,
    ]);
    expect(Array.from(linspace(2, 3, 1).data)).toEqual([2]);
    expect(linspace(2, 3, 0).shape).toEqual([0]);
    throwsWith(() => linspace(0, 1, -1), EpyNNError, 'linspace', 'num must be a non-negative integer');
  });
  test('arange', () => {
    expect(Array.from(arange(0.3, 2.9, 0.7).data)).toEqual([0.3, 1.0, 1.7, 2.3999999999999995]);
    expect(Array.from(arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(arange(10, 1, -3).data)).toEqual([10, 7, 4]);
    expect(Array.from(arange(0.1, 1.3, 0.1).data)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9, 1.0, 1.1, 1.2000000000000002]);
    expect(arange(3, 1).shape).toEqual([0]);
    throwsWith(() => arange(0, 1, 0), EpyNNError, 'arange', 'step cannot be zero');
  });
});
