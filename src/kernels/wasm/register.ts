// The WebAssembly backend's float64 kernels in the registry. They run only while 'wasm' is the active
// backend (so this thread's runtime exists); each declines (DECLINE) what it does not handle — arrays
// not resident in its memory, odd sizes, the convolution's im2col path — and the registry then runs the
// TypeScript kernel, which gives the same bits where the blocking is shared.
import { DECLINE, registerKernels } from '../registry.js';
import { KC } from '../js/gemm.js';
import { convForwardPassWasm, convGradWPassWasm, convGradXPassWasm, reluBackwardWasm } from './conv.js';
import { convForward32Wasm, convGradW32Wasm, gemmStrided32Wasm } from './f32.js';
import { gemmNNSmallNWasm, gemmStridedWasm, gemmTNSmallNWasm } from './gemm.js';
import { poolMask4Wasm, poolMaskWasm, poolMeanBackWasm, poolWindowsWasm } from './pool.js';
import { derivativeWasm, recurrentGemmWasm, rowSumWasm, stepActivationWasm, stepKernelsWasm } from './recurrent.js';
import { type WasmRuntime, wasmRuntime } from './runtime.js';

/** The runtime of this thread (its kernels only run while the wasm backend is active: it exists). */
const rt = (): WasmRuntime => wasmRuntime()!;

registerKernels('wasm', 'float64', {
  gemm: (M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate) =>
    gemmStridedWasm(rt(), M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate),
  gemmNNSmallN: (M, N, K, a, b, c) => gemmNNSmallNWasm(rt(), M, N, K, a, b, c),
  // The packed GEMM (faster here), whose sums are the unpacked kernel's while K fits one depth block
  gemmNTSmallK: (M, N, K, a, b, c) =>
    K <= KC ? gemmStridedWasm(rt(), M, N, K, a, 0, K, 1, b, 0, 1, K, c, 0, N, false) : DECLINE,
  gemmTNSmallN: (M, N, K, a, b, c) => gemmTNSmallNWasm(rt(), M, N, K, a, b, c),
  convForward: convForwardPassWasm,
  convGradW: convGradWPassWasm,
  convGradX: convGradXPassWasm,
  reluBackward: (g, z, out) => (rt().addressOf(out) >= 0 ? reluBackwardWasm(rt(), g, z, out) : DECLINE),
  poolWindows: poolWindowsWasm,
  poolMask4: poolMask4Wasm,
  poolMask: poolMaskWasm,
  poolMeanBack: poolMeanBackWasm,
  recurrentGemm: recurrentGemmWasm,
  stepActivation: stepActivationWasm,
  stepKernels: stepKernelsWasm,
  derivative: derivativeWasm,
  rowSum: rowSumWasm,
  // Resident in the shared memory (the kernels work on it in place); declines an unshared memory
  buffer: (n) => rt().residentArray(n) ?? DECLINE,
});

// float32 (issue 28): the f32x4 GEMM, direct convolution forward and dW/db (kernels6.wat), the same bits as the
// TypeScript ones
registerKernels('wasm', 'float32', {
  gemm: (M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate) =>
    gemmStrided32Wasm(rt(), M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate),
  convForward: (s, x, dm, u, W, b, z, a) => convForward32Wasm(rt(), s, x, dm, u, W, b, z, a),
  convGradW: (s, x, dm, u, dz, dW, db) => convGradW32Wasm(rt(), s, x, dm, u, dz, dW, db),
  buffer: (n) => rt().residentArray32(n) ?? DECLINE,
});
