// Flatten backward pass (EpyNN flatten/backward.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, reshape, sameShape } from '../commons/ndarray.js';
import type { Flatten } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: Flatten, dX: NDArray): NDArray {
  const expected = layer.fs.A;
  if (layer.fc.X === undefined || expected === undefined) throw stateError('Flatten', 'backward', 'forward');
  if (!(dX instanceof NDArray) || !sameShape(dX.shape, expected)) {
    throw new ShapeError(`Flatten: backward input dA must have shape ${fmt(expected)} = (m, n), got ${dX instanceof NDArray ? fmt(dX.shape) : typeof dX}`);
  }
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   (2) dX = reshape(dA)    (m, n) -> (m, ...)  (shape of the forward input)
 */
export function flattenBackward(layer: Flatten, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, n)

  // (2) Reverse reshape (m, n) -> (m, ...)
  dX = layer.bc.dX = reshape(dA, layer.fc.X.shape); // (m, ...) shares dA's data

  return dX; // To previous layer
}
