// Backward propagation of the Convolution layer (EpyNN convolution/backward.py).
import { EpyNNError, ShapeError } from '../commons/errors.js';
import { type NDArray, fmt, mul, sameShape, zeros } from '../commons/ndarray.js';
import { col2im, gemm } from './kernels.js';
import type { Convolution } from './models.js';
import { checkParameters, convDims } from './parameters.js';

/** Backward cache initialization: dA must have the shape of the last forward output. */
function initializeBackward(layer: Convolution, dX: NDArray): NDArray {
  const Z = layer.fc.Z;
  if (Z === undefined || layer.fc.X === undefined) {
    throw new EpyNNError('Convolution: backward: no cached forward pass, call forward first');
  }
  if (!sameShape(dX.shape, Z.shape)) {
    throw new ShapeError(`Convolution: backward: dA must have the output shape (m, oh, ow, u) = ${fmt(Z.shape)}, got ${fmt(dX.shape)}`);
  }
  checkParameters(layer, 'backward');
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   (2)   dZ = dA ⊙ f'(Z)                                              (m, oh, ow, u)
 *   (5hw) dXb[im, ioh, iow, ifh, ifw, id] = Σ_iu dZ[im, ioh, iow, iu] · W[ifh, ifw, id, iu]
 *   (6hw) dX[im, ioh·sh + ifh − p, iow·sw + ifw − p, id] += dXb[im, ioh, iow, ifh, ifw, id]
 * (the sum over iu of (6hw) is inside the GEMM); entries landing in the padding are dropped,
 * so dX has the unpadded input shape (m, h, w, d).
 */
export function convolutionBackward(layer: Convolution, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, oh, ow, u)
  const X = layer.fc.X; // (m, h, w, d), unpadded
  const dm = convDims(layer, X, 'backward');
  const { m, d, fh, fw, oh, ow } = dm;
  const u = layer.d.u;
  const K = fh * fw * d;
  const M = m * oh * ow;

  // (2) Gradient of the loss w.r.t. Z
  const dZ = (layer.bc.dZ = mul(dA, layer.activate(layer.fc.Z, true, layer.hPars))); // dL/dZ (m, oh, ow, u)

  // (3) Restore kernel dimensions: nothing to do, dZ read as a (m·oh·ow, u) matrix broadcasts
  //     over (fh, fw, d) inside the GEMM below

  // (4) Initialize backward output dL/dX
  dX = zeros(X.shape); // (m, h, w, d)

  // (5hw) Gradient of the loss w.r.t Xb   } for all (oh, ow) at once: dcols (m·oh·ow, fh·fw·d)
  // (6hw) Sum over units axis             } = dZ (m·oh·ow, u) · Wᵀ (u, fh·fw·d), the sum over u
  if (layer.dcols.length < M * K) layer.dcols = new Float64Array(M * K); // reused while big enough
  const dcols = layer.dcols; // overwritten, no need to zero it
  gemm(M, K, u, dZ.data, u, 1, layer.p.W.data, 1, u, dcols, K);
  // ... then the += of step 6hw: each window's dXb into dX[:, hs:he, ws:we, :] (col2im, padding cropped)
  col2im(dcols, dm, dX.data);

  layer.bc.dX = dX;

  return dX; // To previous layer
}
