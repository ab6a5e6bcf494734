import type { NDArray } from '../commons/ndarray.js';
import type { Embedding } from './models.js';

/** Compute forward shapes and dimensions from input for layer. */
export function embeddingComputeShapes(layer: Embedding, A: NDArray): void {
  const X = A; // Input of current layer

  layer.fs.X = X.shape; // (m, ...)

  layer.d.m = X.shape[0]; // Number of samples (m)
  layer.d.n = layer.d.m > 0 ? X.size / layer.d.m : 0; // Number of features (n)
}

/** No parameters to initialize for Embedding layer. */
export function embeddingInitializeParameters(_layer: Embedding): void {}

/** No gradients to compute for Embedding layer. */
export function embeddingComputeGradients(_layer: Embedding): void {}

/** No parameters to update for Embedding layer. */
export function embeddingUpdateParameters(_layer: Embedding): void {}
