// Element-wise activation kernels (the registry's 'reluBackward'): the WebAssembly one runs on an output
// resident in its memory (memory-bound loops over layer buffers that already live there), else the loop.
import './backend.js';
import { kernel } from './registry.js';

/** out[i] = g[i] · [z[i] > 0] for i < out.length: dA ⊙ relu'(Z), bit for bit on both backends. */
export function reluBackwardKernel(g: Float64Array, z: Float64Array, out: Float64Array): void {
  kernel('reluBackward', 'float64')(g, z, out);
}
