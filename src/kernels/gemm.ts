// The GEMMs of the library, entries of the registry ('gemm', 'gemmNNSmallN', 'gemmNTSmallK',
// 'gemmTNSmallN') on the backend in use: the WebAssembly SIMD micro-kernel or the TypeScript one.
// Callers import them from src/commons/gemm.ts.
import './backend.js';
import { kernel } from './registry.js';
import * as js from './js/gemm.js';

/**
 * General strided GEMM:  C (M, N) = [C +] A (M, K) · B (K, N)  with
 *   A[i, k] = a[aOff + i·aRs + k·aCs],  B[k, j] = b[bOff + k·bRs + j·bCs],  C[i, j] = c[cOff + i·ldc + j].
 * `accumulate` false overwrites C (only its M×N window; other entries of c are left alone).
 * C must not overlap A or B.
 */
export function gemmStrided(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  kernel('gemm', 'float64')(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
}

/** C (M, N) = [C +] A (M, K) · B (K, N), all contiguous row-major. */
export function gemmNN(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, K, 1, B, 0, N, 1, C, 0, N, accumulate);
}

/** C (M, N) = [C +] A (M, K) · Bᵀ with B stored (N, K), all contiguous row-major. */
export function gemmNT(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, K, 1, B, 0, 1, K, C, 0, N, accumulate);
}

/** C (M, N) = [C +] Aᵀ · B (K, N) with A stored (K, M), all contiguous row-major. */
export function gemmTN(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, 1, M, B, 0, N, 1, C, 0, N, accumulate);
}

/**
 * Whether the unpacked small kernels beat the packed GEMM: `rows` ≤ 64 and `narrow` ≤ 16, named by role
 * (which operand plays each role per kernel: see smallN in ./js/gemm.ts); `reread`: size of the operand
 * they read again for every pair or quad of rows, kept within L2. The same rule on both backends.
 */
export const smallN = (rows: number, narrow: number, reread = 0): boolean => js.smallN(rows, narrow, reread);

/**
 * C (M, N) = A (M, K) · B (K, N) for few columns (a Dense layer's forward), C overwritten, contiguous
 * row-major: the unpacked small-N kernel, on either backend with the same bits (each C[i, j] summed over
 * k in order).
 */
export function gemmNNSmallN(M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  kernel('gemmNNSmallN', 'float64')(M, N, K, a, b, c);
}

/**
 * C (M, N) = A (M, K) · Bᵀ with B stored (N, K), for a short inner dimension K (Dense's backward), each
 * C[i, j] = 0 + Σ_k in order: the unpacked kernel on 'js'; on 'wasm' the packed GEMM (gemmNT, faster
 * there), whose sums are exactly these while K fits one depth block (K ≤ KC), else the unpacked kernel.
 */
export function gemmNTSmallK(M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  kernel('gemmNTSmallK', 'float64')(M, N, K, a, b, c);
}

/**
 * C (M, N) = Aᵀ · B with A stored (K, M), for few columns and a short K (Dense's dW), each C[i, j] =
 * 0 + Σ_k in order: the unpacked kernel, on either backend with the same bits (on 'wasm' ~2× its packed
 * GEMM for (5408, 10) from 32 rows).
 */
export function gemmTNSmallN(M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  kernel('gemmTNSmallN', 'float64')(M, N, K, a, b, c);
}
