// NDArray indexing and NumPy's data-preparation functions (get, row, slice, stack, concatenate,
// expandDims, linspace, arange). Expected values were computed with NumPy and committed.
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError } from '../../src/commons/errors.js';
import { arange, array, concatenate, expandDims, linspace, ones, stack, zeros } from '../../src/commons/ndarray.js';
import { throwsWith } from '../helpers/errors.js';

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
