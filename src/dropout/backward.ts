// Dropout layer backward pass (EpyNN epynn/dropout/backward.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { type NDArray, fmt, sameShape } from '../commons/ndarray.js';
import { applyMask } from './forward.js';
import type { Dropout } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: Dropout, dX: NDArray): NDArray {
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   (2) dX = dA ⊙ D        the mask of the last forward pass, broadcast
 *   (3) dX = dX / (1 − p)
 *
 * When the last forward ran in evaluation mode (no fc.D), dX is a copy of dA.
 */
export function dropoutBackward(layer: Dropout, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, ...)

  const X = layer.fc.X;
  if (X === undefined) throw stateError('Dropout', 'backward', 'forward');
  if (!sameShape(dA.shape, X.shape)) {
    throw new ShapeError(`Dropout: dA must have the shape of the forward input ${fmt(X.shape)}, got ${fmt(dA.shape)}`);
  }

  const D = layer.fc.D;
  if (D === undefined) {
    // Evaluation mode: identity
    dX = layer.bc.dX = dA.copy();
    return dX;
  }

  // (2) Apply the dropout mask used in the forward pass
  // (3) Scale up gradients
  //     } fused in one loop: (dA · D) / (1 − p)
  dX = applyMask(dA, D, layer.d.d); // (m, ...)

  layer.bc.dX = dX;

  return dX; // To previous layer
}
