// Pooling layer forward pass (EpyNN epynn/pooling/forward.py).
import { type NDArray, zeros } from '../commons/ndarray.js';
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

  const Z = zeros([m, oh, ow, d]); // (m, oh, ow, d)
  const z = Z.data;

  // (2) Slice input w.r.t. pool size (ph, pw) and strides (sh, sw)
  // (3) Bring back m along axis 0
  // (4) Apply pooling operation on blocks
  //     } fused: blocks Xb are never materialized; each window is read in place from X, channels
  //     innermost so that both X and Z are walked contiguously.
  const pool = layer.pool;
  const n = ph * pw; // window size, for 'mean'
  const rowStep = (w - pw) * d; // from the end of one window row to the start of the next
  let zrow = 0; // Z[im, ioh, iow, 0]
  // The reduction of one (window, channel) runs in a register, channels in the middle loop; one loop
  // nest per pool so that the innermost loops carry no dispatch.
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        if (pool === 'max') {
          for (let id = 0; id < d; id++) {
            // First window element initializes the reduction. Math.max is branch-free (a compare
            // and branch mispredicts on random data) and propagates NaN as np.max does.
            // NOTE: Math.max(-0, +0) is +0 where a first-wins compare keeps -0; equal under ===.
            let xi = x0 + id;
            let v = x[xi];
            for (let iph = 0; iph < ph; iph++, xi += rowStep) {
              for (let ipw = 0; ipw < pw; ipw++, xi += d) v = Math.max(v, x[xi]);
            }
            z[zrow + id] = v;
          }
        } else if (pool === 'min') {
          for (let id = 0; id < d; id++) {
            let xi = x0 + id;
            let v = x[xi];
            for (let iph = 0; iph < ph; iph++, xi += rowStep) {
              for (let ipw = 0; ipw < pw; ipw++, xi += d) v = Math.min(v, x[xi]); // as max, above
            }
            z[zrow + id] = v;
          }
        } else {
          for (let id = 0; id < d; id++) {
            // Summed in window order from the first element, as before: (((x0 + x1) + x2) + …) / n
            let xi = x0 + id;
            let v = x[xi];
            xi += d;
            for (let iph = 0, first = 1; iph < ph; iph++, xi += rowStep, first = 0) {
              for (let ipw = first; ipw < pw; ipw++, xi += d) v += x[xi];
            }
            z[zrow + id] = v / n;
          }
        }
      }
    }
  }

  A = layer.fc.A = layer.fc.Z = Z; // (m, oh, ow, d)

  return A; // To next layer
}
