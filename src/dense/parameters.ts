// Dense shapes, parameters and gradients (EpyNN dense/parameters.py).
import { checkShapesKnown, checkSize, stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { gemmTN, gemmTNSmallN, smallN } from '../commons/gemm.js';
import { optimizerUpdate } from '../commons/models.js';
import { NDArray, fmt, zeros } from '../commons/ndarray.js';
import type { Dense } from './models.js';

/** Compute forward shapes and dimensions from input for layer. */
export function denseComputeShapes(layer: Dense, A: NDArray): void {
  const X = A; // Input of current layer
  if (!(X instanceof NDArray) || X.ndim !== 2) {
    throw new ShapeError(`Dense: input A must be a 2-D array (m, n), got ${X instanceof NDArray ? `shape ${fmt(X.shape)}` : typeof X}`);
  }

  layer.fs.X = X.shape; // (m, n)

  layer.d.m = layer.fs.X[0]; // Number of samples  (m)
  layer.d.n = layer.fs.X[1]; // Number of features (n)

  // Shapes for trainable parameters, units (u)
  layer.fs.W = [layer.d.n, layer.d.u]; // (n, u)
  layer.fs.b = [1, layer.d.u]; // (1, u)
  checkSize('Dense', 'weights W (n, u)', layer.fs.W);
  checkSize('Dense', 'output Z (m, u)', [layer.d.m, layer.d.u]);
}

/** Initialize trainable parameters from shapes for layer. */
export function denseInitializeParameters(layer: Dense): void {
  checkShapesKnown(layer, 'initializeParameters', ['W', 'b']);
  // For linear activation of inputs (Z)
  layer.p.W = layer.initialization(layer.fs.W, layer.rng); // (n, u)
  layer.p.b = zeros(layer.fs.b); // (1, u) Z = X · W + b
}

/**
 * Compute gradients with respect to weight and bias for layer.
 *
 *   (1.1) dW = Xᵀ · dZ     (n, m) · (m, u) -> (n, u)
 *   (1.2) db = Σ_m dZ      (1, u)
 *
 * NOTE: EpyNN's db is np.sum(dZ, axis=0), shape (u,); ours keeps b's shape (1, u).
 */
export function denseComputeGradients(layer: Dense): void {
  const X = layer.fc.X; // Input of forward propagation (m, n)
  const dZ = layer.bc.dZ; // Gradient of the loss with respect to Z (m, u)
  if (X === undefined || dZ === undefined) {
    throw stateError('Dense', 'computeGradients', X === undefined ? 'forward' : 'backward');
  }
  const [m, n] = X.shape;
  const u = dZ.shape[1];
  const x = X.data;
  const dz = dZ.data;

  // (1) Gradient of the loss with respect to W, b
  // The gradient arrays of the previous batch are reused when their shapes still fit (no 400 KB
  // allocation per batch for a 784×64 layer); optimizerUpdate reads them right after this call.
  const gW = reuse(layer.g.dW, [n, u]); // (1.1) dL/dW (n, u)
  const gb = reuse(layer.g.db, [1, u]); // (1.2) dL/db (1, u)
  const dW = gW.data;
  const db = gb.data;
  // (1.1) dW (n, u) = Xᵀ (n, m) · dZ (m, u): the GEMM reads X (m, n) transposed while packing
  // smallN(rows, narrow): here the m rows are the INNER dimension (the batch, K of gemmTNSmallN), u the narrow columns of dW
  if (smallN(m, u)) gemmTNSmallN(n, u, m, x, dz, dW); // a small batch and few units: no packing
  else gemmTN(n, u, m, x, dz, dW);
  // (1.2) db[iu] = Σ_im dZ[im, iu]
  db.fill(0);
  for (let im = 0, zr = 0; im < m; im++, zr += u) {
    for (let iu = 0; iu < u; iu++) db[iu] += dz[zr + iu];
  }
  layer.g.dW = gW; // (1.1) dL/dW
  layer.g.db = gb; // (1.2) dL/db
}

/** The array `prev` when it exists with this shape (its values are overwritten), else a new zero array. */
function reuse(prev: NDArray | undefined, shape: [number, number]): NDArray {
  return prev instanceof NDArray && prev.shape.length === 2 && prev.shape[0] === shape[0] && prev.shape[1] === shape[1]
    ? prev
    : zeros(shape);
}

/** Update parameters from gradients for layer with its optimizer (EpyNN: p -= lrate[e] · g). */
export function denseUpdateParameters(layer: Dense): void {
  optimizerUpdate(layer);
}
