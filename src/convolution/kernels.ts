// Fast kernels of the Convolution layer: im2col (blocks of the padded input as rows of a matrix),
// col2im (its adjoint, a scatter-add) and a cache-blocked, packed GEMM on Float64Array.
// The plain reference loops they are tested against live in tests/convolution/naive.ts.

/** Integer sizes of one convolution, as in `layer.d` (m, h, w, d from the input itself). */
export interface ConvDims {
  m: number;
  h: number;
  w: number;
  d: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  p: number;
  oh: number;
  ow: number;
}

/**
 * (1) padding, (2) slicing, (3) moveaxis and (4) expand_dims of EpyNN's forward, fused: the blocks Xb
 * are written as the rows of one matrix, the padding zeros are written inline (X is never padded).
 *
 *   cols[(im·oh + ioh)·ow + iow, (ifh·fw + ifw)·d + id] = X[im, ioh·sh + ifh − p, iow·sw + ifw − p, id]
 *                                                        (0 outside X)
 *   cols: (m·oh·ow, fh·fw·d), the row-major layout of Xb (m, oh, ow, fh, fw, d, 1)
 */
export function im2col(x: Float64Array, dm: ConvDims, cols: Float64Array): void {
  const { m, h, w, d, fh, fw, sh, sw, p, oh, ow } = dm;
  const fwd = fw * d;
  let r = 0; // cols is written in its own row-major order
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++) {
        const w0 = iow * sw - p; // first input column of the window (may be in the padding)
        for (let ifh = 0; ifh < fh; ifh++) {
          const hh = ioh * sh + ifh - p;
          if (hh < 0 || hh >= h) {
            for (let t = 0; t < fwd; t++) cols[r++] = 0; // whole filter row in the padding
            continue;
          }
          const rowBase = (im * h + hh) * w; // X[im, hh, 0, 0] / d
          for (let ifw = 0; ifw < fw; ifw++) {
            const ww = w0 + ifw;
            if (ww < 0 || ww >= w) {
              for (let id = 0; id < d; id++) cols[r++] = 0;
            } else {
              const s = (rowBase + ww) * d;
              for (let id = 0; id < d; id++) cols[r++] = x[s + id];
            }
          }
        }
      }
    }
  }
}

/**
 * (6hw) for every output position at once: the adjoint of im2col. Each row of dcols (one window's
 * gradient dXb) is added into dX at the window's coordinates; entries that fall in the padding are
 * dropped, so dX has the unpadded input shape. dx must be zeroed by the caller.
 *
 *   dX[im, ioh·sh + ifh − p, iow·sw + ifw − p, id] += dcols[(im·oh + ioh)·ow + iow, (ifh·fw + ifw)·d + id]
 */
export function col2im(dcols: Float64Array, dm: ConvDims, dx: Float64Array): void {
  const { m, h, w, d, fh, fw, sh, sw, p, oh, ow } = dm;
  const fwd = fw * d;
  let r = 0;
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      for (let iow = 0; iow < ow; iow++) {
        const w0 = iow * sw - p;
        for (let ifh = 0; ifh < fh; ifh++) {
          const hh = ioh * sh + ifh - p;
          if (hh < 0 || hh >= h) {
            r += fwd; // gradient of padding zeros: dropped
            continue;
          }
          const rowBase = (im * h + hh) * w;
          for (let ifw = 0; ifw < fw; ifw++) {
            const ww = w0 + ifw;
            if (ww < 0 || ww >= w) {
              r += d;
            } else {
              const s = (rowBase + ww) * d;
              for (let id = 0; id < d; id++) dx[s + id] += dcols[r++];
            }
          }
        }
      }
    }
  }
}

// Block sizes of the GEMM: a KC×4 panel of packed B (8 KB) stays in L1 while MC×KC of packed A
// (256 KB at most) streams from L2; packed B (KC×NC) is capped at BMAX values (512 KB).
const MC = 128;
const KC = 256;
const BMAX = 65536;

// Packing scratch, grown on demand and reused by every call (single-threaded, never escapes gemm).
let packA = new Float64Array(MC * KC);
const packB = new Float64Array(BMAX);
const edge = new Float64Array(16); // one 4×4 block of C at the matrix edges

/**
 * C (M, N) = A (M, K) · B (K, N), or C += A · B when `accumulate` is true, on strided operands:
 *   A[i, k] = a[i·aRs + k·aCs],  B[k, j] = b[k·bRs + j·bCs],  C[i, j] = c[i·ldc + j]
 * so transposed operands cost nothing extra (they are transposed while packing). Without
 * `accumulate`, C's previous content is never read (it may hold anything, NaN included).
 *
 * Goto/BLIS scheme: B is packed into KC×4 column panels, A into 4×KC row panels (zero-filled past the
 * edges), and a 4×4 register block of C is accumulated over KC.
 * NOTE: the 4×4 micro-kernel is written out inline on purpose. As a separate function, V8 inlined it
 * in some processes only, and those that did not ran ~2.4× slower.
 */
export function gemm(
  M: number, N: number, K: number,
  a: Float64Array, aRs: number, aCs: number,
  b: Float64Array, bRs: number, bCs: number,
  c: Float64Array, ldc: number,
  accumulate = false,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) for (let i = 0; i < M; i++) c.fill(0, i * ldc, i * ldc + N);
    return;
  }
  const kcMax = Math.min(KC, K);
  // Column block: as wide as packed B allows (a short K makes room for all of N at once)
  const NC = Math.max(4, Math.floor(BMAX / kcMax) & ~3);
  if (packA.length < kcMax * MC) packA = new Float64Array(kcMax * MC);
  const Ap = packA;
  const Bp = packB;

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const add = accumulate || pc > 0; // C += block, else C = block

      // Pack B[pc:pc+kc, jc:jc+nc] into panels of 4 columns: Bp[(jp·kc + k)·4 + jj]
      for (let jr = 0; jr < nc; jr += 4) {
        let o = jr * kc; // = (jr/4)·kc·4
        const jn = Math.min(4, nc - jr);
        const j0 = jc + jr;
        let bk = pc * bRs + j0 * bCs;
        if (jn === 4) {
          for (let k = 0; k < kc; k++, o += 4, bk += bRs) {
            Bp[o] = b[bk];
            Bp[o + 1] = b[bk + bCs];
            Bp[o + 2] = b[bk + 2 * bCs];
            Bp[o + 3] = b[bk + 3 * bCs];
          }
        } else {
          for (let k = 0; k < kc; k++, bk += bRs) {
            for (let jj = 0; jj < 4; jj++) Bp[o++] = jj < jn ? b[bk + jj * bCs] : 0;
          }
        }
      }

      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);

        // Pack A[ic:ic+mc, pc:pc+kc] into panels of 4 rows: Ap[(ip·kc + k)·4 + ii]
        for (let ir = 0; ir < mc; ir += 4) {
          const o0 = ir * kc;
          const iN = Math.min(4, mc - ir);
          if (iN === 4) {
            // 4 values of a column at a time (adjacent when A is stored transposed, colsᵀ in dW)
            let ai = (ic + ir) * aRs + pc * aCs;
            for (let k = 0, o = o0; k < kc; k++, o += 4, ai += aCs) {
              Ap[o] = a[ai];
              Ap[o + 1] = a[ai + aRs];
              Ap[o + 2] = a[ai + 2 * aRs];
              Ap[o + 3] = a[ai + 3 * aRs];
            }
            continue;
          }
          for (let ii = 0; ii < 4; ii++) {
            let o = o0 + ii;
            if (ii < iN) {
              let ai = (ic + ir + ii) * aRs + pc * aCs;
              for (let k = 0; k < kc; k++, o += 4, ai += aCs) Ap[o] = a[ai];
            } else {
              for (let k = 0; k < kc; k++, o += 4) Ap[o] = 0;
            }
          }
        }

        // Micro-kernel over 4×4 blocks of C
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
            let ci = i0 * ldc + j0;
            if (rows === 4 && cols === 4) {
              if (add) {
                c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
                c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
                c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
                c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
              } else {
                c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += ldc;
                c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += ldc;
                c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += ldc;
                c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
              }
            } else {
              // Edge block: store only the rows < M and the columns < N
              edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
              edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
              edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
              edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
              for (let ii = 0; ii < rows; ii++, ci += ldc) {
                for (let jj = 0; jj < cols; jj++) {
                  if (add) c[ci + jj] += edge[ii * 4 + jj];
                  else c[ci + jj] = edge[ii * 4 + jj];
                }
              }
            }
          }
        }
      }
    }
  }
}
