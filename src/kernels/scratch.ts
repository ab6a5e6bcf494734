// What the convolution kernels of one layer keep between calls (ConvScratch), the choice between the
// direct kernels and im2col + GEMM, and the window offsets and padded input that both backends read.
import { type ConvDims, offsets, padInput } from './js/conv.js';

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
  /** float32: the padded input (p > 0) and which input it holds. */
  xpad32 = new Float32Array(0);
  xpad32Of: Float32Array | undefined = undefined;
  /** float32 dX: the products dZ · Wᵀ (m·oh·ow, fh·fw·d), and the padded dX when p > 0. */
  v32 = new Float32Array(0);
  dxpad32 = new Float32Array(0);
  /** Z of a forward that only wants A (evaluation), where the kernel needs Z somewhere. */
  ztmp = new Float64Array(0);
}

/**
 * Window offsets for the sizes dm (recomputed only when they change) and the padded input: `pad`
 * 'always' (forward: X may have changed in place since), 'stale' (only when xpad does not hold x) or
 * 'no'. Returns the padded input (x itself when p = 0), M = m·oh·ow rows and K = fh·fw·d entries.
 */
export function prepareConv(s: ConvScratch, x: Float64Array, dm: ConvDims, pad: 'always' | 'stale' | 'no'): { xp: Float64Array; M: number; K: number } {
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


/** Where convGradX sums into: dx zeroed, or (p > 0) the zeroed padded scratch, cropped into dx after. */
export function gradXTarget(s: ConvScratch, dm: ConvDims, dx: Float64Array): Float64Array {
  const { h, w, d, p } = dm;
  if (p === 0) {
    dx.fill(0);
    return dx;
  }
  const n = dm.m * (h + 2 * p) * (w + 2 * p) * d;
  if (s.dxpad.length < n) s.dxpad = new Float64Array(n);
  s.dxpad.fill(0, 0, n);
  return s.dxpad;
}

/** prepareConv for float32 input: the offsets, and the input zero-padded into xpad32 when p > 0. */
export function prepareConv32(s: ConvScratch, x: Float32Array, dm: ConvDims, pad: 'always' | 'stale' | 'no'): { xp: Float32Array; M: number; K: number } {
  const { M, K } = prepareConv(s, s.xpad, dm, 'no');
  const { m, h, w, d, p } = dm;
  if (pad === 'no' || p === 0) return { xp: x, M, K };
  const n = m * (h + 2 * p) * (w + 2 * p) * d;
  if (s.xpad32.length < n) {
    s.xpad32 = new Float32Array(n);
    s.xpad32Of = undefined;
  }
  if (pad === 'always' || s.xpad32Of !== x) padInput(x, dm, s.xpad32);
  s.xpad32Of = x;
  return { xp: s.xpad32, M, K };
}
