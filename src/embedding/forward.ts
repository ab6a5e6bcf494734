import type { NDArray } from '../commons/ndarray.js';
import type { Embedding } from './models.js';

/** Forward cache initialization. */
function initializeForward(layer: Embedding, A: NDArray): NDArray {
  const X = (layer.fc.X = A);
  return X;
}

/** Forward propagate signal to next layer: the embedding passes X through. */
export function embeddingForward(layer: Embedding, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, ...)

  // (2) Pass forward
  A = layer.fc.A = X; // (m, ...)

  return A; // To next layer
}
