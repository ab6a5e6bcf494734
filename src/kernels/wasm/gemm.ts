// GEMM on the WebAssembly backend: the same Goto/BLIS scheme and block sizes as src/kernels/js/gemm.ts
// (same packing code, same per-element order of the sums, so the same bits), with the 4×4 micro-kernel
// in f64x2 SIMD (kernels.wat gemm_tile). Operands are packed straight into the module's memory; each
// (depth block × row block) tile of C is computed there and stored or added into C.
import { KC, MC, NC, SMALL, gemmSmall, packPanelsA, packPanelsB } from '../js/gemm.js';
import type { WasmRuntime } from './runtime.js';

/** gemmStrided (same contract as src/kernels/js/gemm.ts) on the WebAssembly kernels. */
export function gemmStridedWasm(
  rt: WasmRuntime,
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || M * N * K <= SMALL) {
    gemmSmall(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
    return;
  }
  const ncMax = Math.min(NC, (N + 3) & ~3);
  const kcMax = Math.min(KC, K);
  const mcMax = Math.min(MC, (M + 3) & ~3);
  const aBytes = mcMax * kcMax * 8;
  const bBytes = ncMax * kcMax * 8;
  const pa = rt.scratch(aBytes + bBytes + mcMax * ncMax * 8);
  const pb = pa + aBytes;
  const pt = pb + bBytes;
  // Views after the last allocation (an unshared memory's growth detaches earlier ones)
  const Ap = rt.f64(pa, mcMax * kcMax);
  const Bp = rt.f64(pb, ncMax * kcMax);
  const T = rt.f64(pt, mcMax * ncMax);
  const tile = rt.k.gemm_tile;

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const nc4 = (nc + 3) & ~3;
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const store = !accumulate && pc === 0;
      packPanelsB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, Bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, kc, mc, Ap);
        tile((mc + 3) & ~3, nc4, kc, pa, pb, pt, nc4);
        // C[ic:ic+mc, jc:jc+nc] = or += the tile
        let ci = cOff + ic * ldc + jc;
        if (store) {
          for (let i = 0, ti = 0; i < mc; i++, ci += ldc, ti += nc4) c.set(T.subarray(ti, ti + nc), ci);
        } else {
          for (let i = 0, ti = 0; i < mc; i++, ci += ldc, ti += nc4) {
            for (let j = 0; j < nc; j++) c[ci + j] += T[ti + j];
          }
        }
      }
    }
  }
}

/**
 * C (M, N) = A · B on the unpacked small-N kernel (kernels gemm_small), A[i, k] at a[i·ais + k·aks],
 * B (K, N) and C (M, N) contiguous row-major, C overwritten; each C[i, j] summed over k in order from 0,
 * as the TypeScript kernels, so the same bits. A (M·K values) is read in place when resident; B and C go
 * through scratch.
 */
function gemmSmallWasm(
  rt: WasmRuntime, M: number, N: number, K: number, a: Float64Array, ais: number, aks: number, b: Float64Array, c: Float64Array,
): void {
  if (M <= 0 || N <= 0) return;
  const M4 = (M + 3) & ~3;
  let aAt = rt.addressOf(a);
  const bBytes = Math.ceil(((K * N + 2) * 8) / 64) * 64; // readable one pair past B's end
  const cBytes = Math.ceil(((M4 * N + 2) * 8) / 64) * 64; // rows up to M4 (and one pair past) are read
  const base = rt.scratch(bBytes + cBytes + (aAt < 0 ? M * K * 8 : 0));
  const pb = base;
  const pc = pb + bBytes;
  if (aAt < 0) rt.f64((aAt = pc + cBytes), M * K).set(a.subarray(0, M * K));
  const bv = rt.f64(pb, K * N + 2);
  bv.set(b.subarray(0, K * N));
  bv[K * N] = 0;
  bv[K * N + 1] = 0;
  const cv = rt.f64(pc, M4 * N + 2);
  cv.fill(0);
  rt.k.gemm_small(M, N, K, aAt, ais * 8, aks * 8, pb, pc);
  c.set(cv.subarray(0, M * N));
}

/**
 * gemmNNSmallN (src/kernels/js/gemm.ts) on the WebAssembly kernels: C (M, N) = A (M, K) · B (K, N), few
 * columns, all contiguous row-major, C overwritten (the same bits as the TypeScript kernel).
 */
export function gemmNNSmallNWasm(
  rt: WasmRuntime, M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array,
): void {
  gemmSmallWasm(rt, M, N, K, a, K, 1, b, c);
}

/**
 * gemmTNSmallN (src/kernels/js/gemm.ts) on the WebAssembly kernels: C (M, N) = Aᵀ · B with A stored
 * (K, M), B (K, N), few columns, C overwritten (the same bits as the TypeScript kernel): A[i, k] of the
 * product is the stored a[k·M + i].
 */
export function gemmTNSmallNWasm(
  rt: WasmRuntime, M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array,
): void {
  gemmSmallWasm(rt, M, N, K, a, 1, M, b, c);
}
