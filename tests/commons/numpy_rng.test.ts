// numpyRng against what numpy.random.default_rng(seed) drew (tests/fixtures/numpy/sequences.json, written by
// tests/fixtures/numpy/generate.py with NumPy): bit-exact floats, exact integers, exact states.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { NumpyRng, type NumpyRngState, numpyRng } from '../../src/commons/numpy_rng.js';
import { restoreRng } from '../../src/commons/rng.js';
import { throwsWith } from '../helpers/errors.js';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'numpy', 'sequences.json');
const fx = JSON.parse(readFileSync(FILE, 'utf8')) as { cases: any[] };

/** float64 values from base64 little-endian bytes. */
function f64(b64: string): Float64Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float64Array(buf.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

/** Asserts bit equality (Object.is on each element), reporting the first mismatch. */
function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect(actual[i], `${what}[${i}]`).toBe(expected[i]);
  }
}

const seedOf = (c: any): bigint => BigInt(c.seed);

describe('numpyRng matches numpy.random.default_rng', () => {
  test('the fixture covers seed 0, large seeds and 10,000 draws per distribution', () => {
    const seeds = fx.cases.map((c) => BigInt(c.seed));
    expect(seeds).toContain(0n);
    expect(seeds).toContain(2n ** 63n + 12345n);
    expect(seeds.some((s) => s >= 2n ** 128n)).toBe(true);
    const full = fx.cases.filter((c) => c.n === 10000);
    expect(full.length).toBeGreaterThanOrEqual(3);
    for (const c of full) {
      expect(f64(c.standard_normal).length).toBe(10000);
      expect(f64(c.random).length).toBe(10000);
      expect(c.permutation.length).toBe(10000);
      expect(c.choice.replace.length).toBe(10000);
    }
  });

  for (const c of fx.cases) {
    describe(`seed ${c.seed}`, () => {
      test('SeedSequence + PCG64 initial state and raw 64-bit outputs', () => {
        const g = numpyRng(seedOf(c));
        expect(g.state()).toEqual(c.initialState);
        expect(Array.from({ length: c.uint64.length }, () => g.nextUint64().toString())).toEqual(c.uint64);
      });

      test('random() and uniform(low, high, size)', () => {
        const g = numpyRng(seedOf(c));
        expectBits(g.randomArray(c.n), f64(c.random), 'random');
        expect(g.state()).toEqual(c.stateAfterRandom);
        expectBits(numpyRng(seedOf(c)).uniformArray(-2.5, 7.0, c.n), f64(c.uniform), 'uniform');
      });

      test('standard_normal (ziggurat) and normal(loc, scale)', () => {
        const g = numpyRng(seedOf(c));
        expectBits(g.standardNormalArray(c.n), f64(c.standard_normal), 'standard_normal');
        expect(g.state()).toEqual(c.stateAfterNormal);
        expectBits(numpyRng(seedOf(c)).normalArray(3.0, 0.5, c.n), f64(c.normal), 'normal');
      });

      test('integers(low, high, size) over 32-bit, full-32-bit and 64-bit ranges', () => {
        const g = numpyRng(seedOf(c));
        for (const [range, values] of Object.entries(c.integers as Record<string, number[]>)) {
          const [low, high] = range.split(',').map(Number);
          expect(g.integersArray(low, high, values.length), `integers(${range})`).toEqual(values);
        }
        expect(g.state()).toEqual(c.stateAfterIntegers);
      });

      test('permutation(n) and shuffle of a list', () => {
        const g = numpyRng(seedOf(c));
        expect(g.permutation(c.permutation.length)).toEqual(c.permutation);
        const list = Array.from({ length: 257 }, (_, i) => i);
        g.shuffle(list);
        expect(list).toEqual(c.shuffleList);
        expect(g.state()).toEqual(c.stateAfterShuffle);
      });

      test('choice: with replacement, with p, without replacement (Floyd, tail shuffle, p), scalar', () => {
        const g = numpyRng(seedOf(c));
        expect(g.choice(37, c.choice.replace.length)).toEqual(c.choice.replace);
        expect(g.choice(5, c.choice.p.length, { p: [0.1, 0.2, 0.3, 0.15, 0.25] })).toEqual(c.choice.p);
        expect(g.choice(1000, 300, { replace: false })).toEqual(c.choice.noReplace);
        expect(g.choice(20000, 1000, { replace: false })).toEqual(c.choice.noReplaceLarge);
        expect(g.choice(6, 4, { replace: false, p: [0.05, 0.3, 0.1, 0.25, 0.2, 0.1] })).toEqual(c.choice.noReplaceP);
        expect(g.choice(10)).toBe(c.choice.scalar);
        expect(g.state()).toEqual(c.stateAfterChoice);
      });

      test('interleaved scalar calls share the buffered 32-bit half', () => {
        const g = numpyRng(seedOf(c));
        const out: number[] = [];
        for (let i = 0; i < 2000; i++) {
          const k = i % 5;
          out.push(k === 0 ? g.random() : k === 1 ? g.integers(0, 7) : k === 2 ? g.standardNormal() : k === 3 ? g.integers(10) : g.normal(-1, 2));
        }
        expectBits(out, f64(c.mixed), 'mixed');
        expect(g.state()).toEqual(c.stateAfterMixed);
      });

      test('state() restores mid-stream, including a buffered 32-bit half', () => {
        const g = numpyRng(seedOf(c));
        g.integers(0, 5); // leaves has_uint32 = 1
        const saved = JSON.parse(JSON.stringify(g.state())) as NumpyRngState;
        expect(saved.has_uint32).toBe(1);
        const a = [g.integers(0, 100), g.standardNormal(), g.random()];
        const h = restoreRng(saved);
        expect(h).toBeInstanceOf(NumpyRng);
        const r = h as NumpyRng;
        expect([r.integers(0, 100), r.standardNormal(), r.random()]).toEqual(a);
      });
    });
  }
});

describe('numpyRng bad input', () => {
  test('seeds', () => {
    throwsWith(() => numpyRng(-1), EpyNNError, 'numpyRng', 'seed', '-1');
    throwsWith(() => numpyRng(1.5), EpyNNError, 'numpyRng', 'seed', '1.5');
    throwsWith(() => numpyRng(2 ** 60), EpyNNError, 'numpyRng', 'bigint');
    throwsWith(() => numpyRng(-3n), EpyNNError, 'numpyRng', 'non-negative');
  });
  test('unseeded generators differ', () => {
    expect(numpyRng().random()).not.toBe(numpyRng().random());
  });
  test('method arguments', () => {
    const g = numpyRng(0);
    throwsWith(() => g.integers(5, 5), EpyNNError, 'integers', 'high must be greater than low');
    throwsWith(() => g.integersArray(0, 3, -1), EpyNNError, 'integers', 'size');
    throwsWith(() => g.choice(3, 5, { replace: false }), EpyNNError, 'choice', 'larger sample');
    throwsWith(() => g.choice(3, 2, { p: [0.5, 0.6, 0.1] }), EpyNNError, 'choice', 'sum to 1');
    throwsWith(() => g.choice(3, 2, { p: [0.5, 0.5] }), EpyNNError, 'choice', '3 probabilities');
    throwsWith(() => g.choice([], 1), EpyNNError, 'choice', 'empty');
    throwsWith(() => g.permutation(-2), EpyNNError, 'permutation', 'size');
    expect(g.choice(['a', 'b', 'c'], 4)).toHaveLength(4);
  });
  test('restoring a bad state', () => {
    throwsWith(() => NumpyRng.fromState({ bit_generator: 'Philox' } as any), EpyNNError, 'PCG64');
    throwsWith(() => NumpyRng.fromState({ bit_generator: 'MT19937' } as any), EpyNNError, 'MT19937', 'key');
    const ok = numpyRng(1).state();
    throwsWith(() => NumpyRng.fromState({ ...ok, state: { ...ok.state, inc: '2' } }), EpyNNError, 'inc', 'odd');
    throwsWith(() => NumpyRng.fromState({ ...ok, state: { ...ok.state, state: 'x' } }), EpyNNError, 'state.state');
    throwsWith(() => NumpyRng.fromState({ ...ok, has_uint32: 2 }), EpyNNError, 'has_uint32');
  });
});
