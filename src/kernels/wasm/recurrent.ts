// Step kernels of the recurrent layers (RNN, LSTM, GRU) on the WebAssembly backend (kernels3.wat,
// kernels3b.wat, kernels4.wat): the products, the element-wise work and the sigmoid/tanh of their steps.
// They work in place on the layers' caches when those are resident in the module's memory (the layer
// buffers of training and evaluation, see the 'buffer' kernel); each declines (DECLINE) where it does not
// apply (arrays not resident, shapes it does not handle), and the registry runs the TypeScript kernel,
// which gives the same bits.
import { DECLINE, type Decline } from '../registry.js';
import { KC, SMALL } from '../js/gemm.js';
import { type WasmRuntime, wasmRuntime } from './runtime.js';

/** The runtime of this thread (its kernels only run while the wasm backend is active: it exists). */
const runtime = (): WasmRuntime => wasmRuntime()!;

/** Byte size of n doubles rounded up to 64 (keeps the next block aligned). */
const f64Bytes = (n: number): number => Math.ceil((n * 8) / 64) * 64;

/**
 * gemmStrided's product (same contract: C (M, N) = [C +] A (M, K) · B (K, N), A[i, k] = a[aOff + i·aRs +
 * k·aCs], B[k, j] = b[bOff + k·bRs + j·bCs], C[i, j] = c[cOff + i·ldc + j]) on the unpacked kernels of
 * kernels4.wat, for the recurrent layers' products: A by rows (aCs = 1, rec_mm) or by columns (aRs = 1,
 * M a multiple of 4, rec_mm_tn). Operands resident in the WebAssembly memory are used in place; others
 * are copied in (B gathered as (K, N) rows, so transposed weights cost one small copy) and C copied out,
 * A and C only when contiguous.
 * Same bits as gemmStrided: it is taken only where gemmStrided packs (M·N·K above its small-product
 * threshold), and the depth is cut into gemmStrided's blocks of KC, each block's sums taken from zero and
 * then added to C (or stored, the first one when not accumulating), as the packed GEMM does. Returns false
 * where it does not apply (TypeScript backend, N not a multiple of 4, other strides, A or C strided outside
 * the WebAssembly memory).
 */
export function recurrentGemmWasm(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void | Decline {
  const rt = runtime();
  if (M <= 0 || K <= 0 || (N & 3) !== 0 || M * N * K <= SMALL) return DECLINE;
  const byRows = aCs === 1;
  if (!byRows && !(aRs === 1 && (M & 3) === 0)) return DECLINE;
  let aAt = rt.addressOf(a);
  let bAt = rt.addressOf(b);
  let cAt = rt.addressOf(c);
  // Operands outside the WebAssembly memory are copied in (C out) in one piece: A and C only when
  // contiguous (else gemmStrided packs them, as fast); B, small, is gathered as (K, N) rows in any case
  const aLen = M * K;
  if (aAt < 0 && (byRows ? aRs !== K : aCs !== M)) return DECLINE;
  if (cAt < 0 && ldc !== N) return DECLINE;
  const bDirect = bAt >= 0 && bCs === 1 && bRs === N;
  const size = (aAt < 0 ? f64Bytes(aLen) : 0) + (bDirect ? 0 : f64Bytes(K * N)) + (cAt < 0 ? f64Bytes(M * N) : 0);
  const base = size > 0 ? rt.scratch(size) : 0;
  let at = base;
  if (aAt < 0) {
    rt.f64(at, aLen).set(a.subarray(aOff, aOff + aLen));
    aAt = at;
    at += f64Bytes(aLen);
  } else aAt += 8 * aOff;
  if (!bDirect) {
    const B = rt.f64(at, K * N);
    if (bCs === 1 && bRs === N) B.set(b.subarray(bOff, bOff + K * N));
    else for (let k = 0, o = 0; k < K; k++) for (let j = 0, bi = bOff + k * bRs; j < N; j++, bi += bCs) B[o++] = b[bi];
    bAt = at;
    at += f64Bytes(K * N);
  } else bAt += 8 * bOff;
  const cIn = cAt >= 0;
  if (!cIn) {
    cAt = at;
    if (accumulate) rt.f64(cAt, M * N).set(c.subarray(cOff, cOff + M * N));
  } else cAt += 8 * cOff;
  const aRowBytes = 8 * (byRows ? aRs : aCs);
  const ldcBytes = 8 * ldc;
  const kStep = byRows ? 8 : aRowBytes; // bytes from one depth index to the next in A
  for (let pc = 0; pc < K; pc += KC) {
    const kc = Math.min(KC, K - pc);
    const acc = accumulate || pc > 0 ? 1 : 0;
    if (byRows) rt.k.rec_mm(M, N, kc, aAt + pc * kStep, aRowBytes, bAt + 8 * pc * N, cAt, ldcBytes, acc);
    else rt.k.rec_mm_tn(M, N, kc, aAt + pc * kStep, aRowBytes, bAt + 8 * pc * N, cAt, ldcBytes, acc);
  }
  if (!cIn) c.set(rt.f64(cAt, M * N), cOff);
}

/** Which activation a step kernel applies. */
export type StepKind = 'sigmoid' | 'tanh';

/**
 * For m rows of u entries, rows `ld` apart from `off`: Z[r] += b (b non-null), then A[r] = f(Z[r]), with f
 * the sigmoid or tanh of src/activation/functions.ts (kernels3.wat computes exp and tanh as V8's Math
 * does: the same bits).
 */
export function stepActivationWasm(
  kind: StepKind, Z: Float64Array, b: Float64Array | null, A: Float64Array, off: number, ld: number, m: number, u: number,
): void | Decline {
  const rt = runtime();
  const zAt = rt.addressOf(Z);
  const aAt = rt.addressOf(A);
  if (zAt < 0 || aAt < 0) return DECLINE;
  let bAt = 0;
  if (b !== null) {
    bAt = rt.scratch(u * 8);
    rt.f64(bAt, u).set(b.subarray(0, u));
  }
  (kind === 'tanh' ? rt.k.rec_act_tanh : rt.k.rec_act_sigmoid)(zAt + 8 * off, bAt, aAt + 8 * off, m, u, 8 * ld);
}

/**
 * The element-wise work of one step on the WebAssembly backend (kernels4.wat rec_ew), for (m, s, u)
 * caches all resident in its memory: each method computes one equation over the m rows of step `is`
 * (products left to right, as the TypeScript loops write them: the same bits). Made per pass by
 * stepKernels(), which returns null where they do not apply (then the layer runs its TypeScript loops).
 */
export class StepKernels {
  private readonly ld: number;

  constructor(
    private readonly rt: WasmRuntime,
    private readonly m: number, s: number, private readonly u: number,
  ) {
    this.ld = 8 * s * u;
  }

  private run(op: number, is: number, o: Float64Array, a: Float64Array, b?: Float64Array, c?: Float64Array, d?: Float64Array): void {
    const { rt, u } = this;
    const off = 8 * is * u;
    const at = (x: Float64Array | undefined): number => (x === undefined ? 0 : rt.addressOf(x) + off);
    rt.k.rec_ew(op, at(o), at(a), at(b), at(c), at(d), this.m, u, this.ld);
  }

  /** dst[:, is] = src[:, from] (another step of another cache). */
  copy(dst: Float64Array, is: number, src: Float64Array, from: number): void {
    const { rt, u } = this;
    rt.k.rec_ew(0, rt.addressOf(dst) + 8 * is * u, rt.addressOf(src) + 8 * from * u, 0, 0, 0, this.m, u, this.ld);
  }

  /** o = a ⊙ b */
  mul(o: Float64Array, is: number, a: Float64Array, b: Float64Array): void { this.run(1, is, o, a, b); }
  /** o = a + b */
  add(o: Float64Array, is: number, a: Float64Array, b: Float64Array): void { this.run(2, is, o, a, b); }
  /** o = a ⊙ b ⊙ c */
  mul3(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array): void { this.run(3, is, o, a, b, c); }
  /** o = a ⊙ b ⊙ c + d */
  mul3add(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array): void { this.run(4, is, o, a, b, c, d); }
  /** o = (a + b) ⊙ c */
  addmul(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array): void { this.run(5, is, o, a, b, c); }
  /** o = a ⊙ b + c ⊙ d */
  fma2(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array): void { this.run(6, is, o, a, b, c, d); }
  /** o = a ⊙ (1 − b) ⊙ c */
  mul1m(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array): void { this.run(7, is, o, a, b, c); }
  /** o = a ⊙ (b − c) ⊙ d */
  mulsub(o: Float64Array, is: number, a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array): void { this.run(8, is, o, a, b, c, d); }
  /** o = z ⊙ a + (1 − z) ⊙ b */
  lerp(o: Float64Array, is: number, z: Float64Array, a: Float64Array, b: Float64Array): void { this.run(9, is, o, z, a, b); }
}

/**
 * The step kernels for one pass over (m, s, u) caches, or null: TypeScript backend, u odd, or one of
 * `arrays` not resident in the WebAssembly memory.
 */
export function stepKernelsWasm(m: number, s: number, u: number, arrays: readonly Float64Array[]): StepKernels | Decline {
  const rt = runtime();
  if ((u & 1) !== 0) return DECLINE;
  for (const x of arrays) if (rt.addressOf(x) < 0) return DECLINE;
  return new StepKernels(rt, m, s, u);
}

/**
 * d = fn'(·) from the activation's values A, for the built-in tanh (1 − A²) and sigmoid (A·(1 − A)),
 * whole arrays (even length) resident in the WebAssembly memory; false where it does not apply.
 */
export function derivativeWasm(kind: StepKind, A: Float64Array, d: Float64Array): void | Decline {
  const rt = runtime();
  if ((A.length & 1) !== 0 || d.length !== A.length) return DECLINE;
  const aAt = rt.addressOf(A);
  const dAt = rt.addressOf(d);
  if (aAt < 0 || dAt < 0) return DECLINE;
  rt.k.rec_ew(kind === 'tanh' ? 10 : 11, dAt, aAt, 0, 0, 0, 1, A.length, 0);
}

/** db (u) = Σ over the rows of G (rows, u) in order, from zero; G resident, u even; false otherwise. */
export function rowSumWasm(db: Float64Array, G: Float64Array, rows: number, u: number): void | Decline {
  const rt = runtime();
  if ((u & 1) !== 0) return DECLINE;
  const gAt = rt.addressOf(G);
  if (gAt < 0) return DECLINE;
  const out = rt.addressOf(db) >= 0 ? rt.addressOf(db) : rt.scratch(8 * u);
  rt.k.rec_colsum(out, gAt, rows, u);
  if (rt.addressOf(db) < 0) db.set(rt.f64(out, u));
}
