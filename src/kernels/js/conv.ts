// Kernels of the Convolution layer, TypeScript backend, on Float64Array, one thread. The layer calls
// them through src/kernels/conv.ts (one entry per pass, choosing the path and the backend).
// The plain reference loops they are tested against live in tests/convolution/naive.ts.
//
// Two paths, chosen by K = fh·fw·d (see `kernelOptions` in src/kernels/conv.ts):
//  - direct ("implicit GEMM"): the blocks Xb are never copied. Output row r = (im, ioh, iow) starts at
//    xoff[r] in the (padded) input and window entry k = (ifh, ifw, id) sits koff[k] further, so
//    Xb[r, k] = x[xoff[r] + koff[k]]. Register blocks over those gathers: forward 2 rows × 4 units,
//    dW 2 (or 3) entries × 4 units, dX 4 rows × 4 entries.
//    For small K this avoids the im2col copy (K values per row) and the GEMM's C traffic.
//  - GEMM: im2col (the blocks as rows of `cols`), then the packed GEMM of src/commons/gemm.ts, and
//    col2im for dX.
//
// NOTE (V8): the micro-kernels are written out inside the loops on purpose (see src/commons/gemm.ts):
// a separate micro-kernel function was inlined in some processes only, the others ran ~2.4× slower.

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

// Rows of output positions handled per chunk: the 4-row blocks of one chunk reuse the same 4 columns
// of W (forward) or of dZ (dW) from L1.
const RC = 128;

/**
 * X zero-padded by p on both sides of h and w, (m, h + 2p, w + 2p, d), into `out` (returned when
 * p = 0: x itself, never written).
 */
export function padInput<T extends Float64Array | Float32Array>(x: T, dm: ConvDims, out: T): T {
  const { m, h, w, d, p } = dm;
  if (p === 0) return x;
  const hp = h + 2 * p;
  const wp = w + 2 * p;
  out.fill(0, 0, m * hp * wp * d);
  const rowLen = w * d;
  for (let im = 0; im < m; im++) {
    for (let ih = 0; ih < h; ih++) {
      const s = (im * h + ih) * rowLen;
      out.set(x.subarray(s, s + rowLen), ((im * hp + ih + p) * wp + p) * d);
    }
  }
  return out;
}

/**
 * Offsets into the padded input (m, hp, wp, d): xoff[r] of the window of output row
 * r = (im·oh + ioh)·ow + iow, padded to a multiple of 4 entries by repeating the last one (so 4-row
 * blocks read valid memory), and koff[k] of window entry k = (ifh·fw + ifw)·d + id inside a window,
 * padded likewise. k follows W's (fh, fw, d) order, so W viewed (K, u) has row k.
 */
export function offsets(dm: ConvDims, xoff: Int32Array, koff: Int32Array): void {
  const { m, h, w, d, fh, fw, sh, sw, p, oh, ow } = dm;
  const hp = h + 2 * p;
  const wp = w + 2 * p;
  let r = 0;
  for (let im = 0; im < m; im++) {
    for (let ioh = 0; ioh < oh; ioh++) {
      const base = (im * hp + ioh * sh) * wp;
      for (let iow = 0; iow < ow; iow++) xoff[r++] = (base + iow * sw) * d;
    }
  }
  for (const end = (r + 3) & ~3; r < end; r++) xoff[r] = xoff[r - 1];
  let k = 0;
  for (let ifh = 0; ifh < fh; ifh++) {
    for (let ifw = 0; ifw < fw; ifw++) {
      for (let id = 0; id < d; id++) koff[k++] = (ifh * wp + ifw) * d + id;
    }
  }
  for (const end = (k + 3) & ~3; k < end; k++) koff[k] = koff[k - 1];
}

/**
 * W (K, u) packed into panels of 4 columns, zero-filled past u: wp[(ub·K + k)·4 + j] = W[k, 4·ub + j].
 */
export function packW(W: Float64Array, K: number, u: number, wp: Float64Array): void {
  let o = 0;
  for (let u0 = 0; u0 < u; u0 += 4) {
    const un = Math.min(4, u - u0);
    for (let k = 0; k < K; k++) {
      const s = k * u + u0;
      for (let j = 0; j < 4; j++) wp[o++] = j < un ? W[s + j] : 0;
    }
  }
}

/**
 * (2)-(5.3) direct: Z[r, iu] = b[iu] + Σ_k x[xoff[r] + koff[k]] · W[k, iu]      Z: (M, u), M = m·oh·ow
 * `wp` is W packed by packW, `b` null for no bias. Z is overwritten (its previous content never read).
 * With `a` (the activation is the built-in relu), (6) A = relu(Z) is written in the same pass
 * (directForwardRelu).
 * Register block: 2 rows × 4 units (8 accumulators). NOTE: measured ~15% faster than 4×4 here: with
 * the gathered x loads, 16 accumulators make V8 spill.
 */
export function directForward(
  x: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  wp: Float64Array, b: Float64Array | null, z: Float64Array, a: Float64Array | null = null,
): void {
  if (a !== null) {
    directForwardRelu(x, xoff, koff, M, K, u, wp, b, z, a);
    return;
  }
  for (let r0 = 0; r0 < M; r0 += RC) {
    const rEnd = Math.min(M, r0 + RC);
    for (let u0 = 0; u0 < u; u0 += 4) {
      const un = Math.min(4, u - u0);
      const wBase = u0 * K; // = (u0/4)·K·4
      const b0 = b === null ? 0 : b[u0];
      const b1 = b === null || un < 2 ? 0 : b[u0 + 1];
      const b2 = b === null || un < 3 ? 0 : b[u0 + 2];
      const b3 = b === null || un < 4 ? 0 : b[u0 + 3];
      for (let r = r0; r < rEnd; r += 2) {
        const o0 = xoff[r], o1 = xoff[r + 1]; // xoff is padded: r + 1 is readable past M
        let c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        let c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        for (let k = 0, wi = wBase; k < K; k++, wi += 4) {
          const kk = koff[k];
          const w0 = wp[wi], w1 = wp[wi + 1], w2 = wp[wi + 2], w3 = wp[wi + 3];
          const a0 = x[o0 + kk];
          c00 += a0 * w0; c01 += a0 * w1; c02 += a0 * w2; c03 += a0 * w3;
          const a1 = x[o1 + kk];
          c10 += a1 * w0; c11 += a1 * w1; c12 += a1 * w2; c13 += a1 * w3;
        }
        let ci = r * u + u0;
        if (un === 4 && r + 2 <= M) {
          z[ci] = c00; z[ci + 1] = c01; z[ci + 2] = c02; z[ci + 3] = c03; ci += u;
          z[ci] = c10; z[ci + 1] = c11; z[ci + 2] = c12; z[ci + 3] = c13;
        } else {
          // Edge block: only the rows < M and the columns < u
          z[ci] = c00;
          if (un > 1) z[ci + 1] = c01;
          if (un > 2) z[ci + 2] = c02;
          if (un > 3) z[ci + 3] = c03;
          ci += u;
          if (r + 1 < M) {
            z[ci] = c10;
            if (un > 1) z[ci + 1] = c11;
            if (un > 2) z[ci + 2] = c12;
            if (un > 3) z[ci + 3] = c13;
          }
        }
      }
    }
  }
}

/**
 * directForward with the built-in relu fused into the store: z as directForward, and
 * (6) a[i] = max(z[i], 0) in the same pass, bit for bit as relu() (src/activation/functions.ts):
 * v·[v > 0] + 0 is +0 for v ≤ 0 (the + 0 turns −0 into +0), v for v > 0 and NaN for NaN. The one
 * exception, v = −∞ (−∞·0 = NaN), is fixed by `fixNegInf` after the pass, only when a NaN came out.
 */
function directForwardRelu(
  x: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  wp: Float64Array, b: Float64Array | null, z: Float64Array, a: Float64Array,
): void {
  let nan = 0; // NaN when some a came out NaN (some z NaN or −∞)
  for (let r0 = 0; r0 < M; r0 += RC) {
    const rEnd = Math.min(M, r0 + RC);
    for (let u0 = 0; u0 < u; u0 += 4) {
      const un = Math.min(4, u - u0);
      const wBase = u0 * K; // = (u0/4)·K·4
      const b0 = b === null ? 0 : b[u0];
      const b1 = b === null || un < 2 ? 0 : b[u0 + 1];
      const b2 = b === null || un < 3 ? 0 : b[u0 + 2];
      const b3 = b === null || un < 4 ? 0 : b[u0 + 3];
      for (let r = r0; r < rEnd; r += 2) {
        const o0 = xoff[r], o1 = xoff[r + 1]; // xoff is padded: r + 1 is readable past M
        let c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        let c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        for (let k = 0, wi = wBase; k < K; k++, wi += 4) {
          const kk = koff[k];
          const w0 = wp[wi], w1 = wp[wi + 1], w2 = wp[wi + 2], w3 = wp[wi + 3];
          const a0 = x[o0 + kk];
          c00 += a0 * w0; c01 += a0 * w1; c02 += a0 * w2; c03 += a0 * w3;
          const a1 = x[o1 + kk];
          c10 += a1 * w0; c11 += a1 * w1; c12 += a1 * w2; c13 += a1 * w3;
        }
        nan += (c00 + c01 + c02 + c03) * 0 + (c10 + c11 + c12 + c13) * 0;
        let ci = r * u + u0;
        if (un === 4 && r + 2 <= M) {
          z[ci] = c00; z[ci + 1] = c01; z[ci + 2] = c02; z[ci + 3] = c03;
          a[ci] = c00 * +(c00 > 0) + 0; a[ci + 1] = c01 * +(c01 > 0) + 0;
          a[ci + 2] = c02 * +(c02 > 0) + 0; a[ci + 3] = c03 * +(c03 > 0) + 0;
          ci += u;
          z[ci] = c10; z[ci + 1] = c11; z[ci + 2] = c12; z[ci + 3] = c13;
          a[ci] = c10 * +(c10 > 0) + 0; a[ci + 1] = c11 * +(c11 > 0) + 0;
          a[ci + 2] = c12 * +(c12 > 0) + 0; a[ci + 3] = c13 * +(c13 > 0) + 0;
        } else {
          // Edge block: only the rows < M and the columns < u
          z[ci] = c00;
          if (un > 1) z[ci + 1] = c01;
          if (un > 2) z[ci + 2] = c02;
          if (un > 3) z[ci + 3] = c03;
          if (r + 1 < M) {
            z[ci + u] = c10;
            if (un > 1) z[ci + u + 1] = c11;
            if (un > 2) z[ci + u + 2] = c12;
            if (un > 3) z[ci + u + 3] = c13;
          }
          const rows = r + 1 < M ? 2 : 1;
          for (let ir = 0; ir < rows; ir++, ci += u) {
            for (let j = ci; j < ci + un; j++) a[j] = z[j] * +(z[j] > 0) + 0;
          }
        }
      }
    }
  }
  if (nan !== nan) fixNegInf(z, a, M * u);
}

/** After directForwardRelu: a[i] = 0 where z[i] = −∞ (relu(−∞) = 0, the fused store gave NaN). */
function fixNegInf(z: Float64Array, a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) if (z[i] === -Infinity) a[i] = 0;
}

/**
 * (1.1) direct: dW[k, iu] = Σ_r x[xoff[r] + koff[k]] · dZ[r, iu]      dW: (K, u), overwritten
 * `dz` is dZ (M, u) with rows of length `ldz` ≥ u rounded up to a multiple of 4 (the columns past u are
 * read and their sums dropped: pass a zero-padded copy when u is not a multiple of 4).
 * Register block: 2 entries k × 4 units, summed over a chunk of rows (2×4 measured ~20% faster than 4×4);
 * K a multiple of 3 takes 3 entries × 4 units (directGradW3, ~10% faster than 2×4).
 * With `db` (length ≥ u), also (1.2) db[iu] = Σ_r dZ[r, iu] (rows in order, as the plain sum).
 */
export function directGradW(
  x: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  dz: Float64Array, ldz: number, dW: Float64Array, db: Float64Array | null = null,
): void {
  dW.fill(0, 0, K * u);
  if (db !== null) db.fill(0, 0, u);
  if (K % 3 === 0) {
    directGradW3(x, xoff, koff, M, K, u, dz, ldz, dW, db);
    return;
  }
  for (let r0 = 0; r0 < M; r0 += RC) {
    const rEnd = Math.min(M, r0 + RC);
    if (db !== null) addRows(dz, ldz, r0, rEnd, u, db); // (1.2) while the chunk of dZ is in cache
    for (let k0 = 0; k0 < K; k0 += 2) {
      const q0 = koff[k0], q1 = koff[k0 + 1]; // koff is padded: k0 + 1 is readable past K
      const k1 = k0 + 1 < K;
      for (let u0 = 0; u0 < u; u0 += 4) {
        const un = Math.min(4, u - u0);
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        for (let r = r0, zi = r0 * ldz + u0; r < rEnd; r++, zi += ldz) {
          const o = xoff[r];
          const g0 = dz[zi], g1 = dz[zi + 1], g2 = dz[zi + 2], g3 = dz[zi + 3];
          const a0 = x[o + q0];
          c00 += a0 * g0; c01 += a0 * g1; c02 += a0 * g2; c03 += a0 * g3;
          const a1 = x[o + q1];
          c10 += a1 * g0; c11 += a1 * g1; c12 += a1 * g2; c13 += a1 * g3;
        }
        let ci = k0 * u + u0;
        if (un === 4 && k1) {
          dW[ci] += c00; dW[ci + 1] += c01; dW[ci + 2] += c02; dW[ci + 3] += c03; ci += u;
          dW[ci] += c10; dW[ci + 1] += c11; dW[ci + 2] += c12; dW[ci + 3] += c13;
        } else {
          // Edge block: only the entries k < K and the columns < u
          dW[ci] += c00;
          if (un > 1) dW[ci + 1] += c01;
          if (un > 2) dW[ci + 2] += c02;
          if (un > 3) dW[ci + 3] += c03;
          ci += u;
          if (k1) {
            dW[ci] += c10;
            if (un > 1) dW[ci + 1] += c11;
            if (un > 2) dW[ci + 2] += c12;
            if (un > 3) dW[ci + 3] += c13;
          }
        }
      }
    }
  }
}

/**
 * directGradW for K a multiple of 3: register block 3 entries k × 4 units (12 sums), the 4 columns
 * of dZ loaded one at a time (16 live doubles: no spill).
 */
function directGradW3(
  x: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  dz: Float64Array, ldz: number, dW: Float64Array, db: Float64Array | null,
): void {
  for (let r0 = 0; r0 < M; r0 += RC) {
    const rEnd = Math.min(M, r0 + RC);
    if (db !== null) addRows(dz, ldz, r0, rEnd, u, db); // (1.2) while the chunk of dZ is in cache
    for (let k0 = 0; k0 < K; k0 += 3) {
      const q0 = koff[k0], q1 = koff[k0 + 1], q2 = koff[k0 + 2];
      for (let u0 = 0; u0 < u; u0 += 4) {
        const un = Math.min(4, u - u0);
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        for (let r = r0, zi = r0 * ldz + u0; r < rEnd; r++, zi += ldz) {
          const o = xoff[r];
          const a0 = x[o + q0], a1 = x[o + q1], a2 = x[o + q2];
          let g = dz[zi];
          c00 += a0 * g; c10 += a1 * g; c20 += a2 * g;
          g = dz[zi + 1];
          c01 += a0 * g; c11 += a1 * g; c21 += a2 * g;
          g = dz[zi + 2];
          c02 += a0 * g; c12 += a1 * g; c22 += a2 * g;
          g = dz[zi + 3];
          c03 += a0 * g; c13 += a1 * g; c23 += a2 * g;
        }
        const ci = k0 * u + u0;
        if (un === 4) {
          dW[ci] += c00; dW[ci + 1] += c01; dW[ci + 2] += c02; dW[ci + 3] += c03;
          dW[ci + u] += c10; dW[ci + u + 1] += c11; dW[ci + u + 2] += c12; dW[ci + u + 3] += c13;
          dW[ci + 2 * u] += c20; dW[ci + 2 * u + 1] += c21; dW[ci + 2 * u + 2] += c22; dW[ci + 2 * u + 3] += c23;
        } else {
          // Edge block: only the columns < u
          dW[ci] += c00; dW[ci + u] += c10; dW[ci + 2 * u] += c20;
          if (un > 1) { dW[ci + 1] += c01; dW[ci + u + 1] += c11; dW[ci + 2 * u + 1] += c21; }
          if (un > 2) { dW[ci + 2] += c02; dW[ci + u + 2] += c12; dW[ci + 2 * u + 2] += c22; }
        }
      }
    }
  }
}

/**
 * (1.2) db[iu] += Σ_{r0 ≤ r < rEnd} dZ[r, iu], rows in order (so chunk after chunk gives the plain
 * sequential sum bit for bit); 4 columns at a time in registers (dz rows padded to ldz, see directGradW).
 */
function addRows(dz: Float64Array, ldz: number, r0: number, rEnd: number, u: number, db: Float64Array): void {
  for (let u0 = 0; u0 < u; u0 += 4) {
    const un = Math.min(4, u - u0);
    let s0 = db[u0];
    let s1 = un > 1 ? db[u0 + 1] : 0;
    let s2 = un > 2 ? db[u0 + 2] : 0;
    let s3 = un > 3 ? db[u0 + 3] : 0;
    for (let zi = r0 * ldz + u0, end = rEnd * ldz; zi < end; zi += ldz) {
      s0 += dz[zi]; s1 += dz[zi + 1]; s2 += dz[zi + 2]; s3 += dz[zi + 3];
    }
    db[u0] = s0;
    if (un > 1) db[u0 + 1] = s1;
    if (un > 2) db[u0 + 2] = s2;
    if (un > 3) db[u0 + 3] = s3;
  }
}

/**
 * (5hw)-(6hw) direct: dx[xoff[r] + koff[k]] += Σ_iu dZ[r, iu] · W[k, iu]   for every row r and entry k
 * dx is the (padded) input gradient, zeroed by the caller; W is (K, u) unpacked, dz is dZ (M, u).
 * Overlapping windows add up in sequence, so aliasing targets inside one 4×4 block are fine.
 */
export function directGradX(
  dz: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, u: number,
  W: Float64Array, dx: Float64Array,
): void {
  for (let r0 = 0; r0 < M; r0 += RC) {
    const rEnd = Math.min(M, r0 + RC);
    for (let k0 = 0; k0 < K; k0 += 4) {
      const kn = Math.min(4, K - k0);
      const q0 = koff[k0], q1 = koff[k0 + 1], q2 = koff[k0 + 2], q3 = koff[k0 + 3];
      // W rows k0..k0+3, the last one repeated past K (its sums are dropped)
      const w0r = k0 * u;
      const w1r = (kn > 1 ? k0 + 1 : k0) * u;
      const w2r = (kn > 2 ? k0 + 2 : k0) * u;
      const w3r = (kn > 3 ? k0 + 3 : k0) * u;
      for (let r = r0; r < rEnd; r += 4) {
        const rn = Math.min(4, M - r);
        const z0 = r * u;
        const z1 = (rn > 1 ? r + 1 : r) * u;
        const z2 = (rn > 2 ? r + 2 : r) * u;
        const z3 = (rn > 3 ? r + 3 : r) * u;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let iu = 0; iu < u; iu++) {
          const w0 = W[w0r + iu], w1 = W[w1r + iu], w2 = W[w2r + iu], w3 = W[w3r + iu];
          const g0 = dz[z0 + iu];
          c00 += g0 * w0; c01 += g0 * w1; c02 += g0 * w2; c03 += g0 * w3;
          const g1 = dz[z1 + iu];
          c10 += g1 * w0; c11 += g1 * w1; c12 += g1 * w2; c13 += g1 * w3;
          const g2 = dz[z2 + iu];
          c20 += g2 * w0; c21 += g2 * w1; c22 += g2 * w2; c23 += g2 * w3;
          const g3 = dz[z3 + iu];
          c30 += g3 * w0; c31 += g3 * w1; c32 += g3 * w2; c33 += g3 * w3;
        }
        const o0 = xoff[r], o1 = xoff[r + 1], o2 = xoff[r + 2], o3 = xoff[r + 3];
        if (rn === 4 && kn === 4) {
          dx[o0 + q0] += c00; dx[o0 + q1] += c01; dx[o0 + q2] += c02; dx[o0 + q3] += c03;
          dx[o1 + q0] += c10; dx[o1 + q1] += c11; dx[o1 + q2] += c12; dx[o1 + q3] += c13;
          dx[o2 + q0] += c20; dx[o2 + q1] += c21; dx[o2 + q2] += c22; dx[o2 + q3] += c23;
          dx[o3 + q0] += c30; dx[o3 + q1] += c31; dx[o3 + q2] += c32; dx[o3 + q3] += c33;
        } else {
          // Edge block: only the rows < M and the entries k < K
          dx[o0 + q0] += c00;
          if (kn > 1) dx[o0 + q1] += c01;
          if (kn > 2) dx[o0 + q2] += c02;
          if (kn > 3) dx[o0 + q3] += c03;
          if (rn > 1) {
            dx[o1 + q0] += c10;
            if (kn > 1) dx[o1 + q1] += c11;
            if (kn > 2) dx[o1 + q2] += c12;
            if (kn > 3) dx[o1 + q3] += c13;
          }
          if (rn > 2) {
            dx[o2 + q0] += c20;
            if (kn > 1) dx[o2 + q1] += c21;
            if (kn > 2) dx[o2 + q2] += c22;
            if (kn > 3) dx[o2 + q3] += c23;
          }
          if (rn > 3) {
            dx[o3 + q0] += c30;
            if (kn > 1) dx[o3 + q1] += c31;
            if (kn > 2) dx[o3 + q2] += c32;
            if (kn > 3) dx[o3 + q3] += c33;
          }
        }
      }
    }
  }
}

/**
 * GEMM path, (1) padding, (2) slicing, (3) moveaxis and (4) expand_dims of EpyNN's forward, fused: the
 * blocks Xb are written as the rows of one matrix, from the padded input (see padInput/offsets):
 *   cols[r, k] = xp[xoff[r] + koff[k]]      cols: (M, K), the row-major layout of Xb (m, oh, ow, fh, fw, d)
 * Consecutive k of one (ifh, ifw) are d adjacent values, so rows are copied in runs of d.
 */
export function im2col(
  xp: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, d: number, cols: Float64Array,
): void {
  let c = 0;
  for (let r = 0; r < M; r++) {
    const o = xoff[r];
    for (let k = 0; k < K; k += d) {
      const s = o + koff[k];
      for (let id = 0; id < d; id++) cols[c++] = xp[s + id];
    }
  }
}

/**
 * GEMM path, the += of (6hw) for every window at once (adjoint of im2col): dxp (padded, zeroed by the
 * caller) += each row of dcols at its window:  dxp[xoff[r] + koff[k]] += dcols[r, k]
 */
export function col2im(
  dcols: Float64Array, xoff: Int32Array, koff: Int32Array, M: number, K: number, d: number, dxp: Float64Array,
): void {
  let c = 0;
  for (let r = 0; r < M; r++) {
    const o = xoff[r];
    for (let k = 0; k < K; k += d) {
      const s = o + koff[k];
      for (let id = 0; id < d; id++) dxp[s + id] += dcols[c++];
    }
  }
}

/** dX (m, h, w, d) = the interior of the padded gradient dxp (m, h + 2p, w + 2p, d). */
export function cropPadding<T extends Float64Array | Float32Array>(dxp: T, dm: ConvDims, dx: T): void {
  const { m, h, w, d, p } = dm;
  const hp = h + 2 * p;
  const wp = w + 2 * p;
  const rowLen = w * d;
  for (let im = 0; im < m; im++) {
    for (let ih = 0; ih < h; ih++) {
      const s = ((im * hp + ih + p) * wp + p) * d;
      dx.set(dxp.subarray(s, s + rowLen), (im * h + ih) * rowLen);
    }
  }
}
