// The recurrent layers' (RNN, LSTM, GRU) kernel entries, on the registry: 'recurrentGemm' (their
// products), 'stepActivation' (one step's bias and sigmoid/tanh), 'stepKernels' (one pass's element-wise
// step equations), 'derivative' and 'rowSum'. The WebAssembly kernels (src/kernels/wasm/recurrent.ts)
// decline where they do not apply (arrays not resident in their memory, odd sizes); the TypeScript ones
// (src/kernels/js/recurrent.ts) give the same bits.
import './backend.js';
import { kernel } from './registry.js';
import type { StepKernels, StepKind } from './wasm/recurrent.js';

export type { StepKernels, StepKind } from './wasm/recurrent.js';

/**
 * gemmStrided's product (same contract), on the WebAssembly backend by the recurrent layers' unpacked
 * kernels where they apply (the same bits as gemmStrided: see recurrentGemmWasm), else by the 'gemm' entry.
 */
export function recurrentGemmKernel(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  kernel('recurrentGemm', 'float64')(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
}

/**
 * For m rows of u entries, rows `ld` apart from `off`: Z[r] += b (b non-null), then A[r] = f(Z[r]), with f
 * the sigmoid or tanh of src/activation/functions.ts (the same bits on both backends).
 */
export function stepActivationKernel(
  kind: StepKind, Z: Float64Array, b: Float64Array | null, A: Float64Array, off: number, ld: number, m: number, u: number,
): void {
  kernel('stepActivation', 'float64')(kind, Z, b, A, off, ld, m, u);
}

/**
 * The step kernels for one pass over (m, s, u) caches (`arrays`: every cache the pass touches), or null
 * where the layer's own loops run (the TypeScript backend, or caches the WebAssembly kernels cannot
 * read in place): the same bits either way.
 */
export function stepKernels(m: number, s: number, u: number, arrays: readonly Float64Array[]): StepKernels | null {
  return kernel('stepKernels', 'float64')(m, s, u, arrays);
}

/** d = fn'(·) from the activation's values A, for the built-in tanh (1 − A²) and sigmoid (A·(1 − A)). */
export function derivativeKernel(kind: StepKind, A: Float64Array, d: Float64Array): void {
  kernel('derivative', 'float64')(kind, A, d);
}

/** db (u) = Σ over the rows of G (rows, u), in order, from zero. */
export function rowSumKernel(db: Float64Array, G: Float64Array, rows: number, u: number): void {
  kernel('rowSum', 'float64')(db, G, rows, u);
}
