// Element-wise activation kernels that pay on the WebAssembly backend (memory-bound loops over layer
// buffers that already live in its memory).
import { wasmKernels } from './backend.js';
import { reluBackwardWasm } from './wasm/conv.js';

/** out[i] = g[i] · [z[i] > 0] for i < out.length: dA ⊙ relu'(Z), bit for bit on both backends. */
export function reluBackwardKernel(g: Float64Array, z: Float64Array, out: Float64Array): void {
  const rt = wasmKernels();
  if (rt !== null && rt.addressOf(out) >= 0) {
    reluBackwardWasm(rt, g, z, out);
    return;
  }
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = g[i] * +(z[i] > 0);
}
