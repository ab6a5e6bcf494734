// The Convolution layer's kernels behind one entry per pass — convForwardKernel, convGradX,
// convGradW — each choosing the path (direct for small windows, im2col + GEMM for large ones) and the
// backend (WebAssembly SIMD or TypeScript), with all their scratch in one ConvScratch object per layer.
// The layer files (src/convolution) keep EpyNN's steps; the loops are in kernels/js/conv.ts and
// kernels/wasm (kernels.wat).
import { wasmKernels } from './backend.js';
import type { WasmRuntime } from './wasm/runtime.js';
import { gemmStrided } from './gemm.js';
import {
  type ConvDims, col2im, cropPadding, directForward, directGradW, directGradX, im2col, offsets, packW, padInput,
} from './js/conv.js';
import { convForwardWasm, convGradWWasm, convGradXWasm } from './wasm/conv.js';

export type { ConvDims } from './js/conv.js';

/**
 * Path selection: convolutions with K = fh·fw·d ≤ directMaxK use the direct kernels, larger ones
 * im2col + GEMM. Mutable so that tests (and benchmarks) can force either path on any shape.
 */
export const kernelOptions = { directMaxK: 96 };

/** Whether the direct kernels handle this convolution (else im2col + GEMM). */
export const useDirect = (dm: ConvDims): boolean => dm.fh * dm.fw * dm.d <= kernelOptions.directMaxK;

/**
 * Everything the kernels of one Convolution layer keep between calls (never part of fc/bc, never
 * returned): each buffer is grown on demand and reused while big enough.
 */
export class ConvScratch {
  /** Offset of each output position's window in the padded input, (m·oh·ow) rounded up to 4. */
  xoff = new Int32Array(0);
  /** Offset of each window entry (ifh, ifw, id) inside a window, (fh·fw·d) rounded up to 4. */
  koff = new Int32Array(0);
  /** The sizes xoff and koff were last computed for, to skip recomputing. */
  offsFor = '';
  /** Input of the last forward zero-padded by p (unused when p = 0), and which input data it holds. */
  xpad = new Float64Array(0);
  xpadOf: Float64Array | undefined = undefined;
  /** Padded dX of the backward when p > 0, before cropping. */
  dxpad = new Float64Array(0);
  /** W packed in 4-column panels for the direct forward (TypeScript backend). */
  wpack = new Float64Array(0);
  /** dZ with rows padded to a multiple of 4 columns (direct dW when u is not a multiple of 4). */
  dzpad = new Float64Array(0);
  /** GEMM path: im2col matrix of the last forward (m·oh·ow, fh·fw·d), and which input it holds. */
  cols = new Float64Array(0);
  colsOf: Float64Array | undefined = undefined;
  /** GEMM path: gradient w.r.t. the blocks of the last backward, same layout as `cols`. */
  dcols = new Float64Array(0);
  /**
   * WebAssembly backend, a dZ that is not resident in the module's memory (layer buffers outside
   * training): its copy there made by convGradX, and which array it copies (until convGradW takes it),
   * so that the convGradW after the same backward reads it instead of copying dZ again (dZ is not
   * changed in between, as X is not between forward and the gradients).
   */
  dzCopy: Float64Array | null = null;
  dzCopyOf: Float64Array | undefined = undefined;
  /** Doubles of dzCopy that hold the copy. */
  dzCopyN = 0;
  /** Z of a forward that only wants A (evaluation), where the kernel needs Z somewhere. */
  ztmp = new Float64Array(0);
}

/**
 * convGradX (`make`): dz itself when the WebAssembly kernels can read it in place, else a copy of dz
 * resident in the module's memory, kept in `s` for the convGradW that follows the same backward. That
 * convGradW (`take`) reads the copy once and drops the claim, so a later convGradW (a new batch written
 * into the same array, skipDX) never sees a stale copy; without a copy it gets dz (the wrapper copies).
 * Returns dz itself too where the memory is not shared (no resident arrays).
 */
function residentDz(s: ConvScratch, rt: WasmRuntime, dz: Float64Array, n: number, mode: 'make' | 'take'): Float64Array {
  if (rt.addressOf(dz) >= 0) return dz;
  if (mode === 'take') {
    const kept = s.dzCopyOf === dz && s.dzCopy !== null && s.dzCopyN === n && rt.addressOf(s.dzCopy) >= 0;
    s.dzCopyOf = undefined;
    return kept ? s.dzCopy!.subarray(0, n) : dz;
  }
  if (s.dzCopy === null || s.dzCopy.length < n) {
    // grown only (a last, smaller batch reuses it): the old one is freed when collected
    s.dzCopy = rt.residentArray(n);
    s.dzCopyOf = undefined;
    if (s.dzCopy === null) return dz;
  }
  const copy = s.dzCopy.subarray(0, n);
  copy.set(dz.subarray(0, n));
  s.dzCopyOf = dz;
  s.dzCopyN = n;
  return copy;
}

/**
 * Window offsets for the sizes dm (recomputed only when they change) and the padded input: `pad`
 * 'always' (forward: X may have changed in place since), 'stale' (only when xpad does not hold x) or
 * 'no'. Returns the padded input (x itself when p = 0), M = m·oh·ow rows and K = fh·fw·d entries.
 */
function prepare(s: ConvScratch, x: Float64Array, dm: ConvDims, pad: 'always' | 'stale' | 'no'): { xp: Float64Array; M: number; K: number } {
  const { m, h, w, d, fh, fw, p, oh, ow } = dm;
  const M = m * oh * ow;
  const K = fh * fw * d;
  const M4 = (M + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const key = `${m},${h},${w},${d},${fh},${fw},${dm.sh},${dm.sw},${p}`;
  if (s.xoff.length < M4 || s.koff.length < K4 || s.offsFor !== key) {
    if (s.xoff.length < M4) s.xoff = new Int32Array(M4);
    if (s.koff.length < K4) s.koff = new Int32Array(K4);
    offsets(dm, s.xoff, s.koff);
    s.offsFor = key;
  }
  let xp = x;
  if (pad !== 'no' && p > 0) {
    const n = m * (h + 2 * p) * (w + 2 * p) * d;
    if (s.xpad.length < n) {
      s.xpad = new Float64Array(n);
      s.xpadOf = undefined;
    }
    if (pad === 'always' || s.xpadOf !== x) padInput(x, dm, s.xpad);
    s.xpadOf = x;
    xp = s.xpad;
  }
  return { xp, M, K };
}

/**
 * Forward steps (1)-(5.3), and (6) for relu when `a` is given:
 *   z (m·oh·ow, u) = b + Σ_k Xb[:, k] · W[k, :]     (b null: no bias)      a = relu(z) (a null: not done)
 * x is the input (m, h, w, d), W (fh·fw·d, u); z and a are overwritten (never read). z null (a given):
 * only a is wanted (z goes to scratch, or is never stored by the WebAssembly kernel).
 */
export function convForwardKernel(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, W: Float64Array, b: Float64Array | null,
  zOut: Float64Array | null, a: Float64Array | null,
): void {
  const { xp, M, K } = prepare(s, x, dm, 'always');
  const rt = useDirect(dm) ? wasmKernels() : null;
  if (rt !== null) {
    convForwardWasm(rt, xp, s.xoff, s.koff, M, K, u, W, b, zOut, a);
    return;
  }
  let z = zOut;
  if (z === null) {
    if (s.ztmp.length < M * u) s.ztmp = new Float64Array(M * u);
    z = s.ztmp;
  }
  if (useDirect(dm)) {
    if (s.wpack.length < K * ((u + 3) & ~3)) s.wpack = new Float64Array(K * ((u + 3) & ~3));
    packW(W, K, u, s.wpack);
    directForward(xp, s.xoff, s.koff, M, K, u, s.wpack, b, z, a);
    return;
  }
  // im2col: the blocks Xb as the rows of cols (m·oh·ow, fh·fw·d), kept for convGradW
  if (s.cols.length < M * K) s.cols = new Float64Array(M * K);
  im2col(xp, s.xoff, s.koff, M, K, dm.d, s.cols);
  s.colsOf = x;
  gemmStrided(M, u, K, s.cols, 0, K, 1, W, 0, u, 1, z, 0, u, false);
  if (b !== null) for (let r = 0; r < M * u; r += u) for (let iu = 0; iu < u; iu++) z[r + iu] += b[iu];
  if (a !== null) for (let i = 0; i < M * u; i++) a[i] = Math.max(z[i], 0); // relu(), bit for bit
}

/**
 * Step (1) of the gradients: dW (fh·fw·d, u) = Xbᵀ · dZ and, with db, db (u) = Σ_rows dZ, both
 * overwritten, from the input x of the last forward and dZ (m·oh·ow, u).
 */
export function convGradW(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, dW: Float64Array, db: Float64Array | null,
): void {
  const { xp, M, K } = prepare(s, x, dm, 'stale');
  if (useDirect(dm)) {
    const rt = wasmKernels();
    if (rt !== null) {
      convGradWWasm(rt, xp, s.xoff, s.koff, M, K, u, u % 4 === 0 ? residentDz(s, rt, dz, M * u, 'take') : dz, dW, db);
      return;
    }
    let z = dz;
    let ldz = u;
    if (u % 4 !== 0) {
      // Rows padded to a multiple of 4 columns with zeros: the 4-column blocks never read past a row
      ldz = (u + 3) & ~3;
      if (s.dzpad.length < M * ldz) s.dzpad = new Float64Array(M * ldz);
      z = s.dzpad;
      for (let r = 0, i = 0, o = 0; r < M; r++, o += ldz) {
        for (let j = 0; j < u; j++) z[o + j] = dz[i++];
        for (let j = u; j < ldz; j++) z[o + j] = 0;
      }
    }
    directGradW(xp, s.xoff, s.koff, M, K, u, z, ldz, dW, db); // db summed chunk by chunk while dZ is in cache
    return;
  }
  if (s.colsOf !== x || s.cols.length < M * K) {
    // cols is not the blocks of this x (another forward in between): rebuild it
    if (s.cols.length < M * K) s.cols = new Float64Array(M * K);
    im2col(xp, s.xoff, s.koff, M, K, dm.d, s.cols);
    s.colsOf = x;
  }
  gemmStrided(K, u, M, s.cols, 0, 1, K, dz, 0, u, 1, dW, 0, u, false);
  if (db !== null) {
    db.fill(0, 0, u);
    for (let r = 0; r < M * u; r += u) for (let iu = 0; iu < u; iu++) db[iu] += dz[r + iu];
  }
}

/**
 * Steps (5hw)-(6hw) of the backward: dx (m, h, w, d) = the sum over windows of dZ · Wᵀ at each window,
 * padding dropped; dx is overwritten.
 */
export function convGradX(s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, W: Float64Array, dx: Float64Array): void {
  const { M, K } = prepare(s, x, dm, 'no');
  const { h, w, d, p } = dm;
  let dxp = dx;
  if (p > 0) {
    const n = dm.m * (h + 2 * p) * (w + 2 * p) * d;
    if (s.dxpad.length < n) s.dxpad = new Float64Array(n);
    dxp = s.dxpad;
    dxp.fill(0, 0, n);
  } else dx.fill(0);
  if (useDirect(dm)) {
    const rt = wasmKernels();
    if (rt !== null) convGradXWasm(rt, residentDz(s, rt, dz, M * u, 'make'), s.xoff, s.koff, M, K, u, W, dxp);
    else directGradX(dz, s.xoff, s.koff, M, K, u, W, dxp);
  } else {
    if (s.dcols.length < M * K) s.dcols = new Float64Array(M * K);
    gemmStrided(M, K, u, dz, 0, u, 1, W, 0, 1, u, s.dcols, 0, K, false);
    col2im(s.dcols, s.xoff, s.koff, M, K, d, dxp);
  }
  if (p > 0) cropPadding(dxp, dm, dx);
}
