// float32 kernels on the TypeScript backend (the registry's dtype 'float32'), the fallback of the f32x4
// WebAssembly ones (kernels6.wat) and the same bits: every product and sum is rounded to float32 one by
// one (a Float32Array store, or Math.fround, of the double result: exact for + and × of float32 values),
// in the same order — each C[i, j] summed over k from +0 within depth blocks of KC32, each block's sum
// then stored (the first, when not accumulating) or added to C.
import { SMALL } from './gemm.js';

/** Depth block of the float32 GEMMs (both backends: the sums' grouping, so the bits). */
export const KC32 = 256;

let trow = new Float32Array(0);

/**
 * C (M, N) = [C +] A (M, K) · B (K, N) in float32, strided as gemmStrided (src/kernels/gemm.ts):
 * A[i, k] = a[aOff + i·aRs + k·aCs], B[k, j] = b[bOff + k·bRs + j·bCs], C[i, j] = c[cOff + i·ldc + j].
 */
export function gemmStrided32(
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) for (let i = 0; i < M; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    return;
  }
  if (trow.length < N) trow = new Float32Array(N);
  const t = trow;
  for (let pc = 0; pc < K; pc += KC32) {
    const kc = Math.min(KC32, K - pc);
    const store = !accumulate && pc === 0;
    for (let i = 0; i < M; i++) {
      t.fill(0, 0, N);
      let ak = aOff + i * aRs + pc * aCs;
      let bk = bOff + pc * bRs;
      for (let k = 0; k < kc; k++, ak += aCs, bk += bRs) {
        const av = a[ak];
        if (bCs === 1) for (let j = 0; j < N; j++) t[j] += Math.fround(av * b[bk + j]);
        else for (let j = 0, bj = bk; j < N; j++, bj += bCs) t[j] += Math.fround(av * b[bj]);
      }
      const ci = cOff + i * ldc;
      if (store) for (let j = 0; j < N; j++) c[ci + j] = t[j];
      else for (let j = 0; j < N; j++) c[ci + j] += t[j];
    }
  }
}

/** Whether a float32 product is small enough that the TypeScript loop beats packing (both backends). */
export const small32 = (M: number, N: number, K: number): boolean => M * N * K <= SMALL;

let crow = new Float32Array(0);

/**
 * Direct convolution forward in float32: z[r, iu] = b[iu] + Σ_k x[xoff[r] + koff[k]] · W[k, iu], each sum
 * from b (+0 without bias) adding the K products in order, rounded to float32 one by one (the order of
 * kernels6.wat conv32_fwd: the same bits). W (K, u) row-major. With `a`, a = relu(z) (+0 for z ≤ 0 and
 * −∞, NaN stays NaN); z null: only a is stored.
 */
export function directForward32(
  x: Float32Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  W: Float32Array, b: Float32Array | null, z: Float32Array | null, a: Float32Array | null,
): void {
  if (crow.length < u) crow = new Float32Array(u);
  const c = crow;
  for (let r = 0; r < M; r++) {
    const o = xoff[r];
    if (b !== null) c.set(b.subarray(0, u));
    else c.fill(0, 0, u);
    for (let k = 0, wk = 0; k < K; k++, wk += u) {
      const xv = x[o + koff[k]];
      for (let iu = 0; iu < u; iu++) c[iu] += Math.fround(xv * W[wk + iu]);
    }
    const ri = r * u;
    if (z !== null) for (let iu = 0; iu < u; iu++) z[ri + iu] = c[iu];
    if (a !== null) {
      for (let iu = 0; iu < u; iu++) {
        const v = c[iu];
        a[ri + iu] = v > 0 || v !== v ? v : 0;
      }
    }
  }
}

/** Rows per chunk of the float32 dW sums (both backends: the sums' grouping, so the bits). */
export const RB32 = 256;

let tdw = new Float32Array(0);

/**
 * Direct convolution dW (and db) in float32: per chunk of RB32 rows, t[k, iu] = Σ_r x[xoff[r] + koff[k]] ·
 * dz[r, iu] from +0, rows in order, every product and sum rounded to float32; dW = t for the first chunk,
 * then dW + t (db likewise from Σ_r dz[r, iu]). Two levels of sums keep the rounding near (RB32 + M/RB32)·ε
 * instead of M·ε. dW (K, u) and db (u) overwritten; kernels6.wat conv32_dw gives the same bits.
 */
export function directGradW32(
  x: Float32Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  dz: Float32Array, dW: Float32Array, db: Float32Array | null,
): void {
  if (tdw.length < (K + 1) * u) tdw = new Float32Array((K + 1) * u);
  const t = tdw;
  const sb = K * u; // db's partial sums after dW's
  for (let r0 = 0; r0 < M; r0 += RB32) {
    const r1 = Math.min(M, r0 + RB32);
    t.fill(0, 0, (K + 1) * u);
    for (let r = r0; r < r1; r++) {
      const o = xoff[r];
      const zr = r * u;
      for (let k = 0, tk = 0; k < K; k++, tk += u) {
        const xv = x[o + koff[k]];
        for (let iu = 0; iu < u; iu++) t[tk + iu] += Math.fround(xv * dz[zr + iu]);
      }
      if (db !== null) for (let iu = 0; iu < u; iu++) t[sb + iu] += dz[zr + iu];
    }
    if (r0 === 0) {
      dW.set(t.subarray(0, K * u));
      if (db !== null) db.set(t.subarray(sb, sb + u));
    } else {
      for (let i = 0; i < K * u; i++) dW[i] += t[i];
      if (db !== null) for (let iu = 0; iu < u; iu++) db[iu] += t[sb + iu];
    }
  }
}

/**
 * Dense's products in float32, on gemmStrided32 (the same sums: each C[i, j] over k in order, in depth
 * blocks): C (M, N) = A (M, K) · B (K, N); C = A · Bᵀ with B stored (N, K); C = Aᵀ · B with A stored (K, M).
 */
export const gemmNN32 = (M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void =>
  gemmStrided32(M, N, K, a, 0, K, 1, b, 0, N, 1, c, 0, N, false);
export const gemmNT32 = (M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void =>
  gemmStrided32(M, N, K, a, 0, K, 1, b, 0, 1, K, c, 0, N, false);
export const gemmTN32 = (M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void =>
  gemmStrided32(M, N, K, a, 0, 1, M, b, 0, N, 1, c, 0, N, false);
