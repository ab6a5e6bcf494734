// The WebAssembly kernels' instance and its memory: compiled synchronously on first use from the bytes
// embedded in module.ts (no file fetch, so Node and browser bundles work alike).
//
// Memory: shared (a SharedArrayBuffer) where the platform allows it. Growing a shared memory never
// detaches the views made before, so layers may keep their output buffers inside it (`residentArray`)
// and the kernels then read and write them in place. With an unshared memory a growth detaches every
// view, so nothing outlives a kernel call there: arguments are copied in and results out.
import { SHARED_FLAG, UNSHARED_FLAG, WASM_MODULES } from './module.js';

/** The module's exports (see kernels.wat for each kernel's contract). */
export interface WasmExports {
  gemm_tile(mc: number, nc: number, kc: number, pa: number, pb: number, pc: number, ldc: number): void;
  conv_fwd(xoff: number, koff: number, M: number, K: number, u: number, wp: number, b: number, z: number, a: number): void;
  conv_dw(xoff: number, koff: number, M: number, K: number, dz: number, ldz: number, dw: number, db: number): void;
  conv_dw3(xoff: number, koff: number, M: number, K: number, dz: number, ldz: number, dw: number, db: number): void;
  relu_bwd(g: number, z: number, out: number, n: number): void;
  pool_fwd4(x: number, z: number, m: number, h: number, w: number, d: number, oh: number, ow: number,
    sh: number, sw: number, o1: number, o2: number, o3: number, isMin: number): number;
  pool_bwd4(x: number, z: number, da: number, dx: number, m: number, h: number, w: number, d: number, oh: number,
    ow: number, sh: number, sw: number, o1: number, o2: number, o3: number): void;
  conv_dx(dz: number, xoff: number, koff: number, M: number, K: number, u: number, wt: number): void;
  gemm_small(M: number, N: number, K: number, a: number, ais: number, aks: number, b: number, c: number): void;
  pool_mean_fwd(x: number, z: number, m: number, h: number, w: number, d: number, oh: number, ow: number,
    sh: number, sw: number, offs: number, n: number): void;
  pool_mean_bwd(da: number, dx: number, m: number, h: number, w: number, d: number, oh: number, ow: number,
    sh: number, sw: number, ph: number, pw: number): void;
  pool_sel_fwd(x: number, z: number, m: number, h: number, w: number, d: number, oh: number, ow: number,
    sh: number, sw: number, offs: number, n: number, isMin: number): number;
  pool_sel_bwd(x: number, z: number, da: number, dx: number, m: number, h: number, w: number, d: number,
    oh: number, ow: number, sh: number, sw: number, offs: number, n: number, store: number): void;
  // kernels3.wat and kernels3b.wat: the recurrent layers' sigmoid and tanh
  rec_act_sigmoid(z: number, b: number, a: number, m: number, u: number, ld: number): void;
  rec_act_tanh(z: number, b: number, a: number, m: number, u: number, ld: number): void;
  rec_exp(x: number): number;
  rec_exp2(x: number, y: number, p: number): void;
  rec_tanh(x: number): number;
  rec_tanh2(x: number, y: number, p: number): void;
  // kernels4.wat: the recurrent layers' element-wise work and step products
  rec_ew(op: number, o: number, a: number, b: number, c: number, d: number, m: number, u: number, ld: number): void;
  rec_colsum(db: number, g: number, rows: number, u: number): void;
  rec_mm(M: number, N: number, K: number, a: number, ars: number, b: number, c: number, ldc: number, acc: number): void;
  rec_mm_tn(M: number, N: number, K: number, a: number, lda: number, b: number, c: number, ldc: number, acc: number): void;
  // kernels6.wat: float32 (f32x4)
  gemm32_block(mc: number, nc: number, kc: number, pa: number, pb: number, pt: number): void;
  conv32_fwd(xoff: number, koff: number, M: number, K: number, u: number, wp: number, b: number, z: number, a: number): void;
  conv32_dw(xoff: number, koff: number, r0: number, r1: number, K: number, u: number, dz: number, dw: number, db: number, first: number): void;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB of address space (reserved, not committed)
const ALIGN = 64;

/** Base64 to bytes (no atob/Buffer: the core also runs in bare V8 contexts). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const table = new Int16Array(128).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[abc.charCodeAt(i)] = i;
  let n = s.length;
  while (n > 0 && s[n - 1] === '=') n--;
  const out = new Uint8Array((n * 3) >> 2);
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc << 6) | table[s.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** The instance, its memory and a small allocator over it (one per thread). */
export class WasmRuntime {
  readonly k: WasmExports;
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared: then resident arrays are available. */
  readonly shared: boolean;
  private top = ALIGN; // address 0 stays unused (0 means "none" to the kernels)
  private readonly freeLists = new Map<number, number[]>();
  private scratchPtr = 0;
  private scratchBytes = 0;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly finalizer: FinalizationRegistry<[number, number]> | undefined;

  constructor(k: WasmExports, memory: WebAssembly.Memory, shared: boolean) {
    this.k = k;
    this.memory = memory;
    this.shared = shared;
    this.finalizer = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry(([ptr, bytes]) => this.free(ptr, bytes))
      : undefined;
  }

  /** Allocates `bytes` (rounded up to 64) and returns the address; grows the memory when needed. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const list = this.freeLists.get(size);
    if (list !== undefined && list.length > 0) return list.pop()!;
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`WebAssembly kernels: cannot allocate ${bytes} bytes (4 GiB memory limit)`);
      this.memory.grow(pages);
    }
    this.top = end;
    return ptr;
  }

  /** Returns a block from alloc() for reuse. */
  free(ptr: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let list = this.freeLists.get(size);
    if (list === undefined) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /**
   * Scratch for one kernel call: `bytes` at the returned address, valid until the next scratch() call.
   * Make views (f64/i32) only after the last allocation of the call: with an unshared memory a growth
   * detaches the earlier ones.
   */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.free(this.scratchPtr, this.scratchBytes);
      this.scratchBytes = Math.max(bytes, this.scratchBytes * 2);
      this.scratchPtr = this.alloc(this.scratchBytes);
    }
    return this.scratchPtr;
  }

  f64(ptr: number, n: number): Float64Array {
    const buf = this.memory.buffer;
    if (this.shared) this.buffers.add(buf);
    return new Float64Array(buf, ptr, n);
  }

  /** A float32 view (recognised by addressOf, as f64's). */
  f32(ptr: number, n: number): Float32Array {
    const buf = this.memory.buffer;
    if (this.shared) this.buffers.add(buf);
    return new Float32Array(buf, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Address of `a` when it is a view into this memory (a resident array), else -1. */
  addressOf(a: Float64Array | Float32Array): number {
    // A shared memory hands out a new SharedArrayBuffer object after each growth, over the same memory:
    // the views made before are recognised by the buffers this runtime has made views of. An unshared
    // memory's views are valid only while its buffer is the current one.
    const ok = this.shared ? this.buffers.has(a.buffer) : a.buffer === this.memory.buffer;
    return ok ? a.byteOffset : -1;
  }

  /**
   * A Float64Array of n zeros living in this memory (freed when garbage collected), or null when the
   * memory is not shared (views would not survive a growth).
   */
  residentArray(n: number): Float64Array | null {
    if (!this.shared || this.finalizer === undefined) return null;
    const bytes = n * 8;
    const ptr = this.alloc(bytes);
    const a = this.f64(ptr, n);
    a.fill(0);
    this.finalizer.register(a, [ptr, bytes], a);
    return a;
  }

  /**
   * Gives a resident array's block back at once, instead of when the array is garbage collected (a
   * worker thread's heap may go uncollected for a long time while its WebAssembly memory grows). The
   * array must not be used afterwards. False (nothing done) when `a` is not a live resident array.
   */
  releaseArray(a: Float64Array): boolean {
    if (this.finalizer === undefined || this.addressOf(a) < 0) return false;
    if (!this.finalizer.unregister(a)) return false; // not one of ours, or released already
    this.free(a.byteOffset, a.length * 8);
    return true;
  }

  /** residentArray for float32: a Float32Array of n zeros in this memory, or null (memory not shared). */
  residentArray32(n: number): Float32Array | null {
    if (!this.shared || this.finalizer === undefined) return null;
    const bytes = n * 4;
    const ptr = this.alloc(bytes);
    const a = this.f32(ptr, n);
    a.fill(0);
    this.finalizer.register(a, [ptr, bytes], a);
    return a;
  }
}

/**
 * The bytes of one embedded module, importing a shared memory or (`shared` false) an unshared one: the
 * two builds differ only in the memory import's limits flag at `flagAt` (checked by the build).
 */
export function moduleBytes(mod: { flagAt: number; bytes: string }, shared: boolean): Uint8Array<ArrayBuffer> {
  const bytes = decodeBase64(mod.bytes);
  if (bytes[mod.flagAt] !== SHARED_FLAG) throw new Error('WebAssembly kernels: the embedded module is not the one module.ts describes');
  if (!shared) bytes[mod.flagAt] = UNSHARED_FLAG;
  return bytes;
}

/**
 * A new instance with its own memory, shared when `shared` and the platform allows it (then `shared`
 * is true on the result). Throws when WebAssembly (SIMD) is not available.
 */
export function createWasmRuntime(shared = true): WasmRuntime {
  if (typeof WebAssembly !== 'object') throw new Error('no WebAssembly');
  let isShared = shared && typeof SharedArrayBuffer === 'function';
  let memory: WebAssembly.Memory | undefined;
  if (isShared) {
    try {
      memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    } catch {
      isShared = false;
    }
  }
  if (memory === undefined) memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES });
  const exports: Record<string, unknown> = {};
  for (const mod of WASM_MODULES) {
    const bytes = moduleBytes(mod, isShared);
    if (!WebAssembly.validate(bytes)) throw new Error('WebAssembly SIMD does not validate here');
    Object.assign(exports, new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports);
  }
  return new WasmRuntime(exports as unknown as WasmExports, memory, isShared);
}

let runtime: WasmRuntime | null | undefined;
let unavailableReason = '';

/** The WebAssembly runtime of this thread, instantiated on first call; null where WebAssembly SIMD is unavailable. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime !== undefined) return runtime;
  try {
    runtime = createWasmRuntime(true);
  } catch (e) {
    unavailableReason = `WebAssembly kernels unavailable: ${e instanceof Error ? e.message : String(e)}`;
    runtime = null;
  }
  return runtime;
}

/** Why wasmRuntime() returned null ('' when it did not). */
export function wasmUnavailableReason(): string {
  return unavailableReason;
}
