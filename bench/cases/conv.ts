// Convolution forward and backward (dX + dW + db), NHWC, against the tests' plain loops
// (tests/convolution/naive.ts).
import { identity } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import type { Convolution } from '../../src/convolution/models.js';
import { naiveBackward, naiveForward } from '../../tests/convolution/naive.js';
import { randomArray, time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';

export interface ConvShape {
  id: string;
  m: number;
  h: number;
  w: number;
  d: number;
  u: number;
  f: number;
  s: number;
  p: number;
}

export const SHAPES: ConvShape[] = [
  { id: 'S1', m: 32, h: 28, w: 28, d: 1, u: 6, f: 4, s: 4, p: 0 },
  { id: 'S2', m: 32, h: 28, w: 28, d: 1, u: 32, f: 4, s: 4, p: 0 },
  { id: 'S3', m: 32, h: 28, w: 28, d: 1, u: 32, f: 3, s: 1, p: 0 },
  { id: 'S4', m: 32, h: 14, w: 14, d: 32, u: 64, f: 3, s: 1, p: 1 },
  { id: 'S5', m: 16, h: 32, w: 32, d: 3, u: 16, f: 5, s: 1, p: 0 },
];

export const describeShape = (c: ConvShape): string =>
  `m=${c.m} ${c.h}×${c.w}×${c.d} u=${c.u} ${c.f}×${c.f}/${c.s}${c.p ? ` p${c.p}` : ''}`;

/** One matrix-product FLOP count: 2 · (m·oh·ow) · (fh·fw·d) · u; forward = 1×, backward (dX + dW) = 2×. */
export function convFlops(c: ConvShape): number {
  const oh = Math.floor((c.h + 2 * c.p - c.f) / c.s) + 1;
  const ow = Math.floor((c.w + 2 * c.p - c.f) / c.s) + 1;
  return 2 * c.m * oh * ow * c.f * c.f * c.d * c.u;
}

/** The layer with identity activation (the kernels only), shapes and parameters initialized. */
export async function convSetup(c: ConvShape): Promise<{ layer: Convolution; X: NDArray; dA: NDArray }> {
  // Loaded here, not at the top: a broken layer module skips its cases instead of the whole bench
  const { Convolution } = await import('../../src/convolution/models.js');
  const layer = new Convolution({ unitFilters: c.u, filterSize: c.f, strides: c.s, padding: c.p, activate: identity });
  const X = new NDArray(randomArray(c.m * c.h * c.w * c.d, 1), [c.m, c.h, c.w, c.d]);
  layer.computeShapes(X);
  layer.initializeParameters();
  const A = layer.forward(X);
  const dA = new NDArray(randomArray(A.size, 2), A.shape);
  return { layer, X, dA };
}

async function runShape(c: ConvShape, o: BenchOptions): Promise<Row[]> {
  const { layer, X, dA } = await convSetup(c);
  const flops = convFlops(c);
  // Warm-up of at least 10 calls and 300 ms: V8 runs a WebAssembly function's baseline (Liftoff) code
  // until its optimized code, compiled in the background, arrives; that took ~8 calls of S3 (~40 ms)
  // on the idle-ish 2-core machine and longer under load. The GFLOP/s targets are about the steady state.
  const warm = (fn: () => void): void => {
    const t0 = performance.now();
    for (let i = 0; i < 10 || performance.now() - t0 < (o.quick ? 100 : 300); i++) fn();
  };
  const t = { runs: o.runs, warmup: o.warmup };
  warm(() => layer.forward(X));
  const fwd = time(() => layer.forward(X), t);
  const backward = (): void => {
    layer.backward(dA);
    layer.computeGradients();
  };
  warm(backward);
  const bwd = time(backward, t);

  // Reference: fewer runs (it is slow), never fewer than 5
  const conf = { fh: c.f, fw: c.f, sh: c.s, sw: c.s, p: c.p };
  const tr = { runs: 5, warmup: 1, budgetMs: o.quick ? 500 : 3000 };
  const refF = time(() => naiveForward(X, layer.p.W, layer.p.b, conf), tr);
  const refB = time(() => naiveBackward(X, layer.p.W, dA, conf), tr);

  const both = fwd.median + bwd.median;
  const gf = (3 * flops) / both / 1e6;
  const hard = c.id === 'S3' || c.id === 'S4' || c.id === 'S5';
  const refKind = 'plain loops (tests/convolution/naive.ts)';
  return [
    { case: `conv ${c.id} fwd`, ours: fwd.median, ref: refF.median, refKind, flops, note: describeShape(c) },
    { case: `conv ${c.id} bwd`, ours: bwd.median, ref: refB.median, refKind, flops: 2 * flops, note: 'dX + dW + db' },
    {
      case: `conv ${c.id} fwd+bwd`, ours: both, ref: refF.median + refB.median, refKind, flops: 3 * flops,
      ...(hard ? { target: '≥ 8 GFLOP/s (1 thread)', met: gf >= 8 } : {}),
    },
  ];
}

export const convCases: BenchCase[] = SHAPES.map((c) => ({ name: `conv ${c.id}`, run: (o) => runShape(c, o) }));
