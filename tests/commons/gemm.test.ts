// The blocked GEMM against a plain triple loop, on random shapes (odd sizes, edges of every block,
// sizes on both sides of the small-matrix cut-off), every transpose variant, accumulate and overwrite.
import { describe, expect, test } from 'vitest';
import { gemmNN, gemmNNSmallN, gemmNT, gemmNTSmallK, gemmStrided, gemmTN, gemmTNSmallN } from '../../src/commons/gemm.js';
import { smallN } from '../../src/kernels/js/gemm.js';
import { seededRng } from '../../src/commons/rng.js';
import { expectClose } from '../helpers/close.js';
import { NDArray } from '../../src/commons/ndarray.js';

/** Plain reference: C[i, j] = [C +] Σ_k A[i, k] · B[k, j] with A, B given by element getters. */
function plainGemm(
  M: number, N: number, K: number,
  A: (i: number, k: number) => number, B: (k: number, j: number) => number,
  C: Float64Array, accumulate: boolean,
): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A(i, k) * B(k, j);
      C[i * N + j] = (accumulate ? C[i * N + j] : 0) + s;
    }
}

const rng = seededRng(7);
const rand = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.standardNormal());
const wrap = (x: Float64Array, M: number, N: number): NDArray => new NDArray(x, [M, N]);

// Sizes around 1, 4 (micro-kernel), 128 (MC), 256 (KC) and 512 (NC), odd ones in between
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 2], [4, 4, 4], [7, 9, 11], [13, 17, 19], [16, 16, 16],
  [33, 31, 65], [32, 64, 784], [129, 5, 257], [6, 130, 300], [127, 513, 3], [2, 600, 17], [200, 10, 260],
];

describe('gemm vs plain triple loop', () => {
  for (const [M, N, K] of SHAPES) {
    for (const accumulate of [false, true]) {
      test(`M=${M} N=${N} K=${K} ${accumulate ? 'accumulate' : 'overwrite'}`, () => {
        const A = rand(M * K); // (M, K)
        const At = rand(K * M); // (K, M) for Aᵀ·B
        const B = rand(K * N); // (K, N)
        const Bt = rand(N * K); // (N, K) for A·Bᵀ
        const C0 = rand(M * N);
        const cases: [string, (c: Float64Array) => void, (i: number, k: number) => number, (k: number, j: number) => number][] = [
          ['NN', (c) => gemmNN(M, N, K, A, B, c, accumulate), (i, k) => A[i * K + k], (k, j) => B[k * N + j]],
          ['NT', (c) => gemmNT(M, N, K, A, Bt, c, accumulate), (i, k) => A[i * K + k], (k, j) => Bt[j * K + k]],
          ['TN', (c) => gemmTN(M, N, K, At, B, c, accumulate), (i, k) => At[k * M + i], (k, j) => B[k * N + j]],
        ];
        for (const [label, fast, ga, gb] of cases) {
          const got = C0.slice();
          fast(got);
          const want = C0.slice();
          plainGemm(M, N, K, ga, gb, want, accumulate);
          expectClose(wrap(got, M, N), wrap(want, M, N), `${label} C`, { atol: 1e-12, rtol: 1e-9 });
        }
      });
    }
  }
});

describe('gemmStrided', () => {
  test('offsets and a wider C leave everything outside the M×N window untouched', () => {
    // A is a (M, K) window at offset 3 of rows of length 20; C a (M, N) window at offset 5 with ldc 40
    const [M, N, K] = [37, 21, 18];
    const a = rand(3 + M * 20);
    const b = rand(2 + K * N * 2);
    const c = rand(5 + M * 40);
    const before = c.slice();
    // B[k, j] = b[2 + k·(2N) + j·2]: every other column of a wider matrix
    gemmStrided(M, N, K, a, 3, 20, 1, b, 2, 2 * N, 2, c, 5, 40, false);
    for (let i = 0; i < c.length; i++) {
      const r = Math.floor((i - 5) / 40);
      const j = (i - 5) % 40;
      const inside = i >= 5 && r < M && j < N;
      if (!inside) {
        expect(c[i], `c[${i}] outside the window`).toBe(before[i]);
        continue;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += a[3 + r * 20 + k] * b[2 + k * 2 * N + j * 2];
      expect(Math.abs(c[i] - s)).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(s));
    }
  });

  test('K = 0 overwrites C with zeros, or leaves it when accumulating', () => {
    const c = Float64Array.from([1, 2, 3, 4]);
    gemmNN(2, 2, 0, new Float64Array(0), new Float64Array(0), c, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    gemmNN(2, 2, 0, new Float64Array(0), new Float64Array(0), c, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  test('NaN and Infinity propagate as in the plain loop (no skipped zeros)', () => {
    for (const [M, N, K] of [[2, 2, 2], [40, 40, 40]]) {
      const A = new Float64Array(M * K); // zeros
      const B = rand(K * N);
      B[0] = Infinity; // 0 · ∞ = NaN must reach C[:, 0]
      const C = new Float64Array(M * N);
      gemmNN(M, N, K, A, B, C);
      for (let i = 0; i < M; i++) expect(C[i * N], `C[${i}, 0] (M=${M})`).toBeNaN();
      expect(C[1]).toBe(0);
    }
  });
});

describe('overwrite mode never reads C', () => {
  // Overwrite stores the first depth block's sums directly (no zero-fill pass): C full of NaN must not
  // leak, whatever the shape: small loops, one or several KC = 256 depth blocks, edge blocks, several
  // NC = 512 column blocks, transposed operands, and a window of a wider C (ldc > N).
  const shapes: [number, number, number][] = [[1, 1, 1], [5, 3, 7], [130, 9, 300], [17, 70, 260], [3, 600, 5], [257, 5, 513], [6, 1030, 20]];
  for (const [M, N, K] of shapes) {
    test(`M=${M} N=${N} K=${K}, all transposes, ldc > N`, () => {
      const a = rand(M * K);
      const b = rand(K * N);
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const [aRs, aCs] = ta ? [1, M] : [K, 1];
        const [bRs, bCs] = tb ? [1, K] : [N, 1];
        const want = new Float64Array(M * N);
        plainGemm(M, N, K, (i, k) => a[i * aRs + k * aCs], (k, j) => b[k * bRs + j * bCs], want, false);
        const ldc = N + 3;
        const c = new Float64Array(M * ldc).fill(NaN);
        gemmStrided(M, N, K, a, 0, aRs, aCs, b, 0, bRs, bCs, c, 0, ldc, false);
        const got = new Float64Array(M * N);
        for (let i = 0; i < M; i++) {
          got.set(c.subarray(i * ldc, i * ldc + N), i * N);
          for (let j = N; j < ldc; j++) expect(c[i * ldc + j], `c outside the window (${i}, ${j})`).toBeNaN();
        }
        expectClose(wrap(got, M, N), wrap(want, M, N), `C ta=${ta} tb=${tb}`, { atol: 1e-12, rtol: 1e-9 });
      }
    });
  }
});

// The unpacked kernels for a small batch through few units (Dense output layers): each sum runs over
// k in order from 0, exactly as the plain loop, so the results are equal bit for bit; C is overwritten.
describe('small-N / small-K kernels vs plain triple loop', () => {
  const Ms = [1, 2, 3, 5, 32, 33];
  const Ns = [1, 2, 3, 4, 5, 7, 10, 16];
  const Ks = [0, 1, 3, 10, 301];
  test('smallN chooses them for M ≤ 64, N ≤ 16 and a re-read operand of ≤ 2^17 values only', () => {
    expect([smallN(32, 10), smallN(64, 16), smallN(65, 10), smallN(32, 17)]).toEqual([true, true, false, false]);
    expect([smallN(32, 10, 5408 * 10), smallN(32, 10, 20000 * 10)]).toEqual([true, false]);
  });
  for (const M of Ms) {
    test(`M=${M}: every N in ${Ns.join(',')} and K in ${Ks.join(',')}, NaN-filled C overwritten`, () => {
      for (const N of Ns) {
        for (const K of Ks) {
          const A = rand(M * K); // (M, K)
          const B = rand(K * N); // (K, N)
          const At = rand(K * M); // (K, M): the Aᵀ · B operand
          const cases: [string, (c: Float64Array) => void, (i: number, k: number) => number, (k: number, j: number) => number][] = [
            ['NN small N', (c) => gemmNNSmallN(M, N, K, A, B, c), (i, k) => A[i * K + k], (k, j) => B[k * N + j]],
            ['TN small N', (c) => gemmTNSmallN(M, N, K, At, B, c), (i, k) => At[k * M + i], (k, j) => B[k * N + j]],
          ];
          for (const [label, fast, ga, gb] of cases) {
            const got = new Float64Array(M * N).fill(NaN);
            fast(got);
            const want = new Float64Array(M * N);
            plainGemm(M, N, K, ga, gb, want, false);
            expect(Array.from(got), `${label} M=${M} N=${N} K=${K}`).toEqual(Array.from(want));
          }
          // A · Bᵀ with a short inner dimension: the roles of N and K swapped (K ≤ 16, N any)
          const Kt = N; // ≤ 16
          const Nt = K + 1;
          const A2 = rand(M * Kt); // (M, Kt)
          const Bt = rand(Nt * Kt); // (Nt, Kt)
          const got = new Float64Array(M * Nt).fill(NaN);
          gemmNTSmallK(M, Nt, Kt, A2, Bt, got);
          const want = new Float64Array(M * Nt);
          plainGemm(M, Nt, Kt, (i, k) => A2[i * Kt + k], (k, j) => Bt[j * Kt + k], want, false);
          expect(Array.from(got), `NT small K M=${M} N=${Nt} K=${Kt}`).toEqual(Array.from(want));
        }
      }
    });
  }
  test('NaN and Infinity propagate as in the plain loop', () => {
    const M = 3, N = 5, K = 6;
    const A = rand(M * K);
    const B = rand(K * N);
    A[2] = Infinity;
    A[9] = NaN;
    B[7] = -Infinity;
    const got = new Float64Array(M * N);
    gemmNNSmallN(M, N, K, A, B, got);
    const want = new Float64Array(M * N);
    plainGemm(M, N, K, (i, k) => A[i * K + k], (k, j) => B[k * N + j], want, false);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
