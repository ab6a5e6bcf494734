// Cache-blocked GEMM on Float64Array (one thread, float64): C = op(A) · op(B), accumulate or overwrite.
// The plain triple loop it is tested against lives in tests/commons/gemm.test.ts.
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
const MC = 128;
const KC = 256;
const NC = 512;

// Below this many multiply-adds, packing costs more than it saves: use the direct loops.
const SMALL = 4096;

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
    if (!accumulate) {
      if (ldc === N) c.fill(0, cOff, cOff + M * N);
      else for (let i = 0; i < M; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    }
  }
  if (K <= 0) return;

  if (M * N * K <= SMALL) {
    // Direct loops: C[i, j] += Σ_k A[i, k] · B[k, j]
    for (let i = 0; i < M; i++) {
      const ai = aOff + i * aRs;
      const ci = cOff + i * ldc;
      for (let k = 0; k < K; k++) {
        const av = a[ai + k * aCs];
        const bk = bOff + k * bRs;
        for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j * bCs];
      }
    }
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

      // Pack B[pc:pc+kc, jc:jc+nc] into panels of 4 columns: Bp[(jr/4·kc + k)·4 + jj]
      for (let jr = 0; jr < nc; jr += 4) {
        let o = jr * kc;
        const jn = Math.min(4, nc - jr);
        let bk = bOff + pc * bRs + (jc + jr) * bCs;
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

      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);

        // Pack A[ic:ic+mc, pc:pc+kc] into panels of 4 rows: Ap[(ir/4·kc + k)·4 + ii]
        for (let ir = 0; ir < mc; ir += 4) {
          let o = ir * kc;
          const iN = Math.min(4, mc - ir);
          let ai = aOff + (ic + ir) * aRs + pc * aCs;
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
              if (store) {
                // Zero the edge block's window first, then add like the accumulating case
                for (let ii = 0; ii < rows; ii++) c.fill(0, ci + ii * ldc, ci + ii * ldc + cols);
              }
              // Edge block: store only rows < M and columns < N
              c[ci] += c00;
              if (cols > 1) c[ci + 1] += c01;
              if (cols > 2) c[ci + 2] += c02;
              if (cols > 3) c[ci + 3] += c03;
              ci += ldc;
              if (rows > 1) {
                c[ci] += c10;
                if (cols > 1) c[ci + 1] += c11;
                if (cols > 2) c[ci + 2] += c12;
                if (cols > 3) c[ci + 3] += c13;
              }
              ci += ldc;
              if (rows > 2) {
                c[ci] += c20;
                if (cols > 1) c[ci + 1] += c21;
                if (cols > 2) c[ci + 2] += c22;
                if (cols > 3) c[ci + 3] += c23;
              }
              ci += ldc;
              if (rows > 3) {
                c[ci] += c30;
                if (cols > 1) c[ci + 1] += c31;
                if (cols > 2) c[ci + 2] += c32;
                if (cols > 3) c[ci + 3] += c33;
              }
            }
          }
        }
      }
    }
  }
}

/** C (M, N) = [C +] A (M, K) · B (K, N), all contiguous row-major. */
export function gemmNN(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, K, 1, B, 0, N, 1, C, 0, N, accumulate);
}

/** C (M, N) = [C +] A (M, K) · Bᵀ with B stored (N, K), all contiguous row-major. */
export function gemmNT(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, K, 1, B, 0, 1, K, C, 0, N, accumulate);
}

/** C (M, N) = [C +] Aᵀ · B (K, N) with A stored (K, M), all contiguous row-major. */
export function gemmTN(
  M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false,
): void {
  gemmStrided(M, N, K, A, 0, 1, M, B, 0, N, 1, C, 0, N, accumulate);
}
