// Bad options and bad inputs: typed errors whose message names the layer, the option or argument,
// what was expected and what was received.
import { describe, expect, test } from 'vitest';
import { BatchNormalization } from '../../src/batchnorm/models.js';
import { EpyNNError, NonFiniteError, ShapeError, StateError } from '../../src/errors.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { throwsWith } from '../helpers/errors.js';

const built = (layer: BatchNormalization, A: NDArray): BatchNormalization => {
  layer.computeShapes(A);
  layer.initializeParameters();
  return layer;
};

describe('BatchNormalization option errors', () => {
  test.each([[-0.1, 'must be >= 0, got -0.1'], [1.5, 'must be <= 1, got 1.5'], ['0.1', "must be a number, got '0.1'"], [null, 'must be a number, got null']])('momentum %j', (v, msg) => {
    throwsWith(() => new BatchNormalization({ momentum: v as never }), EpyNNError, `BatchNormalization: momentum ${msg}`);
  });
  test('momentum NaN, epsilon Infinity: NonFiniteError', () => {
    throwsWith(() => new BatchNormalization({ momentum: NaN }), NonFiniteError, 'BatchNormalization: momentum must be a finite number, got NaN');
    throwsWith(() => new BatchNormalization({ epsilon: Infinity }), NonFiniteError, 'BatchNormalization: epsilon must be a finite number, got Infinity');
  });
  test.each([[0, 'must be > 0, got 0'], [-1e-5, 'must be > 0, got -0.00001'], ['1e-5', "must be a number, got '1e-5'"]])('epsilon %j', (v, msg) => {
    throwsWith(() => new BatchNormalization({ epsilon: v as never }), EpyNNError, `BatchNormalization: epsilon ${msg}`);
  });
  test.each([['center', 1], ['scale', 'true']])('%s must be a boolean', (k, v) => {
    throwsWith(() => new BatchNormalization({ [k]: v } as never), EpyNNError, `BatchNormalization: ${k} must be a boolean, got ${typeof v === 'string' ? `'${v}'` : v}`);
  });
  test('unknown and snake_case keys, a non-object', () => {
    throwsWith(() => new BatchNormalization({ epsilonn: 1 } as never), EpyNNError, "BatchNormalization: unknown option 'epsilonn'", "did you mean 'epsilon'?");
    throwsWith(() => new BatchNormalization({ se_hPars: {} } as never), EpyNNError, "BatchNormalization: unknown option 'se_hPars'", "did you mean 'seHPars'?");
    throwsWith(() => new BatchNormalization(0.9 as never), EpyNNError, 'BatchNormalization: expected an options object, got 0.9; write new BatchNormalization({ momentum: 0.9 })');
  });
  test('the options object is not mutated', () => {
    const opts = Object.freeze({ momentum: 0.2, center: false });
    expect(new BatchNormalization(opts).toConfig()).toEqual({ momentum: 0.2, epsilon: 1e-5, center: false, scale: true });
  });
});

describe('BatchNormalization input errors', () => {
  test('wrong rank', () => {
    throwsWith(() => new BatchNormalization().computeShapes(zeros([5])), ShapeError, 'BatchNormalization: computeShapes input A must have 2 dimensions or more, (m, n) after Dense or (m, h, w, d) after Convolution, got shape (5,)');
    throwsWith(() => built(new BatchNormalization(), zeros([2, 3])).forward([1, 2] as never), ShapeError, 'BatchNormalization: forward input A must have 2 dimensions or more', 'got object');
  });
  test('channel count changed', () => {
    throwsWith(() => built(new BatchNormalization(), zeros([2, 3])).forward(zeros([2, 4])), ShapeError, 'BatchNormalization: forward input A has shape (2, 4), but the layer was built for n = 3 channels (the last axis)');
    throwsWith(() => built(new BatchNormalization({ center: false, scale: false }), zeros([2, 2, 2, 3])).forward(zeros([2, 2, 2, 4])), ShapeError, 'forward input A has shape (2, 2, 2, 4), but the layer was built for n = 3 channels');
    const layer = built(new BatchNormalization(), zeros([2, 3]));
    layer.p.gamma = zeros([4]);
    throwsWith(() => layer.forward(zeros([2, 3])), ShapeError, 'BatchNormalization: forward: parameter gamma has shape (4,), expected (3,)');
  });
  test('forward before initializeParameters, backward before forward, computeGradients before backward', () => {
    const layer = new BatchNormalization();
    layer.computeShapes(zeros([2, 3]));
    throwsWith(() => layer.forward(zeros([2, 3])), StateError, 'BatchNormalization: forward() called before initializeParameters() (parameter gamma is not set)');
    throwsWith(() => built(new BatchNormalization(), zeros([2, 3])).backward(zeros([2, 3])), StateError, 'BatchNormalization: backward() called before forward()');
    const l2 = built(new BatchNormalization(), zeros([2, 3]));
    l2.forward(zeros([2, 3]));
    throwsWith(() => l2.computeGradients(), StateError, 'BatchNormalization: computeGradients() called before backward()');
    throwsWith(() => new BatchNormalization().initializeParameters(), StateError, 'BatchNormalization: initializeParameters() called before computeShapes()');
  });
  test('dA of the wrong shape', () => {
    const layer = built(new BatchNormalization(), zeros([3, 4]));
    layer.forward(zeros([3, 4]));
    throwsWith(() => layer.backward(zeros([4, 3])), ShapeError, "BatchNormalization: backward input dA must have the forward input's shape (3, 4), got (4, 3)");
  });
  test('NaN or ±Infinity in the input of a forward called directly', () => {
    const A = zeros([2, 3]);
    const layer = built(new BatchNormalization(), A);
    A.data[4] = NaN;
    throwsWith(() => layer.forward(A), NonFiniteError, 'BatchNormalization.forward: A must hold finite numbers, got NaN at A[1, 1]');
  });
  test('training on one value per channel (no variance to estimate), as PyTorch refuses', () => {
    const layer = built(new BatchNormalization(), zeros([1, 3]));
    layer.training = true;
    throwsWith(() => layer.forward(zeros([1, 3])), ShapeError, 'BatchNormalization: training needs more than one value per channel to estimate a variance, got input A of shape (1, 3) (m·h·w = 1)');
    layer.training = false;
    expect(layer.forward(new NDArray(Float64Array.of(1, 2, 3), [1, 3])).shape).toEqual([1, 3]); // evaluation: the running statistics
  });
});
