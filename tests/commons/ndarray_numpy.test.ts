// NumPy-shaped data preparation on NDArray: assignment, reductions with an axis, comparisons, NumPy's printing
// (tests/fixtures/ndarray/print.json, written by NumPy through tests/fixtures/ndarray/generate.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError } from '../../src/errors.js';
import { BoolArray, NDArray, array, countNonzero, zeros, zerosLike } from '../../src/commons/ndarray.js';
import { throwsWith } from '../helpers/errors.js';

const fx = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ndarray', 'print.json'), 'utf8'));

describe("NumPy's str(array)", () => {
  test.each((fx.cases as any[]).map((c) => [c.str, c] as [string, any]))('%s', (str, c) => {
    const a = c.bool ? new BoolArray(Float64Array.from(c.data), c.shape) : new NDArray(Float64Array.from(c.data), c.shape);
    expect(a.toString()).toBe(str);
    expect(`${a}`).toBe(str);
  });
});

describe('assignment', () => {
  test('row, column, element and slice, as mask[r] = ..., mask[:, c] = 0, a[1:3] = b', () => {
    const f = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const mask = f.copy();
    mask.assign(zerosLike(f.row(0)), 1);
    mask.assign(0, null, 2);
    expect(mask.toNested()).toEqual([[1, 2, 0], [0, 0, 0], [7, 8, 0]]);
    expect(f.toNested()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    mask.assign(5, 0, 0).assign([10, 20], [1, 3], 1);
    expect(mask.toNested()).toEqual([[5, 2, 0], [0, 10, 0], [7, 20, 0]]);
    mask.assign([1, 2, 3], [0, 2]); // a row broadcast over two rows
    expect(mask.toNested()).toEqual([[1, 2, 3], [1, 2, 3], [7, 20, 0]]);
    throwsWith(() => mask.assign([1, 2], 0), ShapeError, 'NDArray.assign', 'broadcast', '(2,)', '(3,)');
    throwsWith(() => mask.assign(1, 3), EpyNNError, 'index 3 is out of bounds');
  });
});

describe('reductions and comparisons', () => {
  const a = array([[1, 2, 3], [4, 5, 9]]);
  test('sum / mean / max / min, whole or along an axis', () => {
    expect(a.sum()).toBe(24);
    expect(a.sum(0).toNested()).toEqual([5, 7, 12]);
    expect(a.mean(1).toNested()).toEqual([2, 6]);
    expect(a.mean()).toBe(4);
    expect(a.max()).toBe(9);
    expect(a.max(-1).toNested()).toEqual([3, 9]);
    expect(a.min(0).toNested()).toEqual([1, 2, 3]);
    expect(array([1, NaN, 3]).max()).toBeNaN();
    throwsWith(() => a.sum(2), EpyNNError, 'axis 2');
  });
  test('element-wise comparisons give booleans with any / all / countNonzero', () => {
    const b = array([[1, 0, 3], [4, 5, 0]]);
    const ne = a.ne(b);
    expect(ne).toBeInstanceOf(BoolArray);
    expect(ne.toString()).toBe('[[False  True False]\n [False False  True]]');
    expect(ne.any()).toBe(true);
    expect(ne.all()).toBe(false);
    expect(ne.countNonzero()).toBe(2);
    expect(a.eq(a).all()).toBe(true);
    expect(a.gt(3).toNested()).toEqual([[0, 0, 0], [1, 1, 1]]);
    expect(a.le([2, 2, 9]).toNested()).toEqual([[1, 1, 1], [0, 0, 1]]);
    expect(countNonzero(zeros([3]))).toBe(0);
    throwsWith(() => a.lt([1, 2]), ShapeError, 'NDArray.lt');
  });
});
