// Shapes, parameters and gradients of the Convolution layer (EpyNN convolution/parameters.py).
import { EpyNNError, ShapeError } from '../commons/errors.js';
import { sgdUpdate } from '../commons/models.js';
import { type NDArray, fmt, sameShape, zeros } from '../commons/ndarray.js';
import { gemmStrided } from '../commons/gemm.js';
import { type ConvDims, directGradW, im2col, offsets, padInput, useDirect } from './kernels.js';
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

/**
 * Sizes and block offsets of one convolution of X, in the layer's reusable scratch: `xoff`, `koff`
 * (see kernels.ts offsets) and, when p > 0, the zero-padded copy of X in `xpad`: `pad` 'always'
 * (forward: X may have changed in place since), 'stale' (only when xpad does not hold this X) or 'no'. Returns the padded input (X's own data when p = 0), M = m·oh·ow rows and
 * K = fh·fw·d entries per block.
 */
export function prepareBlocks(
  layer: Convolution, X: NDArray, where: string, pad: 'always' | 'stale' | 'no',
): { dm: ConvDims; xp: Float64Array; M: number; K: number } {
  const dm = convDims(layer, X, where);
  const { m, h, w, d, fh, fw, p, oh, ow } = dm;
  const M = m * oh * ow;
  const K = fh * fw * d;
  const M4 = (M + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const key = `${m},${h},${w},${d},${fh},${fw},${dm.sh},${dm.sw},${p}`;
  if (layer.xoff.length < M4 || layer.koff.length < K4 || layer.offsFor !== key) {
    // Recomputed only when the sizes change (forward, backward and computeGradients share them)
    if (layer.xoff.length < M4) layer.xoff = new Int32Array(M4); // reused while big enough
    if (layer.koff.length < K4) layer.koff = new Int32Array(K4);
    offsets(dm, layer.xoff, layer.koff);
    layer.offsFor = key;
  }
  let xp = X.data;
  if (pad !== 'no' && p > 0) {
    const n = m * (h + 2 * p) * (w + 2 * p) * d;
    if (layer.xpad.length < n) {
      layer.xpad = new Float64Array(n);
      layer.xpadOf = undefined;
    }
    if (pad === 'always' || layer.xpadOf !== X) padInput(X.data, dm, layer.xpad);
    layer.xpadOf = X;
    xp = layer.xpad;
  }
  return { dm, xp, M, K };
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
 * forward (read in place from the padded input, or the im2col matrix `layer.cols` on the GEMM path)
 * and dZ of the last backward.
 *
 *   (1.1) dW[ifh, ifw, id, iu] = Σ_{im, ioh, iow} Xb[im, ioh, iow, ifh, ifw, id] · dZ[im, ioh, iow, iu]
 *         i.e. dW (fh·fw·d, u) = Xbᵀ (fh·fw·d, m·oh·ow) · dZ (m·oh·ow, u)
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
  const { dm, xp, M, K } = prepareBlocks(layer, X, 'computeGradients', 'stale');
  if (dZ.size !== M * u) {
    throw new ShapeError(`Convolution: computeGradients: dZ ${fmt(dZ.shape)} does not match the forward input X ${fmt(X.shape)}, call forward and backward again`);
  }

  // Gradients initialization with respect to parameters
  const dW = zeros(layer.p.W.shape); // (fh, fw, d, u)
  const db = zeros(layer.p.b.shape); // (u,)

  // (1) Gradient of the loss with respect to W, b
  // (1.1) dL/dW
  if (useDirect(dm)) {
    let dz = dZ.data;
    let ldz = u;
    if (u % 4 !== 0) {
      // Rows padded to a multiple of 4 columns with zeros: the 4-column blocks never read past a row
      ldz = (u + 3) & ~3;
      if (layer.dzpad.length < M * ldz) layer.dzpad = new Float64Array(M * ldz);
      dz = layer.dzpad;
      const z = dZ.data;
      for (let r = 0, s = 0, o = 0; r < M; r++, o += ldz) {
        for (let j = 0; j < u; j++) dz[o + j] = z[s++];
        for (let j = u; j < ldz; j++) dz[o + j] = 0;
      }
    }
    // (1.2) dL/db fused (summed chunk by chunk while dZ is in cache), when b is used
    directGradW(xp, layer.xoff, layer.koff, M, K, u, dz, ldz, dW.data, layer.useBias ? db.data : null);
  } else {
    if (layer.colsOf !== X || layer.cols.length < M * K) {
      // cols is not the blocks of this X (another forward in between): rebuild it
      if (layer.cols.length < M * K) layer.cols = new Float64Array(M * K);
      im2col(xp, layer.xoff, layer.koff, M, K, dm.d, layer.cols);
      layer.colsOf = X;
    }
    gemmStrided(K, u, M, layer.cols, 0, 1, K, dZ.data, 0, u, 1, dW.data, 0, u, false);
  }
  if (layer.useBias && !useDirect(dm)) {
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
