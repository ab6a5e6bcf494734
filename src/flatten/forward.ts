// Flatten forward pass (EpyNN flatten/forward.py).
import { type NDArray, reshape } from '../commons/ndarray.js';
import type { Flatten } from './models.js';

/** Forward cache initialization. */
function initializeForward(layer: Flatten, A: NDArray): NDArray {
  const X = (layer.fc.X = A); // Kept by reference: never written to
  return X;
}

/**
 * Forward propagate signal to next layer.
 *
 *   (2) A = reshape(X)    (m, ...) -> (m, n)
 *
 * A shares X's data (no copy), as np.reshape does; no layer writes into its input.
 */
export function flattenForward(layer: Flatten, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, ...)

  // (2) Reshape  (m, ...) -> (m, n)
  A = layer.fc.A = reshape(X, layer.fs.A); // (m, n)

  return A; // To next layer
}
