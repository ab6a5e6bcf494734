// The WebAssembly kernels: the committed module is the assembly of kernels.wat, and every kernel gives
// the same bits as its TypeScript counterpart (same sums in the same order), on a shared memory with
// arrays resident in it and on an unshared memory with copies in and out. Both backends are checked
// against the plain loops elsewhere (tests/commons/gemm.test.ts, tests/convolution; CI runs those with
// EPYNN_BACKEND=js too).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { seededRng } from '../../src/commons/rng.js';
import { getBackend, setBackend } from '../../src/commons/backend.js';
import { EpyNNError } from '../../src/errors.js';
import { offsets } from '../../src/kernels/js/conv.js';
import { directForward, directGradW, directGradX, packW } from '../../src/kernels/js/conv.js';
import * as jsGemm from '../../src/kernels/js/gemm.js';
import { convForwardWasm, convGradWWasm, convGradXWasm, reluBackwardWasm } from '../../src/kernels/wasm/conv.js';
import { gemmNNSmallNWasm, gemmStridedWasm, gemmTNSmallNWasm } from '../../src/kernels/wasm/gemm.js';
import { WASM_MODULES } from '../../src/kernels/wasm/module.js';
import { type WasmRuntime, createWasmRuntime, decodeBase64, moduleBytes } from '../../src/kernels/wasm/runtime.js';

const root = join(import.meta.dirname, '..', '..');
const rng = seededRng(11);
const rand = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.standardNormal());
/** The exact bits of every element (any NaN as 'NaN': its sign and payload are not specified). */
const bits = (a: Float64Array): string =>
  Array.from(a, (v, i) => (Number.isNaN(v) ? 'NaN' : Buffer.from(a.buffer, a.byteOffset + 8 * i, 8).toString('hex'))).join(' ');

describe('the embedded module', () => {
  test('module.ts is what scripts/build-wasm.mjs assembles from kernels.wat', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/matches/);
  });

  test('decodeBase64 inverts base64 (the bare-V8 decoder)', () => {
    for (const { bytes: b64 } of WASM_MODULES) {
      const bytes = decodeBase64(b64);
      expect(Buffer.from(bytes).toString('base64')).toBe(b64);
      expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]); // \0asm
      expect(bytes.length).toBeLessThanOrEqual(4096); // synchronous compile on a page's main thread
    }
  });

  test('each module is embedded once; the unshared variant is wabt\'s unshared build (one flag byte patched)', async () => {
    const wabt = await (await import('wabt')).default();
    const { readFileSync } = await import('node:fs');
    const { readdirSync } = await import('node:fs');
    const wats = readdirSync(join(root, 'src', 'kernels', 'wasm')).filter((f) => f.endsWith('.wat')).sort();
    expect(WASM_MODULES.map((m) => m.file).sort()).toEqual(wats); // every .wat file, each once
    for (const [i, { file }] of WASM_MODULES.entries()) {
      const text = readFileSync(join(root, 'src', 'kernels', 'wasm', file), 'utf8');
      for (const shared of [true, false]) {
        const mod = wabt.parseWat(file, text.replace('SHARED', shared ? 'shared' : ''), { simd: true, threads: true });
        const want = Buffer.from(mod.toBinary({}).buffer).toString('hex');
        mod.destroy();
        expect(Buffer.from(moduleBytes(WASM_MODULES[i], shared)).toString('hex')).toBe(want);
      }
    }
    // The memory each variant imports really is (un)shared: instantiation fails with the wrong kind
    const unshared = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    for (const m of WASM_MODULES) {
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(m, false)), { env: { memory: unshared } })).not.toThrow();
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(m, false)), { env: { memory: shared } })).toThrow();
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(m, true)), { env: { memory: shared } })).not.toThrow();
    }
  });
});

const runtimes: [string, () => WasmRuntime][] = [
  ['shared memory', () => createWasmRuntime(true)],
  ['unshared memory', () => createWasmRuntime(false)],
];

describe.each(runtimes)('WebAssembly kernels = TypeScript kernels, bit for bit (%s)', (_, make) => {
  const rt = make();
  /** x itself, or a copy resident in the module's memory when it is shared. */
  const place = (x: Float64Array): Float64Array => {
    const r = rt.residentArray(x.length);
    if (r === null) return x;
    r.set(x);
    return r;
  };

  test('residentArray only on a shared memory', () => {
    expect(rt.residentArray(4) !== null).toBe(rt.shared);
  });

  const shapes: [number, number, number][] = [[5, 7, 9], [33, 31, 65], [32, 64, 784], [129, 5, 257], [6, 130, 300], [127, 513, 3], [200, 10, 260]];
  test.each(shapes)('gemmStrided M=%i N=%i K=%i, every transpose, overwrite and accumulate', (M, N, K) => {
    const A = place(rand(M * K));
    const B = place(rand(K * N));
    for (const [aRs, aCs] of [[K, 1], [1, M]]) {
      for (const [bRs, bCs] of [[N, 1], [1, K]]) {
        for (const acc of [false, true]) {
          const c0 = rand(M * N + 3);
          const cj = c0.slice();
          const cw = place(c0.slice());
          jsGemm.gemmStrided(M, N, K, A, 0, aRs, aCs, B, 0, bRs, bCs, cj, 2, N, acc);
          gemmStridedWasm(rt, M, N, K, A, 0, aRs, aCs, B, 0, bRs, bCs, cw, 2, N, acc);
          expect(bits(cw)).toBe(bits(cj));
        }
      }
    }
  });

  const smallShapes: [number, number, number][] = [[32, 10, 5408], [5, 7, 9], [1, 1, 1], [3, 3, 300], [6, 16, 513], [7, 5, 256], [4, 2, 1]];
  test.each(smallShapes)('gemmNNSmallN M=%i N=%i K=%i (Dense forward), A resident or copied', (M, N, K) => {
    const a = rand(M * K), b = rand(K * N);
    a[0] = -0; b[1] = -0; // signed zeros: each sum starts at 0 as the TS kernel's
    const cj = new Float64Array(M * N);
    jsGemm.gemmNNSmallN(M, N, K, a, b, cj);
    for (const A of [a, place(a.slice())]) {
      const cw = rand(M * N); // overwritten
      gemmNNSmallNWasm(rt, M, N, K, A, b, cw);
      expect(bits(cw)).toBe(bits(cj));
    }
  });

  test.each(smallShapes)('gemmTNSmallN M=%i N=%i K=%i (Dense dW), A resident or copied', (M, N, K) => {
    const a = rand(K * M), b = rand(K * N); // A stored (K, M)
    a[0] = -0; b[1] = -0;
    const cj = new Float64Array(M * N);
    jsGemm.gemmTNSmallN(M, N, K, a, b, cj);
    for (const A of [a, place(a.slice())]) {
      const cw = rand(M * N); // overwritten
      gemmTNSmallNWasm(rt, M, N, K, A, b, cw);
      expect(bits(cw)).toBe(bits(cj));
    }
  });

  const convs = [
    { m: 3, h: 9, w: 8, d: 2, fh: 3, fw: 3, sh: 1, sw: 1, p: 0, u: 5 },
    { m: 4, h: 12, w: 12, d: 1, fh: 3, fw: 3, sh: 1, sw: 1, p: 0, u: 32 },
    { m: 2, h: 10, w: 11, d: 3, fh: 5, fw: 4, sh: 2, sw: 3, p: 1, u: 6 },
    { m: 2, h: 30, w: 30, d: 1, fh: 2, fw: 2, sh: 1, sw: 1, p: 0, u: 4 }, // M > 128: several chunks
  ];
  test.each(convs)('conv forward (+relu), dW, db and dX: %o', (c) => {
    const hp = c.h + 2 * c.p, wp = c.w + 2 * c.p;
    const oh = Math.floor((hp - c.fh) / c.sh) + 1, ow = Math.floor((wp - c.fw) / c.sw) + 1;
    const dm = { ...c, oh, ow };
    const M = c.m * oh * ow, K = c.fh * c.fw * c.d, u = c.u;
    const xoff = new Int32Array((M + 3) & ~3), koff = new Int32Array((K + 3) & ~3);
    offsets(dm, xoff, koff);
    const xp = place(rand(c.m * hp * wp * c.d)); // stands for the padded input
    const W = rand(K * u), b = rand(u);
    const wpk = new Float64Array(K * ((u + 3) & ~3));
    packW(W, K, u, wpk);
    const zj = new Float64Array(M * u), aj = new Float64Array(M * u);
    directForward(xp, xoff, koff, M, K, u, wpk, b, zj, aj);
    const zw = place(new Float64Array(M * u)), aw = place(new Float64Array(M * u));
    convForwardWasm(rt, xp, xoff, koff, M, K, u, W, b, zw, aw);
    expect(bits(zw)).toBe(bits(zj));
    expect(bits(aw)).toBe(bits(aj));
    // a only (forwardOnly): the same a, z never written
    for (const ao of [new Float64Array(M * u), place(new Float64Array(M * u))]) {
      convForwardWasm(rt, xp, xoff, koff, M, K, u, W, b, null, ao);
      expect(bits(ao)).toBe(bits(aj));
    }
    const zn = new Float64Array(M * u);
    convForwardWasm(rt, xp, xoff, koff, M, K, u, W, null, zn, null);
    const znj = new Float64Array(M * u);
    directForward(xp, xoff, koff, M, K, u, wpk, null, znj, null);
    expect(bits(zn)).toBe(bits(znj));

    const dz = place(rand(M * u));
    const ldz = (u + 3) & ~3;
    const dzp = new Float64Array(M * ldz);
    for (let r = 0; r < M; r++) dzp.set(dz.subarray(r * u, r * u + u), r * ldz);
    const dWj = new Float64Array(K * u), dbj = new Float64Array(u);
    directGradW(xp, xoff, koff, M, K, u, dzp, ldz, dWj, dbj);
    const dWw = rand(K * u), dbw = rand(u); // overwritten
    convGradWWasm(rt, xp, xoff, koff, M, K, u, dz, dWw, dbw);
    expect(bits(dWw)).toBe(bits(dWj));
    expect(bits(dbw)).toBe(bits(dbj));

    // dX into the padded input's layout; overlapping windows add up in the same order
    const dxj = new Float64Array(xp.length);
    directGradX(dz, xoff, koff, M, K, u, W, dxj);
    const dxw = place(new Float64Array(xp.length));
    convGradXWasm(rt, dz, xoff, koff, M, K, u, W, dxw);
    expect(bits(dxw)).toBe(bits(dxj));
  });

  test('relu forward edge values and relu backward', () => {
    // z = x·1 with special values: relu gives +0 for −0 and −∞, NaN for NaN
    const special = [0, -0, 1.5, -2, Infinity, -Infinity, NaN, 5e-324, -5e-324];
    const n = special.length;
    const x = place(Float64Array.from(special));
    const xoff = new Int32Array(12), koff = new Int32Array(4);
    for (let r = 0; r < 12; r++) xoff[r] = Math.min(r, n - 1);
    const z = new Float64Array(n), a = new Float64Array(n);
    convForwardWasm(rt, x, xoff, koff, n, 1, 1, Float64Array.of(1), null, z, a);
    const aj = Float64Array.from(special, (v) => Math.max(v, 0));
    expect(bits(a)).toBe(bits(aj));
    for (const len of [n, 1000, 1001]) {
      const g = place(rand(len)), zz = place(rand(len));
      zz.set(special.slice(0, Math.min(len, n)));
      const out = place(new Float64Array(len));
      reluBackwardWasm(rt, g, zz, out);
      expect(bits(out)).toBe(bits(Float64Array.from(g, (v, i) => v * +(zz[i] > 0))));
    }
  });
});

describe('setBackend / getBackend', () => {
  test('switches the kernels and rejects unknown names', () => {
    const before = getBackend();
    try {
      setBackend('js');
      expect(getBackend()).toBe('js');
      setBackend('wasm');
      expect(getBackend()).toBe('wasm');
      expect(() => setBackend('gpu' as never)).toThrow(EpyNNError);
      expect(() => setBackend('gpu' as never)).toThrow(/backend must be 'wasm' or 'js', got 'gpu'/);
      expect(getBackend()).toBe('wasm');
    } finally {
      setBackend(before);
    }
  });

  test('EPYNN_BACKEND sets the initial backend', () => {
    const code = "import('./src/commons/backend.ts').then((m) => console.log(m.getBackend()))";
    const run = (env: string): string => execFileSync(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: root, encoding: 'utf8', env: { ...process.env, EPYNN_BACKEND: env },
    }).trim();
    expect(run('js')).toBe('js');
    expect(run('wasm')).toBe('wasm');
    // a misspelled choice is an error, like EPYNN_THREADS, not a silent wasm
    for (const bad of ['jss', 'JS', 'wsam']) expect(() => run(bad)).toThrow(`EpyNNError: EPYNN_BACKEND must be 'js' or 'wasm' (or unset), got '${bad}'`);
  });
});

describe('Pooling on resident buffers (the WebAssembly kernels) = the TypeScript loops, bit for bit', () => {
  const special = [0, -0, 1.5, -2, Infinity, -Infinity, NaN, 3, 3];
  const cases = [
    { pool: 'max' as const, poolSize: 2, strides: 2, h: 8, w: 6 },
    { pool: 'min' as const, poolSize: 2, strides: 2, h: 8, w: 6 },
    { pool: 'max' as const, poolSize: [1, 4] as [number, number], strides: [1, 4] as [number, number], h: 5, w: 9 },
    { pool: 'max' as const, poolSize: 2, strides: 1, h: 7, w: 7 }, // overlapping: forward only
    { pool: 'mean' as const, poolSize: 2, strides: 2, h: 8, w: 6 },
    { pool: 'mean' as const, poolSize: 3, strides: 2, h: 7, w: 9 }, // overlapping windows add up in order
    { pool: 'mean' as const, poolSize: [1, 4] as [number, number], strides: [1, 3] as [number, number], h: 5, w: 10 },
    { pool: 'max' as const, poolSize: 3, strides: 3, h: 9, w: 6 }, // windows of 9 (any window: kernels5.wat)
    { pool: 'min' as const, poolSize: 3, strides: 2, h: 7, w: 9 }, // overlapping windows of 9
    { pool: 'max' as const, poolSize: [7, 6] as [number, number], strides: [7, 6] as [number, number], h: 7, w: 6 }, // global
    { pool: 'max' as const, poolSize: [2, 3] as [number, number], strides: 1, h: 6, w: 7 },
  ];
  test.each(cases)('%o, with infinities, NaN, signed zeros and ties', async (c) => {
    const { Pooling } = await import('../../src/pooling/models.js');
    const { NDArray } = await import('../../src/commons/ndarray.js');
    const { kernelArray } = await import('../../src/kernels/backend.js');
    const before = getBackend();
    const shape = [3, c.h, c.w, 4];
    const n = shape.reduce((a, b) => a * b);
    const base = rand(n);
    for (let i = 0; i < n; i += 7) base[i] = special[(i / 7) % special.length];
    const grads = rand(n);
    const gradsSpecial = grads.map((v, i) => (i % 5 === 0 ? special[(i / 5) % special.length] : v)); // ±∞, NaN, ±0 in dA too
    for (const finite of [true, false]) {
      const runs: string[][] = [];
      for (const backend of ['wasm', 'js'] as const) {
        setBackend(backend);
        const layer = new Pooling({ poolSize: c.poolSize, strides: c.strides, pool: c.pool });
        layer.reuseOutputs = true; // outputs in reused (resident, on wasm) buffers, as in training
        const x = kernelArray(n);
        x.set(finite ? base.map((v) => (Number.isFinite(v) ? v : 0.25)) : base);
        const X = new NDArray(x, shape);
        layer.computeShapes(X);
        const Z = layer.forward(X);
        const dA = new NDArray((finite ? grads : gradsSpecial).slice(0, Z.size), Z.shape);
        const dX = layer.backward(dA);
        runs.push([bits(Z.data), bits(dX.data)]);
      }
      expect(runs[0][0] === runs[1][0], 'Z').toBe(true);
      expect(runs[0][1] === runs[1][1], 'dX').toBe(true);
    }
    setBackend(before);
  });
});

describe('Dense on both backends: the same bits (small-N kernels, or the packed GEMM whose sums match them)', () => {
  test.each([[8, 300, 10], [32, 541, 3], [100, 40, 7], [5, 20, 20]])('m=%i n=%i u=%i: forward, backward, gradients', async (m, n, u) => {
    const { Dense } = await import('../../src/dense/models.js');
    const { NDArray } = await import('../../src/commons/ndarray.js');
    const { softmax } = await import('../../src/activation/functions.js');
    const before = getBackend();
    const X = new NDArray(rand(m * n), [m, n]);
    const dA = new NDArray(rand(m * u), [m, u]);
    const W = rand(n * u), b = rand(u);
    const runs: string[] = [];
    for (const backend of ['wasm', 'js'] as const) {
      setBackend(backend);
      const layer = new Dense({ units: u, activate: softmax });
      layer.computeShapes(X);
      layer.initializeParameters();
      layer.p.W.data.set(W);
      layer.p.b.data.set(b);
      const A = layer.forward(X);
      const dX = layer.backward(dA);
      layer.computeGradients();
      runs.push([A, dX, layer.g.dW, layer.g.db].map((t) => bits(t.data)).join('|'));
    }
    setBackend(before);
    expect(runs[0] === runs[1]).toBe(true);
  });
});

describe('the WebAssembly kernels in a bundle run by bare V8 (no Buffer, atob, process)', () => {
  test('the browser bundle picks wasm and trains a CNN to the same parameters as the js kernels', async () => {
    const { build } = await import('esbuild');
    const { runInNewContext } = await import('node:vm');
    const result = await build({
      entryPoints: [join(root, 'src', 'index.ts')], bundle: true, platform: 'browser', format: 'iife',
      globalName: 'epynn', write: false, logLevel: 'silent',
    });
    const sandbox = { out: {} as Record<string, unknown> };
    runInNewContext(`${result.outputFiles[0].text}
      const { EpyNN, Embedding, Convolution, Pooling, Flatten, Dense, softmax, getBackend, setBackend } = epynn;
      out.initial = getBackend();
      const X = Array.from({ length: 24 }, (_, i) => Array.from({ length: 8 }, (_, r) =>
        Array.from({ length: 8 }, (_, c) => [((i * 7 + r * 3 + c * 5) % 11) / 11])));
      const Y = X.map((_, i) => i % 2);
      const train = (backend) => {
        setBackend(backend);
        const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8 }),
          new Convolution({ unitFilters: 4, filterSize: 3, strides: 1 }), new Pooling({ poolSize: 2 }),
          new Flatten(), new Dense({ units: 2, activate: softmax })], 'v8');
        model.initialize({ loss: 'CCE', seed: 3, quiet: true });
        model.train({ epochs: 2, quiet: true });
        return model.layers.flatMap((l) => Object.values(l.p).flatMap((p) => Array.from(p.data)));
      };
      const w = train('wasm');
      const j = train('js');
      out.n = w.length;
      out.maxDiff = Math.max(...w.map((v, i) => Math.abs(v - j[i])));
      out.hasBuffer = typeof Buffer !== 'undefined' || typeof atob !== 'undefined';
    `, sandbox);
    expect(sandbox.out.hasBuffer).toBe(false);
    expect(sandbox.out.initial).toBe('wasm');
    expect(sandbox.out.n).toBeGreaterThan(40);
    expect(sandbox.out.maxDiff).toBe(0); // every kernel, Dense's included, gives the same bits on both
  });
});
