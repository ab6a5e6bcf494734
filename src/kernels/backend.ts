// Which kernels run: the WebAssembly SIMD ones ('wasm', the default where WebAssembly SIMD validates)
// or the TypeScript ones ('js', the fallback). Both give results within the fixtures' tolerances;
// where they share a blocking they give the same bits (see src/kernels/wasm/kernels.wat).
// Environment variable EPYNN_BACKEND=js|wasm sets the initial choice (tests run both); any other
// value is an EpyNNError at the first use of the kernels.
// The kernels themselves are reached through the registry (src/kernels/registry.ts), whose active
// backend this module sets; loading it registers both backends' kernels.
import { EpyNNError } from '../errors.js';
import './js/register.js';
import './wasm/register.js';
import { kernel, setActiveBackend, setBackendResolver } from './registry.js';
import { type WasmRuntime, wasmRuntime, wasmUnavailableReason } from './wasm/runtime.js';

/** A kernel backend: WebAssembly SIMD kernels (`'wasm'`) or the TypeScript ones (`'js'`). */
export type Backend = 'wasm' | 'js';

let resolved = false;
let wasm: WasmRuntime | null = null;
let fallbackNote = '';

function resolve(): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EPYNN_BACKEND;
  // A misspelled choice is an error (like EPYNN_THREADS), not a silent default
  if (env !== undefined && env !== '' && env !== 'js' && env !== 'wasm') throw new EpyNNError(`EPYNN_BACKEND must be 'js' or 'wasm' (or unset), got '${env}'`);
  resolved = true;
  const want = env === 'js' ? 'js' : 'wasm';
  wasm = want === 'wasm' ? wasmRuntime() : null;
  if (want === 'wasm' && wasm === null) fallbackNote = wasmUnavailableReason();
  setActiveBackend(wasm === null ? 'js' : 'wasm');
}

// The registry asks on its first kernel call
setBackendResolver(() => {
  if (!resolved) resolve();
  return wasm === null ? 'js' : 'wasm';
});

/**
 * Selects the kernels. Returns false (and keeps 'js') when 'wasm' is asked for but WebAssembly SIMD
 * is not available here; the reason is in backendNote().
 */
export function selectBackend(b: Backend): boolean {
  resolved = true;
  if (b === 'js') wasm = null;
  else {
    wasm = wasmRuntime();
    if (wasm === null) fallbackNote = wasmUnavailableReason();
  }
  setActiveBackend(wasm === null ? 'js' : 'wasm');
  return b === 'js' || wasm !== null;
}

/** The kernels in use. */
export function activeBackend(): Backend {
  if (!resolved) resolve();
  return wasm === null ? 'js' : 'wasm';
}

/** Why the WebAssembly kernels are not in use although asked for ('' otherwise). */
export function backendNote(): string {
  if (!resolved) resolve();
  return wasm === null ? fallbackNote : '';
}

/**
 * The WebAssembly runtime when the wasm backend is active, else null: for tests and tools that look
 * into its memory. Kernels never ask: the registry only calls a backend's kernels while it is active.
 */
export function wasmKernels(): WasmRuntime | null {
  if (!resolved) resolve();
  return wasm;
}

/**
 * A zero-filled Float64Array of n doubles for a layer buffer that is reused across training batches
 * (the registry's 'buffer' kernel, as src/kernels/buffer.ts): where the active backend's kernels read
 * and write it in place, else an ordinary array.
 */
export function kernelArray(n: number): Float64Array {
  return kernel('buffer', 'float64')(n);
}

/**
 * Releases an array from kernelArray that will never be used again: its block of the WebAssembly
 * memory is reused at once (else only after a garbage collection). Nothing for an ordinary array.
 */
export function releaseKernelArray(a: Float64Array): void {
  wasm?.releaseArray(a);
}
