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
  const n = ph * pw; // window size
  // Offsets of the window positions from the window's first element X[im, ioh·sh, iow·sw, id]
  const offs = new Int32Array(n);
  for (let iph = 0, k = 0; iph < ph; iph++) for (let ipw = 0; ipw < pw; ipw++) offs[k++] = (iph * w + ipw) * d;
  // NOTE: max/min select with arithmetic, v·(1 − s) + x·s with s = +(x > v): exact for finite values
  // and branch-free (on random data a compare-and-branch mispredicts about half the time, ~3× slower).
  // With an infinity in X, ∞·0 would be NaN: that case takes Math.max/min (NaN propagates either way).
  let finite = true;
  for (let i = 0; i < x.length && finite; i++) finite = x[i] - x[i] === 0 || x[i] !== x[i];
  const sign = pool === 'min' ? -1 : 1; // compares −b > −v for min: negation is exact
  let zrow = 0; // Z[im, ioh, iow, 0]
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        for (let id = 0; id < d; id++) {
          const xi = x0 + id;
          // The reduction of one (window, channel) runs in a register; the first element initializes it
          let v = x[xi];
          if (pool === 'mean') {
            // Summed in window order, (((x0 + x1) + x2) + …) / n
            for (let k = 1; k < n; k++) v += x[xi + offs[k]];
            v /= n;
          } else if (finite) {
            for (let k = 1; k < n; k++) {
              const b = x[xi + offs[k]];
              const t = +(sign * b > sign * v); // b beats v (max: b > v, min: b < v); NaN never beats
              v = v * (1 - t) + b * t;
            }
          } else if (pool === 'max') {
            for (let k = 1; k < n; k++) v = Math.max(v, x[xi + offs[k]]);
          } else {
            for (let k = 1; k < n; k++) v = Math.min(v, x[xi + offs[k]]);
          }
          z[zrow + id] = v;
        }
      }
    }
  }

  A = layer.fc.A = layer.fc.Z = Z; // (m, oh, ow, d)

  return A; // To next layer
}
