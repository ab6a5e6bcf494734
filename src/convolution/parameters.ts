// Shapes, parameters and gradients of the Convolution layer (EpyNN convolution/parameters.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { optimizerUpdate } from '../commons/models.js';
import { type NDArray, fmt, zeros } from '../commons/ndarray.js';
import { convGradW } from '../kernels/conv.js';
import { checkConvParameters, checkRank4, convDims } from './dims.js';
import type { Convolution } from './models.js';

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
    throw stateError('Convolution', 'initializeParameters', 'computeShapes');
  }
  // For linear activation of inputs (Z)
  layer.p.W = layer.initialization(layer.fs.W, layer.rng); // (fh, fw, d, u)
  layer.p.b = zeros(layer.fs.b); // (u,) Z = X * W + b
}

/**
 * Compute gradients with respect to weight and bias for layer, from the blocks Xb of the last
 * forward (read in place from the padded input, or its im2col matrix on the GEMM path) and dZ of the
 * last backward.
 *
 *   (1.1) dW[ifh, ifw, id, iu] = Σ_{im, ioh, iow} Xb[im, ioh, iow, ifh, ifw, id] · dZ[im, ioh, iow, iu]
 *         i.e. dW (fh·fw·d, u) = Xbᵀ (fh·fw·d, m·oh·ow) · dZ (m·oh·ow, u)
 *   (1.2) db[iu] = Σ_{im, ioh, iow} dZ[im, ioh, iow, iu]        (zeros when useBias is false)
 */
export function convolutionComputeGradients(layer: Convolution): void {
  const dZ = layer.bc.dZ; // Gradient of the loss with respect to Z (m, oh, ow, u)
  const X = layer.fc.X;
  if (dZ === undefined || X === undefined) {
    throw stateError('Convolution', 'computeGradients', X === undefined ? 'forward' : 'backward');
  }
  checkConvParameters(layer, 'computeGradients');
  const u = layer.d.u;
  const dm = convDims(layer, X, 'computeGradients');
  if (dZ.size !== dm.m * dm.oh * dm.ow * u) {
    throw new ShapeError(`Convolution: computeGradients: dZ ${fmt(dZ.shape)} does not match the forward input X ${fmt(X.shape)}, call forward and backward again`);
  }

  // Gradients initialization with respect to parameters
  const dW = zeros(layer.p.W.shape); // (fh, fw, d, u)
  const db = zeros(layer.p.b.shape); // (u,)

  // (1) Gradient of the loss with respect to W, b
  // (1.1) dL/dW: dW (fh·fw·d, u) = Xbᵀ (fh·fw·d, m·oh·ow) · dZ (m·oh·ow, u), the blocks read in place
  // (1.2) dL/db = Σ dZ over (m, oh, ow), fused (useBias false: db stays zeros, EpyNN's scalar 0., so b never moves)
  convGradW(layer.kernels, X.data, dm, u, dZ.data, dW.data, layer.useBias ? db.data : null);

  layer.g.dW = dW;
  layer.g.db = db;
}

/** Update parameters from gradients for layer with its optimizer (EpyNN: p -= lrate[e] · g, lrate scheduled per epoch). */
export function convolutionUpdateParameters(layer: Convolution): void {
  optimizerUpdate(layer);
}
