// src/fdlibm.ts against Node's own Math.* (V8 11.3 in Node 20: fdlibm's algorithms), bit for bit: millions of
// arguments over every band where the algorithms branch (uniform, log-uniform over all exponents, random bit
// patterns, subnormals, the overflow and underflow thresholds and their neighbours) and the special values
// (NaN, ±Infinity, ±0). So the library's numbers under Node are the ones it computed with Math.*, and other
// engines compute those too (they run the same TypeScript).
import { describe, expect, test } from 'vitest';
import * as fd from '../../src/fdlibm.js';

// The plain references: what the library called before src/fdlibm.ts.
const REFERENCE = {
  exp: Math.exp, expm1: Math.expm1, tanh: Math.tanh, log: Math.log, log1p: Math.log1p, sin: Math.sin, cos: Math.cos,
} as const;

const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);
/** Deterministic 32-bit generator (xorshift32) for the arguments. */
let state = 0x9e3779b9;
const u32 = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
};
const unit = (): number => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53; // [0, 1), 53 bits
const bitsDouble = (): number => {
  U[0] = u32();
  U[1] = u32();
  return F[0];
};
/** The next double above / below x (finite x). */
const next = (x: number, up: boolean): number => {
  if (x === 0) return up ? 5e-324 : -5e-324;
  F[0] = x;
  const w = new BigInt64Array(F.buffer);
  w[0] += (x > 0) === up ? 1n : -1n;
  return F[0];
};

/** Arguments with their neighbours (two doubles each way). */
function around(xs: number[]): number[] {
  return xs.flatMap((x) => (Number.isFinite(x) ? [next(next(x, false), false), next(x, false), x, next(x, true), next(next(x, true), true)] : [x]));
}

const SPECIAL = around([
  0, -0, 1, -1, 0.5, -0.5, 2, -2, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 2.225073858507201e-308,
  Number.MAX_VALUE, -Number.MAX_VALUE, Math.E, Math.SQRT2, Math.SQRT1_2, Math.LN2, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2,
  -1.5 * Math.LN2, 56 * Math.LN2, -56 * Math.LN2, 709.782712893384, -745.1332191019411, -708.3964185322641, 710.4758600739439,
  2 ** -28, -(2 ** -28), 2 ** -29, 2 ** -54, -(2 ** -54), 2 ** -20, 2 ** -27, 22, -22, 1 + 2 ** -20, 1 - 2 ** -20, 2 ** 53, 2 ** 54,
  Math.PI / 4, Math.PI / 2, -Math.PI / 2, 3 * Math.PI / 4, Math.PI, 2 * Math.PI, 2 ** 19 * Math.PI / 2, 2 ** 20, 1e22, 1e300,
  0.2928932188134524, -0.2928932188134524, 0.41421356237309503, 0.3, 0.78125,
  // the bands of the fast paths (|x| compared with the doubles of fdlibm's high-word thresholds)
  709, -709, 1023.5 * Math.LN2, 38.81622314453125, -38.81622314453125, 1.0397205352783203, -1.0397205352783203,
  0.3465735912322998, -0.3465735912322998, 3.725290298461914e-9, -3.725290298461914e-9, 5.551115123125783e-17, 19 * Math.LN2, 20 * Math.LN2,
]).concat([NaN, Infinity, -Infinity]);

/** n arguments of each kind for a function: uniform on [lo, hi], log-uniform over every exponent, random bits, subnormals. */
function argumentsFor(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(4 * n + SPECIAL.length);
  let k = 0;
  for (let i = 0; i < n; i++) out[k++] = lo + (hi - lo) * unit();
  for (let i = 0; i < n; i++) out[k++] = (u32() & 1 ? -1 : 1) * (1 + unit()) * 2 ** ((u32() % 2098) - 1074);
  for (let i = 0; i < n; i++) out[k++] = bitsDouble();
  for (let i = 0; i < n; i++) out[k++] = (u32() & 1 ? -1 : 1) * unit() * 2.2250738585072014e-308;
  for (const x of SPECIAL) out[k++] = x;
  return out;
}

/** Indices where a and b differ in bits (any NaN equals any NaN). */
function differences(args: Float64Array, a: Float64Array, b: Float64Array, args2?: Float64Array): string[] {
  const ua = new Uint32Array(a.buffer);
  const ub = new Uint32Array(b.buffer);
  const bad: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if ((ua[2 * i] !== ub[2 * i] || ua[2 * i + 1] !== ub[2 * i + 1]) && !(a[i] !== a[i] && b[i] !== b[i])) {
      if (bad.length < 5) bad.push(`(${args[i]}${args2 ? `, ${args2[i]}` : ''}): ${a[i]} vs Math ${b[i]}`);
      else bad.push('');
    }
  }
  return bad;
}

describe('src/fdlibm.ts computes Node 20\'s Math.* bit for bit', () => {
  const N = 100_000; // × 4 kinds + the special values, per function
  const cases: [keyof typeof REFERENCE, number, number][] = [
    ['exp', -750, 750], ['expm1', -60, 720], ['tanh', -25, 25], ['log', 0, 100], ['log1p', -1, 100], ['sin', -100, 100], ['cos', -100, 100],
  ];
  for (const [name, lo, hi] of cases) {
    test(`${name}: ${4 * N + SPECIAL.length} arguments`, () => {
      const f = fd[name];
      const g = REFERENCE[name];
      const x = argumentsFor(lo, hi, N);
      const ours = new Float64Array(x.length);
      const want = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) ours[i] = f(x[i]);
      for (let i = 0; i < x.length; i++) want[i] = g(x[i]);
      const bad = differences(x, ours, want);
      expect(bad.length, bad.slice(0, 5).join('; ')).toBe(0);
    });
  }
  test('exp, log, log1p and tanh where the library calls them (sigmoid, softmax, losses: [-40, 40], (0, 1])', () => {
    const x = new Float64Array(400_000);
    for (let i = 0; i < x.length; i++) x[i] = i % 2 ? -40 + 80 * unit() : unit();
    for (const name of ['exp', 'log', 'log1p', 'tanh'] as const) {
      const ours = x.map(fd[name]);
      const want = x.map(REFERENCE[name]);
      const bad = differences(x, ours, want);
      expect(bad.length, `${name}: ${bad.slice(0, 5).join('; ')}`).toBe(0);
    }
  });

  test('pow(x, y): random and special pairs, integer exponents, negative bases, overflow, underflow, subnormal results', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    const add = (x: number, y: number): void => {
      xs.push(x);
      ys.push(y);
    };
    const specialY = SPECIAL.concat([3, -3, 0.5, -0.5, 1.5, 2 ** 31, 2 ** 31 + 1, 2 ** 52 + 1, 2 ** 64, 2 ** 64 + 2 ** 12, 1075, -1075, 1024, -1024]);
    for (const x of SPECIAL) for (const y of specialY) add(x, y);
    for (let i = 0; i < 150_000; i++) add(4 * unit(), -40 + 80 * unit()); // uniform
    for (let i = 0; i < 150_000; i++) add(bitsDouble(), bitsDouble()); // random bits
    for (let i = 0; i < 150_000; i++) add(-3 + 6 * unit(), Math.round(-60 + 120 * unit())); // integer exponents, negative bases
    for (let i = 0; i < 100_000; i++) add(unit(), 1000 + 100 * unit()); // underflow band, subnormal results
    for (let i = 0; i < 100_000; i++) add(1 + unit(), 1000 + 100 * unit()); // overflow band
    for (let i = 0; i < 100_000; i++) add(1 + (unit() - 0.5) * 2 ** -19, (unit() - 0.5) * 2 ** 40); // x near 1, |y| > 2^31
    for (let i = 0; i < 100_000; i++) add(0.5 + unit() * 0.5, Math.round(1 + 5000 * unit())); // Adam's β^step, schedules' (1 − d)^n
    const x = Float64Array.from(xs);
    const y = Float64Array.from(ys);
    const ours = new Float64Array(x.length);
    const want = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) ours[i] = fd.pow(x[i], y[i]);
    for (let i = 0; i < x.length; i++) want[i] = Math.pow(x[i], y[i]);
    const bad = differences(x, ours, want, y);
    expect(bad.length, bad.slice(0, 5).join('; ')).toBe(0);
    // d ** 2 as the losses compute it (d · d) is Math.pow(d, 2)
    const d = x.subarray(0, 200_000);
    expect(differences(d, d.map((v) => v * v), d.map((v) => Math.pow(v, 2))).length).toBe(0);
  });

  test('the special values keep their JavaScript meaning', () => {
    expect([fd.exp(-Infinity), fd.exp(Infinity), fd.exp(-0), fd.exp(NaN)]).toEqual([0, Infinity, 1, NaN]);
    expect([fd.log(0), fd.log(-0), fd.log(-1), fd.log(Infinity), fd.log(1)]).toEqual([-Infinity, -Infinity, NaN, Infinity, 0]);
    expect([fd.log1p(-1), fd.log1p(-2), Object.is(fd.log1p(-0), -0)]).toEqual([-Infinity, NaN, true]);
    expect([fd.tanh(Infinity), fd.tanh(-Infinity), Object.is(fd.tanh(-0), -0), fd.expm1(-Infinity)]).toEqual([1, -1, true, -1]);
    expect([fd.pow(1, Infinity), fd.pow(-1, -Infinity), fd.pow(NaN, 0), fd.pow(1, NaN), fd.pow(-8, 1 / 3), fd.pow(-2, 3), fd.pow(-0, -3)]).toEqual([NaN, NaN, 1, NaN, NaN, -8, -Infinity]);
    expect([fd.sin(Infinity), fd.cos(NaN), Object.is(fd.sin(-0), -0), fd.cos(0)]).toEqual([NaN, NaN, true, 1]);
  });
});
