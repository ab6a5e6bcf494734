// The default seeded generator's data-preparation draws (uniform(low, high), normal, integers, choice,
// shuffle), with the same names and signatures as numpyRng so that data-prep code runs on either.
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { numpyRng } from '../../src/commons/numpy_rng.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';
import { throwsWith } from '../helpers/errors.js';

const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
const std = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((v) => (v - m) ** 2)));
};

describe('seededRng data-preparation draws', () => {
  test('uniform(low, high) is in [low, high); uniform() keeps its [0, 1) stream', () => {
    const r = seededRng(1);
    const xs = Array.from({ length: 5000 }, () => r.uniform(-3, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(0.15);
    const [p, q] = [seededRng(7), seededRng(7)];
    expect(p.uniform()).toBe(q.uniform(0, 1));
  });
  test('normal(loc, scale): mean and spread', () => {
    const r = seededRng(2);
    const xs = Array.from({ length: 20000 }, () => r.normal(3, 0.5));
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(0.02);
    expect(Math.abs(std(xs) - 0.5)).toBeLessThan(0.02);
    throwsWith(() => r.normal(0, -1), EpyNNError, 'Rng.normal', 'scale must be non-negative');
  });
  test('integers(low, high) covers [low, high) evenly; one argument is [0, low)', () => {
    const r = seededRng(3);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const v = r.integers(-2, 4);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    for (let i = 0; i < 100; i++) expect(r.integers(3)).toBeLessThan(3);
    throwsWith(() => r.integers(2, 2), EpyNNError, 'Rng.integers', 'low < high');
    throwsWith(() => r.integers(0.5, 2), EpyNNError, 'Rng.integers');
  });
  test('choice: one element, size elements, without replacement, with p', () => {
    const r = seededRng(4);
    const words = ['ab', 'cd', 'ef'];
    const one: string = r.choice(words);
    expect(words).toContain(one);
    const many: string[] = r.choice(words, 50);
    expect(many.length).toBe(50);
    expect(new Set(many)).toEqual(new Set(words));
    const perm = r.choice(10, 10, { replace: false });
    expect([...perm].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const biased = r.choice(['x', 'y'], 4000, { p: [0.9, 0.1] });
    expect(Math.abs(biased.filter((v) => v === 'x').length / 4000 - 0.9)).toBeLessThan(0.03);
    expect(r.choice(['x', 'y', 'z'], 2, { replace: false, p: [0, 0.5, 0.5] }).sort()).toEqual(['y', 'z']);
    throwsWith(() => r.choice(['x'], 2, { replace: false }), EpyNNError, 'Rng.choice', 'cannot take 2 samples from a population of 1');
    throwsWith(() => r.choice([], 1), EpyNNError, 'Rng.choice', 'empty population');
    throwsWith(() => r.choice(['x', 'y'], 1, { p: [0.5, 0.6] }), EpyNNError, 'probabilities must sum to 1');
  });
  test('shuffle: in place, returns the array, a permutation; reproducible from the seed', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = seededRng(5).shuffle(x);
    expect(y).toBe(x);
    expect([...x].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seededRng(5).shuffle([1, 2, 3, 4, 5, 6, 7, 8])).toEqual(x);
    const f = seededRng(5).shuffle(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(Array.from(f)).toEqual(x);
    throwsWith(() => seededRng(5).shuffle('abc' as unknown as number[]), EpyNNError, 'Rng.shuffle', 'must be an array');
  });
});

describe('numpyRng and seededRng share the data-preparation methods', () => {
  // The same data-prep code, run on either generator
  const prepare = (rng: Rng): { u: number; n: number; i: number; c: string; s: number[] } => ({
    u: rng.uniform(0, 10),
    n: rng.normal(0, 0.5),
    i: rng.integers(0, 4),
    c: rng.choice(['a', 'b', 'c']),
    s: rng.shuffle([0, 1, 2, 3]),
  });
  test.each([['seededRng', () => seededRng(1)], ['numpyRng', () => numpyRng(1)]] as const)('%s', (_, make) => {
    const out = prepare(make());
    expect(out.u).toBeGreaterThanOrEqual(0);
    expect(out.u).toBeLessThan(10);
    expect(Number.isFinite(out.n)).toBe(true);
    expect([0, 1, 2, 3]).toContain(out.i);
    expect(['a', 'b', 'c']).toContain(out.c);
    expect([...out.s].sort()).toEqual([0, 1, 2, 3]);
    expect(prepare(make())).toEqual(out);
  });
  test('numpyRng.uniform(low, high) is NumPy\'s low + (high - low)·U, and uniform() is unchanged', () => {
    const [p, q] = [numpyRng(3), numpyRng(3)];
    expect(p.uniform(2, 5)).toBe(2 + 3 * q.uniform());
    expect(numpyRng(9).uniform()).toBe(numpyRng(9).random());
  });
});

describe('seededRng', () => {
  test('standard normal has mean 0 and variance 1', () => {
    const rng = seededRng(11);
    let s = 0, s2 = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) { const v = rng.standardNormal(); s += v; s2 += v * v; }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});
