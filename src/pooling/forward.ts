// Pooling layer forward pass (EpyNN epynn/pooling/forward.py).
import type { NDArray } from '../commons/ndarray.js';
import { poolMeanKernel, poolSelect4Kernel, poolSelectKernel } from '../kernels/pool.js';
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
  //     innermost so that both X and Z are walked contiguously.
  const pool = layer.pool;
  const n = ph * pw; // window size
  if (n === 1 && sh === 1 && sw === 1 && oh === h && ow === w) {
    // 1×1 windows at stride 1: every pool of one element is the element itself (max, min, and mean's
    // x / 1), Z = X bit for bit
    z.set(x.subarray(0, z.length));
    A = layer.fc.A = layer.fc.Z = Z;
    return A; // To next layer
  }
  // Offsets of the window positions from the window's first element X[im, ioh·sh, iow·sw, id]
  const offs = new Int32Array(n);
  for (let iph = 0, k = 0; iph < ph; iph++) for (let ipw = 0; ipw < pw; ipw++) offs[k++] = (iph * w + ipw) * d;
  // NOTE: max/min select with arithmetic, v·(1 − s) + x·s with s = +(x > v): exact for finite values
  // and branch-free (on random data a compare-and-branch mispredicts about half the time, ~3× slower).
  // With an infinity in X, ∞·0 would be NaN: then every window takes Math.max/min (NaN propagates
  // either way). Whether X is finite: when the windows cover X (every element is read), the arithmetic
  // pass itself tells: a non-finite element in a window always gives a non-finite pooled value (∞·0 =
  // NaN sticks, or the selected ∞), so one sum over the outputs replaces a scan of X, and the rare
  // non-finite X is pooled again by Math.max/min. Otherwise X is scanned first.
  // (NaN alone is fine for the arithmetic select: it never beats and NaN·0 = NaN, the result is NaN.)
  const mode = pool === 'mean' ? MEAN : SELECT;
  const covered = sh <= ph && sw <= pw && (oh - 1) * sh + ph === h && (ow - 1) * sw + pw === w;
  const noInfinity = (): boolean => {
    for (let i = 0; i < x.length; i++) if (!(x[i] - x[i] === 0 || x[i] !== x[i])) return false;
    return true;
  };
  const slow = pool === 'max' ? MAX : MIN;
  // Mean, or a select whose arithmetic is known (or still presumed) exact
  const fast = mode !== SELECT || covered || noInfinity();
  // Windows of 4, a select: the WebAssembly kernel when it applies (same values, see src/kernels/pool.ts)
  const wasmChk = mode !== SELECT || !fast ? null : n === 4
    ? poolSelect4Kernel(x, z, { m, h, w, d, oh, ow, sh, sw, o1: offs[1], o2: offs[2], o3: offs[3] }, pool === 'min')
    : poolSelectKernel(x, z, { m, h, w, d, oh, ow, sh, sw, ph, pw }, offs, pool === 'min');
  // Mean: the WebAssembly kernel when it applies (same sums, see src/kernels/pool.ts)
  const wasmMean = mode === MEAN && poolMeanKernel(x, z, { m, h, w, d, oh, ow, sh, sw, ph, pw }, offs);
  const chk = wasmChk ?? (wasmMean ? 0 : poolWindows(x, z, m, h, w, d, oh, ow, sh, sw, offs, fast ? mode : slow, pool === 'min' ? -1 : 1));
  if (mode === SELECT && fast && chk !== chk && !noInfinity()) {
    poolWindows(x, z, m, h, w, d, oh, ow, sh, sw, offs, slow, 1); // X has an infinity: pooled again
  }

  A = layer.fc.A = layer.fc.Z = Z; // (m, oh, ow, d)

  return A; // To next layer
}

const MEAN = 0;
const SELECT = 1;
const MAX = 2;
const MIN = 3;

/**
 * (4) on every window, read in place: z[im, ioh, iow, id] = pool of x over the window offsets `offs`
 * from X[im, ioh·sh, iow·sw, id]. mode MEAN, SELECT (arithmetic max, or min with sign = −1; finite X
 * only), MAX or MIN (Math.max/min). Returns Σ (v − v) over the pooled values of SELECT (NaN when one is
 * not finite), else 0.
 */
function poolWindows(
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
