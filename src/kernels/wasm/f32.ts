// float32 GEMM on the WebAssembly backend (kernels6.wat gemm32_block, f32x4): A packed in 4-row panels,
// B in 8-column panels, both float32, into the module's memory; each block's sums (from +0, over a
// depth block of KC32) come back in a tile that is stored or added into C here, as the TypeScript
// kernel (src/kernels/js/f32.ts) does: the same bits.
import type { ConvDims } from '../js/conv.js';
import { KC32, RB32, gemmStrided32, small32 } from '../js/f32.js';
import { DECLINE, type Decline } from '../registry.js';
import { type ConvScratch, prepareConv32 } from '../scratch.js';
import type { WasmRuntime } from './runtime.js';

const MC32 = 128;
const NC32 = 512;

/** gemmStrided32's contract on the f32x4 kernel (small products: the TypeScript loop, the same bits). */
export function gemmStrided32Wasm(
  rt: WasmRuntime,
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  if (M <= 0 || N <= 0 || K <= 0 || small32(M, N, K)) {
    gemmStrided32(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
    return;
  }
  const ncMax = Math.min(NC32, (N + 7) & ~7);
  const kcMax = Math.min(KC32, K);
  const mcMax = Math.min(MC32, (M + 3) & ~3);
  const aBytes = mcMax * kcMax * 4;
  const bBytes = ncMax * kcMax * 4;
  const pa = rt.scratch(aBytes + bBytes + mcMax * ncMax * 4);
  const pb = pa + aBytes;
  const pt = pb + bBytes;
  // Views after the last allocation (an unshared memory's growth detaches earlier ones)
  const buf = rt.memory.buffer;
  const Ap = new Float32Array(buf, pa, mcMax * kcMax);
  const Bp = new Float32Array(buf, pb, ncMax * kcMax);
  const T = new Float32Array(buf, pt, mcMax * ncMax);
  for (let jc = 0; jc < N; jc += NC32) {
    const nc = Math.min(NC32, N - jc);
    const nc8 = (nc + 7) & ~7;
    for (let pc = 0; pc < K; pc += KC32) {
      const kc = Math.min(KC32, K - pc);
      const store = !accumulate && pc === 0;
      // B (kc, nc) in panels of 8 columns: Bp[(jr/8·kc + k)·8 + jj], zero-padded past nc
      for (let jr = 0, o = 0; jr < nc8; jr += 8) {
        for (let k = 0; k < kc; k++) {
          const row = bOff + (pc + k) * bRs + (jc + jr) * bCs;
          for (let jj = 0; jj < 8; jj++, o++) Bp[o] = jr + jj < nc ? b[row + jj * bCs] : 0;
        }
      }
      for (let ic = 0; ic < M; ic += MC32) {
        const mc = Math.min(MC32, M - ic);
        const mc4 = (mc + 3) & ~3;
        // A (mc, kc) in panels of 4 rows: Ap[(ir/4·kc + k)·4 + ii], zero-padded past mc
        for (let ir = 0, o = 0; ir < mc4; ir += 4) {
          for (let k = 0; k < kc; k++) {
            const col = aOff + (ic + ir) * aRs + (pc + k) * aCs;
            for (let ii = 0; ii < 4; ii++, o++) Ap[o] = ir + ii < mc ? a[col + ii * aRs] : 0;
          }
        }
        rt.k.gemm32_block(mc4, nc8, kc, pa, pb, pt);
        for (let i = 0; i < mc; i++) {
          const ci = cOff + (ic + i) * ldc + jc;
          const ti = i * nc8;
          if (store) c.set(T.subarray(ti, ti + nc), ci);
          else for (let j = 0; j < nc; j++) c[ci + j] += T[ti + j];
        }
      }
    }
  }
}

const bytes32 = (n: number): number => Math.ceil((n * 4) / 64) * 64;

/**
 * 'convForward' for float32 on kernels6.wat conv32_fwd (the same bits as directForward32): u a multiple
 * of 8, else it declines. Arrays resident in the module's memory (the float32 'buffer' kernel) are used in
 * place; others are copied in (inputs) or out (results).
 */
export function convForward32Wasm(
  rt: WasmRuntime, s: ConvScratch, x: Float32Array, dm: ConvDims, u: number, W: Float32Array, b: Float32Array | null,
  z: Float32Array | null, a: Float32Array | null,
): void | Decline {
  if (u % 8 !== 0) return DECLINE;
  const { xp, M, K } = prepareConv32(s, x, dm, 'always');
  const M4 = (M + 3) & ~3;
  const n = M * u;
  // Arrays resident in the module's memory (the float32 'buffer' kernel) are used in place
  let xAt = rt.addressOf(xp);
  let zAt = z === null ? 0 : rt.addressOf(z);
  let aAt = a === null ? 0 : rt.addressOf(a);
  // Scratch layout: xoff | koff | packed W | b | [x] | [z] | [a]
  const sizes = [bytes32(M4), bytes32(K), bytes32(K * u), bytes32(u), xAt < 0 ? bytes32(xp.length) : 0, zAt < 0 ? bytes32(n) : 0, aAt < 0 ? bytes32(n) : 0];
  const base = rt.scratch(sizes.reduce((p, q) => p + q, 0));
  const at: number[] = [];
  sizes.reduce((o, sz) => (at.push(o), o + sz), base);
  const [pxoff, pkoff, pw, pb, px, pz, pa] = at;
  const buf = rt.memory.buffer;
  if (xAt < 0) new Float32Array(buf, (xAt = px), xp.length).set(xp);
  if (zAt < 0) zAt = pz;
  if (aAt < 0) aAt = pa;
  const xo = new Int32Array(buf, pxoff, M4);
  for (let r = 0; r < M4; r++) xo[r] = xAt + s.xoff[r] * 4;
  const ko = new Int32Array(buf, pkoff, K);
  for (let k = 0; k < K; k++) ko[k] = s.koff[k] * 4;
  // W (K, u) in panels of 8 units: wp[(u0/8·K + k)·8 + j] = W[k, u0 + j]
  const wp = new Float32Array(buf, pw, K * u);
  for (let u0 = 0, o = 0; u0 < u; u0 += 8) for (let k = 0; k < K; k++) for (let j = 0; j < 8; j++) wp[o++] = W[k * u + u0 + j];
  const bv = new Float32Array(buf, pb, u);
  if (b !== null) bv.set(b.subarray(0, u));
  else bv.fill(0);
  rt.k.conv32_fwd(pxoff, pkoff, M, K, u, pw, pb, z === null ? 0 : zAt, a === null ? 0 : aAt);
  if (z !== null && zAt === pz) z.set(new Float32Array(buf, pz, n));
  if (a !== null && aAt === pa) a.set(new Float32Array(buf, pa, n));
}

/**
 * 'convGradW' for float32 on kernels6.wat conv32_dw, chunk by chunk of RB32 rows (the same bits as
 * directGradW32): u a multiple of 8, else it declines. x and dz used in place when resident, else copied
 * in; dW and db copied out.
 */
export function convGradW32Wasm(
  rt: WasmRuntime, s: ConvScratch, x: Float32Array, dm: ConvDims, u: number, dz: Float32Array, dW: Float32Array,
  db: Float32Array | null,
): void | Decline {
  if (u % 8 !== 0) return DECLINE;
  const { xp, M, K } = prepareConv32(s, x, dm, 'stale');
  const K4 = (K + 3) & ~3;
  let xAt = rt.addressOf(xp);
  let dzAt = rt.addressOf(dz);
  // Scratch layout: xoff | koff | [x] | [dz] | dW (K4 rows) | db
  const sizes = [bytes32(M), bytes32(K4), xAt < 0 ? bytes32(xp.length) : 0, dzAt < 0 ? bytes32(M * u) : 0, bytes32(K4 * u), bytes32(u)];
  const base = rt.scratch(sizes.reduce((p, q) => p + q, 0));
  const at: number[] = [];
  sizes.reduce((o, sz) => (at.push(o), o + sz), base);
  const [pxoff, pkoff, px, pdzs, pdw, pdb] = at;
  const buf = rt.memory.buffer;
  if (xAt < 0) new Float32Array(buf, (xAt = px), xp.length).set(xp);
  if (dzAt < 0) new Float32Array(buf, (dzAt = pdzs), M * u).set(dz.subarray(0, M * u));
  const pdz = dzAt;
  const xo = new Int32Array(buf, pxoff, M);
  for (let r = 0; r < M; r++) xo[r] = xAt + s.xoff[r] * 4;
  const ko = new Int32Array(buf, pkoff, K4);
  for (let k = 0; k < K4; k++) ko[k] = s.koff[k] * 4;
  for (let r0 = 0; r0 < M; r0 += RB32) {
    rt.k.conv32_dw(pxoff, pkoff, r0, Math.min(M, r0 + RB32), K, u, pdz, pdw, db === null ? 0 : pdb, r0 === 0 ? 1 : 0);
  }
  dW.set(new Float32Array(buf, pdw, K * u));
  if (db !== null) db.set(new Float32Array(buf, pdb, u));
}
