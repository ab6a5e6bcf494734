// Property tests (fast-check, fixed seeds): the output-shape law, and the fast path (im2col + packed
// GEMM + col2im, src/convolution/kernels.ts) against the plain loops of ./naive.ts.
import * as fcheck from 'fast-check'; // not `fc`: that name is the forward cache
import { describe, expect, test } from 'vitest';
import { identity } from '../../src/activation/functions.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';
import { gemm } from '../../src/convolution/kernels.js';
import { Convolution } from '../../src/convolution/models.js';
import { expectClose } from '../helpers/close.js';
import { naiveBackward, naiveForward } from './naive.js';

const randn = (shape: number[], rng: Rng): NDArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new NDArray(Float64Array.from({ length: n }, () => rng.standardNormal()), shape);
};

describe('output shape law', () => {
  test('A is (m, ⌊(h + 2p − fh)/sh⌋ + 1, ⌊(w + 2p − fw)/sw⌋ + 1, u), int or pair strides', () => {
    fcheck.assert(
      fcheck.property(
        fcheck.record({
          m: fcheck.integer({ min: 1, max: 3 }),
          h: fcheck.integer({ min: 1, max: 8 }),
          w: fcheck.integer({ min: 1, max: 8 }),
          d: fcheck.integer({ min: 1, max: 3 }),
          fh: fcheck.integer({ min: 1, max: 4 }),
          fw: fcheck.integer({ min: 1, max: 4 }),
          sh: fcheck.integer({ min: 1, max: 5 }),
          sw: fcheck.integer({ min: 1, max: 5 }),
          intStrides: fcheck.boolean(),
          p: fcheck.integer({ min: 0, max: 3 }),
          u: fcheck.integer({ min: 1, max: 3 }),
        }),
        ({ m, h, w, d, fh, fw, sh, sw, intStrides, p, u }) => {
          fcheck.pre(fh <= h + 2 * p && fw <= w + 2 * p);
          const strides: number | [number, number] = intStrides ? sh : [sh, sw];
          const [esh, esw] = intStrides ? [sh, sh] : [sh, sw];
          const layer = new Convolution({ unitFilters: u, filterSize: [fh, fw], strides, padding: p });
          const X = zeros([m, h, w, d]);
          layer.computeShapes(X);
          layer.initializeParameters();
          const A = layer.forward(X);
          const dX = layer.backward(zeros(A.shape));
          const expected = [m, Math.floor((h + 2 * p - fh) / esh) + 1, Math.floor((w + 2 * p - fw) / esw) + 1, u];
          expect(A.shape).toEqual(expected);
          expect([layer.d.m, layer.d.oh, layer.d.ow, layer.d.u]).toEqual(expected);
          expect([layer.d.sh, layer.d.sw]).toEqual([esh, esw]);
          expect(dX.shape).toEqual([m, h, w, d]); // unpadded
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

/** Fast layer (identity activation, so Z = A and dZ = dA) against the naive loops. */
function compareWithNaive(
  c: { m: number; h: number; w: number; d: number; u: number; fh: number; fw: number; sh: number; sw: number; p: number; bias: boolean },
  rng: Rng,
): void {
  const layer = new Convolution({
    unitFilters: c.u,
    filterSize: [c.fh, c.fw],
    strides: [c.sh, c.sw],
    padding: c.p,
    activate: identity,
    useBias: c.bias,
  });
  const X = randn([c.m, c.h, c.w, c.d], rng);
  layer.computeShapes(X);
  layer.p.W = randn(layer.fs.W as number[], rng);
  layer.p.b = c.bias ? randn([c.u], rng) : zeros([c.u]);
  const A = layer.forward(X);
  const cfg = { fh: c.fh, fw: c.fw, sh: c.sh, sw: c.sw, p: c.p };
  expectClose(A, naiveForward(X, layer.p.W, c.bias ? layer.p.b : null, cfg), 'Z');
  const dA = randn(A.shape, rng);
  const dX = layer.backward(dA);
  layer.computeGradients();
  const ref = naiveBackward(X, layer.p.W, dA, cfg);
  expectClose(dX, ref.dX, 'dX');
  expectClose(layer.g.dW, ref.dW, 'dW');
  expectClose(layer.g.db, c.bias ? ref.db : zeros([c.u]), 'db');
}

describe('fast kernels equal the naive loops', () => {
  test('random configurations (non-square, strides > filter, padding, odd batch sizes)', () => {
    const rng = seededRng(5);
    fcheck.assert(
      fcheck.property(
        fcheck.record({
          m: fcheck.integer({ min: 1, max: 7 }),
          h: fcheck.integer({ min: 1, max: 11 }),
          w: fcheck.integer({ min: 1, max: 11 }),
          d: fcheck.integer({ min: 1, max: 5 }),
          u: fcheck.integer({ min: 1, max: 9 }),
          fh: fcheck.integer({ min: 1, max: 5 }),
          fw: fcheck.integer({ min: 1, max: 5 }),
          sh: fcheck.integer({ min: 1, max: 6 }),
          sw: fcheck.integer({ min: 1, max: 6 }),
          p: fcheck.integer({ min: 0, max: 3 }),
          bias: fcheck.boolean(),
        }),
        (c) => {
          fcheck.pre(c.fh <= c.h + 2 * c.p && c.fw <= c.w + 2 * c.p);
          compareWithNaive(c, rng);
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  // Sizes past the GEMM blocks (MC = 128 rows, KC = 256 depth, NC = 256 columns) and not multiples of 4
  test.each([
    { m: 3, h: 9, w: 9, d: 30, u: 7, fh: 3, fw: 3, sh: 1, sw: 1, p: 1, bias: true }, // K = 270 > KC, dcols N = 270 > NC
    { m: 5, h: 13, w: 11, d: 1, u: 33, fh: 3, fw: 2, sh: 1, sw: 2, p: 2, bias: true }, // M = 5·15·7 = 525 > MC
    { m: 2, h: 17, w: 9, d: 29, u: 3, fh: 3, fw: 4, sh: 2, sw: 1, p: 0, bias: false }, // K = 348, u < 4
  ])('large case m=$m $h x $w x $d u=$u f=$fh x $fw s=$sh x $sw p=$p', (c) => {
    compareWithNaive(c, seededRng(11));
  });

  test('a smaller batch after a larger one reuses the buffers and stays correct', () => {
    const rng = seededRng(3);
    const c = { m: 6, h: 7, w: 6, d: 2, u: 5, fh: 3, fw: 3, sh: 1, sw: 1, p: 1, bias: true };
    const layer = new Convolution({ unitFilters: c.u, filterSize: 3, strides: 1, padding: 1, activate: identity });
    const X6 = randn([6, 7, 6, 2], rng);
    layer.computeShapes(X6);
    layer.initializeParameters();
    layer.forward(X6);
    layer.backward(randn([6, 7, 6, 5], rng));
    const cols = layer.cols;
    const X1 = randn([1, 7, 6, 2], rng);
    const A = layer.forward(X1);
    expect(layer.cols).toBe(cols); // no reallocation for a smaller batch
    const dA = randn(A.shape, rng);
    const dX = layer.backward(dA);
    layer.computeGradients();
    const ref = naiveBackward(X1, layer.p.W, dA, c);
    expectClose(A, naiveForward(X1, layer.p.W, layer.p.b, c), 'Z');
    expectClose(dX, ref.dX, 'dX');
    expectClose(layer.g.dW, ref.dW, 'dW');
    expectClose(layer.g.db, ref.db, 'db');
  });
});

describe('gemm', () => {
  // C = A·B or C += A·B with any of A, B transposed through their strides
  const naiveGemm = (M: number, N: number, K: number, a: Float64Array, aRs: number, aCs: number, b: Float64Array, bRs: number, bCs: number, c: Float64Array) => {
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * aRs + k * aCs] * b[k * bRs + j * bCs];
        c[i * N + j] += s;
      }
  };
  test('equals the triple loop for transposed operands, edges, blocks and accumulate', () => {
    const rng = seededRng(9);
    const rand = (n: number) => Float64Array.from({ length: n }, () => rng.standardNormal());
    for (const [M, N, K] of [[1, 1, 1], [5, 3, 7], [130, 9, 300], [17, 70, 260], [3, 600, 5], [4, 4, 0], [257, 5, 513]]) {
      const a = rand(M * K);
      const b = rand(K * N);
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const [aRs, aCs] = ta ? [1, M] : [K, 1];
        const [bRs, bCs] = tb ? [1, K] : [N, 1];
        const expected = new Float64Array(M * N);
        naiveGemm(M, N, K, a, aRs, aCs, b, bRs, bCs, expected);
        const c = new Float64Array(M * N).fill(NaN); // overwritten: previous content never read
        gemm(M, N, K, a, aRs, aCs, b, bRs, bCs, c, N);
        expectClose(new NDArray(c, [M, N]), new NDArray(expected, [M, N]), `C ${M}x${N}x${K} ta=${ta} tb=${tb}`);
        const c2 = Float64Array.from(expected, () => 1);
        gemm(M, N, K, a, aRs, aCs, b, bRs, bCs, c2, N, true);
        expectClose(new NDArray(c2, [M, N]), new NDArray(expected.map((v) => v + 1), [M, N]), 'C += A·B');
      }
    }
  });
});
