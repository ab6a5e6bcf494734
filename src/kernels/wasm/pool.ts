// Pooling kernels on the WebAssembly backend (kernels.wat, kernels5.wat): max/min over windows of 4
// elements (2×2, 1×4, 4×1) and over any windows, mean pooling; an even depth d, the input already
// resident in the module's memory (a layer buffer of the previous layer, see the 'buffer' kernel). Each
// declines (DECLINE: nothing written) where it does not apply, and the registry runs the TypeScript
// loops (src/kernels/js/pool.ts), which give the same bits.
import { DECLINE, type Decline } from '../registry.js';
import { MEAN, SELECT } from '../js/pool.js';
import type { PoolDims } from '../pool.js';
import { type WasmRuntime, wasmRuntime } from './runtime.js';

/** The runtime of this thread (its kernels only run while the wasm backend is active: it exists). */
const runtime = (): WasmRuntime => wasmRuntime()!;

/** Sizes of a pooling: input (m, h, w, d), output (m, oh, ow, d), strides, window offsets (elements). */
interface Pool4Dims {
  m: number; h: number; w: number; d: number; oh: number; ow: number; sh: number; sw: number;
  o1: number; o2: number; o3: number;
}

/**
 * z[im, ioh, iow, id] = max (min when isMin) of the window's 4 elements, an exact select (NaN never
 * replaces). Returns Σ (v − v) over the pooled values (NaN when one is not finite), or null when the
 * WebAssembly kernel does not apply (nothing written).
 */
function poolSelect4Kernel(x: Float64Array, z: Float64Array, p: Pool4Dims, isMin: boolean): number | null {
  const rt = runtime();
  if (p.d % 2 !== 0) return null;
  const xAt = rt.addressOf(x);
  if (xAt < 0) return null;
  const n = p.m * p.oh * p.ow * p.d;
  let zAt = rt.addressOf(z);
  if (zAt < 0) zAt = rt.scratch(n * 8); // x is resident, so the memory is shared: views stay valid
  const chk = rt.k.pool_fwd4(xAt, zAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, p.o1 * 8, p.o2 * 8, p.o3 * 8, isMin ? 1 : 0);
  if (rt.addressOf(z) < 0) z.set(rt.f64(zAt, n));
  return chk;
}

/**
 * Max/min backward over non-overlapping windows of 4: each window element dx = [x == z] ? g + 0 : +0.
 * Returns false (nothing written) when the WebAssembly kernel does not apply: it needs x, z and dx
 * resident; da is copied in when it is not.
 */
function poolMask4Kernel(x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: Pool4Dims): boolean {
  const rt = runtime();
  if (p.d % 2 !== 0) return false;
  const xAt = rt.addressOf(x), zAt = rt.addressOf(z), dxAt = rt.addressOf(dx);
  if (xAt < 0 || zAt < 0 || dxAt < 0) return false;
  let daAt = rt.addressOf(da);
  if (daAt < 0) {
    const n = p.m * p.oh * p.ow * p.d;
    daAt = rt.scratch(n * 8);
    rt.f64(daAt, n).set(da.subarray(0, n));
  }
  rt.k.pool_bwd4(xAt, zAt, daAt, dxAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, p.o1 * 8, p.o2 * 8, p.o3 * 8);
  return true;
}


/**
 * Mean pooling forward: z[im, ioh, iow, id] = (((x0 + x1) + …) / n over the window elements at the
 * element offsets `offs` (window order, offs[0] = 0), the TS loop's sums. Returns false (nothing
 * written) where the WebAssembly kernel does not apply: it needs x resident and d even.
 */
function poolMeanKernel(x: Float64Array, z: Float64Array, p: PoolDims, offs: Int32Array): boolean {
  return windowForward(x, z, p, offs, (rt, xAt, zAt, table) => {
    rt.k.pool_mean_fwd(xAt, zAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, table, offs.length);
    return true;
  }) ?? false;
}

/**
 * The setting of the forward window kernels: x resident (else null: nothing written), d even, the
 * window's offset table in scratch, z in place when resident (else in scratch, copied out after).
 * `run` gets the addresses and returns the kernel's result.
 */
function windowForward<T>(
  x: Float64Array, z: Float64Array, p: PoolDims, offs: Int32Array,
  run: (rt: WasmRuntime, xAt: number, zAt: number, table: number) => T,
): T | null {
  const rt = runtime();
  if (p.d % 2 !== 0) return null;
  const xAt = rt.addressOf(x);
  if (xAt < 0) return null;
  const n = p.m * p.oh * p.ow * p.d;
  let zAt = rt.addressOf(z);
  const oBytes = Math.ceil((offs.length * 4) / 64) * 64;
  const base = rt.scratch(oBytes + (zAt < 0 ? n * 8 : 0)); // x is resident: the memory is shared, views stay valid
  offsetTable(rt, base, offs);
  const copyOut = zAt < 0;
  if (copyOut) zAt = base + oBytes;
  const result = run(rt, xAt, zAt, base);
  if (copyOut) z.set(rt.f64(zAt, n));
  return result;
}

/**
 * Mean pooling backward: dx[window element] += da / (ph·pw), windows in order (as the TS loop, so the
 * same bits, overlapping windows included); dx zeroed by the caller. Returns false (nothing written)
 * where the WebAssembly kernel does not apply: it needs dx resident and d even; da is copied in when
 * it is not resident.
 */
function poolMeanBackKernel(da: Float64Array, dx: Float64Array, p: PoolDims): boolean {
  const rt = runtime();
  if (p.d % 2 !== 0) return false;
  const dxAt = rt.addressOf(dx);
  if (dxAt < 0) return false;
  let daAt = rt.addressOf(da);
  if (daAt < 0) {
    const n = p.m * p.oh * p.ow * p.d;
    daAt = rt.scratch(n * 8);
    rt.f64(daAt, n).set(da.subarray(0, n));
  }
  rt.k.pool_mean_bwd(daAt, dxAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, p.ph, p.pw);
  return true;
}

/** Byte offsets of the window elements in scratch at `at` (the i32 table the kernels read). */
function offsetTable(rt: WasmRuntime, at: number, offs: Int32Array): void {
  const ov = rt.i32(at, offs.length);
  for (let k = 0; k < offs.length; k++) ov[k] = offs[k] * 8;
}

/**
 * Max (min when isMin) pooling over any window at the element offsets `offs` (window order, offs[0] =
 * 0), the TS loop's arithmetic select (finite X; an infinity gives NaN and the caller pools again).
 * Returns Σ (v − v) over the pooled values, or null (nothing written) where the WebAssembly kernel does
 * not apply: it needs x resident and d even.
 */
function poolSelectKernel(x: Float64Array, z: Float64Array, p: PoolDims, offs: Int32Array, isMin: boolean): number | null {
  return windowForward(x, z, p, offs, (rt, xAt, zAt, table) =>
    rt.k.pool_sel_fwd(xAt, zAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, table, offs.length, isMin ? 1 : 0));
}

/**
 * Max/min pooling backward over any windows (overlapping ones add up, in the TS loop's order): each
 * window element dx += g · [x == z] (g finite), or += g where x == z (g = ±∞, NaN); dx zeroed by the
 * caller, or with `store` (windows that tile X) not read and not needing zeros (the terms are added to
 * +0). Returns false (nothing written) where the WebAssembly kernel does not apply: it needs x, z and
 * dx resident and d even; da is copied in when it is not resident.
 */
function poolMaskKernel(
  x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: PoolDims, offs: Int32Array, store = false,
): boolean {
  const rt = runtime();
  if (p.d % 2 !== 0) return false;
  const xAt = rt.addressOf(x), zAt = rt.addressOf(z), dxAt = rt.addressOf(dx);
  if (xAt < 0 || zAt < 0 || dxAt < 0) return false;
  let daAt = rt.addressOf(da);
  const n = p.m * p.oh * p.ow * p.d;
  const oBytes = Math.ceil((offs.length * 4) / 64) * 64;
  const base = rt.scratch(oBytes + (daAt < 0 ? n * 8 : 0));
  offsetTable(rt, base, offs);
  if (daAt < 0) rt.f64((daAt = base + oBytes), n).set(da.subarray(0, n));
  rt.k.pool_sel_bwd(xAt, zAt, daAt, dxAt, p.m, p.h, p.w, p.d, p.oh, p.ow, p.sh, p.sw, base, offs.length, store ? 1 : 0);
  return true;
}

/** The offsets of a window of 4 (pw = 1, 2 or 4) from its first element, as maskStore4 takes them. */
function dims4(p: PoolDims): Pool4Dims {
  const { w, d, pw } = p;
  const o1 = pw === 1 ? w * d : d;
  const o2 = pw === 4 ? 2 * d : pw === 2 ? w * d : 2 * w * d;
  const o3 = pw === 4 ? 3 * d : pw === 2 ? (w + 1) * d : 3 * w * d;
  return { m: p.m, h: p.h, w, d, oh: p.oh, ow: p.ow, sh: p.sh, sw: p.sw, o1, o2, o3 };
}

/** 'poolWindows': the arithmetic select (windows of 4 or any) and mean; declines Math.max/min modes. */
export function poolWindowsWasm(x: Float64Array, z: Float64Array, p: PoolDims, offs: Int32Array, mode: number, sign: number): number | Decline {
  if (mode === MEAN) return poolMeanKernel(x, z, p, offs) ? 0 : DECLINE;
  if (mode !== SELECT) return DECLINE;
  const chk = offs.length === 4
    ? poolSelect4Kernel(x, z, { ...dims4(p), o1: offs[1], o2: offs[2], o3: offs[3] }, sign < 0)
    : poolSelectKernel(x, z, p, offs, sign < 0);
  return chk ?? DECLINE;
}

/** 'poolMask4': max/min backward over non-overlapping windows of 4. */
export const poolMask4Wasm = (x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: PoolDims): void | Decline =>
  poolMask4Kernel(x, z, da, dx, dims4(p)) ? undefined : DECLINE;

/** 'poolMask': max/min backward over any windows (`store`: windows that tile X, dx not zeroed). */
export const poolMaskWasm = (
  x: Float64Array, z: Float64Array, da: Float64Array, dx: Float64Array, p: PoolDims, offs: Int32Array, store: boolean,
): void | Decline => (poolMaskKernel(x, z, da, dx, p, offs, store) ? undefined : DECLINE);

/** 'poolMeanBack': mean pooling backward (dx zeroed by the caller). */
export const poolMeanBackWasm = (da: Float64Array, dx: Float64Array, p: PoolDims): void | Decline =>
  poolMeanBackKernel(da, dx, p) ? undefined : DECLINE;
