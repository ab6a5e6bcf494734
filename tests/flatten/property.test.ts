// Flatten: shape laws (backward-then-shape), batch-size changes, no parameters, error messages.
import * as fcheck from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError } from '../../src/errors.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { Flatten } from '../../src/flatten/models.js';

describe('Flatten properties', () => {
  test('forward gives (m, prod(rest)); backward restores the input shape and values', () => {
    fcheck.assert(
      fcheck.property(fcheck.array(fcheck.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const X = new NDArray(Float64Array.from({ length: n }, (_, i) => i * 0.5 - 3), shape);
        const layer = new Flatten();
        const A = layer.forward(X);
        const m = shape[0];
        expect(A.shape).toEqual([m, n / m]);
        const dX = layer.backward(A);
        expect(dX.shape).toEqual(shape);
        expect(Array.from(dX.data)).toEqual(Array.from(X.data));
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  test('shapes are recomputed on every forward (batches of other sizes)', () => {
    const layer = new Flatten();
    expect(layer.forward(zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(layer.forward(zeros([5, 3, 4])).shape).toEqual([5, 12]);
    expect(layer.d).toEqual({ m: 5, n: 12 });
    expect(layer.backward(zeros([5, 12])).shape).toEqual([5, 3, 4]);
  });

  test('an empty batch (m = 0) keeps its feature count', () => {
    const layer = new Flatten();
    expect(layer.forward(zeros([0, 3, 2])).shape).toEqual([0, 6]);
  });

  test('has no parameters and is not trainable', () => {
    const layer = new Flatten();
    layer.initializeParameters();
    expect(layer.trainable).toBe(false);
    expect(layer.p).toEqual({});
    expect(layer.name).toBe('Flatten');
  });

  test('errors name the layer, the argument and both shapes', () => {
    const layer = new Flatten();
    expect(() => layer.backward(zeros([2, 6]))).toThrow(EpyNNError);
    expect(() => layer.backward(zeros([2, 6]))).toThrow(/Flatten: backward\(\) called before forward\(\)/);
    expect(() => layer.forward(new NDArray(new Float64Array([1]), []))).toThrow(/Flatten: input A must have a sample axis \(m, \.\.\.\), got shape \(\)/);
    layer.forward(zeros([2, 3, 2]));
    expect(() => layer.backward(zeros([3, 4]))).toThrow(ShapeError);
    expect(() => layer.backward(zeros([3, 4]))).toThrow(/Flatten: backward input dA must have shape \(2, 6\) = \(m, n\), got \(3, 4\)/);
    expect(() => layer.backward(zeros([12]))).toThrow(/got \(12,\)/);
  });
});
