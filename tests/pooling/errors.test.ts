// Bad options and bad inputs: typed errors whose message names the layer, the option or argument,
// what was expected and what was received.
import { describe, expect, test } from 'vitest';
import { throwsWith } from '../helpers/errors.js';
import { EpyNNError, ShapeError, StateError } from '../../src/errors.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { Pooling } from '../../src/pooling/models.js';

describe('Pooling option errors', () => {
  test.each([
    [{ poolSize: 0 }, 'poolSize', 'got 0'],
    [{ poolSize: -2 }, 'poolSize', 'got -2'],
    [{ poolSize: 1.5 }, 'poolSize', 'got 1.5'],
    [{ poolSize: [2, 0] }, 'poolSize', 'got [2, 0]'],
    [{ poolSize: [2] }, 'poolSize', 'got [2]'],
    [{ poolSize: [2, 2, 2] }, 'poolSize', 'got [2, 2, 2]'],
    [{ poolSize: '2' }, 'poolSize', "got '2'"],
    [{ strides: 0 }, 'strides', 'got 0'],
    [{ strides: [1, 2.5] }, 'strides', 'got [1, 2.5]'],
    [{ strides: [-1, 1] }, 'strides', 'got [-1, 1]'],
  ])('%j', (opts, option, got) => {
    throwsWith(
      () => new Pooling(opts as never),
      EpyNNError,
      `Pooling: ${option} must be a positive integer or [h, w] of positive integers`,
      got,
    );
  });

  test('unknown pool name lists the allowed ones', () => {
    throwsWith(() => new Pooling({ pool: 'avg' as never }), EpyNNError, "Pooling: pool must be one of 'max', 'min', 'mean', got 'avg'");
  });
});

describe('Pooling input errors', () => {
  test('3-D input', () => {
    throwsWith(() => new Pooling().forward(zeros([2, 4, 4])), ShapeError, 'Pooling: input X must be 4-D (m, h, w, d), got shape (2, 4, 4)');
  });
  test('5-D input', () => {
    throwsWith(() => new Pooling().forward(zeros([1, 2, 4, 4, 1])), ShapeError, 'got shape (1, 2, 4, 4, 1)');
  });
  test('window larger than the input', () => {
    throwsWith(
      () => new Pooling({ poolSize: [3, 2] }).forward(zeros([1, 2, 5, 1])),
      ShapeError,
      'Pooling: poolSize [3, 2] is larger than the input (h, w) = (2, 5) of X (1, 2, 5, 1)',
    );
    throwsWith(() => new Pooling({ poolSize: [1, 6] }).forward(zeros([1, 2, 5, 1])), ShapeError, 'poolSize [1, 6]');
  });
  test('dA of the wrong shape', () => {
    const layer = new Pooling();
    layer.forward(zeros([2, 4, 4, 3]));
    throwsWith(() => layer.backward(zeros([2, 2, 2, 1])), ShapeError, 'Pooling: dA must have the forward output shape (2, 2, 2, 3) (m, oh, ow, d), got (2, 2, 2, 1)');
    throwsWith(() => layer.backward(zeros([2, 8])), ShapeError, 'got (2, 8)');
  });
  test('backward before forward', () => {
    throwsWith(() => new Pooling().backward(zeros([1, 1, 1, 1])), StateError, 'Pooling: backward() called before forward()');
  });
  test('errors do not leave the layer half-updated for a valid input afterwards', () => {
    const layer = new Pooling();
    expect(() => layer.forward(zeros([1, 1, 1, 1]))).toThrow(ShapeError);
    const A = layer.forward(NDArray.from([[[[1], [2]], [[3], [4]]]]));
    expect(Array.from(A.data)).toEqual([4]);
  });
});
