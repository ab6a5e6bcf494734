// Pooling in float32 on the TypeScript backend (the registry's float32 'poolWindows', 'poolMask4',
// 'poolMask', 'poolMeanBack'). Max/min selects and the max/min masks are exact in float32 (a selected
// value, a product by 1 or 0, a sum with +0); mean pooling rounds to float32 after every addition and the
// division (Math.fround, or a Float32Array store, of the double result: exact rounding for + and /).
// Separate loops from the float64 ones (src/kernels/js/pool.ts) so that those stay monomorphic in V8.
import type { PoolDims } from '../pool.js';
import { MAX, MEAN, MIN, SELECT } from './pool.js';

/** poolWindows (src/kernels/js/pool.ts) on float32 arrays; the mean's sums rounded to float32 in order. */
export function poolWindows32(x: Float32Array, z: Float32Array, p: PoolDims, offs: Int32Array, mode: number, sign: number): number {
  const { m, h, w, d, oh, ow, sh, sw } = p;
  const n = offs.length;
  let chk = 0;
  let zrow = 0;
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d;
        for (let id = 0; id < d; id++) {
          const xi = x0 + id;
          let v = x[xi];
          if (mode === SELECT) {
            for (let k = 1; k < n; k++) {
              const b = x[xi + offs[k]];
              const t = +(sign * b > sign * v); // NaN never beats
              v = v * (1 - t) + b * t;
            }
            chk += v - v;
          } else if (mode === MEAN) {
            for (let k = 1; k < n; k++) v = Math.fround(v + x[xi + offs[k]]);
            v /= n; // rounded by the store
          } else if (mode === MAX) {
            for (let k = 1; k < n; k++) v = Math.max(v, x[xi + offs[k]]);
          } else if (mode === MIN) {
            for (let k = 1; k < n; k++) v = Math.min(v, x[xi + offs[k]]);
          }
          z[zrow + id] = v;
        }
      }
    }
  }
  return chk;
}

/**
 * Max/min (`mean` false: dx += g · [x == z], or += g where x == z for g = ±∞, NaN) or mean (dx +=
 * fround(g / (ph·pw))) backward over any windows, in window order; dx holds zeros (or `store`: windows of
 * a max/min that tile X, each element written once as 0 + term).
 */
export function poolBack32(
  x: Float32Array, z: Float32Array, da: Float32Array, dx: Float32Array, p: PoolDims, mean: boolean, store = false,
): void {
  const { m, h, w, d, oh, ow, sh, sw, ph, pw } = p;
  if (store) dx.fill(0);
  const n = ph * pw;
  const rowStep = (w - pw) * d;
  let zrow = 0;
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++, zrow += d) {
        const x0 = ((im * h + ioh * sh) * w + iow * sw) * d;
        for (let id = 0; id < d; id++) {
          let xi = x0 + id;
          if (mean) {
            const g = Math.fround(da[zrow + id] / n);
            for (let iph = 0; iph < ph; iph++, xi += rowStep) for (let ipw = 0; ipw < pw; ipw++, xi += d) dx[xi] += g;
            continue;
          }
          const zv = z[zrow + id];
          const g = da[zrow + id];
          for (let iph = 0; iph < ph; iph++, xi += rowStep) {
            for (let ipw = 0; ipw < pw; ipw++, xi += d) {
              if (g - g === 0) dx[xi] += g * +(x[xi] === zv);
              else if (x[xi] === zv) dx[xi] += g;
            }
          }
        }
      }
    }
  }
}

/** Max/min backward over non-overlapping windows of 4 (dx zeroed where no window covers it). */
export function poolMask4_32(x: Float32Array, z: Float32Array, da: Float32Array, dx: Float32Array, p: PoolDims): void {
  // Every element of a non-overlapping window gets one term: 0 + term (−0 becomes +0), the elements
  // outside every window keep the caller's zeros; the general loop onto zeros gives exactly that for
  // the window elements
  const { ph, pw, sh, sw, oh, ow, h, w } = p;
  const tiles = sh === ph && sw === pw && oh * sh === h && ow * sw === w;
  poolBack32(x, z, da, dx, p, false, tiles);
}

