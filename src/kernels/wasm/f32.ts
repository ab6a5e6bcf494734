// float32 GEMM on the WebAssembly backend (kernels6.wat gemm32_block, f32x4): A packed in 4-row panels,
// B in 8-column panels, both float32, into the module's memory; each block's sums (from +0, over a
// depth block of KC32) come back in a tile that is stored or added into C here, as the TypeScript
// kernel (src/kernels/js/f32.ts) does: the same bits.
import { KC32, gemmStrided32, small32 } from '../js/f32.js';
import type { WasmRuntime } from './runtime.js';

const MC32 = 128;
const NC32 = 512;

/** gemmStrided32's contract on the f32x4 kernel (small products: the TypeScript loop, the same bits). */
export function gemmStrided32Wasm(
  rt: WasmRuntime,
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  if (M <= 0 || N <= 0 || K <= 0 || small32(M, N, K)) {
    gemmStrided32(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
    return;
  }
  const ncMax = Math.min(NC32, (N + 7) & ~7);
  const kcMax = Math.min(KC32, K);
  const mcMax = Math.min(MC32, (M + 3) & ~3);
  const aBytes = mcMax * kcMax * 4;
  const bBytes = ncMax * kcMax * 4;
  const pa = rt.scratch(aBytes + bBytes + mcMax * ncMax * 4);
  const pb = pa + aBytes;
  const pt = pb + bBytes;
  // Views after the last allocation (an unshared memory's growth detaches earlier ones)
  const buf = rt.memory.buffer;
  const Ap = new Float32Array(buf, pa, mcMax * kcMax);
  const Bp = new Float32Array(buf, pb, ncMax * kcMax);
  const T = new Float32Array(buf, pt, mcMax * ncMax);
  for (let jc = 0; jc < N; jc += NC32) {
    const nc = Math.min(NC32, N - jc);
    const nc8 = (nc + 7) & ~7;
    for (let pc = 0; pc < K; pc += KC32) {
      const kc = Math.min(KC32, K - pc);
      const store = !accumulate && pc === 0;
      // B (kc, nc) in panels of 8 columns: Bp[(jr/8·kc + k)·8 + jj], zero-padded past nc
      for (let jr = 0, o = 0; jr < nc8; jr += 8) {
        for (let k = 0; k < kc; k++) {
          const row = bOff + (pc + k) * bRs + (jc + jr) * bCs;
          for (let jj = 0; jj < 8; jj++, o++) Bp[o] = jr + jj < nc ? b[row + jj * bCs] : 0;
        }
      }
      for (let ic = 0; ic < M; ic += MC32) {
        const mc = Math.min(MC32, M - ic);
        const mc4 = (mc + 3) & ~3;
        // A (mc, kc) in panels of 4 rows: Ap[(ir/4·kc + k)·4 + ii], zero-padded past mc
        for (let ir = 0, o = 0; ir < mc4; ir += 4) {
          for (let k = 0; k < kc; k++) {
            const col = aOff + (ic + ir) * aRs + (pc + k) * aCs;
            for (let ii = 0; ii < 4; ii++, o++) Ap[o] = ir + ii < mc ? a[col + ii * aRs] : 0;
          }
        }
        rt.k.gemm32_block(mc4, nc8, kc, pa, pb, pt);
        for (let i = 0; i < mc; i++) {
          const ci = cOff + (ic + i) * ldc + jc;
          const ti = i * nc8;
          if (store) c.set(T.subarray(ti, ti + nc), ci);
          else for (let j = 0; j < nc; j++) c[ci + j] += T[ti + j];
        }
      }
    }
  }
}
