import type { NDArray } from '../commons/ndarray.js';
import type { Embedding } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: Embedding, dX: NDArray): NDArray {
  const dA = (layer.bc.dA = dX);
  return dA;
}

/** Backward propagate error gradients: the embedding passes dA through. */
export function embeddingBackward(layer: Embedding, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, ...)

  // (2) Pass backward
  dX = layer.bc.dX = dA; // (m, ...)

  return dX; // To previous layer
}
