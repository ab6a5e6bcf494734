// float32 beside float64 at the kernel level (issue 28): the registry's 'gemm' (512³) and 'convForward'
// (S3 and S4, relu fused) entries in both dtypes, on the backend under test, one thread. The float32
// layer path (dtype: 'float32' models) is not wired yet: these rows are the kernels it will run on.
import { activeBackend } from '../../src/kernels/backend.js';
import { kernel } from '../../src/kernels/registry.js';
import { ConvScratch } from '../../src/kernels/scratch.js';
import { randomArray, time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';
import { SHAPES, convFlops, describeShape } from './conv.js';

/** ≥ 10 calls and 300 ms (100 quick) first: V8's baseline tier for WebAssembly (see conv.ts). */
function warm(fn: () => void, o: BenchOptions): void {
  const t0 = performance.now();
  for (let i = 0; i < 10 || performance.now() - t0 < (o.quick ? 100 : 300); i++) fn();
}

async function gemm(o: BenchOptions): Promise<Row[]> {
  await import('../../src/kernels/backend.js'); // registers the kernels
  const n = 512;
  const a64 = randomArray(n * n, 1), b64 = randomArray(n * n, 2);
  const a32 = Float32Array.from(a64), b32 = Float32Array.from(b64);
  const c64 = new Float64Array(n * n), c32 = new Float32Array(n * n);
  const g64 = kernel('gemm', 'float64'), g32 = kernel('gemm', 'float32');
  const f64 = (): void => g64(n, n, n, a64, 0, n, 1, b64, 0, n, 1, c64, 0, n, false);
  const f32 = (): void => g32(n, n, n, a32, 0, n, 1, b32, 0, n, 1, c32, 0, n, false);
  warm(f64, o);
  warm(f32, o);
  const t = { runs: o.runs, warmup: o.warmup };
  const t64 = time(f64, t), t32 = time(f32, t);
  const flops = 2 * n * n * n;
  return [
    { case: 'GEMM 512³', dtype: 'float64', ours: t64.median, flops, note: 'registry entry gemm' },
    { case: 'GEMM 512³', dtype: 'float32', ours: t32.median, flops, note: `${(t64.median / t32.median).toFixed(2)}× float64's speed` },
  ];
}

async function convForward(id: string, o: BenchOptions): Promise<Row[]> {
  await import('../../src/kernels/backend.js');
  const c = SHAPES.find((s) => s.id === id)!;
  const oh = Math.floor((c.h + 2 * c.p - c.f) / c.s) + 1;
  const ow = Math.floor((c.w + 2 * c.p - c.f) / c.s) + 1;
  const dm = { m: c.m, h: c.h, w: c.w, d: c.d, fh: c.f, fw: c.f, sh: c.s, sw: c.s, p: c.p, oh, ow };
  const K = c.f * c.f * c.d;
  const n = c.m * oh * ow * c.u;
  const x64 = randomArray(c.m * c.h * c.w * c.d, 1), W64 = randomArray(K * c.u, 2, 0.3), b64 = randomArray(c.u, 3);
  const x32 = Float32Array.from(x64), W32 = Float32Array.from(W64), b32 = Float32Array.from(b64);
  const z64 = new Float64Array(n), a64 = new Float64Array(n), z32 = new Float32Array(n), a32 = new Float32Array(n);
  const s64 = new ConvScratch(), s32 = new ConvScratch();
  const k64 = kernel('convForward', 'float64'), k32 = kernel('convForward', 'float32');
  const f64 = (): void => k64(s64, x64, dm, c.u, W64, b64, z64, a64);
  const f32 = (): void => k32(s32, x32, dm, c.u, W32, b32, z32, a32);
  warm(f64, o);
  warm(f32, o);
  const t = { runs: o.runs, warmup: o.warmup };
  const t64 = time(f64, t), t32 = time(f32, t);
  const flops = convFlops(c);
  return [
    { case: `conv ${id} forward (relu)`, dtype: 'float64', ours: t64.median, flops, samples: c.m, note: describeShape(c) },
    {
      case: `conv ${id} forward (relu)`, dtype: 'float32', ours: t32.median, flops, samples: c.m,
      note: `${(t64.median / t32.median).toFixed(2)}× float64's speed${activeBackend() === 'wasm' ? ' (float32 arrays copied in and out of the WebAssembly memory)' : ''}`,
    },
  ];
}

export const f32Cases: BenchCase[] = [
  { name: 'f32 gemm', run: gemm },
  { name: 'f32 conv S3', run: (o) => convForward('S3', o) },
  { name: 'f32 conv S4', run: (o) => convForward('S4', o) },
];
