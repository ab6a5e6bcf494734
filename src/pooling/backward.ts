// Pooling layer backward pass (EpyNN epynn/pooling/backward.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import { poolBackwardKernel, poolBackwardWritesAll } from '../kernels/pool.js';
import type { Pooling } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: Pooling, dX: NDArray): NDArray {
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   max/min:  dX[im, ioh·sh + iph, iow·sw + ipw, id] += dA[im, ioh, iow, id] · [X[…] == Z[im, ioh, iow, id]]
 *   mean:     dX[im, ioh·sh + iph, iow·sw + ipw, id] += dA[im, ioh, iow, id] / (ph·pw)
 *
 * NOTE (ties, as EpyNN): the max/min mask is `Z == X`, so when several positions of one window
 * hold the extremum, EVERY one of them receives the full dA (not one argmax). The gradient is
 * then not the derivative of the pooling (which is undefined at ties): Σ dX can exceed Σ dA.
 * Overlapping windows (strides < poolSize) accumulate (`+=`).
 */
export function poolingBackward(layer: Pooling, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, oh, ow, d)

  const X = layer.fc.X; // (m, h, w, d)
  const Z = layer.fc.Z; // (m, oh, ow, d)
  if (X === undefined || Z === undefined) {
    throw stateError('Pooling', 'backward', 'forward');
  }
  const [m, h, w, d] = X.shape;
  const { ph, pw, sh, sw, oh, ow } = layer.d;
  if (!sameShape(dA.shape, Z.shape)) {
    throw new ShapeError(`Pooling: dA must have the forward output shape ${fmt(Z.shape)} (m, oh, ow, d), got ${fmt(dA.shape)}`);
  }

  if (layer.skipDX) {
    // Training, right after the Embedding: dL/dX is not needed (see Layer.skipDX)
    delete layer.bc.dX;
    return new NDArray(new Float64Array(0), [0]);
  }

  const x = X.data;
  const z = Z.data;
  const da = dA.data;

  // (2) Restore pooling block axes
  //     } nothing to do: dA[im, ioh, iow, id] is read directly for every window position

  // (3) Initialize backward output dL/dX. When max/min windows tile X exactly, the kernel writes every
  //     element, and a reused buffer needs no zeroing (Layer.outputArray)
  const dims = { m, h, w, d, oh, ow, sh, sw, ph, pw };
  dX = layer.outputArray('dX', [m, h, w, d], !poolBackwardWritesAll(dims, layer.pool)); // (m, h, w, d)

  // (4hw) Retrieve input block             } read in place, one channel at a time
  // (5hw) Retrieve pooled value            } Z[im, ioh, iow, id]
  // (6hw) Match pooled value in Zb against Xb (mask Z == X, all ties included); mean: equal shares
  // (7hw)-(9hw) Gradient of the loss w.r.t Xb, accumulated over overlapping windows (src/kernels/pool.ts)
  poolBackwardKernel(x, z, da, dX.data, dims, layer.pool);

  layer.bc.dX = dX;

  return dX; // To previous layer
}
