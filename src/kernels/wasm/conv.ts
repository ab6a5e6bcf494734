// Convolution kernels on the WebAssembly backend (kernels.wat conv_fwd, conv_dw): the same window
// offsets as the TypeScript kernels (src/kernels/js/conv.ts), turned into byte addresses in the module's
// memory. Arrays already resident there (layer buffers, see kernelArray) are used in place; others are
// copied in (inputs) or out (results).
import { DECLINE, type Decline } from '../registry.js';
import { type ConvDims, cropPadding } from '../js/conv.js';
import { type ConvScratch, gradXTarget, prepareConv, useDirect } from '../scratch.js';
import { type WasmRuntime, wasmRuntime } from './runtime.js';

/** The runtime of this thread (its kernels only run while the wasm backend is active: it exists). */
const runtime = (): WasmRuntime => wasmRuntime()!;

/** Byte size of n doubles rounded up to 64 (keeps the next block aligned). */
const f64Bytes = (n: number): number => Math.ceil((n * 8) / 64) * 64;
const i32Bytes = (n: number): number => Math.ceil((n * 4) / 64) * 64;

/**
 * Direct forward (see directForward): z (M, u) = b + Σ_k x[xoff[r] + koff[k]] · W[k, :], and with `a`,
 * a = relu(z) (z null: a only). `xoff`/`koff` as from offsets() (element offsets, padded to multiples of
 * 4 entries).
 */
export function convForwardWasm(
  rt: WasmRuntime, xp: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  W: Float64Array, b: Float64Array | null, z: Float64Array | null, a: Float64Array | null,
): void {
  const M4 = (M + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const u4 = (u + 3) & ~3;
  let xAt = rt.addressOf(xp);
  let zAt = z === null ? 0 : rt.addressOf(z); // null (with a): a only
  let aAt = a === null ? 0 : rt.addressOf(a);
  // Scratch layout: xoff | koff | packed W | b | [x] | [z] | [a]
  let size = i32Bytes(M4) + i32Bytes(K4) + f64Bytes(K * u4) + f64Bytes(u4);
  const xAt0 = size;
  if (xAt < 0) size += f64Bytes(xp.length);
  const zAt0 = size;
  if (zAt < 0) size += f64Bytes(M * u);
  const aAt0 = size;
  if (aAt < 0) size += f64Bytes(M * u);
  const base = rt.scratch(size);
  // Views only now (an unshared memory may have grown above)
  const pxoff = base;
  const pkoff = pxoff + i32Bytes(M4);
  const pw = pkoff + i32Bytes(K4);
  const pb = pw + f64Bytes(K * u4);
  if (xAt < 0) {
    xAt = base + xAt0;
    rt.f64(xAt, xp.length).set(xp);
  }
  if (zAt < 0) zAt = base + zAt0;
  if (aAt < 0) aAt = base + aAt0;
  const xo = rt.i32(pxoff, M4);
  for (let r = 0; r < M4; r++) xo[r] = xAt + xoff[r] * 8;
  const ko = rt.i32(pkoff, K4);
  for (let k = 0; k < K4; k++) ko[k] = koff[k] * 8;
  // W (K, u) in panels of 4 columns, zero past u: wp[(ub·K + k)·4 + j] = W[k, 4·ub + j]
  const wp = rt.f64(pw, K * u4);
  for (let u0 = 0, o = 0; u0 < u; u0 += 4) {
    const un = Math.min(4, u - u0);
    for (let k = 0; k < K; k++) {
      const s = k * u + u0;
      for (let j = 0; j < 4; j++) wp[o++] = j < un ? W[s + j] : 0;
    }
  }
  const bv = rt.f64(pb, u4);
  bv.fill(0);
  if (b !== null) bv.set(b.subarray(0, u));
  rt.k.conv_fwd(pxoff, pkoff, M, K, u, pw, pb, zAt, a === null ? 0 : aAt);
  if (z !== null && rt.addressOf(z) < 0) z.set(rt.f64(zAt, M * u));
  if (a !== null && rt.addressOf(a) < 0) a.set(rt.f64(aAt, M * u));
}

/**
 * Direct weight gradient (see directGradW): dW (K, u) = Σ_r x[xoff[r] + koff[k]] · dZ[r, :], chunks of
 * 128 rows, overwritten; with db, db (u) = Σ_r dZ[r, :] in row order, overwritten.
 */
export function convGradWWasm(
  rt: WasmRuntime, xp: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  dz: Float64Array, dW: Float64Array, db: Float64Array | null,
): void {
  const M4 = (M + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const ldz = (u + 3) & ~3;
  let xAt = rt.addressOf(xp);
  let zAt = ldz === u ? rt.addressOf(dz) : -1;
  // Scratch layout: xoff | koff | dw (K4, ldz) | db (ldz) | [x] | [dz padded]
  let size = i32Bytes(M4) + i32Bytes(K4) + f64Bytes(K4 * ldz) + f64Bytes(ldz);
  const xAt0 = size;
  if (xAt < 0) size += f64Bytes(xp.length);
  const zAt0 = size;
  if (zAt < 0) size += f64Bytes(M * ldz);
  const base = rt.scratch(size);
  const pxoff = base;
  const pkoff = pxoff + i32Bytes(M4);
  const pdw = pkoff + i32Bytes(K4);
  const pdb = pdw + f64Bytes(K4 * ldz);
  if (xAt < 0) {
    xAt = base + xAt0;
    rt.f64(xAt, xp.length).set(xp);
  }
  if (zAt < 0) {
    zAt = base + zAt0;
    const zp = rt.f64(zAt, M * ldz);
    if (ldz === u) zp.set(dz.subarray(0, M * u));
    else {
      for (let r = 0, s = 0, o = 0; r < M; r++, o += ldz) {
        for (let j = 0; j < u; j++) zp[o + j] = dz[s++];
        for (let j = u; j < ldz; j++) zp[o + j] = 0;
      }
    }
  }
  const xo = rt.i32(pxoff, M4);
  for (let r = 0; r < M4; r++) xo[r] = xAt + xoff[r] * 8;
  const ko = rt.i32(pkoff, K4);
  for (let k = 0; k < K4; k++) ko[k] = koff[k] * 8;
  const dwv = rt.f64(pdw, K4 * ldz);
  dwv.fill(0);
  const dbv = rt.f64(pdb, ldz);
  dbv.fill(0);
  // K a multiple of 3: 3 entries × 4 units per block (no entry padding), else 4 × 4
  const dw = K % 3 === 0 ? rt.k.conv_dw3 : rt.k.conv_dw;
  dw(pxoff, pkoff, M, K, zAt, ldz, pdw, db === null ? 0 : pdb);
  for (let k = 0; k < K; k++) dW.set(dwv.subarray(k * ldz, k * ldz + u), k * u);
  if (db !== null) db.set(dbv.subarray(0, u));
}

/** dZ = dA ⊙ relu'(Z) = g · [z > 0] over n elements (the relu branch of activationBackward). */
export function reluBackwardWasm(rt: WasmRuntime, g: Float64Array, z: Float64Array, out: Float64Array): void {
  const n = out.length;
  let gAt = rt.addressOf(g);
  let zAt = rt.addressOf(z);
  let oAt = rt.addressOf(out);
  let size = 0;
  const g0 = size;
  if (gAt < 0) size += f64Bytes(n);
  const z0 = size;
  if (zAt < 0) size += f64Bytes(n);
  const o0 = size;
  if (oAt < 0) size += f64Bytes(n);
  const base = size > 0 ? rt.scratch(size) : 0;
  if (gAt < 0) rt.f64((gAt = base + g0), n).set(g.subarray(0, n));
  if (zAt < 0) rt.f64((zAt = base + z0), n).set(z.subarray(0, n));
  if (oAt < 0) oAt = base + o0;
  rt.k.relu_bwd(gAt, zAt, oAt, n);
  if (rt.addressOf(out) < 0) out.set(rt.f64(oAt, n));
}

/**
 * Direct input gradient (see directGradX): dx[xoff[r] + koff[k]] += Σ_iu dZ[r, iu] · W[k, iu], in the
 * TS kernel's order. dx is the (padded) input gradient, zeroed by the caller.
 */
export function convGradXWasm(
  rt: WasmRuntime, dz: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  W: Float64Array, dx: Float64Array,
): void {
  const M4 = (M + 3) & ~3;
  const K4 = (K + 3) & ~3;
  let zAt = rt.addressOf(dz);
  let dxAt = rt.addressOf(dx);
  // Scratch layout: xoff | koff | Wᵀ (u, K4) | [dz] | [dx]
  let size = i32Bytes(M4) + i32Bytes(K4) + f64Bytes(u * K4);
  const zAt0 = size;
  if (zAt < 0) size += f64Bytes(M * u);
  const dxAt0 = size;
  if (dxAt < 0) size += f64Bytes(dx.length);
  const base = rt.scratch(size);
  const pxoff = base;
  const pkoff = pxoff + i32Bytes(M4);
  const pwt = pkoff + i32Bytes(K4);
  if (zAt < 0) rt.f64((zAt = base + zAt0), M * u).set(dz.subarray(0, M * u));
  if (dxAt < 0) rt.f64((dxAt = base + dxAt0), dx.length).set(dx);
  const xo = rt.i32(pxoff, M4);
  for (let r = 0; r < M4; r++) xo[r] = dxAt + xoff[r] * 8;
  const ko = rt.i32(pkoff, K4);
  for (let k = 0; k < K4; k++) ko[k] = koff[k] * 8;
  const wt = rt.f64(pwt, u * K4);
  wt.fill(0);
  for (let k = 0; k < K; k++) for (let iu = 0; iu < u; iu++) wt[iu * K4 + k] = W[k * u + iu];
  rt.k.conv_dx(zAt, pxoff, pkoff, M, K, u, pwt);
  if (rt.addressOf(dx) < 0) dx.set(rt.f64(dxAt, dx.length));
}

/**
 * convGradX (`make`): dz itself when the WebAssembly kernels can read it in place, else a copy of dz
 * resident in the module's memory, kept in `s` for the convGradW that follows the same backward. That
 * convGradW (`take`) reads the copy once and drops the claim, so a later convGradW (a new batch written
 * into the same array, skipDX) never sees a stale copy; without a copy it gets dz (the wrapper copies).
 * Returns dz itself too where the memory is not shared (no resident arrays).
 */
function residentDz(s: ConvScratch, rt: WasmRuntime, dz: Float64Array, n: number, mode: 'make' | 'take'): Float64Array {
  if (rt.addressOf(dz) >= 0) return dz;
  if (mode === 'take') {
    const kept = s.dzCopyOf === dz && s.dzCopy !== null && s.dzCopyN === n && rt.addressOf(s.dzCopy) >= 0;
    s.dzCopyOf = undefined;
    return kept ? s.dzCopy!.subarray(0, n) : dz;
  }
  if (s.dzCopy === null || s.dzCopy.length < n) {
    // grown only (a last, smaller batch reuses it): the old one is freed when collected
    s.dzCopy = rt.residentArray(n);
    s.dzCopyOf = undefined;
    if (s.dzCopy === null) return dz;
  }
  const copy = s.dzCopy.subarray(0, n);
  copy.set(dz.subarray(0, n));
  s.dzCopyOf = dz;
  s.dzCopyN = n;
  return copy;
}

/** 'convForward' (see convForwardJs): the direct kernel; declines the im2col path (large windows). */
export function convForwardPassWasm(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, W: Float64Array, b: Float64Array | null,
  z: Float64Array | null, a: Float64Array | null,
): void | Decline {
  if (!useDirect(dm)) return DECLINE;
  const { xp, M, K } = prepareConv(s, x, dm, 'always');
  convForwardWasm(runtime(), xp, s.xoff, s.koff, M, K, u, W, b, z, a);
}

/** 'convGradW' (see convGradWJs): the direct kernel, on convGradX's resident copy of dz when it made one. */
export function convGradWPassWasm(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, dW: Float64Array, db: Float64Array | null,
): void | Decline {
  if (!useDirect(dm)) return DECLINE;
  const rt = runtime();
  const { xp, M, K } = prepareConv(s, x, dm, 'stale');
  convGradWWasm(rt, xp, s.xoff, s.koff, M, K, u, u % 4 === 0 ? residentDz(s, rt, dz, M * u, 'take') : dz, dW, db);
}

/** 'convGradX' (see convGradXJs): the direct kernel, dz copied into the memory once for convGradW too. */
export function convGradXPassWasm(
  s: ConvScratch, x: Float64Array, dm: ConvDims, u: number, dz: Float64Array, W: Float64Array, dx: Float64Array,
): void | Decline {
  if (!useDirect(dm)) return DECLINE;
  const rt = runtime();
  const { M, K } = prepareConv(s, x, dm, 'no');
  const dxp = gradXTarget(s, dm, dx);
  convGradXWasm(rt, residentDz(s, rt, dz, M * u, 'make'), s.xoff, s.koff, M, K, u, W, dxp);
  if (dm.p > 0) cropPadding(dxp, dm, dx);
}
