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
