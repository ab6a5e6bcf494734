// Property tests (fast-check, fixed seeds): the output-shape law, and both fast paths of
// src/convolution/kernels.ts (direct register-blocked kernels; im2col + the GEMM of src/commons/gemm.ts
// + col2im), each forced on every configuration, against the plain loops of ./naive.ts.
import * as fcheck from 'fast-check'; // not `fc`: that name is the forward cache
import { afterEach, describe, expect, test } from 'vitest';
import { identity, relu, tanh } from '../../src/activation/functions.js';
import { NDArray, zeros } from '../../src/commons/ndarray.js';
import { kernelOptions } from '../../src/kernels/conv.js';
import { defaultHPars } from '../../src/settings.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';
import { Convolution } from '../../src/convolution/models.js';
import { expectClose } from '../helpers/close.js';
import { naiveBackward, naiveForward } from './naive.js';
import { randn } from '../helpers/random.js';

const DEFAULT_DIRECT_MAX_K = kernelOptions.directMaxK;
afterEach(() => {
  kernelOptions.directMaxK = DEFAULT_DIRECT_MAX_K;
});

/** Forces one kernel path for every K: 'direct' (no im2col) or 'gemm' (im2col + GEMM + col2im). */
const PATHS = { direct: Infinity, gemm: 0 } as const;
type Path = keyof typeof PATHS;
const force = (path: Path): void => {
  kernelOptions.directMaxK = PATHS[path];
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

describe.each(['direct', 'gemm'] as const)('%s kernels equal the naive loops', (path) => {
  test('random configurations (non-square, strides > filter, padding, odd batch sizes)', () => {
    force(path);
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

  // Sizes past the blocks (row chunks of 128, GEMM MC = 128, KC = 256, NC = 512; register blocks of
  // 2 and 4), odd M, u and K not multiples of 4
  test.each([
    { m: 3, h: 9, w: 9, d: 30, u: 7, fh: 3, fw: 3, sh: 1, sw: 1, p: 1, bias: true }, // K = 270 > KC, dcols N = 270
    { m: 5, h: 13, w: 11, d: 1, u: 33, fh: 3, fw: 2, sh: 1, sw: 2, p: 2, bias: true }, // M = 5·15·7 = 525 > 128
    { m: 2, h: 17, w: 9, d: 29, u: 3, fh: 3, fw: 4, sh: 2, sw: 1, p: 0, bias: false }, // K = 348, u < 4
    { m: 3, h: 28, w: 28, d: 1, u: 32, fh: 3, fw: 3, sh: 1, sw: 1, p: 0, bias: true }, // S3-like, K = 9, M = 2028
    { m: 3, h: 28, w: 28, d: 1, u: 6, fh: 4, fw: 4, sh: 4, sw: 4, p: 0, bias: true }, // S1-like, u = 6, M = 147
    { m: 1, h: 14, w: 14, d: 12, u: 10, fh: 3, fw: 3, sh: 1, sw: 1, p: 1, bias: true }, // K = 108, padding
    { m: 2, h: 11, w: 12, d: 3, u: 5, fh: 5, fw: 5, sh: 1, sw: 1, p: 0, bias: false }, // S5-like, K = 75, u = 5
    { m: 3, h: 13, w: 13, d: 2, u: 9, fh: 2, fw: 3, sh: 5, sw: 4, p: 1, bias: true }, // strides > filter
    { m: 7, h: 5, w: 5, d: 1, u: 1, fh: 1, fw: 1, sh: 1, sw: 1, p: 0, bias: true }, // K = 1, u = 1, M = 175
  ])('case m=$m $h x $w x $d u=$u f=$fh x $fw s=$sh x $sw p=$p', (c) => {
    force(path);
    compareWithNaive(c, seededRng(11));
  });

  test('a smaller batch after a larger one reuses the buffers and stays correct', () => {
    force(path);
    const rng = seededRng(3);
    const c = { m: 6, h: 7, w: 6, d: 2, u: 5, fh: 3, fw: 3, sh: 1, sw: 1, p: 1, bias: true };
    const layer = new Convolution({ unitFilters: c.u, filterSize: 3, strides: 1, padding: 1, activate: identity });
    const X6 = randn([6, 7, 6, 2], rng);
    layer.computeShapes(X6);
    layer.initializeParameters();
    layer.forward(X6);
    layer.backward(randn([6, 7, 6, 5], rng));
    layer.computeGradients();
    const buffers = { xoff: layer.kernels.xoff, xpad: layer.kernels.xpad, dxpad: layer.kernels.dxpad, cols: layer.kernels.cols, dcols: layer.kernels.dcols };
    expect(path === 'gemm' ? layer.kernels.cols.length : layer.kernels.xoff.length).toBeGreaterThan(0);
    const X1 = randn([1, 7, 6, 2], rng);
    const A = layer.forward(X1);
    const dA = randn(A.shape, rng);
    const dX = layer.backward(dA);
    layer.computeGradients();
    // no reallocation for a smaller batch
    expect({ xoff: layer.kernels.xoff, xpad: layer.kernels.xpad, dxpad: layer.kernels.dxpad, cols: layer.kernels.cols, dcols: layer.kernels.dcols }).toEqual(buffers);
    expect(layer.kernels.xoff).toBe(buffers.xoff);
    expect(layer.kernels.xpad).toBe(buffers.xpad);
    expect(layer.kernels.cols).toBe(buffers.cols);
    const ref = naiveBackward(X1, layer.p.W, dA, c);
    expectClose(A, naiveForward(X1, layer.p.W, layer.p.b, c), 'Z');
    expectClose(dX, ref.dX, 'dX');
    expectClose(layer.g.dW, ref.dW, 'dW');
    expectClose(layer.g.db, ref.db, 'db');
  });

  test('computeGradients after a forward on another input uses the input of the cached forward', () => {
    force(path);
    const rng = seededRng(13);
    const c = { fh: 3, fw: 2, sh: 1, sw: 2, p: 2 };
    const layer = new Convolution({ unitFilters: 6, filterSize: [3, 2], strides: [1, 2], padding: 2, activate: tanh });
    const Xa = randn([2, 6, 7, 3], rng);
    const Xb = randn([3, 6, 7, 3], rng);
    layer.computeShapes(Xa);
    layer.initializeParameters();
    const A = layer.forward(Xa);
    const dA = randn(A.shape, rng);
    layer.backward(dA);
    const dZ = layer.bc.dZ;
    // a forward on Xb (fills the scratch with Xb), then the caches are put back to the Xa pass
    layer.forward(Xb);
    const Z = layer.fc.Z;
    layer.fc.X = Xa;
    layer.bc.dZ = dZ;
    layer.computeGradients();
    expectClose(layer.g.dW, naiveBackward(Xa, layer.p.W, dZ, c).dW, 'dW of Xa');
    // X mutated in place between two forwards: the second forward sees the new values
    Xb.data[0] += 1;
    layer.fc.Z = Z;
    expectClose(layer.forward(Xb), tanh(naiveForward(Xb, layer.p.W, layer.p.b, c)), 'A after in-place change');
  });
});

// Direct path with the built-in relu: Z and A come out of one pass (kernels.ts directForwardRelu).
// Z must equal the naive loops, A must be relu(Z) bit for bit (−0 → +0, NaN stays, relu(−∞) = 0).
describe('fused relu in the direct forward', () => {
  const bitwise = (got: NDArray, want: NDArray, label: string): void => {
    expect(got.shape, label).toEqual(want.shape);
    expect(Array.from(got.data), label).toEqual(Array.from(want.data)); // NaN equals NaN, +0 ≠ −0
  };
  test.each([
    { m: 3, h: 28, w: 28, d: 1, u: 32, fh: 3, fw: 3, sh: 1, sw: 1, p: 0, bias: true }, // S3-like, K = 9
    { m: 3, h: 9, w: 8, d: 1, u: 5, fh: 3, fw: 3, sh: 1, sw: 1, p: 0, bias: true }, // u = 5, M = 126 odd rows per chunk
    { m: 1, h: 7, w: 7, d: 1, u: 7, fh: 2, fw: 2, sh: 1, sw: 1, p: 1, bias: false }, // K = 4, M = 64, padding
    { m: 2, h: 9, w: 11, d: 3, u: 6, fh: 3, fw: 3, sh: 2, sw: 2, p: 1, bias: true }, // K = 27, strides 2
    { m: 5, h: 13, w: 11, d: 1, u: 33, fh: 3, fw: 2, sh: 1, sw: 2, p: 2, bias: true }, // M = 525 > 128, u = 33
  ])('m=$m $h x $w x $d u=$u f=$fh x $fw s=$sh p=$p: Z as the naive loops, A = relu(Z)', (c) => {
    force('direct');
    const rng = seededRng(23);
    const layer = new Convolution({
      unitFilters: c.u, filterSize: [c.fh, c.fw], strides: [c.sh, c.sw], padding: c.p, activate: relu, useBias: c.bias,
    });
    const X = randn([c.m, c.h, c.w, c.d], rng);
    layer.computeShapes(X);
    layer.p.W = randn(layer.fs.W as number[], rng);
    layer.p.b = c.bias ? randn([c.u], rng) : zeros([c.u]);
    const A = layer.forward(X);
    const cfg = { fh: c.fh, fw: c.fw, sh: c.sh, sw: c.sw, p: c.p };
    expectClose(layer.fc.Z, naiveForward(X, layer.p.W, c.bias ? layer.p.b : null, cfg), 'Z');
    bitwise(A, relu(layer.fc.Z), 'A');
    expect(A).not.toBe(layer.fc.Z);
    expect(layer.fc.A).toBe(A);
  });

  test.each([1, 6])('−∞, +∞, NaN and −0 in Z (u = %i): A = relu(Z) bit for bit', (u) => {
    force('direct');
    const rng = seededRng(29);
    const layer = new Convolution({ unitFilters: u, filterSize: 3, strides: 1, activate: relu });
    layer.checkInput = false; // IEEE special values on purpose
    const X = new NDArray(Float64Array.from({ length: 2 * 8 * 8 }, () => rng.uniform()), [2, 8, 8, 1]);
    X.data[0] = -Infinity; // windows of the first corner: Z = −∞ (W > 0)
    X.data[64 + 27] = Infinity; // second sample: +∞
    X.data[64 + 60] = NaN;
    for (let i = 64 + 32; i < 64 + 56; i++) X.data[i] = 0; // 3 rows of zeros: Z = b + Σ 0 · w
    layer.computeShapes(X);
    layer.p.W = new NDArray(Float64Array.from({ length: 9 * u }, () => 0.1 + rng.uniform()), [3, 3, 1, u]);
    layer.p.b = new NDArray(new Float64Array(u).fill(-0), [u]); // −0 + 0·w = +0; see −0 below
    let A = layer.forward(X);
    const Z = layer.fc.Z;
    expect(Z.data[0]).toBe(-Infinity);
    expect(Array.from(Z.data).some((v) => Number.isNaN(v))).toBe(true);
    bitwise(A, relu(Z), 'A');
    bitwise(Z, naiveForward(X, layer.p.W, layer.p.b, { fh: 3, fw: 3, sh: 1, sw: 1, p: 0 }), 'Z');
    // −0: negative weights on zeros, bias −0 (−0 + −0 = −0)
    layer.p.W = new NDArray(layer.p.W.data.map((v) => -v), layer.p.W.shape);
    A = layer.forward(X);
    expect(Array.from(layer.fc.Z.data).some((v) => Object.is(v, -0))).toBe(true);
    bitwise(A, relu(layer.fc.Z), 'A with −0');
  });
});
