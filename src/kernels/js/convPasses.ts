// The Convolution layer's passes on the TypeScript backend (the registry's 'convForward', 'convGradW',
// 'convGradX'): the direct kernels for small windows (src/kernels/js/conv.ts), im2col + the 'gemm' entry
// (the active backend's GEMM) for large ones.
import { gemmStrided } from '../gemm.js';
import { kernel } from '../registry.js';
import { type ConvScratch, gradXTarget, prepareConv, prepareConv32, useDirect } from '../scratch.js';
import { directForward32, directGradW32 } from './f32.js';
import { type ConvDims, col2im, cropPadding, directForward, directGradW, directGradX, im2col, packW } from './conv.js';

/**
 * Forward steps (1)-(5.3), and (6) for relu when `a` is given:
 *   z (m·oh·ow, u) = b + Σ_k Xb[:, k] · W[k, :]     (b null: no bias)      a = relu(z) (a null: not done)
 * x is the input (m, h, w, d), W (fh·fw·d, u); z and a are overwritten (never read). z null (a given):
 * only a is wanted (z goes to scratch, or is never stored by the WebAssembly kernel).
 */
export function convForwardJs(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, W: Float64Array, b: Float64Array | null,
  zOut: Float64Array | null, a: Float64Array | null,
): void {
  const { xp, M, K } = prepareConv(s, x, dm, 'always');
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
export function convGradWJs(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, dW: Float64Array, db: Float64Array | null,
): void {
  const { xp, M, K } = prepareConv(s, x, dm, 'stale');
  if (useDirect(dm)) {
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
export function convGradXJs(s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, W: Float64Array, dx: Float64Array): void {
  const { M, K } = prepareConv(s, x, dm, 'no');
  const dxp = gradXTarget(s, dm, dx);
  const { d, p } = dm;
  if (useDirect(dm)) {
    directGradX(dz, s.xoff, s.koff, M, K, u, W, dxp);
  } else {
    if (s.dcols.length < M * K) s.dcols = new Float64Array(M * K);
    gemmStrided(M, K, u, dz, 0, u, 1, W, 0, 1, u, s.dcols, 0, K, false);
    col2im(s.dcols, s.xoff, s.koff, M, K, d, dxp);
  }
  if (p > 0) cropPadding(dxp, dm, dx);
}

/**
 * 'convForward' for float32 (z or a may be null, as convForwardJs): the direct float32 loop
 * (directForward32) for every window size; im2col + the float32 GEMM is not wired yet for large windows
 * (the loop is exact for them too, only slower).
 */
export function convForward32Js(
  s: ConvScratch, x: Float32Array, dm: ConvDims, u: number, W: Float32Array, b: Float32Array | null,
  z: Float32Array | null, a: Float32Array | null,
): void {
  const { xp, M, K } = prepareConv32(s, x, dm, 'always');
  directForward32(xp, s.xoff, s.koff, M, K, u, W, b, z, a);
}

/** 'convGradW' for float32: directGradW32 on the input of the last forward (any window size). */
export function convGradW32Js(
  s: ConvScratch, x: Float32Array, dm: ConvDims, u: number, dz: Float32Array, dW: Float32Array, db: Float32Array | null,
): void {
  const { xp, M, K } = prepareConv32(s, x, dm, 'stale');
  directGradW32(xp, s.xoff, s.koff, M, K, u, dz, dW, db);
}

/**
 * 'convGradX' for float32, both backends (the GEMM is the registry's float32 'gemm': f32x4 on 'wasm', the
 * same bits): V (M, K) = dZ · Wᵀ (each entry summed over the u units in order from +0, one depth block
 * while u ≤ 256), then every V[r, k] added to dx at its window position, rows in order, entries in order
 * (the same float32 sums on either backend); padding cropped.
 */
export function convGradX32Js(
  s: ConvScratch, x: Float32Array, dm: ConvDims, u: number, dz: Float32Array, W: Float32Array, dx: Float32Array,
): void {
  const { M, K } = prepareConv32(s, x, dm, 'no');
  if (s.v32.length < M * K) s.v32 = new Float32Array(M * K);
  const V = s.v32;
  kernel('gemm', 'float32')(M, K, u, dz, 0, u, 1, W, 0, 1, u, V, 0, K, false);
  const { m, h, w, d, p } = dm;
  let dxp = dx;
  if (p > 0) {
    const n = m * (h + 2 * p) * (w + 2 * p) * d;
    if (s.dxpad32.length < n) s.dxpad32 = new Float32Array(n);
    dxp = s.dxpad32;
    dxp.fill(0, 0, n);
  } else dx.fill(0);
  const { xoff, koff } = s;
  for (let r = 0, v = 0; r < M; r++) {
    const o = xoff[r];
    for (let k = 0; k < K; k++, v++) dxp[o + koff[k]] += V[v];
  }
  if (p > 0) cropPadding(dxp, dm, dx);
}
