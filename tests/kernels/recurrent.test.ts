// The recurrent layers' WebAssembly kernels (kernels3.wat, kernels4.wat) against plain TypeScript, bit for
// bit: exp and tanh against V8's Math.exp / Math.tanh (the kernels port fdlibm as V8 does), the step
// activations against src/activation/functions.ts's expressions, the element-wise ops, the step product
// against the TypeScript GEMM, the row sums. The layers' use of them (reused buffers on 'wasm' = fresh
// ones) is checked in tests/{rnn,lstm,gru}/reference.test.ts (reuseSuite).
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { LSTM } from '../../src/lstm/models.js';
import { activeBackend, selectBackend, wasmKernels } from '../../src/kernels/backend.js';
import * as jsGemm from '../../src/kernels/js/gemm.js';
import { DECLINE } from '../../src/kernels/registry.js';
import { recurrentGemmWasm } from '../../src/kernels/wasm/recurrent.js';
import { createWasmRuntime } from '../../src/kernels/wasm/runtime.js';

const rng = seededRng(17);
const rand = (n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => scale * rng.standardNormal());
/** The exact bits of every element (any NaN as 'NaN'). */
const bits = (a: ArrayLike<number>): string[] =>
  Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v.toString(16)));

const rt = createWasmRuntime(true);
const place = (x: Float64Array): Float64Array => {
  const r = rt.residentArray(x.length)!;
  r.set(x);
  return r;
};
const at = (x: Float64Array, off = 0): number => rt.addressOf(x) + 8 * off;

/** Arguments: random doubles at several scales, random bit patterns, and the bands where fdlibm branches. */
function argumentsOf(n: number): Float64Array {
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, 709.78, 709.79, -745.1, -745.2, -708.5, -707, 707, -706.99,
    22, -22, 19.06, 1e-300, 5e-324, -5e-324, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2, -1.5 * Math.LN2, 2 ** -28,
    -(2 ** -28), 2 ** -54, 0.5, 56 * Math.LN2, -56 * Math.LN2, 0.25 * Math.LN2, 0.75 * Math.LN2, 10 * Math.LN2, 28 * Math.LN2,
    -28 * Math.LN2, 1 - 2 ** -53, 22 - 2 ** -48];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.uniform();
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    switch (i % 9) {
      case 0: out[i] = specials[i % specials.length]; break;
      case 1: out[i] = (r - 0.5) * 20; break;
      case 2: out[i] = (r - 0.5) * 2; break;
      case 3: out[i] = (r - 0.5) * 1500; break;
      case 4: out[i] = (r - 0.5) * 1e-7; break;
      case 5: out[i] = sign * Math.LN2 * (0.5 + (r - 0.5) * 1e-8); break; // around 0.5 ln2
      case 6: out[i] = sign * Math.LN2 * (1.5 + (r - 0.5) * 1e-5); break; // around 1.5 ln2
      case 7: out[i] = sign * (i % 2 === 0 ? 2 ** -28 : [0.25, 0.75, 10, 28][(i >> 1) % 4] * Math.LN2) * (1 + (r - 0.5) * 1e-6); break;
      default:
        w[0] = rng.uniform() * 2 ** 32;
        w[1] = rng.uniform() * 2 ** 32;
        out[i] = f[0];
    }
  }
  return out;
}

describe('exp and tanh (fdlibm, as V8 computes Math.exp and Math.tanh)', () => {
  const xs = argumentsOf(400_000);
  test('scalar exp and tanh = Math.exp and Math.tanh', () => {
    expect(bits(xs.map((x) => rt.k.rec_exp(x)))).toEqual(bits(xs.map(Math.exp)));
    expect(bits(xs.map((x) => rt.k.rec_tanh(x)))).toEqual(bits(xs.map(Math.tanh)));
  });

  for (const [name, kernel, want] of [['exp', 'rec_exp2', Math.exp], ['tanh', 'rec_tanh2', Math.tanh]] as const) {
    test(`${name} two lanes at a time = Math.${name}, whatever the other lane`, () => {
      const p = rt.alloc(16);
      const got = new Float64Array(xs.length);
      const other = new Float64Array(xs.length);
      const ys = xs.map((_, i) => xs[(i * 7919) % xs.length]);
      const v = rt.f64(p, 2);
      for (let i = 0; i < xs.length; i++) {
        rt.k[kernel](xs[i], ys[i], p);
        got[i] = v[0];
        other[i] = v[1];
      }
      expect(bits(got)).toEqual(bits(xs.map(want)));
      expect(bits(other)).toEqual(bits(ys.map(want)));
    });
  }
});

describe('step activations (rec_act_sigmoid, rec_act_tanh) = the TypeScript expressions', () => {
  const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  for (const [m, s, u] of [[3, 4, 6], [5, 2, 7], [1, 1, 2], [4, 3, 1], [3, 2, 8], [2, 3, 5]]) {
    for (const kind of ['sigmoid', 'tanh'] as const) {
      for (const withBias of [true, false]) {
        test(`${kind} m=${m} s=${s} u=${u} bias=${withBias}`, () => {
          const Z0 = argumentsOf(m * s * u).map((x, i) => (i % 3 === 0 ? x : rand(1, 4)[0]));
          const b = rand(u);
          const Z = place(Z0);
          const A = place(new Float64Array(m * s * u).fill(7));
          const is = s - 1;
          const bAt = withBias ? at(place(b)) : 0;
          (kind === 'tanh' ? rt.k.rec_act_tanh : rt.k.rec_act_sigmoid)(at(Z, is * u), bAt, at(A, is * u), m, u, 8 * s * u);
          const wantZ = Z0.slice();
          const wantA = new Float64Array(m * s * u).fill(7);
          for (let im = 0; im < m; im++) {
            for (let iu = 0; iu < u; iu++) {
              const k = (im * s + is) * u + iu;
              if (withBias) wantZ[k] += b[iu];
              wantA[k] = kind === 'tanh' ? Math.tanh(wantZ[k]) : sigmoid(wantZ[k]);
            }
          }
          expect(bits(Z)).toEqual(bits(wantZ));
          expect(bits(A)).toEqual(bits(wantA));
        });
      }
    }
  }
});

test('step activations on 200k arguments (four lanes at a time: $sig4, $tanh4) = the TypeScript expressions', () => {
  const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  const n = 200_000;
  const xs = argumentsOf(n);
  for (const [kernel, f] of [[rt.k.rec_act_sigmoid, sigmoid], [rt.k.rec_act_tanh, Math.tanh]] as const) {
    const Z = place(xs);
    const A = place(new Float64Array(n));
    kernel(at(Z), 0, at(A), 1, n, 8 * n);
    expect(bits(A)).toEqual(bits(xs.map(f)));
    expect(bits(Z)).toEqual(bits(xs)); // no bias: Z untouched
  }
});

describe('element-wise ops (rec_ew) = the TypeScript expressions', () => {
  const ops: [number, string, (a: number, b: number, c: number, d: number) => number][] = [
    [0, 'copy', (a) => a], [1, 'mul', (a, b) => a * b], [2, 'add', (a, b) => a + b], [3, 'mul3', (a, b, c) => a * b * c],
    [4, 'mul3add', (a, b, c, d) => a * b * c + d], [5, 'addmul', (a, b, c) => (a + b) * c], [6, 'fma2', (a, b, c, d) => a * b + c * d],
    [7, 'mul1m', (a, b, c) => a * (1 - b) * c], [8, 'mulsub', (a, b, c, d) => a * (b - c) * d],
    [9, 'lerp', (a, b, c) => a * b + (1 - a) * c], [10, 'dtanh', (a) => 1 - a * a], [11, 'dsig', (a) => a * (1 - a)],
  ];
  const [m, s, u] = [5, 3, 6];
  for (const [op, name, f] of ops) {
    test(`${op} ${name}, one step of (m, s, u) caches`, () => {
      const src = [rand(m * s * u), rand(m * s * u), rand(m * s * u), rand(m * s * u)];
      const [a, b, c, d] = src.map(place);
      const o = place(new Float64Array(m * s * u).fill(3));
      const is = 1;
      rt.k.rec_ew(op, at(o, is * u), at(a, is * u), at(b, is * u), at(c, is * u), at(d, is * u), m, u, 8 * s * u);
      const want = new Float64Array(m * s * u).fill(3);
      for (let im = 0; im < m; im++) {
        for (let iu = 0; iu < u; iu++) {
          const k = (im * s + is) * u + iu;
          want[k] = f(src[0][k], src[1][k], src[2][k], src[3][k]);
        }
      }
      expect(bits(o)).toEqual(bits(want));
    });
  }
});

describe('step product (rec_mm) = the TypeScript GEMM, bit for bit', () => {
  for (const [M, N, K, acc] of [[32, 32, 32, true], [17, 16, 16, false], [6, 12, 20, true], [3, 4, 9, false], [9, 8, 256, true]] as const) {
    test(`M=${M} N=${N} K=${K} accumulate=${acc}`, () => {
      const s = 3;
      const A = place(rand(M * s * K));
      const B = place(rand(K * N));
      const C0 = rand(M * s * N);
      const C = place(C0);
      const want = C0.slice();
      // One step (is = 1) of (M, s, ·) arrays, as the layers call it
      rt.k.rec_mm(M, N, K, at(A, K), 8 * s * K, at(B), at(C, N), 8 * s * N, acc ? 1 : 0);
      jsGemm.gemmStrided(M, N, K, A, K, s * K, 1, B, 0, N, 1, want, N, s * N, acc);
      if (M * N * K > jsGemm.SMALL) expect(bits(C)).toEqual(bits(want));
      else for (let i = 0; i < want.length; i++) expect(C[i]).toBeCloseTo(want[i], 12);
    });
  }
});

describe('the wasm recurrentGemm kernel = the TypeScript GEMM (gemmStrided), bit for bit', () => {
  // [M, N, K, layout of A, accumulate, resident operands]
  const cases: [number, number, number, 'rows' | 'cols', boolean, boolean][] = [
    [640, 32, 16, 'rows', false, false], // the input products X · U (X not resident)
    [640, 16, 32, 'rows', true, true], // dX += G · Uᵀ
    [16, 32, 640, 'cols', false, true], // dU = Xᵀ · G over all rows (three depth blocks)
    [32, 32, 600, 'cols', true, false], // dV (accumulated into a non-resident C)
    [13, 8, 40, 'rows', false, true], // M not a multiple of 4
    [8, 12, 300, 'rows', true, true],
  ];
  for (const [M, N, K, layout, acc, resident] of cases) {
    test(`M=${M} N=${N} K=${K} A by ${layout} accumulate=${acc} resident=${resident}`, () => {
      const before = activeBackend();
      selectBackend('wasm');
      try {
        const k = wasmKernels();
        if (k === null) return;
        const put = (x: Float64Array): Float64Array => (resident ? (() => { const r = k.residentArray(x.length)!; r.set(x); return r; })() : x);
        const pad = 3;
        const a = put(rand(pad + M * K));
        const [aRs, aCs] = layout === 'rows' ? [K, 1] : [1, M];
        const W = rand(K * N); // B = W (K, N), or Wᵀ stored (N, K) for the odd cases
        const transposed = N % 8 === 0;
        const [bRs, bCs] = transposed ? [1, K] : [N, 1];
        const b = put(W);
        const ldc = resident ? N + 2 : N; // C strided only where resident (outside, contiguous: one copy)
        const C0 = rand(pad + M * ldc);
        const c = put(C0);
        const want = C0.slice();
        expect(recurrentGemmWasm(M, N, K, a, pad, aRs, aCs, b, 0, bRs, bCs, c, pad, ldc, acc)).toBe(undefined); // did not decline
        jsGemm.gemmStrided(M, N, K, a, pad, aRs, aCs, b, 0, bRs, bCs, want, pad, ldc, acc);
        expect(bits(c)).toEqual(bits(want));
      } finally {
        selectBackend(before);
      }
    });
  }

  test('declines what it does not handle: N not a multiple of 4, small products, other strides', () => {
    const before = activeBackend();
    selectBackend('wasm');
    try {
      if (wasmKernels() === null) return;
      const x = rand(4096);
      expect(recurrentGemmWasm(40, 6, 40, x, 0, 40, 1, x, 0, 6, 1, rand(240), 0, 6, false)).toBe(DECLINE);
      expect(recurrentGemmWasm(4, 4, 4, x, 0, 4, 1, x, 0, 4, 1, rand(16), 0, 4, false)).toBe(DECLINE);
      expect(recurrentGemmWasm(30, 8, 40, x, 0, 1, 30, x, 0, 8, 1, rand(240), 0, 8, false)).toBe(DECLINE); // by columns, M % 4
      expect(recurrentGemmWasm(32, 8, 40, x, 0, 80, 2, x, 0, 8, 1, rand(256), 0, 8, false)).toBe(DECLINE);
      // outside the WebAssembly memory, a strided A (one step of an (m, s, u) cache) or C: gemmStrided packs them
      expect(recurrentGemmWasm(32, 32, 32, x, 0, 96, 1, x, 0, 32, 1, rand(1024), 0, 32, true)).toBe(DECLINE);
      expect(recurrentGemmWasm(32, 32, 32, x, 0, 32, 1, x, 0, 32, 1, rand(2048), 0, 64, true)).toBe(DECLINE);
    } finally {
      selectBackend(before);
    }
  });
});

test('row sums (rec_colsum) = the TypeScript loop', () => {
  const [rows, u] = [37, 10];
  const G = rand(rows * u);
  const db = place(new Float64Array(u).fill(5));
  rt.k.rec_colsum(at(db), at(place(G)), rows, u);
  const want = new Float64Array(u);
  for (let r = 0; r < rows; r++) for (let j = 0; j < u; j++) want[j] += G[r * u + j];
  expect(bits(db)).toEqual(bits(want));
});

test('an LSTM training step with reused buffers runs on the WebAssembly step kernels', () => {
  const before = activeBackend();
  if (!selectBackend('wasm')) return; // no WebAssembly SIMD here: nothing to check
  const k = wasmKernels()!;
  const calls: Record<string, number> = {};
  const saved = { ...k.k };
  for (const name of ['rec_mm', 'rec_mm_tn', 'rec_act_sigmoid', 'rec_act_tanh', 'rec_ew', 'rec_colsum'] as const) {
    const f = saved[name] as (...a: number[]) => void;
    (k.k as unknown as Record<string, unknown>)[name] = (...a: number[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      f(...a);
    };
  }
  try {
    const layer = new LSTM({ unitCells: 16, clipGradients: false });
    layer.reuseOutputs = true;
    const X = new NDArray(rand(17 * 5 * 4), [17, 5, 4]);
    layer.computeShapes(X);
    layer.initializeParameters();
    const A = layer.forward(X);
    layer.backward(new NDArray(rand(A.size), A.shape));
    layer.computeGradients();
  } finally {
    Object.assign(k.k, saved);
    selectBackend(before);
  }
  // 4 gates × (s − 1) steps forward and × s steps backward, plus 4 input products and 4 × dX; dU, dV by columns
  expect(calls.rec_mm).toBe(4 * 4 + 4 * 5 + 4 + 4);
  expect(calls.rec_act_sigmoid).toBe(3 * 5); // 3 sigmoid gates × s steps
  expect(calls.rec_act_tanh).toBe(2 * 5); // the candidate and the memory state
  expect(calls.rec_ew).toBeGreaterThan(5 * 7);
  expect(calls.rec_colsum).toBe(4);
  expect(calls.rec_mm_tn).toBe(8); // dU = Xᵀ · G and dV = hpᵀ · G of each gate
});
