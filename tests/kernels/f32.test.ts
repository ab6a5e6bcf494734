// float32 kernels (issue 28): the f32x4 WebAssembly GEMM (kernels6.wat) gives the same bits as the
// TypeScript float32 GEMM (src/kernels/js/f32.ts), which rounds every product and sum to float32 in a
// fixed order; both are within float32 rounding (rtol 1e-5 of Σ|a·b|) of the float64 product of the same
// float32 inputs.
import { afterAll, describe, expect, test } from 'vitest';
import { seededRng } from '../../src/commons/rng.js';
import { activeBackend, selectBackend, wasmKernels } from '../../src/kernels/backend.js';
import { KC32, gemmStrided32 } from '../../src/kernels/js/f32.js';
import { gemmStrided32Wasm } from '../../src/kernels/wasm/f32.js';
import { hasKernel, kernel } from '../../src/kernels/registry.js';

const rng = seededRng(28);
const rand32 = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.standardNormal());
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const initial = activeBackend();
afterAll(() => {
  selectBackend(initial);
});

/** C as float64 from the float32 operands, and Σ_k |A[i, k]·B[k, j]| (the scale of the rounding). */
function reference(M: number, N: number, K: number, a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number, c0: Float32Array, cOff: number, ldc: number, acc: boolean) {
  const want = new Float64Array(c0.length);
  const scale = new Float64Array(c0.length);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const ci = cOff + i * ldc + j;
      let s = acc ? c0[ci] : 0;
      let t = acc ? Math.abs(c0[ci]) : 0;
      for (let k = 0; k < K; k++) {
        const p = a[aOff + i * aRs + k * aCs] * b[bOff + k * bRs + j * bCs];
        s += p;
        t += Math.abs(p);
      }
      want[ci] = s;
      scale[ci] = t;
    }
  }
  return { want, scale };
}

// [M, N, K, A transposed, B transposed, accumulate]
const CASES: [number, number, number, boolean, boolean, boolean][] = [
  [64, 64, 64, false, false, false],
  [37, 29, 300, false, false, true], // edges in M and N, two depth blocks
  [130, 520, 20, false, true, false], // past one row block (128) and one column block (512), Bᵀ
  [50, 16, 700, true, false, true], // Aᵀ, three depth blocks
  [5, 3, 2, false, false, false], // small: the TypeScript loop on both backends
];

describe('float32 GEMM', () => {
  for (const [M, N, K, ta, tb, acc] of CASES) {
    test(`M=${M} N=${N} K=${K}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}${acc ? ' accumulate' : ''}: wasm = js bit for bit, rtol 1e-5 of float64`, () => {
      const pad = 3;
      const a = rand32(pad + M * K);
      const b = rand32(pad + K * N);
      const [aRs, aCs] = ta ? [1, M] : [K, 1];
      const [bRs, bCs] = tb ? [1, K] : [N, 1];
      const ldc = N + 2;
      const c0 = rand32(pad + M * ldc);
      const js = c0.slice();
      gemmStrided32(M, N, K, a, pad, aRs, aCs, b, pad, bRs, bCs, js, pad, ldc, acc);
      const { want, scale } = reference(M, N, K, a, pad, aRs, aCs, b, pad, bRs, bCs, c0, pad, ldc, acc);
      let worst = 0;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const ci = pad + i * ldc + j;
          worst = Math.max(worst, Math.abs(js[ci] - want[ci]) / scale[ci]);
        }
      }
      expect(worst).toBeLessThan(1e-5);
      expect(worst).toBeGreaterThan(0); // float32 rounding is there: these are not float64 sums
      // Entries outside C's M×N window are left alone
      for (let i = 0; i < M; i++) expect([js[pad + i * ldc + N], js[pad + i * ldc + N + 1]]).toEqual([c0[pad + i * ldc + N], c0[pad + i * ldc + N + 1]]);
      if (!selectBackend('wasm')) return;
      const w = c0.slice();
      gemmStrided32Wasm(wasmKernels()!, M, N, K, a, pad, aRs, aCs, b, pad, bRs, bCs, w, pad, ldc, acc);
      expect(bits(w)).toEqual(bits(js));
    });
  }

  test('each product and sum is rounded to float32 in order, from +0, in depth blocks of KC32', () => {
    // 1 + 2^-24 is not a float32: a sum in float64 would keep it, float32 rounds it away (ties to even)
    const K = 3;
    const a = Float32Array.from([1, 1, 1]);
    const b = Float32Array.from([1, 2 ** -24, 2 ** -24]);
    const c = new Float32Array(1);
    gemmStrided32(1, 1, K, a, 0, K, 1, b, 0, 1, 1, c, 0, 1, false);
    expect(c[0]).toBe(1); // ((0 + 1) + 2^-24) + 2^-24 = 1 in float32 (float64: 1 + 2^-23)
    // In the other order the small terms add up first: 2^-23 + 1 = 1 + 2^-23, a float32
    const b2 = Float32Array.from([2 ** -24, 2 ** -24, 1]);
    gemmStrided32(1, 1, K, a, 0, K, 1, b2, 0, 1, 1, c, 0, 1, false);
    expect(c[0]).toBe(1 + 2 ** -23);
    // Depth blocks: the second block's sum is taken from +0, then added to C
    const K2 = KC32 + 1;
    const a2 = new Float32Array(K2).fill(1);
    const b3 = new Float32Array(K2).fill(2 ** -24);
    b3[0] = 1;
    b3[KC32] = 2 ** -23;
    gemmStrided32(1, 1, K2, a2, 0, K2, 1, b3, 0, 1, 1, c, 0, 1, false);
    expect(c[0]).toBe(Math.fround(1 + 2 ** -23)); // block 1 rounds every 2^-24 away, block 2 adds 2^-23
  });

  test('the registry has float32 GEMMs on both backends', () => {
    expect(hasKernel('gemm', 'js', 'float32')).toBe(true);
    expect(hasKernel('gemm', 'wasm', 'float32')).toBe(true);
    const C = new Float32Array(4);
    kernel('gemm', 'float32')(2, 2, 1, Float32Array.from([1, 2]), 0, 1, 1, Float32Array.from([3, 4]), 0, 2, 1, C, 0, 2, false);
    expect(Array.from(C)).toEqual([3, 4, 6, 8]);
  });
});

describe('float32 direct convolution forward', () => {
  // [m, h, w, d, f, stride, p, u]
  const SHAPES: [number, number, number, number, number, number, number, number][] = [
    [3, 9, 8, 1, 3, 1, 0, 32], // the CNN's first layer, small
    [2, 7, 7, 5, 3, 2, 1, 16], // strides, padding, depth
    [1, 6, 6, 3, 5, 1, 0, 8], // M not a multiple of 4
  ];
  for (const [m, h, w, d, f, st, p, u] of SHAPES) {
    test(`m=${m} ${h}×${w}×${d} ${f}×${f}/${st} p${p} u=${u}: wasm = js bit for bit, rtol 1e-5 of float64, relu`, async () => {
      const { ConvScratch } = await import('../../src/kernels/scratch.js');
      const oh = Math.floor((h + 2 * p - f) / st) + 1;
      const ow = Math.floor((w + 2 * p - f) / st) + 1;
      const dm = { m, h, w, d, fh: f, fw: f, sh: st, sw: st, p, oh, ow };
      const M = m * oh * ow;
      const K = f * f * d;
      const x = rand32(m * h * w * d);
      const W = rand32(K * u);
      const b = rand32(u);
      const run = (backend: 'js' | 'wasm'): { z: Float32Array; a: Float32Array } | null => {
        if (!selectBackend(backend)) return null;
        const z = new Float32Array(M * u);
        const a = new Float32Array(M * u);
        kernel('convForward', 'float32')(new ConvScratch(), x, dm, u, W, b, z, a);
        return { z, a };
      };
      const js = run('js')!;
      // float64 reference from the same float32 values
      let worst = 0;
      for (let im = 0, r = 0; im < m; im++) {
        for (let ioh = 0; ioh < oh; ioh++) {
          for (let iow = 0; iow < ow; iow++, r++) {
            for (let iu = 0; iu < u; iu++) {
              let s = b[iu];
              let t = Math.abs(b[iu]);
              for (let ifh = 0; ifh < f; ifh++) {
                for (let ifw = 0; ifw < f; ifw++) {
                  const hh = ioh * st + ifh - p;
                  const ww = iow * st + ifw - p;
                  if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
                  for (let id = 0; id < d; id++) {
                    const q = x[((im * h + hh) * w + ww) * d + id] * W[((ifh * f + ifw) * d + id) * u + iu];
                    s += q;
                    t += Math.abs(q);
                  }
                }
              }
              worst = Math.max(worst, Math.abs(js.z[r * u + iu] - s) / t);
              expect(js.a[r * u + iu]).toBe(js.z[r * u + iu] > 0 ? js.z[r * u + iu] : 0);
            }
          }
        }
      }
      expect(worst).toBeLessThan(1e-5);
      const wasm = run('wasm');
      if (wasm === null) return;
      expect(bits(wasm.z)).toEqual(bits(js.z));
      expect(bits(wasm.a)).toEqual(bits(js.a));
      // a only (evaluation): the same a
      const a2 = new Float32Array(M * u);
      kernel('convForward', 'float32')(new ConvScratch(), x, dm, u, W, b, null, a2);
      expect(bits(a2)).toEqual(bits(js.a));
    });
  }

  test('relu in float32: +0 for −0 and −∞, NaN stays NaN, on both backends', async () => {
    const { ConvScratch } = await import('../../src/kernels/scratch.js');
    const dm = { m: 1, h: 1, w: 4, d: 1, fh: 1, fw: 1, sh: 1, sw: 1, p: 0, oh: 1, ow: 4 };
    const x = Float32Array.from([-0, -Infinity, NaN, 2]);
    const W = new Float32Array(8).fill(0);
    W[0] = 1; // unit 0: x itself; units 1-7: x·0 (NaN for ±∞ and NaN)
    for (const backend of ['js', 'wasm'] as const) {
      if (!selectBackend(backend)) continue;
      const a = new Float32Array(32);
      kernel('convForward', 'float32')(new ConvScratch(), x, dm, 8, W, null, null, a);
      expect([a[0], a[8], a[16], a[24]].map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([0, 0, NaN, 2]);
    }
  });
});

describe('float32 direct convolution dW and db', () => {
  // [m, h, w, d, f, stride, p, u]: M = m·oh·ow rows over one, two and several chunks of RB32
  const SHAPES: [number, number, number, number, number, number, number, number][] = [
    [1, 8, 8, 1, 3, 1, 0, 8], // M = 36: one chunk
    [4, 12, 12, 1, 3, 1, 0, 32], // M = 400: two chunks, K = 9 (not a multiple of 4)
    [3, 13, 13, 4, 3, 1, 1, 16], // M = 507, padding, K = 36
  ];
  for (const [m, h, w, d, f, st, p, u] of SHAPES) {
    test(`m=${m} ${h}×${w}×${d} ${f}×${f}/${st} p${p} u=${u}: wasm = js bit for bit, rtol 1e-5 of float64`, async () => {
      const { ConvScratch } = await import('../../src/kernels/scratch.js');
      const { RB32 } = await import('../../src/kernels/js/f32.js');
      const oh = Math.floor((h + 2 * p - f) / st) + 1;
      const ow = Math.floor((w + 2 * p - f) / st) + 1;
      const dm = { m, h, w, d, fh: f, fw: f, sh: st, sw: st, p, oh, ow };
      const M = m * oh * ow;
      const K = f * f * d;
      const x = rand32(m * h * w * d);
      const dz = rand32(M * u);
      const run = (backend: 'js' | 'wasm'): { dW: Float32Array; db: Float32Array } | null => {
        if (!selectBackend(backend)) return null;
        const dW = rand32(K * u); // overwritten
        const db = rand32(u);
        kernel('convGradW', 'float32')(new ConvScratch(), x, dm, u, dz, dW, db);
        return { dW, db };
      };
      const js = run('js')!;
      // float64 reference from the same float32 values
      let worst = 0;
      for (let ifh = 0; ifh < f; ifh++) {
        for (let ifw = 0; ifw < f; ifw++) {
          for (let id = 0; id < d; id++) {
            const k = (ifh * f + ifw) * d + id;
            for (let iu = 0; iu < u; iu++) {
              let s = 0;
              let t = 0;
              for (let im = 0, r = 0; im < m; im++) {
                for (let ioh = 0; ioh < oh; ioh++) {
                  for (let iow = 0; iow < ow; iow++, r++) {
                    const hh = ioh * st + ifh - p;
                    const ww = iow * st + ifw - p;
                    if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
                    const q = x[((im * h + hh) * w + ww) * d + id] * dz[r * u + iu];
                    s += q;
                    t += Math.abs(q);
                  }
                }
              }
              worst = Math.max(worst, Math.abs(js.dW[k * u + iu] - s) / t);
            }
          }
        }
      }
      expect(worst).toBeLessThan(1e-5);
      for (let iu = 0; iu < u; iu++) {
        let s = 0;
        let t = 0;
        for (let r = 0; r < M; r++) {
          s += dz[r * u + iu];
          t += Math.abs(dz[r * u + iu]);
        }
        expect(Math.abs(js.db[iu] - s) / t).toBeLessThan(1e-5);
      }
      expect(M > RB32).toBe(m > 1); // the chunked sums are exercised
      const wasm = run('wasm');
      if (wasm === null) return;
      expect(bits(wasm.dW)).toEqual(bits(js.dW));
      expect(bits(wasm.db)).toEqual(bits(js.db));
    });
  }
});

describe('float32 convolution dX', () => {
  // [m, h, w, d, f, stride, p, u]
  const SHAPES: [number, number, number, number, number, number, number, number][] = [
    [2, 9, 9, 1, 3, 1, 0, 32], // overlapping windows
    [2, 8, 8, 3, 3, 2, 1, 16], // strides and padding
    [3, 13, 13, 32, 3, 1, 1, 64], // the bigger CNN's second layer, small: M·K·u past the small-GEMM size
  ];
  for (const [m, h, w, d, f, st, p, u] of SHAPES) {
    test(`m=${m} ${h}×${w}×${d} ${f}×${f}/${st} p${p} u=${u}: wasm = js bit for bit, rtol 1e-5 of float64`, async () => {
      const { ConvScratch } = await import('../../src/kernels/scratch.js');
      const oh = Math.floor((h + 2 * p - f) / st) + 1;
      const ow = Math.floor((w + 2 * p - f) / st) + 1;
      const dm = { m, h, w, d, fh: f, fw: f, sh: st, sw: st, p, oh, ow };
      const M = m * oh * ow;
      const K = f * f * d;
      const x = rand32(m * h * w * d);
      const dz = rand32(M * u);
      const W = rand32(K * u);
      const run = (backend: 'js' | 'wasm'): Float32Array | null => {
        if (!selectBackend(backend)) return null;
        const dx = rand32(x.length); // overwritten
        kernel('convGradX', 'float32')(new ConvScratch(), x, dm, u, dz, W, dx);
        return dx;
      };
      const js = run('js')!;
      const want = new Float64Array(x.length);
      const scale = new Float64Array(x.length);
      for (let im = 0, r = 0; im < m; im++) {
        for (let ioh = 0; ioh < oh; ioh++) {
          for (let iow = 0; iow < ow; iow++, r++) {
            for (let ifh = 0; ifh < f; ifh++) {
              for (let ifw = 0; ifw < f; ifw++) {
                const hh = ioh * st + ifh - p;
                const ww = iow * st + ifw - p;
                if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
                for (let id = 0; id < d; id++) {
                  const k = (ifh * f + ifw) * d + id;
                  const j = ((im * h + hh) * w + ww) * d + id;
                  for (let iu = 0; iu < u; iu++) {
                    const q = dz[r * u + iu] * W[k * u + iu];
                    want[j] += q;
                    scale[j] += Math.abs(q);
                  }
                }
              }
            }
          }
        }
      }
      let worst = 0;
      for (let j = 0; j < x.length; j++) worst = Math.max(worst, scale[j] === 0 ? Math.abs(js[j]) : Math.abs(js[j] - want[j]) / scale[j]);
      expect(worst).toBeLessThan(1e-5);
      const wasm = run('wasm');
      if (wasm === null) return;
      expect(bits(wasm)).toEqual(bits(js));
    });
  }
});

test("float32 conv forward and dW on arrays from the 'buffer' kernel (resident on wasm) = on ordinary arrays, bit for bit", async () => {
  const { ConvScratch } = await import('../../src/kernels/scratch.js');
  if (!selectBackend('wasm')) return;
  const [m, h, w, d, f, u] = [2, 10, 10, 2, 3, 16];
  const dm = { m, h, w, d, fh: f, fw: f, sh: 1, sw: 1, p: 0, oh: 8, ow: 8 };
  const M = m * 8 * 8;
  const K = f * f * d;
  const buffer = kernel('buffer', 'float32');
  const resident = (src: Float32Array): Float32Array => {
    const r = buffer(src.length);
    r.set(src);
    return r;
  };
  const x = rand32(m * h * w * d), W = rand32(K * u), b = rand32(u), dz = rand32(M * u);
  // resident where the memory is shared (else the js kernel's ordinary arrays)
  expect(wasmKernels()!.addressOf(buffer(8)) >= 0).toBe(wasmKernels()!.shared);
  const out = (xs: Float32Array, zs: Float32Array, as: Float32Array, dzs: Float32Array) => {
    kernel('convForward', 'float32')(new ConvScratch(), xs, dm, u, W, b, zs, as);
    const dW = new Float32Array(K * u), db = new Float32Array(u);
    kernel('convGradW', 'float32')(new ConvScratch(), xs, dm, u, dzs, dW, db);
    return [zs, as, dW, db].map(bits);
  };
  const plain = out(x, new Float32Array(M * u), new Float32Array(M * u), dz);
  const inPlace = out(resident(x), buffer(M * u), buffer(M * u), resident(dz));
  expect(inPlace).toEqual(plain);
});

test("float32 Dense products ('gemmNNSmallN', 'gemmNTSmallK', 'gemmTNSmallN') and relu's backward: the float32 GEMM's bits on both backends", async () => {
  const { gemmNN32, gemmNT32, gemmTN32 } = await import('../../src/kernels/js/f32.js');
  const [M, N, K] = [32, 10, 300]; // K past one depth block
  const a = rand32(M * K), b = rand32(K * N), bt = rand32(N * K), at = rand32(K * M), bn = rand32(K * N);
  const want = [new Float32Array(M * N), new Float32Array(M * N), new Float32Array(M * N)];
  gemmNN32(M, N, K, a, b, want[0]);
  gemmNT32(M, N, K, a, bt, want[1]);
  gemmTN32(M, N, K, at, bn, want[2]);
  const g = rand32(64), z = rand32(64);
  const relu = Float32Array.from(g, (v, i) => (z[i] > 0 ? v : 0 * v));
  for (const backend of ['js', 'wasm'] as const) {
    if (!selectBackend(backend)) continue;
    const got = [new Float32Array(M * N), new Float32Array(M * N), new Float32Array(M * N)];
    kernel('gemmNNSmallN', 'float32')(M, N, K, a, b, got[0]);
    kernel('gemmNTSmallK', 'float32')(M, N, K, a, bt, got[1]);
    kernel('gemmTNSmallN', 'float32')(M, N, K, at, bn, got[2]);
    expect(got.map(bits)).toEqual(want.map(bits));
    const out = new Float32Array(64);
    kernel('reluBackward', 'float32')(g, z, out);
    expect(bits(out)).toEqual(bits(relu));
  }
});

describe('float32 pooling', () => {
  // [h, w, d, ph, pw, sh, sw]: 2×2/2 (windows of 4), overlapping 3×3/1, 1×4/4
  const SHAPES: [number, number, number, number, number, number, number][] = [[6, 8, 3, 2, 2, 2, 2], [7, 7, 2, 3, 3, 1, 1], [4, 8, 2, 1, 4, 1, 4]];
  for (const [h, w, d, ph, pw, sh, sw] of SHAPES) {
    test(`${h}×${w}×${d} window ${ph}×${pw} strides ${sh}×${sw}: max/min exact, mean within float32 rounding, forward and backward`, async () => {
      const { MAX, MEAN, MIN, SELECT, poolWindows, poolBackLoops } = await import('../../src/kernels/js/pool.js');
      const { windowOffsets } = await import('../../src/kernels/pool.js');
      const m = 2;
      const oh = Math.floor((h - ph) / sh) + 1;
      const ow = Math.floor((w - pw) / sw) + 1;
      const p = { m, h, w, d, oh, ow, sh, sw, ph, pw };
      const offs = windowOffsets(p);
      const x32 = rand32(m * h * w * d);
      x32[5] = x32[6]; // a tie
      const x64 = Float64Array.from(x32);
      const da32 = rand32(m * oh * ow * d);
      const da64 = Float64Array.from(da32);
      const nz = m * oh * ow * d;
      for (const backend of ['js', 'wasm'] as const) {
        if (!selectBackend(backend)) continue;
        for (const [mode, sign] of [[SELECT, 1], [SELECT, -1], [MAX, 1], [MIN, 1], [MEAN, 1]] as const) {
          const z32 = new Float32Array(nz);
          const z64 = new Float64Array(nz);
          kernel('poolWindows', 'float32')(x32, z32, p, offs, mode, sign);
          poolWindows(x64, z64, m, h, w, d, oh, ow, sh, sw, offs, mode, sign);
          if (mode !== MEAN) expect(Array.from(z32)).toEqual(Array.from(z64)); // a selected float32 value
          else for (let i = 0; i < nz; i++) expect(Math.abs(z32[i] - z64[i])).toBeLessThan(1e-6 * (offs.length + 1));
          // Backward onto zeros
          const mean = mode === MEAN;
          const dx32 = new Float32Array(x32.length);
          const dx64 = new Float64Array(x64.length);
          if (mean) kernel('poolMeanBack', 'float32')(da32, dx32, p);
          else kernel('poolMask', 'float32')(x32, z32, da32, dx32, p, offs, false);
          poolBackLoops(x64, z64, da64, dx64, p, mean);
          if (!mean && sh >= ph && sw >= pw) expect(Array.from(dx32)).toEqual(Array.from(dx64)); // one term each: exact
          else for (let i = 0; i < dx32.length; i++) expect(Math.abs(dx32[i] - dx64[i])).toBeLessThan(1e-6 * 9 * (Math.abs(dx64[i]) + 1));
          if (!mean && ph * pw === 4 && sh >= ph && sw >= pw) {
            const dx4 = rand32(x32.length).fill(0);
            kernel('poolMask4', 'float32')(x32, z32, da32, dx4, p);
            expect(bits(dx4)).toEqual(bits(dx32));
          }
        }
      }
    });
  }
});
