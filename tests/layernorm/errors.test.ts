// Bad options and bad inputs: typed errors whose message names the layer, the option or argument,
// what was expected and what was received.
import { describe, expect, test } from 'vitest';
import { EpyNNError, NonFiniteError, ShapeError, StateError } from '../../src/errors.js';
import { type NDArray, zeros } from '../../src/commons/ndarray.js';
import { LayerNormalization } from '../../src/layernorm/models.js';
import { throwsWith } from '../helpers/errors.js';

const built = (layer: LayerNormalization, A: NDArray): LayerNormalization => {
  layer.computeShapes(A);
  layer.initializeParameters();
  return layer;
};

describe('LayerNormalization option errors', () => {
  test.each([[1], [-2], [[-2, -1]], [[1, 2, 3]], [[-1, -2, -3]], ['-1'], [null]])('axis %j', (axis) => {
    throwsWith(() => new LayerNormalization({ axis: axis as never }), EpyNNError, 'LayerNormalization: axis must be -1 (the last axis) or [-3, -2, -1] (the last three), got');
  });
  test('epsilon, center, scale', () => {
    throwsWith(() => new LayerNormalization({ epsilon: 0 }), EpyNNError, 'LayerNormalization: epsilon must be > 0, got 0');
    throwsWith(() => new LayerNormalization({ epsilon: NaN }), NonFiniteError, 'LayerNormalization: epsilon must be a finite number, got NaN');
    throwsWith(() => new LayerNormalization({ center: 0 as never }), EpyNNError, 'LayerNormalization: center must be a boolean, got 0');
    throwsWith(() => new LayerNormalization({ scale: null as never }), EpyNNError, 'LayerNormalization: scale must be a boolean, got null');
  });
  test('unknown and snake_case keys, a non-object', () => {
    throwsWith(() => new LayerNormalization({ axes: -1 } as never), EpyNNError, "LayerNormalization: unknown option 'axes'", "did you mean 'axis'?");
    throwsWith(() => new LayerNormalization({ momentum: 0.1 } as never), EpyNNError, "LayerNormalization: unknown option 'momentum'");
    throwsWith(() => new LayerNormalization('x' as never), EpyNNError, 'LayerNormalization: expected an options object');
  });
  test('axis [-1] means -1; the options object is not mutated', () => {
    const axis = Object.freeze([-1]) as never;
    expect(new LayerNormalization({ axis }).toConfig()).toEqual({ epsilon: 1e-5, center: true, scale: true, axis: -1 });
    expect(new LayerNormalization({ axis: [-3, -2, -1] }).axis).toEqual([-3, -2, -1]);
  });
});

describe('LayerNormalization input errors', () => {
  test('wrong rank for the axes', () => {
    throwsWith(() => new LayerNormalization().computeShapes(zeros([4])), ShapeError, 'LayerNormalization: computeShapes input A must have 2 dimensions or more, (m, n) or (m, ..., n) for axis -1, got shape (4,)');
    throwsWith(() => new LayerNormalization({ axis: [-3, -2, -1] }).computeShapes(zeros([2, 3, 4])), ShapeError, 'LayerNormalization: computeShapes input A must have 4 dimensions or more, (m, h, w, d) for axis [-3,-2,-1], got shape (2, 3, 4)');
  });
  test('normalized axes changed', () => {
    throwsWith(() => built(new LayerNormalization(), zeros([2, 3])).forward(zeros([2, 4])), ShapeError, 'LayerNormalization: forward input A has shape (2, 4), but the layer was built for normalized axes (3,)');
    throwsWith(() => built(new LayerNormalization({ axis: [-3, -2, -1] }), zeros([1, 2, 2, 3])).forward(zeros([1, 2, 3, 2])), ShapeError, 'forward input A has shape (1, 2, 3, 2), but the layer was built for normalized axes (2, 2, 3)');
    const layer = built(new LayerNormalization(), zeros([2, 3]));
    layer.p.beta = zeros([1, 3]);
    throwsWith(() => layer.forward(zeros([2, 3])), ShapeError, 'LayerNormalization: forward: parameter beta has shape (1, 3), expected (3,)');
    throwsWith(() => built(new LayerNormalization({ center: false, scale: false }), zeros([2, 3])).forward(zeros([2, 4])), ShapeError, 'LayerNormalization: forward input A has shape (2, 4), but the layer was built for normalized axes (3,)');
  });
  test('NaN or ±Infinity in the input of a forward called directly', () => {
    const A = zeros([1, 2, 2, 2]);
    const layer = built(new LayerNormalization({ axis: [-3, -2, -1] }), A);
    A.data[7] = -Infinity;
    throwsWith(() => layer.forward(A), NonFiniteError, 'LayerNormalization.forward: A must hold finite numbers, got -Infinity at A[0, 1, 1, 1]');
  });
  test('out of order calls and dA of the wrong shape', () => {
    const layer = new LayerNormalization();
    layer.computeShapes(zeros([2, 3]));
    throwsWith(() => layer.forward(zeros([2, 3])), StateError, 'LayerNormalization: forward() called before initializeParameters() (parameter gamma is not set)');
    throwsWith(() => built(new LayerNormalization(), zeros([2, 3])).backward(zeros([2, 3])), StateError, 'LayerNormalization: backward() called before forward()');
    throwsWith(() => new LayerNormalization().initializeParameters(), StateError, 'LayerNormalization: initializeParameters() called before computeShapes()');
    const l2 = built(new LayerNormalization(), zeros([2, 3]));
    l2.forward(zeros([2, 3]));
    throwsWith(() => l2.computeGradients(), StateError, 'LayerNormalization: computeGradients() called before backward()');
    throwsWith(() => l2.backward(zeros([3, 2])), ShapeError, "LayerNormalization: backward input dA must have the forward input's shape (2, 3), got (3, 2)");
  });
});
