// Pooling layer forward pass (EpyNN epynn/pooling/forward.py).
import type { NDArray } from '../commons/ndarray.js';
import { poolForwardKernel } from '../kernels/pool.js';
import type { Pooling } from './models.js';

/** Forward cache initialization. */
function initializeForward(layer: Pooling, A: NDArray): NDArray {
  const X = (layer.fc.X = A); // read only: never written to
  return X;
}

/**
 * Forward propagate signal to next layer.
 *
 *   (2)-(3) Xb[im, ioh, iow, iph, ipw, id] = X[im, ioh·sh + iph, iow·sw + ipw, id]
 *   (4)     Z[im, ioh, iow, id] = pool over (iph, ipw) of Xb[im, ioh, iow, iph, ipw, id]
 *           pool = max | min | mean;  A = Z   (m, oh, ow, d)
 */
export function poolingForward(layer: Pooling, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, h, w, d)

  const [m, h, w, d] = X.shape; // m from the batch itself
  const { ph, pw, sh, sw, oh, ow } = layer.d;
  const x = X.data;

  const Z = layer.outputArray('Z', [m, oh, ow, d], false); // (m, oh, ow, d), every element written below
  const z = Z.data;

  // (2) Slice input w.r.t. pool size (ph, pw) and strides (sh, sw)
  // (3) Bring back m along axis 0
  // (4) Apply pooling operation on blocks
  //     } fused: blocks Xb are never materialized; each window is read in place from X, channels
  //     innermost so that both X and Z are walked contiguously (src/kernels/pool.ts)
  poolForwardKernel(x, z, { m, h, w, d, oh, ow, sh, sw, ph, pw }, layer.pool);

  A = layer.fc.A = layer.fc.Z = Z; // (m, oh, ow, d)

  return A; // To next layer
}
