// Dropout layer shapes and (absent) parameters (EpyNN epynn/dropout/parameters.py).
import { EpyNNError, ShapeError } from '../errors.js';
import { type NDArray, fmt } from '../commons/ndarray.js';
import type { Dropout } from './models.js';

/**
 * The layer's axes as non-negative axes of an input of rank `ndim`; throws naming the bad entry.
 * NOTE: EpyNN compares `ax in axis` for ax in range(ndim), so a negative axis is silently ignored
 * there; the port normalizes it NumPy-style instead.
 */
export function dropoutAxes(layer: Dropout, X: NDArray): number[] {
  const ndim = X.ndim;
  return layer.axis.map((a) => {
    if (!(a >= -ndim && a < ndim)) {
      throw new EpyNNError(
        `Dropout: axis ${a} is out of range for input X of shape ${fmt(X.shape)} (rank ${ndim}): expected an integer in [${-ndim}, ${ndim - 1}]`,
      );
    }
    return a < 0 ? a + ndim : a;
  });
}

/** Compute forward shapes and dimensions from input for layer. */
export function dropoutComputeShapes(layer: Dropout, A: NDArray): void {
  const X = A; // Input of current layer

  if (X.ndim < 1) throw new ShapeError(`Dropout: input X must have at least 1 dimension (m, ...), got shape ${fmt(X.shape)}`);
  const axes = dropoutAxes(layer, X);

  layer.fs.X = X.shape;                              // (m, ...)

  layer.d.m = layer.fs.X[0];                         // Number of samples  (m)
  layer.d.n = layer.d.m === 0 ? 0 : X.size / layer.d.m; // Number of features (n)

  // Shape for dropout mask: 1 on the broadcast axes
  layer.fs.D = X.shape.map((s, ax) => (axes.includes(ax) ? 1 : s));
}

/** Initialize parameters from shapes for layer. */
export function dropoutInitializeParameters(_layer: Dropout): void {
  // No parameters to initialize for Dropout layer
}

/** Compute gradients with respect to weight and bias for layer. */
export function dropoutComputeGradients(_layer: Dropout): void {
  // No gradients to compute for Dropout layer
}

/** Update parameters from gradients for layer. */
export function dropoutUpdateParameters(_layer: Dropout): void {
  // No parameters to update for Dropout layer
}
