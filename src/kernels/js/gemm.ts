// Cache-blocked GEMM on Float64Array (TypeScript backend, one thread, float64): C = op(A) · op(B), accumulate or overwrite.
// The plain triple loop it is tested against lives in tests/commons/gemm.test.ts. Callers go through
// src/commons/gemm.ts, which picks this backend or the WebAssembly one (src/kernels/wasm/gemm.ts).
//
// Overwrite mode writes C without a zero-fill pass (the first KC block stores, the next ones add).
//
// Scheme (Goto/BLIS): B is packed into KC×4 column panels and A into 4×KC row panels (zero-filled past
// the edges, so the micro-kernel never branches), then a 4×4 register block of C is accumulated over KC.
// Transposed operands cost nothing extra: they are transposed while packing.
//
// NOTE (V8): the 4×4 micro-kernel is written out inside the loop on purpose. As a separate function,
// whether V8 inlined it varied from process to process, and the processes where it did not ran ~2.4×
// slower. Do not "refactor" it into a helper.

// Block sizes: a KC×4 panel of packed B (8 KB) stays in L1 while the MC×KC packed A (256 KB at most)
// streams from L2.
export const MC = 128;
export const KC = 256;
export const NC = 512;

// Below this many multiply-adds, packing costs more than it saves: use the direct loops.
export const SMALL = 4096;

// Packing scratch, grown on demand and reused by every call (single-threaded, never escapes gemm).
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * 64);

/**
 * General strided GEMM:  C (M, N) = [C +] A (M, K) · B (K, N)  with
 *   A[i, k] = a[aOff + i·aRs + k·aCs],  B[k, j] = b[bOff + k·bRs + j·bCs],  C[i, j] = c[cOff + i·ldc + j].
 * `accumulate` false overwrites C (only its M×N window; other entries of c are left alone).
 * C must not overlap A or B.
 */
export function gemmStrided(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || M * N * K <= SMALL) {
    gemmSmall(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
    return;
  }

  const ncMax = Math.min(NC, (N + 3) & ~3);
  const kcMax = Math.min(KC, K);
  if (packB.length < kcMax * ncMax) packB = new Float64Array(kcMax * ncMax);
  if (packA.length < kcMax * MC) packA = new Float64Array(kcMax * MC);
  const Ap = packA;
  const Bp = packB;

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      // Overwrite: the first depth block stores its sums (C never read, no zero-fill pass), later ones add
      const store = !accumulate && pc === 0;
      packPanelsB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, Bp);

      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, kc, mc, Ap);

        // Micro-kernel over 4×4 blocks of C (written out inline, see the NOTE at the top)
        for (let jr = 0; jr < nc; jr += 4) {
          const bBase = jr * kc;
          const j0 = jc + jr;
          const cols = Math.min(4, N - j0);
          for (let ir = 0; ir < mc; ir += 4) {
            let ai = ir * kc;
            let bi = bBase;
            let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
            let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
            let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (let k = 0; k < kc; k++, ai += 4, bi += 4) {
              const b0 = Bp[bi], b1 = Bp[bi + 1], b2 = Bp[bi + 2], b3 = Bp[bi + 3];
              const a0 = Ap[ai];
              c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
              const a1 = Ap[ai + 1];
              c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
              const a2 = Ap[ai + 2];
              c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
              const a3 = Ap[ai + 3];
              c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            const i0 = ic + ir;
            const rows = Math.min(4, M - i0);
            let ci = cOff + i0 * ldc + j0;
            if (rows === 4 && cols === 4) {
              if (store) {
                c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += ldc;
                c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += ldc;
                c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += ldc;
                c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
              } else {
                c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
                c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
                c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
                c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
              }
            } else {
              edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
              edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
              edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
              edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
              storeEdge(edge, 0, 4, c, ci, ldc, rows, cols, store);
            }
          }
        }
      }
    }
  }
}

// An edge block's 16 sums, handed to storeEdge (module scratch: one thread)
const edge = new Float64Array(16);

/**
 * Cold path of the GEMMs: stores (or adds, `store` false) the first `rows` × `cols` entries of a block
 * t[tOff + i·ldt + j] into c[ci + i·ldc + j].
 */
export function storeEdge(
  t: Float64Array, tOff: number, ldt: number, c: Float64Array, ci: number, ldc: number, rows: number, cols: number, store: boolean,
): void {
  for (let i = 0; i < rows; i++, ci += ldc, tOff += ldt) {
    if (store) for (let j = 0; j < cols; j++) c[ci + j] = t[tOff + j];
    else for (let j = 0; j < cols; j++) c[ci + j] += t[tOff + j];
  }
}

/**
 * Cold path: products too small for packing (M·N·K ≤ SMALL, or K = 0), C[i, j] [+]= Σ_k A[i, k] · B[k, j]
 * by direct loops (overwrite: C's window zeroed first).
 */
export function gemmSmall(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (!accumulate) {
    if (ldc === N) c.fill(0, cOff, cOff + M * N);
    else for (let i = 0; i < M; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  }
  for (let i = 0; i < M; i++) {
    const ai = aOff + i * aRs;
    const ci = cOff + i * ldc;
    for (let k = 0; k < K; k++) {
      const av = a[ai + k * aCs];
      const bk = bOff + k * bRs;
      for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j * bCs];
    }
  }
}

/**
 * Packs B[k, j] = b[b0 + k·bRs + j·bCs] (kc × nc) into panels of 4 columns, zero-filled past nc:
 * Bp[(jr/4·kc + k)·4 + jj] (the GEMM micro-kernels' B layout, for both backends).
 */
export function packPanelsB(b: Float64Array, b0: number, bRs: number, bCs: number, kc: number, nc: number, Bp: Float64Array): void {
  for (let jr = 0; jr < nc; jr += 4) {
    let o = jr * kc;
    const jn = Math.min(4, nc - jr);
    let bk = b0 + jr * bCs;
    if (jn === 4) {
      const b1 = bCs, b2 = 2 * bCs, b3 = 3 * bCs;
      for (let k = 0; k < kc; k++, bk += bRs) {
        Bp[o++] = b[bk]; Bp[o++] = b[bk + b1]; Bp[o++] = b[bk + b2]; Bp[o++] = b[bk + b3];
      }
    } else {
      for (let k = 0; k < kc; k++, bk += bRs) {
        for (let jj = 0; jj < 4; jj++) Bp[o++] = jj < jn ? b[bk + jj * bCs] : 0;
      }
    }
  }
}

/**
 * Packs A[i, k] = a[a0 + i·aRs + k·aCs] (mc × kc) into panels of 4 rows, zero-filled past mc:
 * Ap[(ir/4·kc + k)·4 + ii]. Rows are padded up to the next multiple of 4.
 */
export function packPanelsA(a: Float64Array, a0: number, aRs: number, aCs: number, kc: number, mc: number, Ap: Float64Array): void {
  for (let ir = 0; ir < mc; ir += 4) {
    let o = ir * kc;
    const iN = Math.min(4, mc - ir);
    let ai = a0 + ir * aRs;
    if (iN === 4) {
      const a1 = aRs, a2 = 2 * aRs, a3 = 3 * aRs;
      for (let k = 0; k < kc; k++, ai += aCs) {
        Ap[o++] = a[ai]; Ap[o++] = a[ai + a1]; Ap[o++] = a[ai + a2]; Ap[o++] = a[ai + a3];
      }
    } else {
      for (let k = 0; k < kc; k++, ai += aCs) {
        for (let ii = 0; ii < 4; ii++) Ap[o++] = ii < iN ? a[ai + ii * aRs] : 0;
      }
    }
  }
}

/**
 * C (M, N) = A (M, K) · B (K, N) for few columns (N ≤ 16, e.g. a Dense output layer), C overwritten,
 * all contiguous row-major. No packing: 2 rows × 4 columns of C in registers, each summed over the
 * whole K in order (the plain triple loop's order), B's rows read 4 at a time from cache.
 * NOTE: measured ~30% faster than the packed GEMM for (32, 5408) · (5408, 10); the packed GEMM wins
 * for many rows (it reuses B from L1), so callers use this for small M only (see `smallN`).
 */
export function gemmNNSmallN(
  M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array,
): void {
  for (let i = 0; i < M; i += 2) {
    const two = i + 1 < M;
    const a0 = i * K;
    const a1 = two ? a0 + K : a0; // last odd row: computed twice, stored once
    const c0 = i * N;
    const c1 = c0 + N;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let k = 0, bk = j; k < K; k++, bk += N) {
        const b0 = b[bk], b1 = b[bk + 1], b2 = b[bk + 2], b3 = b[bk + 3];
        const x0 = a[a0 + k];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        const x1 = a[a1 + k];
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
      }
      c[c0 + j] = c00; c[c0 + j + 1] = c01; c[c0 + j + 2] = c02; c[c0 + j + 3] = c03;
      if (two) {
        c[c1 + j] = c10; c[c1 + j + 1] = c11; c[c1 + j + 2] = c12; c[c1 + j + 3] = c13;
      }
    }
    for (; j < N; j += 2) {
      // Last 1–3 columns, two at a time (the second repeated when only one is left)
      const jb = j + 1 < N ? j + 1 : j;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0;
      for (let k = 0, bk = 0; k < K; k++, bk += N) {
        const b0 = b[bk + j], b1 = b[bk + jb];
        const x0 = a[a0 + k], x1 = a[a1 + k];
        c00 += x0 * b0; c01 += x0 * b1; c10 += x1 * b0; c11 += x1 * b1;
      }
      c[c0 + j] = c00;
      if (jb > j) c[c0 + jb] = c01;
      if (two) {
        c[c1 + j] = c10;
        if (jb > j) c[c1 + jb] = c11;
      }
    }
  }
}

/**
 * Stores a 4 × 2 register block of C at c[ci] (row stride N): only the first `rn` rows, and the second
 * column only when `two`. Called once per block, after its K loop (not inside it), so it costs nothing
 * whether or not V8 inlines it.
 */
function store4x2(
  c: Float64Array, ci: number, N: number, rn: number, two: boolean,
  c00: number, c01: number, c10: number, c11: number, c20: number, c21: number, c30: number, c31: number,
): void {
  c[ci] = c00;
  if (two) c[ci + 1] = c01;
  if (rn > 1) {
    c[ci + N] = c10;
    if (two) c[ci + N + 1] = c11;
  }
  if (rn > 2) {
    c[ci + 2 * N] = c20;
    if (two) c[ci + 2 * N + 1] = c21;
  }
  if (rn > 3) {
    c[ci + 3 * N] = c30;
    if (two) c[ci + 3 * N + 1] = c31;
  }
}

/**
 * C (M, N) = A (M, K) · Bᵀ with B stored (N, K), for a short inner dimension (K ≤ 16, e.g. the
 * gradient through a Dense output layer), C overwritten, all contiguous row-major. No packing: 4 rows ×
 * 2 columns of C in registers, each summed over K in order; A's 4 rows and B's 2 rows are cache-resident.
 */
export function gemmNTSmallK(
  M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array,
): void {
  for (let i = 0; i < M; i += 4) {
    const rn = Math.min(4, M - i);
    // Rows of A, the last one repeated past M (its sums are dropped)
    const r0 = i * K;
    const r1 = (rn > 1 ? i + 1 : i) * K;
    const r2 = (rn > 2 ? i + 2 : i) * K;
    const r3 = (rn > 3 ? i + 3 : i) * K;
    for (let n = 0; n < N; n += 2) {
      const two = n + 1 < N;
      const w0 = n * K;
      const w1 = two ? w0 + K : w0;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      for (let k = 0; k < K; k++) {
        const b0 = b[w0 + k], b1 = b[w1 + k];
        let g = a[r0 + k];
        c00 += g * b0; c01 += g * b1;
        g = a[r1 + k];
        c10 += g * b0; c11 += g * b1;
        g = a[r2 + k];
        c20 += g * b0; c21 += g * b1;
        g = a[r3 + k];
        c30 += g * b0; c31 += g * b1;
      }
      store4x2(c, i * N + n, N, rn, two, c00, c01, c10, c11, c20, c21, c30, c31);
    }
  }
}

/**
 * C (M, N) = Aᵀ · B with A stored (K, M), B (K, N), for few columns N and a short K (e.g. a Dense
 * layer's dW = Xᵀ · dZ for a small batch), C overwritten, all contiguous row-major. No packing: 4 rows
 * × 2 columns of C in registers, each summed over K in order; a row of A gives 4 adjacent values.
 */
export function gemmTNSmallN(
  M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array,
): void {
  for (let i = 0; i < M; i += 4) {
    const rn = Math.min(4, M - i);
    // Columns of A (rows of C), the last one repeated past M (its sums are dropped)
    const d1 = rn > 1 ? 1 : 0, d2 = rn > 2 ? 2 : 0, d3 = rn > 3 ? 3 : 0;
    for (let j = 0; j < N; j += 2) {
      const two = j + 1 < N;
      const jb = two ? j + 1 : j;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      for (let k = 0, ai = i, bi = 0; k < K; k++, ai += M, bi += N) {
        const g0 = b[bi + j], g1 = b[bi + jb];
        let x = a[ai];
        c00 += x * g0; c01 += x * g1;
        x = a[ai + d1];
        c10 += x * g0; c11 += x * g1;
        x = a[ai + d2];
        c20 += x * g0; c21 += x * g1;
        x = a[ai + d3];
        c30 += x * g0; c31 += x * g1;
      }
      store4x2(c, i * N + j, N, rn, two, c00, c01, c10, c11, c20, c21, c30, c31);
    }
  }
}

/**
 * Whether the unpacked small kernels beat the packed GEMM. The two sizes are named by role, because
 * the operand that plays each role differs per kernel:
 * - `rows` (≤ 64): the rows of C for gemmNNSmallN and gemmNTSmallK; the inner dimension K (the batch)
 *   for gemmTNSmallN;
 * - `narrow` (≤ 16): the columns N of C for gemmNNSmallN and gemmTNSmallN; the inner dimension K for
 *   gemmNTSmallK;
 * - `reread`: size of the operand they read again for every pair or quad of rows (B of gemmNNSmallN,
 *   B of gemmNTSmallK), kept within L2 (the packed GEMM reads it once); 0 when none.
 */
export const smallN = (rows: number, narrow: number, reread = 0): boolean => rows <= 64 && narrow <= 16 && reread <= 1 << 17;
