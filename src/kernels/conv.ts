// The Convolution layer's kernels behind one entry per pass — convForwardKernel, convGradX, convGradW —
// on the registry ('convForward', 'convGradW', 'convGradX'): the WebAssembly backend runs the direct
// kernels (small windows) and declines the im2col path, which the TypeScript pass then runs (im2col +
// the 'gemm' entry, the active backend's GEMM). All their scratch is in one ConvScratch object per layer.
// The layer files (src/convolution) keep EpyNN's steps; the loops are in kernels/js/conv.ts and
// kernels/wasm (kernels.wat).
import './backend.js';
import { kernel } from './registry.js';
import type { ConvDims, ConvScratch } from './scratch.js';

export type { ConvDims } from './js/conv.js';
export { ConvScratch, kernelOptions, useDirect } from './scratch.js';

/**
 * Forward steps (1)-(5.3), and (6) for relu when `a` is given:
 *   z (m·oh·ow, u) = b + Σ_k Xb[:, k] · W[k, :]     (b null: no bias)      a = relu(z) (a null: not done)
 * x is the input (m, h, w, d), W (fh·fw·d, u); z and a are overwritten (never read). z null (a given):
 * only a is wanted (z goes to scratch, or is never stored by the WebAssembly kernel).
 */
export function convForwardKernel(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, W: Float64Array, b: Float64Array | null,
  z: Float64Array | null, a: Float64Array | null,
): void {
  kernel('convForward', 'float64')(s, x, dm, u, W, b, z, a);
}

/**
 * Step (1) of the gradients: dW (fh·fw·d, u) = Xbᵀ · dZ and, with db, db (u) = Σ_rows dZ, both
 * overwritten, from the input x of the last forward and dZ (m·oh·ow, u).
 */
export function convGradW(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, dW: Float64Array, db: Float64Array | null,
): void {
  kernel('convGradW', 'float64')(s, x, dm, u, dz, dW, db);
}

/**
 * Steps (5hw)-(6hw) of the backward: dx (m, h, w, d) = the sum over windows of dZ · Wᵀ at each window,
 * padding dropped; dx is overwritten.
 */
export function convGradX(s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, W: Float64Array, dx: Float64Array): void {
  kernel('convGradX', 'float64')(s, x, dm, u, dz, W, dx);
}
