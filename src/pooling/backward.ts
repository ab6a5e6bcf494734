// Pooling layer backward pass (EpyNN epynn/pooling/backward.py).
import { ShapeError } from '../commons/errors.js';
import { type NDArray, fmt, sameShape, zeros } from '../commons/ndarray.js';
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
    throw new ShapeError('Pooling: backward called before forward (no fc.X / fc.Z)');
  }
  const [m, h, w, d] = X.shape;
  const { ph, pw, sh, sw, oh, ow } = layer.d;
  if (!sameShape(dA.shape, Z.shape)) {
    throw new ShapeError(`Pooling: dA must have the forward output shape ${fmt(Z.shape)} (m, oh, ow, d), got ${fmt(dA.shape)}`);
  }

  const x = X.data;
  const z = Z.data;
  const da = dA.data;

  // (2) Restore pooling block axes
  //     } nothing to do: dA[im, ioh, iow, id] is read directly for every window position

  // (3) Initialize backward output dL/dX
  dX = zeros([m, h, w, d]); // (m, h, w, d)
  const dx = dX.data;

  const pool = layer.pool;
  const n = ph * pw; // window size, for 'mean'
  let zrow = 0; // Z[im, ioh, iow, 0] and dA[im, ioh, iow, 0]
  for (let im = 0; im < m; im++) {
    // Iterate over forward output height
    for (let ioh = 0; ioh < oh; ioh++) {
      // Iterate over forward output width
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        // (4hw) Retrieve input block             } read in place at x0
        // (5hw) Retrieve pooled value            } z[zrow + id]
        for (let iph = 0; iph < ph; iph++) {
          for (let ipw = 0; ipw < pw; ipw++) {
            const xrow = x0 + (iph * w + ipw) * d; // X[im, ioh·sh + iph, iow·sw + ipw, 0]
            if (pool === 'mean') {
              // Every window position gets an equal share of dA
              for (let id = 0; id < d; id++) dx[xrow + id] += da[zrow + id] / n;
            } else {
              // (6hw) Match pooled value in Zb against Xb (mask Z == X, all ties included)
              // (7hw) Retrieve gradient w.r.t Z
              // (8hw) Keep dXb values where Zb = Xb
              // (9hw) Gradient of the loss w.r.t Xb, accumulated (overlapping windows)
              for (let id = 0; id < d; id++) {
                if (x[xrow + id] === z[zrow + id]) dx[xrow + id] += da[zrow + id];
              }
            }
          }
        }
      }
    }
  }

  layer.bc.dX = dX;

  return dX; // To previous layer
}
