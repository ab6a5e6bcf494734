// The TypeScript backend's float64 kernels in the registry: every op, none declining (the end of every
// backend's fallback chain).
import { kernel, registerKernels } from '../registry.js';
import { convForward32Js, convForwardJs, convGradW32Js, convGradWJs, convGradX32Js, convGradXJs } from './convPasses.js';
import { gemmNN32, gemmNT32, gemmStrided32, gemmTN32 } from './f32.js';
import * as gemm from './gemm.js';
import { maskStore4, poolBackLoops, poolWindows } from './pool.js';
import { poolBack32, poolMask4_32, poolWindows32 } from './pool32.js';
import { derivativeJs, rowSumJs, stepActivationJs } from './recurrent.js';

/** X and Z, which mean pooling's backward does not read. */
const NONE = new Float64Array(0);

registerKernels('js', 'float64', {
  gemm: gemm.gemmStrided,
  gemmNNSmallN: gemm.gemmNNSmallN,
  gemmNTSmallK: gemm.gemmNTSmallK,
  gemmTNSmallN: gemm.gemmTNSmallN,
  convForward: convForwardJs,
  convGradW: convGradWJs,
  convGradX: convGradXJs,
  reluBackward: (g, z, out) => {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = g[i] * +(z[i] > 0);
  },
  poolWindows: (x, z, p, offs, mode, sign) => poolWindows(x, z, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, offs, mode, sign),
  poolMask4: (x, z, da, dx, p) => maskStore4(x, z, da, dx, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, p.pw),
  poolMask: (x, z, da, dx, p, _offs, store) => {
    if (store) dx.fill(0); // the loops add onto zeros (a reused buffer was not zeroed)
    poolBackLoops(x, z, da, dx, p, false);
  },
  poolMeanBack: (da, dx, p) => poolBackLoops(NONE, NONE, da, dx, p, true),
  // The products of the recurrent layers: the 'gemm' entry of the active backend
  recurrentGemm: (...args) => kernel('gemm', 'float64')(...args),
  stepActivation: stepActivationJs,
  stepKernels: () => null,
  derivative: derivativeJs,
  rowSum: rowSumJs,
  buffer: (n) => new Float64Array(n),
});

/** X and Z, which mean pooling's backward does not read (float32). */
const NONE32 = new Float32Array(0);

// float32 (issue 28): the GEMMs (Dense's too), relu's backward, pooling, the convolution's forward, dW/db and dX so far, and plain buffers
registerKernels('js', 'float32', {
  gemm: gemmStrided32,
  // Dense's products: the float32 'gemm' entry of the active backend (the same sums on both)
  gemmNNSmallN: (M, N, K, a, b, c) => kernel('gemm', 'float32')(M, N, K, a, 0, K, 1, b, 0, N, 1, c, 0, N, false),
  gemmNTSmallK: (M, N, K, a, b, c) => kernel('gemm', 'float32')(M, N, K, a, 0, K, 1, b, 0, 1, K, c, 0, N, false),
  gemmTNSmallN: (M, N, K, a, b, c) => kernel('gemm', 'float32')(M, N, K, a, 0, 1, M, b, 0, N, 1, c, 0, N, false),
  // g · [z > 0]: a product by 1 or 0, exact in float32
  reluBackward: (g, z, out) => {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = g[i] * +(z[i] > 0);
  },
  poolWindows: poolWindows32,
  poolMask4: poolMask4_32,
  poolMask: (x, z, da, dx, p, _offs, store) => poolBack32(x, z, da, dx, p, false, store),
  poolMeanBack: (da, dx, p) => poolBack32(NONE32, NONE32, da, dx, p, true),
  convForward: convForward32Js,
  convGradW: convGradW32Js,
  // dZ · Wᵀ on the float32 'gemm' entry (f32x4 on 'wasm'), then the scatter: the same bits on both backends
  convGradX: convGradX32Js,
  buffer: (n) => new Float32Array(n),
});
