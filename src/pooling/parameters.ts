// Pooling layer shapes and (absent) parameters (EpyNN epynn/pooling/parameters.py).
import { checkSize } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { type NDArray, fmt } from '../commons/ndarray.js';
import type { Pooling } from './models.js';

/** Compute forward shapes and dimensions from input for layer. */
export function poolingComputeShapes(layer: Pooling, A: NDArray): void {
  const X = A; // Input of current layer

  if (X.ndim !== 4) {
    throw new ShapeError(`Pooling: input X must be 4-D (m, h, w, d), got shape ${fmt(X.shape)}`);
  }
  const { ph, pw } = layer.d;
  if (ph > X.shape[1] || pw > X.shape[2]) {
    throw new ShapeError(
      `Pooling: poolSize [${ph}, ${pw}] is larger than the input (h, w) = (${X.shape[1]}, ${X.shape[2]}) of X ${fmt(X.shape)}`,
    );
  }

  layer.fs.X = X.shape;           // (m, h, w, d)

  layer.d.m = layer.fs.X[0];      // Number of samples      (m)
  layer.d.h = layer.fs.X[1];      // Height of features map (h)
  layer.d.w = layer.fs.X[2];      // Width of features map  (w)
  layer.d.d = layer.fs.X[3];      // Depth of features map  (d)

  // Output height (oh) and width (ow)
  layer.d.oh = Math.floor((layer.d.h - layer.d.ph) / layer.d.sh) + 1;
  layer.d.ow = Math.floor((layer.d.w - layer.d.pw) / layer.d.sw) + 1;

  // EpyNN caches the block array fc.Xb (m, oh, ow, ph, pw, d); the port never builds it
  // (the kernels index X directly) but keeps its shape so fs reads as in EpyNN.
  const { m, oh, ow, d } = layer.d;
  layer.fs.Xb = [m, oh, ow, ph, pw, d];
  checkSize('Pooling', 'output Z (m, oh, ow, d)', [m, oh, ow, d]);
}

/** Initialize parameters from shapes for layer. */
export function poolingInitializeParameters(_layer: Pooling): void {
  // No parameters to initialize for Pooling layer
}

/** Compute gradients with respect to weight and bias for layer. */
export function poolingComputeGradients(_layer: Pooling): void {
  // No gradients to compute for Pooling layer
}

/** Update parameters from gradients for layer. */
export function poolingUpdateParameters(_layer: Pooling): void {
  // No parameters to update for Pooling layer
}
