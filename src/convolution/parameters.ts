// Shapes, parameters and gradients of the Convolution layer (EpyNN convolution/parameters.py).
import { EpyNNError, ShapeError } from '../commons/errors.js';
import { sgdUpdate } from '../commons/models.js';
import { type NDArray, fmt, sameShape, zeros } from '../commons/ndarray.js';
import { type ConvDims, gemm } from './kernels.js';
import type { Convolution } from './models.js';

/** Throws a ShapeError unless `X` is 4-D (m, h, w, d). */
export function checkRank4(where: string, arg: string, X: NDArray): void {
  if (X.ndim !== 4) {
    throw new ShapeError(`Convolution: ${where}: ${arg} must be 4-D (m, h, w, d), got shape ${fmt(X.shape)}`);
  }
}

/**
 * Sizes of one convolution of `X` (m, h, w, d): m, h, w, d are read from X itself (the last batch
 * may be smaller), the window sizes from `layer.d`. Throws when the window does not fit.
 */
export function convDims(layer: Convolution, X: NDArray, where: string): ConvDims {
  const [m, h, w, d] = X.shape;
  const { fh, fw, sh, sw, p } = layer.d;
  if (fh > h + 2 * p || fw > w + 2 * p) {
    throw new ShapeError(
      `Convolution: ${where}: filter (fh, fw) = (${fh}, ${fw}) is larger than the padded input ` +
        `(h + 2p, w + 2p) = (${h + 2 * p}, ${w + 2 * p}) of X ${fmt(X.shape)} with padding ${p}`,
    );
  }
  // Output height (oh) and width (ow), from the PADDED input
  const oh = Math.floor((h + 2 * p - fh) / sh) + 1;
  const ow = Math.floor((w + 2 * p - fw) / sw) + 1;
  return { m, h, w, d, fh, fw, sh, sw, p, oh, ow };
}

/** Throws unless p.W is (fh, fw, d, u) and p.b is (u,) as computeShapes set them in fs. */
export function checkParameters(layer: Convolution, where: string): void {
  const { W, b } = layer.fs;
  if (W === undefined || b === undefined) {
    throw new EpyNNError(`Convolution: ${where}: shapes unknown, call computeShapes (and initializeParameters) first`);
  }
  if (layer.p.W === undefined || layer.p.b === undefined) {
    throw new EpyNNError(`Convolution: ${where}: parameters p.W and p.b are not set, call initializeParameters first`);
  }
  if (!sameShape(layer.p.W.shape, W)) {
    throw new ShapeError(`Convolution: ${where}: p.W must have shape (fh, fw, d, u) = ${fmt(W)}, got ${fmt(layer.p.W.shape)}`);
  }
  if (!sameShape(layer.p.b.shape, b)) {
    throw new ShapeError(`Convolution: ${where}: p.b must have shape (u,) = ${fmt(b)}, got ${fmt(layer.p.b.shape)}`);
  }
}

// prettier-ignore
/** Compute forward shapes and dimensions from input for layer. */
export function convolutionComputeShapes(layer: Convolution, A: NDArray): void {
  const X = A; // Input of current layer
  checkRank4('computeShapes', 'A', X);

  layer.fs.X = X.shape;              // (m, h, w, d)

  layer.d.m = layer.fs.X[0];         // Number of samples  (m)
  layer.d.h = layer.fs.X[1];         // Height of features (h)
  layer.d.w = layer.fs.X[2];         // Width of features  (w)
  layer.d.d = layer.fs.X[3];         // Depth of features  (d)

  // Output height (oh) and width (ow)
  // NOTE: EpyNN uses h and w here, not the padded h + 2p and w + 2p (its padding bug)
  const { oh, ow } = convDims(layer, X, 'computeShapes');
  layer.d.oh = oh;
  layer.d.ow = ow;

  // Shapes for trainable parameters
  // filter_height (fh), filter_width (fw), features_depth (d), unit_filters (u)
  layer.fs.W = [layer.d.fh, layer.d.fw, layer.d.d, layer.d.u];   // (fh, fw, d, u)
  layer.fs.b = [layer.d.u];                                      // (u,)
}

/** Initialize trainable parameters from shapes for layer. */
export function convolutionInitializeParameters(layer: Convolution): void {
  if (layer.fs.W === undefined || layer.fs.b === undefined) {
    throw new EpyNNError('Convolution: initializeParameters: shapes unknown, call computeShapes first');
  }
  // For linear activation of inputs (Z)
  layer.p.W = layer.initialization(layer.fs.W, layer.rng); // (fh, fw, d, u)
  layer.p.b = zeros(layer.fs.b); // (u,) Z = X * W + b
}

/**
 * Compute gradients with respect to weight and bias for layer, from the blocks Xb of the last
 * forward (the im2col matrix `layer.cols`) and dZ of the last backward.
 *
 *   (1.1) dW[ifh, ifw, id, iu] = Σ_{im, ioh, iow} Xb[im, ioh, iow, ifh, ifw, id] · dZ[im, ioh, iow, iu]
 *         as a GEMM: dW (fh·fw·d, u) = colsᵀ (fh·fw·d, m·oh·ow) · dZ (m·oh·ow, u)
 *   (1.2) db[iu] = Σ_{im, ioh, iow} dZ[im, ioh, iow, iu]        (zeros when useBias is false)
 */
export function convolutionComputeGradients(layer: Convolution): void {
  const dZ = layer.bc.dZ; // Gradient of the loss with respect to Z (m, oh, ow, u)
  const X = layer.fc.X;
  if (dZ === undefined || X === undefined) {
    throw new EpyNNError('Convolution: computeGradients: no cached forward/backward pass, call forward and backward first');
  }
  checkParameters(layer, 'computeGradients');
  const u = layer.d.u;
  const K = layer.d.fh * layer.d.fw * X.shape[3]; // one block of Xb, one row of W viewed (fh·fw·d, u)
  const M = dZ.data.length / u; // m·oh·ow blocks
  if (layer.cols.length < M * K) {
    throw new EpyNNError('Convolution: computeGradients: the forward blocks do not match dZ, call forward and backward again');
  }

  // Gradients initialization with respect to parameters
  const dW = zeros(layer.p.W.shape); // (fh, fw, d, u)
  const db = zeros(layer.p.b.shape); // (u,)

  // (1) Gradient of the loss with respect to W, b
  gemm(K, u, M, layer.cols, 1, K, dZ.data, u, 1, dW.data, u); // (1.1) dL/dW
  if (layer.useBias) {
    const z = dZ.data;
    const g = db.data;
    for (let r = 0; r < z.length; r += u) for (let iu = 0; iu < u; iu++) g[iu] += z[r + iu]; // (1.2) dL/db
  } // useBias false: db stays zeros (EpyNN: the scalar 0.), so b never moves

  layer.g.dW = dW;
  layer.g.db = db;
}

/** Update parameters from gradients for layer: p -= lrate[e] · g (lrate scheduled per epoch). */
export function convolutionUpdateParameters(layer: Convolution): void {
  sgdUpdate(layer);
}
