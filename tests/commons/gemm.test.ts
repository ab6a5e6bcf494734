// The blocked GEMM against a plain triple loop, on random shapes (odd sizes, edges of every block,
// sizes on both sides of the small-matrix cut-off), every transpose variant, accumulate and overwrite.
import { describe, expect, test } from 'vitest';
import { gemmNN, gemmNT, gemmStrided, gemmTN } from '../../src/commons/gemm.js';
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
