// Backward propagation of the Convolution layer (EpyNN convolution/backward.py).
import { stateError } from '../commons/checks.js';
import { activationBackward, identity } from '../activation/functions.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import { convGradX } from '../kernels/conv.js';
import { checkConvParameters, convDims } from './dims.js';
import type { Convolution } from './models.js';

/** Backward cache initialization: dA must have the shape of the last forward output. */
function initializeBackward(layer: Convolution, dX: NDArray): NDArray {
  const Z = layer.fc.Z;
  if (Z === undefined || layer.fc.X === undefined) {
    // fc.A without fc.Z: the last forward was forward-only (Layer.forwardOnly), which keeps no Z
    throw stateError('Convolution', 'backward', 'forward', layer.fc.X !== undefined && layer.fc.A !== undefined ? 'the last forward was forward-only (forwardOnly), which keeps no Z: run forward again with forwardOnly off' : '');
  }
  if (!sameShape(dX.shape, Z.shape)) {
    throw new ShapeError(`Convolution: backward: dA must have the output shape (m, oh, ow, u) = ${fmt(Z.shape)}, got ${fmt(dX.shape)}`);
  }
  checkConvParameters(layer, 'backward');
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * dZ = dA ⊙ f'(Z) (activationBackward); for the built-in activations the result goes into the layer's
 * 'dZ' output buffer (reused between training batches, every element written).
 */
export function activationGrad(layer: Convolution, dA: NDArray, Z: NDArray): NDArray {
  // The built-in identity: f' = 1 and dA · 1 = dA bit for bit, so dZ is dA itself (read only, never copied)
  if (layer.activate === identity) return dA;
  return activationBackward(layer.activate, dA, Z, layer.hPars, () => layer.outputArray('dZ', Z.shape, false));
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   (2)   dZ = dA ⊙ f'(Z)                                              (m, oh, ow, u)
 *   (5hw) dXb[im, ioh, iow, ifh, ifw, id] = Σ_iu dZ[im, ioh, iow, iu] · W[ifh, ifw, id, iu]
 *   (6hw) dX[im, ioh·sh + ifh − p, iow·sw + ifw − p, id] += dXb[im, ioh, iow, ifh, ifw, id]
 * (the sum over iu of (6hw) is inside the block products); entries landing in the padding are dropped,
 * so dX has the unpadded input shape (m, h, w, d).
 */
export function convolutionBackward(layer: Convolution, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, oh, ow, u)
  const X = layer.fc.X; // (m, h, w, d), unpadded
  const dm = convDims(layer, X, 'backward');
  const u = layer.d.u;

  // (2) Gradient of the loss w.r.t. Z
  const dZ = (layer.bc.dZ = activationGrad(layer, dA, layer.fc.Z)); // dL/dZ (m, oh, ow, u)

  if (layer.skipDX) {
    // Training, right after the Embedding: dL/dX is not needed (see Layer.skipDX)
    delete layer.bc.dX;
    return new NDArray(new Float64Array(0), [0]);
  }

  // (3) Restore kernel dimensions: nothing to do, dZ read as a (m·oh·ow, u) matrix broadcasts
  //     over (fh, fw, d) inside the block products below

  // (4) Initialize backward output dL/dX (zeroed by the kernels; a reused, resident buffer in training)
  dX = layer.outputArray('dX', X.shape, false); // (m, h, w, d)

  // (5hw) Gradient of the loss w.r.t Xb   } fused: dXb = dZ · Wᵀ summed over the units, added at each
  // (6hw) Sum over units axis             } window's position in dX (padding dropped)
  convGradX(layer.kernels, X.data, dm, u, dZ.data, layer.p.W.data, dX.data);

  layer.bc.dX = dX;

  return dX; // To previous layer
}
