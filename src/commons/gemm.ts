// The library's GEMMs (C = op(A) · op(B) on Float64Array, float64): the implementations live in
// src/kernels (TypeScript in kernels/js/gemm.ts, WebAssembly SIMD in kernels/wasm), chosen by the
// backend in use (setBackend). The plain triple loop they are tested against is in tests/commons/gemm.test.ts.
export { gemmNN, gemmNNSmallN, gemmNT, gemmNTSmallK, gemmStrided, gemmTN, gemmTNSmallN, smallN } from '../kernels/gemm.js';
