// Layer buffers reused across batches, from the active backend (the registry's 'buffer' kernel): where
// its kernels read and write them in place (the WebAssembly memory, when shared), else ordinary arrays.
import { releaseKernelArray } from './backend.js';
import { kernel } from './registry.js';

/** A zero-filled Float64Array of n values for a layer buffer reused across batches (see above). */
export function kernelBuffer(n: number): Float64Array {
  return kernel('buffer', 'float64')(n);
}

/**
 * Gives back a buffer from kernelBuffer that will never be used again: the backend reuses its memory at
 * once instead of after a garbage collection (a worker thread's heap may go uncollected for long).
 */
export function releaseKernelBuffer(a: Float64Array): void {
  releaseKernelArray(a);
}
