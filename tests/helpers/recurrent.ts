// Test suites shared by the recurrent layers (RNN, LSTM, GRU): EpyNN fixtures, and the fast kernels
// against the plain step-by-step versions of tests/<layer>/naive.ts.
import * as fcheck from 'fast-check'; // not `fc`: that name is the forward cache
import { describe, expect, test } from 'vitest';
import { type Activation, getActivation } from '../../src/activation/functions.js';
import type { Layer } from '../../src/commons/models.js';
import { ShapeError, StateError } from '../../src/errors.js';
import { NDArray, map } from '../../src/commons/ndarray.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';
import { type HPars, defaultHPars } from '../../src/settings.js';
import { expectClose } from './close.js';
import { gradcheck } from './gradcheck.js';
import { randn } from './random.js';
import { fixtureOptions } from './build.js';
import { fixtureNames, loadFixture } from './fixtures.js';
import type { NaiveResult } from './recurrent_naive.js';

/** What the suites need of a recurrent layer class. */
export interface RecurrentLayer extends Layer {
  sequences: boolean;
  clipGradients: boolean;
}
export type RecurrentCtor = new (opts?: any) => RecurrentLayer;

/** The plain version: (X, p, dA, activations by option name, sequences, hPars) -> caches and gradients. */
export type Naive = (
  X: NDArray, p: Record<string, NDArray>, dA: NDArray,
  opts: { acts: Record<string, Activation>; sequences: boolean; hPars: HPars },
) => NaiveResult;

/** The activation options of a config, as functions (keys starting with `activate`). */
const activationsOf = (config: Record<string, any>): Record<string, Activation> =>
  Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith('activate')).map(([k, v]) => [k, getActivation(v)]));

/** EpyNN's `activation` keys: activateOutput -> activate_output. */
const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function runFixture(Ctor: RecurrentCtor, fx: any, clipGradients: boolean): { layer: RecurrentLayer; A: NDArray; dX: NDArray } {
  const layer = new Ctor({ ...fixtureOptions(fx.layer, fx.config), clipGradients, seHPars: defaultHPars(fx.hPars) });
  layer.computeShapes(fx.X);
  for (const [k, v] of Object.entries(fx.params)) layer.p[k] = (v as NDArray).copy();
  const A = layer.forward(fx.X);
  const dX = layer.backward(fx.dA);
  layer.computeGradients();
  return { layer, A, dX };
}

/** Every fixture `layer_<prefix>_*`: A, dX, grads (clipped and unclipped), every fc/bc entry, dims, keys. */
export function fixtureSuite(layerName: string, prefix: string, Ctor: RecurrentCtor, naive: Naive): void {
  const names = fixtureNames(prefix);

  describe(`${layerName} matches EpyNN`, () => {
    test('there are fixtures, with and without clipping and sequences', () => {
      expect(names.length).toBeGreaterThanOrEqual(5);
      const cfgs = names.map((n) => loadFixture(n).config);
      expect(cfgs.some((c) => c.clipGradients) && cfgs.some((c) => !c.clipGradients)).toBe(true);
      expect(cfgs.some((c) => c.sequences) && cfgs.some((c) => !c.sequences)).toBe(true);
    });

    for (const name of names) {
      test(name, () => {
        const fx = loadFixture(name);
        expect(fx.layer).toBe(layerName);
        const Xbefore = fx.X.data.slice();
        const dAbefore = fx.dA.data.slice();
        const { layer, A, dX } = runFixture(Ctor, fx, fx.config.clipGradients);

        expectClose(A, fx.A, 'A');
        expectClose(dX, fx.dX, 'dX');
        expect(Object.keys(layer.g)).toEqual(Object.keys(fx.grads));
        for (const [k, v] of Object.entries(fx.grads)) expectClose(layer.g[k], v as NDArray, `g.${k}`);
        expect(Object.keys(fx.fc).length).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(fx.fc)) expectClose(layer.fc[k], v as NDArray, `fc.${k}`);
        for (const [k, v] of Object.entries(fx.bc)) expectClose(layer.bc[k], v as NDArray, `bc.${k}`);
        expect(Object.keys(layer.fc)).toEqual(['X', ...Object.keys(fx.fc), 'A']); // EpyNN's order
        expect(Object.keys(layer.bc)).toEqual([...Object.keys(fx.bc), 'dA', 'dX']);
        expect(layer.d).toEqual(fx.dims);
        expect(Object.keys(layer.p)).toEqual(Object.keys(fx.params));
        for (const k of Object.keys(fx.params)) expect(layer.fs[k], `fs.${k}`).toEqual(fx.params[k].shape);
        expect(layer.fs.h).toEqual([fx.dims.m, fx.dims.s, fx.dims.u]);
        for (const [k, v] of Object.entries(layer.fc)) expect(layer.fs[k], `fs.${k}`).toEqual(v.shape);
        for (const [k, v] of Object.entries(layer.bc)) expect(layer.bs[k], `bs.${k}`).toEqual(v.shape);
        const acts = Object.entries(fx.config).filter(([k]) => k.startsWith('activate'));
        expect(layer.activation).toEqual(Object.fromEntries(acts.map(([k, v]) => [snake(k), v])));
        const { units, ...rest } = fx.config;
        expect(layer.toConfig()).toEqual(units === undefined ? fx.config : { ...rest, unitCells: units });
        expect(fx.X.data, 'X not mutated').toEqual(Xbefore);
        expect(fx.dA.data, 'dA not mutated').toEqual(dAbefore);

        if (fx.gradsUnclipped) {
          expect(fx.config.clipGradients).toBe(true);
          const raw = runFixture(Ctor, fx, false).layer;
          expect(Object.keys(raw.g)).toEqual(Object.keys(fx.gradsUnclipped));
          for (const [k, v] of Object.entries(fx.gradsUnclipped)) expectClose(raw.g[k], v as NDArray, `unclipped g.${k}`);
        }
      });
    }

    test('the plain step-by-step version reproduces the fixtures too', () => {
      for (const name of names) {
        const fx = loadFixture(name);
        const ref = naive(fx.X, fx.params, fx.dA, { acts: activationsOf(fx.config), sequences: fx.config.sequences, hPars: defaultHPars(fx.hPars) });
        expectClose(ref.A, fx.A, `${name} A`);
        expectClose(ref.dX, fx.dX, `${name} dX`);
        for (const k of Object.keys(fx.fc)) expectClose(ref.fc[k], fx.fc[k], `${name} fc.${k}`);
        for (const k of Object.keys(fx.bc)) expectClose(ref.bc[k], fx.bc[k], `${name} bc.${k}`);
        const g = fx.gradsUnclipped ?? fx.grads;
        for (const k of Object.keys(g)) expectClose(ref.g[k], g[k], `${name} g.${k}`);
      }
    });
  });
}

/**
 * Fast kernels vs the plain version on random configurations. `cases` are
 * [m, s, e, u, sequences, activation options].
 */
export function kernelSuite(
  layerName: string, Ctor: RecurrentCtor, naive: Naive,
  cases: [number, number, number, number, boolean, Record<string, Activation>][], seed: number,
): void {
  describe(`${layerName} fast kernels match the plain step-by-step version`, () => {
    const rng = seededRng(seed);
    for (const [m, s, e, u, sequences, acts] of cases) {
      const label = Object.entries(acts).map(([k, f]) => `${k}=${f.name}`).join(' ');
      test(`m=${m} s=${s} e=${e} u=${u} sequences=${sequences} ${label}`, () => {
        const hPars = defaultHPars({ LRELU_alpha: 0.2, ELU_alpha: 0.7 });
        const layer = new Ctor({ unitCells: u, sequences, clipGradients: false, seHPars: hPars, ...acts });
        const X = randn([m, s, e], rng);
        layer.computeShapes(X);
        layer.initializeParameters();
        for (const [k, P] of Object.entries(layer.p)) layer.p[k] = randn(P.shape, rng, k.startsWith('b') ? 0.3 : 0.7);
        const dA = randn(sequences ? [m, s, u] : [m, u], rng);
        const A = layer.forward(X);
        const dX = layer.backward(dA);
        layer.computeGradients();
        const allActs = Object.fromEntries(Object.keys(layer).filter((k) => k.startsWith('activate')).map((k) => [k, (layer as any)[k]]));
        const ref = naive(X, layer.p, dA, { acts: allActs, sequences, hPars });
        expectClose(A, ref.A, 'A');
        expectClose(dX, ref.dX, 'dX');
        for (const k of Object.keys(ref.fc)) expectClose(layer.fc[k], ref.fc[k], `fc.${k}`);
        for (const k of Object.keys(ref.bc)) expectClose(layer.bc[k], ref.bc[k], `bc.${k}`);
        expect(Object.keys(layer.g).sort()).toEqual(Object.keys(ref.g).sort());
        for (const k of Object.keys(ref.g)) expectClose(layer.g[k], ref.g[k], `g.${k}`);
      });
    }
  });
}

/**
 * Central differences of L = Σ A ⊙ R for dX and every parameter (no clipping), with and without
 * `sequences`, over [m, s, e, u] grids. Smooth activations only (no kinks).
 */
export function gradcheckSuite(
  layerName: string, Ctor: RecurrentCtor, grid: [number, number, number, number][], seed: number,
  acts: Record<string, Activation> = {},
): void {
  describe(`${layerName} gradients match finite differences`, () => {
    const rng = seededRng(seed);
    for (const [m, s, e, u] of grid) {
      for (const sequences of [false, true]) {
        test(`m=${m} s=${s} e=${e} u=${u} sequences=${sequences}`, () => {
          const layer = new Ctor({ unitCells: u, sequences, clipGradients: false, ...acts });
          const X = randn([m, s, e], rng);
          layer.computeShapes(X);
          layer.initializeParameters();
          for (const [k, P] of Object.entries(layer.p)) if (k.startsWith('b')) layer.p[k] = randn(P.shape, rng, 0.5);
          // The first steps' gradients are small without `sequences` (down to ~1e-6), where the
          // differences' round-off (~1e-11 absolute) alone gives a relative error of a few 1e-6.
          const { checked, maxRel } = gradcheck(layer, X, rng, { h: 1e-5, tol: 1e-5 });
          const nParams = Object.values(layer.p).reduce((a, P) => a + P.size, 0);
          expect(checked).toBe(X.size + nParams);
          expect(maxRel).toBeLessThan(1e-5);
        });
      }
    }
  });
}

/**
 * Shape laws, option and input validation (messages), no mutation of inputs, config round trip.
 * `U` and `V` name one input-side and one recurrent parameter of the layer (U/V, Uf/Vf, Uz/Vz).
 */
export function propertySuite(
  layerName: string, Ctor: RecurrentCtor,
  { U, V, defaults }: { U: string; V: string; defaults: { clipGradients: boolean; initialization: string; activation: Record<string, string> } },
): void {
  const make = (opts: Record<string, unknown> = {}, e = 3, m = 2, s = 4): { layer: RecurrentLayer; X: NDArray } => {
    const rng = seededRng(5);
    const layer = new Ctor({ unitCells: 3, ...opts });
    const X = randn([m, s, e], rng);
    layer.computeShapes(X);
    layer.initializeParameters();
    return { layer, X };
  };

  describe(`${layerName} shapes`, () => {
    test('output is (m, u), or (m, s, u) with sequences; dX is (m, s, e); gradients have their parameter shapes', () => {
      fcheck.assert(
        fcheck.property(
          fcheck.record({
            m: fcheck.integer({ min: 1, max: 4 }), s: fcheck.integer({ min: 1, max: 6 }),
            e: fcheck.integer({ min: 1, max: 4 }), u: fcheck.integer({ min: 1, max: 4 }), sequences: fcheck.boolean(),
          }),
          ({ m, s, e, u, sequences }) => {
            const rng = seededRng(m * 1000 + s * 100 + e * 10 + u);
            const layer = new Ctor({ unitCells: u, sequences });
            const X = randn([m, s, e], rng);
            layer.computeShapes(X);
            layer.initializeParameters();
            const A = layer.forward(X);
            expect(A.shape).toEqual(sequences ? [m, s, u] : [m, u]);
            const dX = layer.backward(randn(A.shape, rng));
            expect(dX.shape).toEqual([m, s, e]);
            layer.computeGradients();
            for (const [k, P] of Object.entries(layer.p)) expect(layer.g[`d${k}`].shape).toEqual(P.shape);
            expect(Object.keys(layer.g)).toEqual(Object.keys(layer.p).map((k) => `d${k}`));
            expect(layer.fs.h).toEqual([m, s, u]);
            expect(layer.d).toEqual({ u, m, s, e });
          },
        ),
        { seed: 42, numRuns: 60 },
      );
    });

    test('the last output without sequences is the last step of the sequence output', () => {
      const a = make({ sequences: false });
      const b = make({ sequences: true });
      const last = a.layer.forward(a.X);
      const all = b.layer.forward(b.X);
      const [m, s, u] = all.shape;
      for (let im = 0; im < m; im++) for (let iu = 0; iu < u; iu++) expect(last.data[im * u + iu]).toBe(all.data[(im * s + s - 1) * u + iu]);
    });

    test('m and s may change between forward calls (shapes are recomputed, as EpyNN)', () => {
      const { layer } = make({}, 3);
      const rng = seededRng(3);
      for (const [m, s] of [[2, 4], [5, 1], [1, 7]]) {
        const A = layer.forward(randn([m, s, 3], rng));
        expect(A.shape).toEqual([m, 3]);
        expect(layer.backward(randn([m, 3], rng)).shape).toEqual([m, s, 3]);
      }
    });

    test('initializeParameters: U and V from the initializer, biases zero, EpyNN shapes', () => {
      const { layer } = make({}, 4);
      for (const [k, P] of Object.entries(layer.p)) {
        expect(P.shape).toEqual(k.startsWith('U') ? [4, 3] : k.startsWith('V') ? [3, 3] : [1, 3]);
        if (k.startsWith('b')) expect(Array.from(P.data).every((v) => v === 0)).toBe(true);
        else expect(Array.from(P.data).some((v) => v !== 0)).toBe(true);
      }
    });
  });

  describe(`${layerName} options`, () => {
    test('defaults as EpyNN', () => {
      const layer = new Ctor();
      expect(layer.d.u).toBe(1);
      expect(layer.clipGradients).toBe(defaults.clipGradients);
      expect(layer.sequences).toBe(false);
      expect(layer.trainable).toBe(true);
      expect(layer.name).toBe(layerName);
      expect(layer.activation).toEqual(defaults.activation);
      expect(layer.toConfig()).toMatchObject({ unitCells: 1, initialization: defaults.initialization, clipGradients: defaults.clipGradients, sequences: false });
    });

    test('toConfig round-trips through the constructor', () => {
      const layer = new Ctor({ unitCells: 4, sequences: true, clipGradients: !defaults.clipGradients, activate: getActivation('sigmoid') });
      const config = layer.toConfig();
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
      expect(new Ctor(fixtureOptions(layerName, config)).toConfig()).toEqual(config);
      expect(config).toMatchObject({ unitCells: 4, sequences: true, activate: 'sigmoid' });
    });

    test.each([0, -2, 1.5, NaN, '3', null])('unitCells %s is rejected', (bad) => {
      expect(() => new Ctor({ unitCells: bad })).toThrow(new RegExp(`^${layerName}: unitCells must be a positive integer, got ${typeof bad === 'string' ? `'${bad}'` : String(bad)}$`));
    });

    test('non-function activations and initializers, non-boolean flags are rejected', () => {
      expect(() => new Ctor({ activate: 'tanh' })).toThrow(`${layerName}: activate must be an activation function, got 'tanh'`);
      expect(() => new Ctor({ initialization: 'xavier' })).toThrow(`${layerName}: initialization must be an initializer function, got 'xavier'`);
      expect(() => new Ctor({ sequences: 1 })).toThrow(`${layerName}: sequences must be a boolean, got 1`);
      expect(() => new Ctor({ clipGradients: 'yes' })).toThrow(`${layerName}: clipGradients must be a boolean, got 'yes'`);
      for (const k of Object.keys(defaults.activation)) {
        const opt = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        expect(() => new Ctor({ [opt]: 3 })).toThrow(`${layerName}: ${opt} must be an activation function, got 3`);
      }
    });
  });

  describe(`${layerName} input validation`, () => {
    test('a 2-D input is a ShapeError naming the layer and (m, s, e)', () => {
      const layer = new Ctor({ unitCells: 2 });
      const X2 = randn([4, 3], seededRng(1));
      expect(() => layer.computeShapes(X2)).toThrow(ShapeError);
      expect(() => layer.forward(X2)).toThrow(`${layerName}: input X must be 3-D (m, s, e) = (samples, steps, elements), got shape (4, 3)`);
      expect(() => layer.forward(randn([1, 2, 3, 4], seededRng(1)))).toThrow(/must be 3-D \(m, s, e\).*got shape \(1, 2, 3, 4\)/);
      expect(() => layer.forward(randn([2, 0, 3], seededRng(1)))).toThrow(`${layerName}: input X must have at least one step (s >= 1), got shape (2, 0, 3)`);
    });

    test('forward before initializeParameters, backward before forward, gradients before backward', () => {
      const layer = new Ctor({ unitCells: 2 });
      const X = randn([2, 3, 4], seededRng(1));
      expect(() => layer.initializeParameters()).toThrow(`${layerName}: initializeParameters() called before computeShapes() (shape of ${U} unknown)`);
      layer.computeShapes(X);
      expect(() => layer.forward(X)).toThrow(`${layerName}: forward() called before initializeParameters() (parameter ${U} is not set)`);
      expect(() => layer.forward(X)).toThrow(StateError);
      layer.initializeParameters();
      expect(() => layer.backward(randn([2, 2], seededRng(1)))).toThrow(`${layerName}: backward() called before forward()`);
      layer.forward(X);
      expect(() => layer.computeGradients()).toThrow(`${layerName}: computeGradients() called before backward()`);
      expect(() => layer.computeGradients()).toThrow(StateError);
    });

    test('an input width e other than the one U was built for is a ShapeError', () => {
      const { layer } = make({}, 3);
      const X4 = randn([2, 4, 4], seededRng(2));
      expect(() => layer.forward(X4)).toThrow(ShapeError);
      expect(() => layer.forward(X4)).toThrow(
        `${layerName}: input X of shape (2, 4, 4) has e = 4 elements per step, but parameter ${U} was built for e = 3 (shape (3, 3))`,
      );
    });

    test('parameters set by hand with the wrong shape are caught', () => {
      const { layer, X } = make({}, 3);
      layer.p[V] = randn([2, 3], seededRng(2));
      expect(() => layer.forward(X)).toThrow(`${layerName}: parameter ${V} has shape (2, 3), expected (3, 3) (e = 3 from input X (2, 4, 3), u = 3)`);
      layer.p[V] = randn([3, 3], seededRng(2));
      const b = Object.keys(layer.p).find((k) => k.startsWith('b')) as string;
      layer.p[b] = randn([3], seededRng(2));
      expect(() => layer.forward(X)).toThrow(`${layerName}: parameter ${b} has shape (3,), expected (1, 3)`);
    });

    test('dA of the wrong shape is a ShapeError naming the expected shape', () => {
      const last = make({ sequences: false });
      last.layer.forward(last.X);
      expect(() => last.layer.backward(randn([2, 4, 3], seededRng(3)))).toThrow(
        `${layerName}: backward input dA must have shape (2, 3) (m, u) without sequences, got (2, 4, 3)`,
      );
      const seq = make({ sequences: true });
      seq.layer.forward(seq.X);
      expect(() => seq.layer.backward(randn([2, 3], seededRng(3)))).toThrow(ShapeError);
      expect(() => seq.layer.backward(randn([2, 5, 3], seededRng(3)))).toThrow(
        `${layerName}: backward input dA must have shape (2, 4, 3) (m, s, u) with sequences, got (2, 5, 3)`,
      );
    });

    test('a non element-wise derivative (softmax, u > 1) is refused in backward', () => {
      const { layer, X } = make({ activate: getActivation('softmax') });
      layer.forward(X);
      expect(() => layer.backward(randn([2, 3], seededRng(3)))).toThrow(`${layerName}: the derivative of activate must be element-wise (shape (8, 3)), got (8, 3, 3)`);
    });
  });

  describe(`${layerName} state`, () => {
    for (const sequences of [false, true]) {
      test(`X and dA are not mutated (sequences=${sequences})`, () => {
        const { layer, X } = make({ sequences, clipGradients: true });
        const dA = randn(sequences ? [2, 4, 3] : [2, 3], seededRng(4), 100); // large: clipping active
        const X0 = X.data.slice();
        const dA0 = dA.data.slice();
        layer.forward(X);
        layer.backward(dA);
        layer.computeGradients();
        layer.updateParameters();
        expect(X.data).toEqual(X0);
        expect(dA.data).toEqual(dA0);
      });
    }

    test('clipping rescales the global gradient norm to 0.25 when above it', () => {
      const { layer, X } = make({ clipGradients: true });
      layer.forward(X);
      layer.backward(randn([2, 3], seededRng(4), 100));
      layer.computeGradients();
      let total = 0;
      for (const G of Object.values(layer.g)) for (const v of G.data) total += (v + 1e-16) ** 2;
      expect(Math.sqrt(total)).toBeCloseTo(0.25, 12);
    });

    test('updateParameters: p -= learning_rate · g, and nothing when not trainable', () => {
      const { layer, X } = make({ seHPars: defaultHPars({ learning_rate: 0.05 }) });
      layer.forward(X);
      layer.backward(randn([2, 3], seededRng(4)));
      layer.computeGradients();
      const before = Object.fromEntries(Object.entries(layer.p).map(([k, P]) => [k, P.copy()]));
      layer.updateParameters();
      for (const [k, P] of Object.entries(layer.p)) {
        const want = map(before[k], (v, i) => v - 0.05 * layer.g[`d${k}`].data[i]);
        expectClose(P, want, `p.${k}`);
      }
      layer.trainable = false;
      const frozen = layer.p[U].data.slice();
      layer.updateParameters();
      expect(layer.p[U].data).toEqual(frozen);
    });
  });
}

/**
 * The built-in tanh and sigmoid run on a fast path (applied in place in forward, derivatives taken
 * from the cached activations in backward); any other function goes through the generic call. The
 * same activations wrapped in a closure (so not recognized) must give the same values to the bit.
 * `acts` are the activation options with built-in tanh/sigmoid to compare.
 */
export function fastPathSuite(layerName: string, Ctor: RecurrentCtor, acts: Record<string, Activation>, seed: number): void {
  describe(`${layerName} fast path for built-in tanh/sigmoid`, () => {
    for (const sequences of [false, true]) {
      test(`equals the generic activation call to the bit (sequences=${sequences})`, () => {
        const rng = seededRng(seed);
        const [m, s, e, u] = [6, 5, 7, 9];
        const wrapped = Object.fromEntries(Object.entries(acts).map(([k, f]) => [k, (x: NDArray, d?: boolean, h?: HPars) => f(x, d, h)]));
        const fast = new Ctor({ unitCells: u, sequences, clipGradients: false, ...acts });
        const slow = new Ctor({ unitCells: u, sequences, clipGradients: false, ...wrapped });
        const X = randn([m, s, e], rng, 2); // large enough for both branches of the stable sigmoid
        fast.computeShapes(X);
        fast.initializeParameters();
        for (const [k, P] of Object.entries(fast.p)) fast.p[k] = randn(P.shape, rng, k.startsWith('b') ? 0.5 : 0.9);
        slow.computeShapes(X);
        for (const [k, P] of Object.entries(fast.p)) slow.p[k] = P.copy();
        const dA = randn(sequences ? [m, s, u] : [m, u], rng);
        const out = [fast, slow].map((l) => {
          const A = l.forward(X);
          const dX = l.backward(dA);
          l.computeGradients();
          return { A, dX };
        });
        expect(out[0].A.data).toEqual(out[1].A.data);
        expect(out[0].dX.data).toEqual(out[1].dX.data);
        for (const k of Object.keys(fast.fc)) expect(fast.fc[k].data, `fc.${k}`).toEqual(slow.fc[k].data);
        for (const k of Object.keys(fast.bc)) expect(fast.bc[k].data, `bc.${k}`).toEqual(slow.bc[k].data);
        for (const k of Object.keys(fast.g)) expect(fast.g[k].data, `g.${k}`).toEqual(slow.g[k].data);
        const sig = Array.from(X.data).some((v) => v < 0) && Array.from(X.data).some((v) => v > 0);
        expect(sig).toBe(true);
      });
    }
  });
}

/**
 * Training batches (Layer.reuseOutputs): the layer's caches are buffers reused from batch to batch —
 * resident in the WebAssembly memory on 'wasm', where the step kernels (src/kernels/recurrent.ts) then
 * run on them. Against a fresh layer (plain arrays, the TypeScript loops) with the same parameters,
 * every output, cache and gradient must have the same bits, also after the reused buffers were
 * poisoned with NaN and for a smaller last batch. `cases`: [m, s, e, u, sequences, activation options].
 */
export function reuseSuite(
  layerName: string, Ctor: RecurrentCtor,
  cases: [number, number, number, number, boolean, Record<string, Activation>][], scratchKeys: string[], seed: number,
): void {
  describe(`${layerName} with reused (resident) buffers = a fresh layer, bit for bit`, () => {
    const rng = seededRng(seed);
    test('a cache that cannot be allocated is a ShapeError naming the layer and the cache', () => {
      const layer = new Ctor({ unitCells: 4 });
      const X = randn([2, 3, 2], rng);
      layer.computeShapes(X);
      layer.initializeParameters();
      layer.outputArray = () => {
        throw new RangeError('Array buffer allocation failed');
      };
      expect(() => layer.forward(X)).toThrow(ShapeError);
      expect(() => layer.forward(X)).toThrow(new RegExp(`^${layer.name}: cannot allocate cache \\w+ of shape \\(2, 3, 4\\) \\(24 values, 0\\.00 GiB\\): Array buffer allocation failed$`));
    });
    for (const [m, s, e, u, sequences, acts] of cases) {
      const label = Object.entries(acts).map(([k, f]) => `${k}=${f.name}`).join(' ');
      test(`m=${m} s=${s} e=${e} u=${u} sequences=${sequences} ${label}`, () => {
        const make = (): RecurrentLayer => new Ctor({ unitCells: u, sequences, clipGradients: false, ...acts });
        const fresh = make();
        const reused = make();
        reused.reuseOutputs = true;
        const X0 = randn([m, s, e], rng);
        fresh.computeShapes(X0);
        fresh.initializeParameters();
        for (const [k, P] of Object.entries(fresh.p)) fresh.p[k] = randn(P.shape, rng, k.startsWith('b') ? 0.3 : 0.7);
        reused.computeShapes(X0);
        for (const [k, P] of Object.entries(fresh.p)) reused.p[k] = P.copy();
        const bits = (a: NDArray): string[] => Array.from(a.data, (v) => (Number.isNaN(v) ? 'NaN' : v.toString(16) + (Object.is(v, -0) ? '-0' : '')));
        for (const mb of [m, m, Math.max(1, m - 3), m]) {
          const X = randn([mb, s, e], rng);
          const dA = randn(sequences ? [mb, s, u] : [mb, u], rng);
          const outs = [fresh, reused].map((layer) => {
            const A = layer.forward(X).copy();
            const dX = layer.backward(dA).copy();
            layer.computeGradients();
            return { A, dX };
          });
          expect(bits(outs[1].A), 'A').toEqual(bits(outs[0].A));
          expect(bits(outs[1].dX), 'dX').toEqual(bits(outs[0].dX));
          for (const k of Object.keys(fresh.fc)) expect(bits(reused.fc[k]), `fc.${k}`).toEqual(bits(fresh.fc[k]));
          for (const k of Object.keys(fresh.bc)) expect(bits(reused.bc[k]), `bc.${k}`).toEqual(bits(fresh.bc[k]));
          for (const k of Object.keys(fresh.g)) expect(bits(reused.g[k]), `g.${k}`).toEqual(bits(fresh.g[k]));
          // Poison every reused buffer for the next batch
          for (const c of [reused.fc, reused.bc]) for (const [k, v] of Object.entries(c)) if (k !== 'X' && v !== dA && v !== X) v.data.fill(NaN);
          for (const k of scratchKeys) reused.outputArray(k, [mb, s, u], false).data.fill(NaN);
        }
      });
    }
  });
}
