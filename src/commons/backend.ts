// Choosing the kernels: setBackend('wasm' | 'js') and getBackend() (the implementation is in
// src/kernels/backend.ts). The initial choice is 'wasm' where WebAssembly SIMD validates, else 'js';
// the environment variable EPYNN_BACKEND=js (or wasm) overrides it.
import { type Backend, activeBackend, backendNote, selectBackend } from '../kernels/backend.js';
import { EpyNNError } from '../errors.js';

export type { Backend } from '../kernels/backend.js';

/**
 * Runs every kernel on `backend` from now on: 'wasm' (WebAssembly SIMD, float64) or 'js' (TypeScript).
 * Results agree within the fixtures' tolerances (bit for bit for the GEMMs and convolution kernels).
 * Throws an EpyNNError for any other value, or for 'wasm' where WebAssembly SIMD is not available.
 */
export function setBackend(backend: Backend): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new EpyNNError(`setBackend: backend must be 'wasm' or 'js', got ${typeof backend === 'string' ? `'${backend}'` : String(backend)}`);
  }
  if (!selectBackend(backend)) {
    throw new EpyNNError(`setBackend: 'wasm' is not available here (${backendNote()}); the 'js' kernels stay in use`);
  }
}

/** The kernels in use: 'wasm' or 'js'. */
export function getBackend(): Backend {
  return activeBackend();
}
