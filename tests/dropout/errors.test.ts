// Bad options and bad inputs: typed errors whose message names the layer, the option or argument,
// what was expected and what was received.
import { describe, test } from 'vitest';
import { throwsWith } from '../helpers/errors.js';
import { EpyNNError, ShapeError, StateError } from '../../src/errors.js';
import { zeros } from '../../src/commons/ndarray.js';
import { Dropout } from '../../src/dropout/models.js';

describe('Dropout option errors', () => {
  test.each([[1, 'got 1'], [1.5, 'got 1.5'], [-0.1, 'got -0.1'], [NaN, 'got NaN'], ['0.5', "got '0.5'"]])('dropProb %s', (p, got) => {
    throwsWith(() => new Dropout({ dropProb: p as never }), EpyNNError, 'Dropout: dropProb must be a number in [0, 1)', got);
  });
  test.each([[[1.5], 'got [1.5]'], [['1'], "got ['1']"], [0.5, 'got 0.5']])('axis %j', (axis, got) => {
    throwsWith(() => new Dropout({ axis: axis as never }), EpyNNError, 'Dropout: axis must be an integer or an array of integers', got);
  });
});

describe('Dropout input errors', () => {
  test('axis out of range for the input rank', () => {
    const layer = new Dropout({ axis: [2] });
    layer.training = true;
    throwsWith(() => layer.forward(zeros([4, 10])), EpyNNError, 'Dropout: axis 2 is out of range for input X of shape (4, 10) (rank 2): expected an integer in [-2, 1]');
    throwsWith(() => new Dropout({ axis: -3 }).forward(zeros([4, 10])), EpyNNError, 'axis -3 is out of range');
  });
  test('axis is checked in evaluation mode too', () => {
    throwsWith(() => new Dropout({ axis: 5 }).computeShapes(zeros([2, 2])), EpyNNError, 'axis 5 is out of range');
  });
  test('0-D input', () => {
    throwsWith(() => new Dropout().forward(zeros([])), ShapeError, 'Dropout: input X must have at least 1 dimension (m, ...), got shape ()');
  });
  test('dA of the wrong shape, in training and evaluation mode', () => {
    for (const training of [true, false]) {
      const layer = new Dropout();
      layer.training = training;
      layer.forward(zeros([3, 4]));
      throwsWith(() => layer.backward(zeros([4, 3])), ShapeError, 'Dropout: dA must have the shape of the forward input (3, 4), got (4, 3)');
    }
  });
  test('backward before forward', () => {
    throwsWith(() => new Dropout().backward(zeros([1, 1])), StateError, 'Dropout: backward() called before forward()');
  });
});
