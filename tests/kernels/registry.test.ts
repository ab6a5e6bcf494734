// The kernel registry (src/kernels/registry.ts): kernels keyed by op, backend and dtype; the active
// backend's kernel runs, and where it declines (DECLINE) the next backend of its chain; the TypeScript
// backend offers every float64 op. The layers reach kernels only through it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { activeBackend, selectBackend } from '../../src/kernels/backend.js';
import {
  DECLINE, type OpName, activeKernelBackend, hasKernel, kernel, kernelBackends, registerBackend, registerKernel, setActiveBackend,
} from '../../src/kernels/registry.js';
import { EpyNNError } from '../../src/errors.js';
import { gemmNN } from '../../src/kernels/gemm.js';

const OPS: OpName[] = [
  'gemm', 'gemmNNSmallN', 'gemmNTSmallK', 'gemmTNSmallN', 'convForward', 'convGradW', 'convGradX', 'reluBackward',
  'poolWindows', 'poolMask4', 'poolMask', 'poolMeanBack', 'recurrentGemm', 'stepActivation', 'stepKernels',
  'derivative', 'rowSum', 'buffer',
];

const initial = activeBackend();
afterEach(() => {
  selectBackend(initial);
});

describe('kernel registry', () => {
  test("the 'js' backend has every float64 op, 'wasm' the same ops", () => {
    for (const op of OPS) {
      expect(hasKernel(op, 'js', 'float64'), op).toBe(true);
      expect(hasKernel(op, 'wasm', 'float64'), op).toBe(true);
      expect(kernelBackends(op, 'float64').sort(), op).toEqual(['js', 'wasm']);
    }
  });

  test('selectBackend makes the registry run that backend first', () => {
    selectBackend('js');
    expect(activeKernelBackend()).toBe('js');
    if (selectBackend('wasm')) expect(activeKernelBackend()).toBe('wasm');
  });

  test('a backend that declines falls back along its chain; a replaced kernel takes effect', () => {
    registerBackend('test-declining', ['test-declining', 'js']);
    const seen: string[] = [];
    registerKernel({
      op: 'rowSum', backend: 'test-declining', dtype: 'float64',
      kernel: (db, G, rows, u) => {
        if (u % 2 === 1) {
          seen.push('declined');
          return DECLINE;
        }
        seen.push('ran');
        db.fill(7, 0, u); // recognisably not the sum
        return undefined;
      },
    });
    setActiveBackend('test-declining');
    try {
      const G = Float64Array.from([1, 2, 3, 4, 5, 6]);
      const db3 = new Float64Array(3);
      kernel('rowSum', 'float64')(db3, G, 2, 3); // u odd: declined, the js kernel sums
      expect(Array.from(db3)).toEqual([5, 7, 9]);
      const db2 = new Float64Array(2);
      kernel('rowSum', 'float64')(db2, G, 3, 2); // u even: this backend's kernel
      expect(Array.from(db2)).toEqual([7, 7]);
      expect(seen).toEqual(['declined', 'ran']);
      // An op this backend does not register: the chain's next backend runs it
      const C = new Float64Array(4);
      gemmNN(2, 2, 1, Float64Array.from([1, 2]), Float64Array.from([3, 4]), C);
      expect(Array.from(C)).toEqual([3, 4, 6, 8]);
    } finally {
      selectBackend(initial);
    }
  });

  test('a chain must start with its backend and end with js; an unknown backend is refused', () => {
    expect(() => registerBackend('x', ['js'])).toThrow(EpyNNError);
    expect(() => registerBackend('x', ['js'])).toThrow(/must start with it and end with 'js'/);
    expect(() => registerBackend('x', ['x', 'wasm'])).toThrow(/must start with it and end with 'js'/);
    expect(() => setActiveBackend('nope')).toThrow(EpyNNError);
    expect(() => setActiveBackend('nope')).toThrow(/unknown backend 'nope'/);
  });

  test('an op without any kernel for a dtype says so when called', () => {
    expect(() => kernel('convForward', 'float32')).not.toThrow(); // resolving is lazy and harmless
    expect(() => (kernel('rowSum', 'float32') as (...a: unknown[]) => void)(new Float32Array(1), new Float32Array(1), 1, 1))
      .toThrow(EpyNNError);
    expect(() => (kernel('rowSum', 'float32') as (...a: unknown[]) => void)(new Float32Array(1), new Float32Array(1), 1, 1))
      .toThrow(/no kernel 'rowSum' for float32/);
  });
});

describe('the layers reach kernels through the registry only', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
  const src = join(__dirname, '..', '..', 'src');

  test('no backend checks (wasmKernels()) outside src/kernels/backend.ts, no wasm imports outside src/kernels', () => {
    for (const f of files(src)) {
      const text = readFileSync(f, 'utf8');
      if (!f.endsWith(join('kernels', 'backend.ts'))) expect(text.includes('wasmKernels('), f).toBe(false);
      if (!f.includes(join('src', 'kernels'))) expect(/from '[./]*kernels\/wasm\//.test(text), f).toBe(false);
    }
  });

  test('the base Layer knows nothing of WebAssembly memory', () => {
    const text = readFileSync(join(src, 'commons', 'models.ts'), 'utf8');
    expect(/wasm|WebAssembly|resident/i.test(text)).toBe(false);
  });
});
