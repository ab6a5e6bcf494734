// The kernel registry (TensorFlow.js's kernel-registry idea): every kernel is registered under an
// operation name, a backend and a dtype; a layer calls one entry per pass (kernel(op, dtype)), and the
// registry runs the active backend's kernel, or — when that backend has none for the op, or its kernel
// declines these arguments by returning DECLINE — the next backend of its fallback chain ('wasm' → 'js').
// A backend never checks which backend is active: its kernels are only called while it is.
//
// Kernels of a dtype work on that dtype's arrays (Float64Array for 'float64', Float32Array for
// 'float32'). The 'js' backend registers every op it offers and never declines, so a chain ends in a
// result. A new backend (e.g. WebGPU, float32 only) registers its kernels and a chain
// (registerBackend('webgpu', ['webgpu', 'wasm', 'js'])); see docs/PERFORMANCE.md, "Kernel registry".

/** The floating-point types of the kernels: float64 (EpyNN's, the default) and float32. */
export type DType = 'float64' | 'float32';

/** The typed array of a dtype's kernels. */
export type ArrayOf<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

/** Returned by a kernel that does not handle these arguments: the registry runs the next backend's. */
export const DECLINE: unique symbol = Symbol('DECLINE');
export type Decline = typeof DECLINE;

/** A kernel as registered: the operation's signature, whose result may be DECLINE. */
export type Declinable<F> = F extends (...args: infer P) => infer R ? (...args: P) => R | Decline : never;

import { EpyNNError } from '../errors.js';
import type { PoolDims } from './pool.js';
import type { ConvDims, ConvScratch } from './scratch.js';
import type { StepKernels, StepKind } from './wasm/recurrent.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKernel = (...args: any[]) => any;

/**
 * The operations and their signatures, for arrays A of one dtype. Each entry module of src/kernels
 * documents its ops' contracts; a backend may register any subset ('js' registers every float64 op).
 */
export interface KernelOps<A extends Float64Array | Float32Array> {
  /** C (M, N) = [C +] A (M, K) · B (K, N), strided operands (src/kernels/gemm.ts gemmStrided). */
  gemm(M: number, N: number, K: number, a: A, aOff: number, aRs: number, aCs: number,
    b: A, bOff: number, bRs: number, bCs: number, c: A, cOff: number, ldc: number, accumulate: boolean): void;
  /** C (M, N) = A (M, K) · B (K, N), few columns, each C[i, j] summed over k in order. */
  gemmNNSmallN(M: number, N: number, K: number, a: A, b: A, c: A): void;
  /** C (M, N) = A (M, K) · Bᵀ, B stored (N, K), short K, each C[i, j] summed over k in order. */
  gemmNTSmallK(M: number, N: number, K: number, a: A, b: A, c: A): void;
  /** C (M, N) = Aᵀ · B, A stored (K, M), few columns, each C[i, j] summed over k in order. */
  gemmTNSmallN(M: number, N: number, K: number, a: A, b: A, c: A): void;
  /** The convolution's forward (src/kernels/conv.ts convForwardKernel). */
  convForward(s: ConvScratch, x: A, dm: ConvDims, u: number, W: A, b: A | null, z: A | null, a: A | null): void;
  /** The convolution's dW and db (convGradW). */
  convGradW(s: ConvScratch, x: A, dm: ConvDims, u: number, dz: A, dW: A, db: A | null): void;
  /** The convolution's dX (convGradX). */
  convGradX(s: ConvScratch, x: A, dm: ConvDims, u: number, dz: A, W: A, dx: A): void;
  /** out = g ⊙ [z > 0]. */
  reluBackward(g: A, z: A, out: A): void;
  /** Pooling forward over every window (src/kernels/pool.ts); returns Σ (v − v) of a SELECT, else 0. */
  poolWindows(x: A, z: A, p: PoolDims, offs: Int32Array, mode: number, sign: number): number;
  /** Max/min pooling backward, non-overlapping windows of 4, dx stored. */
  poolMask4(x: A, z: A, da: A, dx: A, p: PoolDims): void;
  /** Max/min pooling backward over any windows (`store`: dx not zeroed, windows tile X). */
  poolMask(x: A, z: A, da: A, dx: A, p: PoolDims, offs: Int32Array, store: boolean): void;
  /** Mean pooling backward (dx zeroed). */
  poolMeanBack(da: A, dx: A, p: PoolDims): void;
  /** The recurrent layers' products (same contract as gemm, the same bits). */
  recurrentGemm(M: number, N: number, K: number, a: A, aOff: number, aRs: number, aCs: number,
    b: A, bOff: number, bRs: number, bCs: number, c: A, cOff: number, ldc: number, accumulate: boolean): void;
  /** One step's bias and sigmoid/tanh (src/kernels/recurrent.ts). */
  stepActivation(kind: StepKind, Z: A, b: A | null, A: A, off: number, ld: number, m: number, u: number): void;
  /** One pass's element-wise step kernels, or null: the layer's own loops. */
  stepKernels(m: number, s: number, u: number, arrays: readonly A[]): StepKernels | null;
  /** tanh' (1 − A²) or sigmoid' (A·(1 − A)) from the activation's values. */
  derivative(kind: StepKind, A: A, d: A): void;
  /** db = Σ over the rows of G (rows, u), in order. */
  rowSum(db: A, G: A, rows: number, u: number): void;
  /**
   * A zero-filled array of n values for a layer buffer reused across batches: where the backend's
   * kernels can read and write it in place (the WebAssembly memory, when shared), else ordinary.
   */
  buffer(n: number): A;
}

/** An operation name. */
export type OpName = keyof KernelOps<Float64Array> & string;

/** A registered kernel: operation, backend, dtype and the function. */
export interface KernelConfig<N extends OpName = OpName, D extends DType = DType> {
  op: N;
  backend: string;
  dtype: D;
  kernel: Declinable<KernelOps<ArrayOf<D>>[N]>;
}

const kernels = new Map<string, AnyKernel>(); // `${op}/${backend}/${dtype}`
const chains = new Map<string, readonly string[]>([['js', ['js']], ['wasm', ['wasm', 'js']]]);
let active: string | undefined;
let resolver: (() => string) | undefined;
/** The resolved entry of each op and dtype for the active backend, cleared on any change. */
let resolved: Record<DType, Map<string, AnyKernel>> = { float64: new Map(), float32: new Map() };

const keyOf = (op: string, backend: string, dtype: DType): string => `${op}/${backend}/${dtype}`;

/** Registers a kernel (replacing the kernel of the same op, backend and dtype). */
export function registerKernel<N extends OpName, D extends DType>(config: KernelConfig<N, D>): void {
  kernels.set(keyOf(config.op, config.backend, config.dtype), config.kernel as AnyKernel);
  resolved = { float64: new Map(), float32: new Map() };
}

/** Registers several kernels of one backend and dtype: `{ op: kernel, … }`. */
export function registerKernels<D extends DType>(
  backend: string, dtype: D, set: { [N in OpName]?: Declinable<KernelOps<ArrayOf<D>>[N]> },
): void {
  for (const [op, kernel] of Object.entries(set)) if (kernel !== undefined) registerKernel({ op: op as OpName, backend, dtype, kernel } as KernelConfig);
}

/** Declares a backend and its fallback chain (itself first, 'js' last). */
export function registerBackend(name: string, chain: readonly string[]): void {
  if (chain[0] !== name || chain[chain.length - 1] !== 'js') throw new EpyNNError(`registerBackend: the chain of '${name}' must start with it and end with 'js', got ${chain.join(' → ')}`);
  chains.set(name, [...chain]);
  resolved = { float64: new Map(), float32: new Map() };
}

/** Sets how the initial backend is chosen, on the first kernel call (src/kernels/backend.ts). */
export function setBackendResolver(fn: () => string): void {
  resolver = fn;
}

/** Makes `backend` the one whose kernels run first (src/kernels/backend.ts selects it). */
export function setActiveBackend(backend: string): void {
  if (!chains.has(backend)) throw new EpyNNError(`setActiveBackend: unknown backend '${backend}'`);
  if (backend === active) return;
  active = backend;
  resolved = { float64: new Map(), float32: new Map() };
}

/** The backend whose kernels run first. */
export const activeKernelBackend = (): string => (active ??= resolver?.() ?? 'js');

/** The backends that have a kernel for op and dtype (registered, in any order). */
export function kernelBackends(op: OpName, dtype: DType): string[] {
  return [...chains.keys()].filter((b) => kernels.has(keyOf(op, b, dtype)));
}

/** Whether `backend` itself has a kernel for op and dtype. */
export const hasKernel = (op: OpName, backend: string, dtype: DType): boolean => kernels.has(keyOf(op, backend, dtype));

function resolve(op: string, dtype: DType): AnyKernel {
  const fns = (chains.get(activeKernelBackend()) ?? ['js']).map((b) => kernels.get(keyOf(op, b, dtype))).filter((f): f is AnyKernel => f !== undefined);
  if (fns.length === 0) {
    return () => {
      throw new EpyNNError(`kernel registry: no kernel '${op}' for ${dtype} on the '${activeKernelBackend()}' backend or its fallbacks`);
    };
  }
  // The last of the chain ('js') never declines
  let run = fns[fns.length - 1];
  for (let i = fns.length - 2; i >= 0; i--) {
    const f = fns[i];
    const next = run;
    run = (...args: unknown[]) => {
      const r = f(...args);
      return r === DECLINE ? next(...args) : r;
    };
  }
  return run;
}

/**
 * The entry of `op` for `dtype` on the active backend: its kernel, falling back along the chain where
 * it declines. Cached until a kernel or the backend changes (call it per pass, not once at load).
 */
export function kernel<N extends OpName, D extends DType>(op: N, dtype: D): KernelOps<ArrayOf<D>>[N] {
  const table = resolved[dtype];
  let fn = table.get(op);
  if (fn === undefined) table.set(op, (fn = resolve(op, dtype)));
  return fn as KernelOps<ArrayOf<D>>[N];
}
