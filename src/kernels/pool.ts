// The Pooling layer's passes, one entry each (poolForwardKernel, poolBackwardKernel), on the kernels of
// the registry: 'poolWindows' (the forward over every window), 'poolMask4' (max/min backward over
// non-overlapping windows of 4), 'poolMask' (max/min backward over any windows), 'poolMeanBack'. The
// WebAssembly kernels decline where they do not apply (d odd, arrays not resident in their memory), and
// the TypeScript loops (src/kernels/js/pool.ts) run, with the same bits.
import './backend.js';
import { MAX, MEAN, MIN, SELECT } from './js/pool.js';
import { kernel } from './registry.js';

/** Sizes of a pooling: input (m, h, w, d), output (m, oh, ow, d), strides (sh, sw), window (ph, pw). */
export interface PoolDims {
  m: number; h: number; w: number; d: number; oh: number; ow: number; sh: number; sw: number; ph: number; pw: number;
}

/** The pooling of a layer. */
export type PoolKind = 'max' | 'min' | 'mean';

/** Element offsets of the window positions from the window's first element, in window order. */
export function windowOffsets(p: PoolDims): Int32Array {
  const offs = new Int32Array(p.ph * p.pw);
  for (let iph = 0, k = 0; iph < p.ph; iph++) for (let ipw = 0; ipw < p.pw; ipw++) offs[k++] = (iph * p.w + ipw) * p.d;
  return offs;
}

/**
 * Forward (4): z[im, ioh, iow, id] = pool of x over the window at X[im, ioh·sh, iow·sw, id] (the blocks
 * Xb never materialized; every element of z written).
 *
 * NOTE: max/min select with arithmetic, v·(1 − s) + x·s with s = +(x > v): exact for finite values and
 * branch-free (on random data a compare-and-branch mispredicts about half the time, ~3× slower). With an
 * infinity in X, ∞·0 would be NaN: then every window takes Math.max/min (NaN propagates either way).
 * Whether X is finite: when the windows cover X (every element is read), the arithmetic pass itself
 * tells: a non-finite element in a window always gives a non-finite pooled value (∞·0 = NaN sticks, or
 * the selected ∞), so one sum over the outputs replaces a scan of X, and the rare non-finite X is pooled
 * again by Math.max/min. Otherwise X is scanned first. (NaN alone is fine for the arithmetic select: it
 * never beats and NaN·0 = NaN, the result is NaN.)
 */
export function poolForwardKernel(x: Float64Array, z: Float64Array, p: PoolDims, pool: PoolKind): void {
  const { h, w, oh, ow, sh, sw, ph, pw } = p;
  const n = ph * pw; // window size
  if (n === 1 && sh === 1 && sw === 1 && oh === h && ow === w) {
    // 1×1 windows at stride 1: every pool of one element is the element itself (max, min, and mean's
    // x / 1), Z = X bit for bit
    z.set(x.subarray(0, z.length));
    return;
  }
  const offs = windowOffsets(p);
  const mode = pool === 'mean' ? MEAN : SELECT;
  const covered = sh <= ph && sw <= pw && (oh - 1) * sh + ph === h && (ow - 1) * sw + pw === w;
  const noInfinity = (): boolean => {
    for (let i = 0; i < x.length; i++) if (!(x[i] - x[i] === 0 || x[i] !== x[i])) return false;
    return true;
  };
  const slow = pool === 'max' ? MAX : MIN;
  // Mean, or a select whose arithmetic is known (or still presumed) exact
  const fast = mode !== SELECT || covered || noInfinity();
  const windows = kernel('poolWindows', 'float64');
  const chk = windows(x, z, p, offs, fast ? mode : slow, pool === 'min' ? -1 : 1);
  if (mode === SELECT && fast && chk !== chk && !noInfinity()) {
    windows(x, z, p, offs, slow, 1); // X has an infinity: pooled again
  }
}

/**
 * Whether poolBackwardKernel writes every element of dx (max/min windows that tile X): then dx needs no
 * zeros before (a reused buffer may be handed out as it is).
 */
export const poolBackwardWritesAll = (p: PoolDims, pool: PoolKind): boolean =>
  pool !== 'mean' && p.sh === p.ph && p.sw === p.pw && p.oh * p.sh === p.h && p.ow * p.sw === p.w;

/**
 * Backward: max/min, dx[window element] += da · [x == z] (every tie gets da, as EpyNN); mean, dx[window
 * element] += da / (ph·pw). dx holds zeros unless poolBackwardWritesAll(p, pool).
 */
export function poolBackwardKernel(x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: PoolDims, pool: PoolKind): void {
  const { ph, pw, sh, sw } = p;
  if (pool !== 'mean' && ph * pw === 4 && sh >= ph && sw >= pw) {
    // Windows of 4 that do not overlap (the usual 2×2, strides 2): every dX element gets at most one
    // term, stored (0 + term, as the += onto the zeros: −0 becomes +0) instead of read-added
    kernel('poolMask4', 'float64')(x, z, da, dx, p);
    return;
  }
  if (pool === 'mean') kernel('poolMeanBack', 'float64')(da, dx, p);
  else kernel('poolMask', 'float64')(x, z, da, dx, p, windowOffsets(p), poolBackwardWritesAll(p, pool));
}
