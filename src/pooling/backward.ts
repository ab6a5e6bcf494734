// Pooling layer backward pass (EpyNN epynn/pooling/backward.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../commons/errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import { poolMask4Kernel, poolMaskKernel, poolMeanBackKernel } from '../kernels/pool.js';
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

  const pool = layer.pool;
  const n = ph * pw; // window size, for 'mean'

  // (3) Initialize backward output dL/dX. When max/min windows tile X exactly, maskStore4 (windows of
  //     4) or the WebAssembly kernel (any window) writes every element, and a reused buffer needs no
  //     zeroing (Layer.outputArray); the loop below zeroes it where it runs instead
  const tilesAny = pool !== 'mean' && sh === ph && sw === pw && oh * sh === h && ow * sw === w;
  dX = layer.outputArray('dX', [m, h, w, d], !tilesAny); // (m, h, w, d)
  const dx = dX.data;

  if (pool !== 'mean' && n === 4 && sh >= ph && sw >= pw) {
    // Windows of 4 that do not overlap (the usual 2×2, strides 2): every dX element gets at most one
    // term, stored (0 + term, as the += onto the zeros: −0 becomes +0) instead of read-added
    const o1 = pw === 1 ? w * d : d; // offsets of the window's elements 2-4 (as maskStore4)
    const o2 = pw === 4 ? 2 * d : pw === 2 ? w * d : 2 * w * d;
    const o3 = pw === 4 ? 3 * d : pw === 2 ? (w + 1) * d : 3 * w * d;
    if (!poolMask4Kernel(x, z, da, dx, { m, h, w, d, oh, ow, sh, sw, o1, o2, o3 })) {
      maskStore4(x, z, da, dx, m, h, w, d, oh, ow, sh, sw, pw);
    }
    layer.bc.dX = dX;
    return dX; // To previous layer
  }
  if (pool === 'mean' && poolMeanBackKernel(da, dx, { m, h, w, d, oh, ow, sh, sw, ph, pw })) {
    // the WebAssembly kernel (the loop below, two channels at a time: the same bits)
    layer.bc.dX = dX;
    return dX; // To previous layer
  }
  if (pool !== 'mean') {
    // Max/min over other windows (overlapping, or not of 4): the WebAssembly kernel when it applies
    // (the loop below, two channels at a time: the same bits)
    const offs = new Int32Array(n);
    for (let iph = 0, k = 0; iph < ph; iph++) for (let ipw = 0; ipw < pw; ipw++) offs[k++] = (iph * w + ipw) * d;
    if (poolMaskKernel(x, z, da, dx, { m, h, w, d, oh, ow, sh, sw, ph, pw }, offs, tilesAny)) {
      layer.bc.dX = dX;
      return dX; // To previous layer
    }
    if (tilesAny) dx.fill(0); // the loop below adds onto zeros (a reused buffer was not zeroed)
  }
  const rowStep = (w - pw) * d; // from the end of one window row to the start of the next
  let zrow = 0; // Z[im, ioh, iow, 0] and dA[im, ioh, iow, 0]
  for (let im = 0; im < m; im++) {
    // Iterate over forward output height
    for (let ioh = 0; ioh < oh; ioh++) {
      // Iterate over forward output width
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        // (4hw) Retrieve input block             } read in place from x0, one channel at a time
        // (5hw) Retrieve pooled value            } zv = Z[im, ioh, iow, id]
        if (pool === 'mean') {
          for (let id = 0; id < d; id++) {
            // Every window position gets an equal share of dA
            const g = da[zrow + id] / n;
            let xi = x0 + id;
            for (let iph = 0; iph < ph; iph++, xi += rowStep) {
              for (let ipw = 0; ipw < pw; ipw++, xi += d) dx[xi] += g;
            }
          }
        } else {
          for (let id = 0; id < d; id++) {
            const zv = z[zrow + id];
            const g = da[zrow + id]; // (7hw) Retrieve gradient w.r.t Z
            let xi = x0 + id;
            if (g - g === 0) {
              // g finite: the mask as a factor, branch-free (the match position is random, a branch
              // mispredicts); g · 0 = ±0 leaves dx unchanged
              for (let iph = 0; iph < ph; iph++, xi += rowStep) {
                for (let ipw = 0; ipw < pw; ipw++, xi += d) {
                  // (6hw) Match pooled value in Zb against Xb (mask Z == X, all ties included)
                  // (8hw) Keep dXb values where Zb = Xb
                  // (9hw) Gradient of the loss w.r.t Xb, accumulated (overlapping windows)
                  dx[xi] += g * +(x[xi] === zv);
                }
              }
            } else {
              // g = ±∞ or NaN: ∞ · 0 would be NaN outside the mask, so add only where it matches
              for (let iph = 0; iph < ph; iph++, xi += rowStep) {
                for (let ipw = 0; ipw < pw; ipw++, xi += d) if (x[xi] === zv) dx[xi] += g;
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

/**
 * (4hw)-(9hw) for max/min with non-overlapping windows of 4 elements: each dX element of a window is
 * written once, dx = 0 + dA · [X == Z] (all ties get dA, as EpyNN); elements outside every window
 * keep the zeros of the fresh dX.
 */
function maskStore4(
  x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, m: number, h: number, w: number,
  d: number, oh: number, ow: number, sh: number, sw: number, pw: number,
): void {
  // Offsets of the 4 window positions from the first, in window order (pw = 1, 2 or 4)
  const o1 = pw === 1 ? w * d : d;
  const o2 = pw === 4 ? 2 * d : pw === 2 ? w * d : 2 * w * d;
  const o3 = pw === 4 ? 3 * d : pw === 2 ? (w + 1) * d : 3 * w * d;
  let zrow = 0; // Z[im, ioh, iow, 0] and dA[im, ioh, iow, 0]
  for (let im = 0; im < m; im++) {
    // Iterate over forward output height
    for (let ioh = 0; ioh < oh; ioh++) {
      // Iterate over forward output width
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        for (let id = 0; id < d; id++) {
          // (4hw) Retrieve input block       } read in place at x0 + id + (0, o1, o2, o3)
          // (5hw) Retrieve pooled value      } zv
          const zv = z[zrow + id];
          const g = da[zrow + id]; // (7hw) Retrieve gradient w.r.t Z
          const i0 = x0 + id, i1 = i0 + o1, i2 = i0 + o2, i3 = i0 + o3;
          // (6hw) Match pooled value in Zb against Xb (mask Z == X, all ties included)
          // (8hw) Keep dXb values where Zb = Xb
          // (9hw) Gradient of the loss w.r.t Xb (one window per element: stored)
          if (g - g === 0) {
            // g finite: the mask as a factor, branch-free
            dx[i0] = g * +(x[i0] === zv) + 0;
            dx[i1] = g * +(x[i1] === zv) + 0;
            dx[i2] = g * +(x[i2] === zv) + 0;
            dx[i3] = g * +(x[i3] === zv) + 0;
          } else {
            // g = ±∞ or NaN: ∞ · 0 would be NaN outside the mask
            dx[i0] = x[i0] === zv ? 0 + g : 0;
            dx[i1] = x[i1] === zv ? 0 + g : 0;
            dx[i2] = x[i2] === zv ? 0 + g : 0;
            dx[i3] = x[i3] === zv ? 0 + g : 0;
          }
        }
      }
    }
  }
}
