// The Pooling layer's loops on the TypeScript backend (kernels 'poolWindows', 'poolMask4', 'poolMask',
// 'poolMeanBack' of the registry; the passes are in src/kernels/pool.ts). The WebAssembly kernels compute
// the same values with the same operations in the same order (the same bits).
import type { PoolDims } from '../pool.js';

export const MEAN = 0;
export const SELECT = 1;
export const MAX = 2;
export const MIN = 3;

/**
 * (4) on every window, read in place: z[im, ioh, iow, id] = pool of x over the window offsets `offs`
 * from X[im, ioh·sh, iow·sw, id]. mode MEAN, SELECT (arithmetic max, or min with sign = −1; finite X
 * only), MAX or MIN (Math.max/min). Returns Σ (v − v) over the pooled values of SELECT (NaN when one is
 * not finite), else 0.
 */
export function poolWindows(
  x: Float64Array, z: Float64Array, m: number, h: number, w: number, d: number, oh: number, ow: number,
  sh: number, sw: number, offs: Int32Array, mode: number, sign: number,
): number {
  const n = offs.length; // window size
  const o1 = offs[1 % n], o2 = offs[2 % n], o3 = offs[3 % n]; // used when n = 4
  let chk = 0;
  let zrow = 0; // Z[im, ioh, iow, 0]
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d; // X[im, ioh·sh, iow·sw, 0]
        if (mode === SELECT && n === 4) {
          // 2×2 windows (the usual case) unrolled
          for (let id = 0; id < d; id++) {
            const xi = x0 + id;
            let v = x[xi];
            const b1 = x[xi + o1];
            const t1 = +(sign * b1 > sign * v);
            v = v * (1 - t1) + b1 * t1;
            const b2 = x[xi + o2];
            const t2 = +(sign * b2 > sign * v);
            v = v * (1 - t2) + b2 * t2;
            const b3 = x[xi + o3];
            const t3 = +(sign * b3 > sign * v);
            v = v * (1 - t3) + b3 * t3;
            chk += v - v;
            z[zrow + id] = v;
          }
        } else if (mode === SELECT) {
          for (let id = 0; id < d; id++) {
            const xi = x0 + id;
            // The reduction of one (window, channel) runs in a register; the first element initializes it
            let v = x[xi];
            for (let k = 1; k < n; k++) {
              const b = x[xi + offs[k]];
              const t = +(sign * b > sign * v); // b beats v (max: b > v, min: b < v); NaN never beats
              v = v * (1 - t) + b * t;
            }
            chk += v - v;
            z[zrow + id] = v;
          }
        } else if (mode === MEAN) {
          for (let id = 0; id < d; id++) {
            const xi = x0 + id;
            // Summed in window order, (((x0 + x1) + x2) + …) / n
            let v = x[xi];
            for (let k = 1; k < n; k++) v += x[xi + offs[k]];
            z[zrow + id] = v / n;
          }
        } else if (mode === MAX) {
          for (let id = 0; id < d; id++) {
            const xi = x0 + id;
            let v = x[xi];
            for (let k = 1; k < n; k++) v = Math.max(v, x[xi + offs[k]]);
            z[zrow + id] = v;
          }
        } else {
          for (let id = 0; id < d; id++) {
            const xi = x0 + id;
            let v = x[xi];
            for (let k = 1; k < n; k++) v = Math.min(v, x[xi + offs[k]]);
            z[zrow + id] = v;
          }
        }
      }
    }
  }
  return chk;
}

/**
 * (4hw)-(9hw) for max/min with non-overlapping windows of 4 elements: each dX element of a window is
 * written once, dx = 0 + dA · [X == Z] (all ties get dA, as EpyNN); elements outside every window
 * keep the zeros of the fresh dX.
 */
export function maskStore4(
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

/**
 * (4hw)-(9hw) for any windows (overlapping ones add up, in window order): `mean`, dx += dA / (ph·pw)
 * (x and z not read); max/min, dx += dA · [X == Z] (g finite), or += g where X == Z (g = ±∞, NaN).
 * dx holds zeros.
 */
export function poolBackLoops(
  x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: PoolDims, mean: boolean,
): void {
  const { m, h, w, d, oh, ow, sh, sw, ph, pw } = p;
  const n = ph * pw;
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
        if (mean) {
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

}
