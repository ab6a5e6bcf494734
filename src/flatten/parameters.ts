// Flatten shapes (EpyNN flatten/parameters.py); the layer has no parameters.
import { ShapeError } from '../errors.js';
import { NDArray, fmt, size } from '../commons/ndarray.js';
import type { Flatten } from './models.js';

/** Compute forward shapes and dimensions from input for layer. */
export function flattenComputeShapes(layer: Flatten, A: NDArray): void {
  const X = A; // Input of current layer
  if (!(X instanceof NDArray) || X.ndim < 1) {
    throw new ShapeError(`Flatten: input A must have a sample axis (m, ...), got ${X instanceof NDArray ? `shape ${fmt(X.shape)}` : typeof X}`);
  }

  layer.fs.X = X.shape; // (m, ...)

  layer.d.m = layer.fs.X[0]; // Number of samples  (m)
  layer.d.n = size(X.shape.slice(1)); // Number of features (n); EpyNN: X.size // m (fails for m = 0)

  // Shape for output of forward propagation
  layer.fs.A = [layer.d.m, layer.d.n]; // (m, n)
}

/** Initialize trainable parameters from shapes for layer. */
export function flattenInitializeParameters(_layer: Flatten): void {
  // No parameters to initialize for Flatten layer
}

/** Compute gradients with respect to weight and bias for layer. */
export function flattenComputeGradients(_layer: Flatten): void {
  // No gradients to compute for Flatten layer
}

/** Update parameters from gradients for layer. */
export function flattenUpdateParameters(_layer: Flatten): void {
  // No parameters to update for Flatten layer
}
