// Seeded pseudo-random numbers. Nothing in epynn-ts calls Math.random.
import { checkOptions } from './checks.js';
import { show } from './checks.js';
import seedrandom from 'seedrandom';
import { EpyNNError } from '../errors.js';
import { NumpyRng, type NumpyRngState } from './numpy_rng.js';
import type { RandomStateState } from './random_state.js';
import { log } from '../fdlibm.js';

/** The random source every layer and the embedding draw from. */
export interface Rng {
  /** Uniform in [low, high), default [0, 1) (NumPy's `uniform(low, high)`, Python's `random.uniform(a, b)`). */
  uniform(low?: number, high?: number): number;
  /** Standard normal N(0, 1). */
  standardNormal(): number;
  /** Normal N(loc, scale²) (NumPy's `normal(loc, scale)`). */
  normal(loc?: number, scale?: number): number;
  /** An integer in [low, high), or [0, low) with one argument (NumPy's `integers`; Python's `randint(a, b)` is `integers(a, b + 1)`). */
  integers(low: number, high?: number): number;
  /**
   * Elements of `a` (an array, or n for 0..n-1): one element without `size`, else an array of `size`
   * (NumPy's `choice(a, size, replace, p)`; Python's `random.choice(seq)` is `choice(seq)`).
   */
  choice<T = number>(a: number | readonly T[], size?: undefined, options?: ChoiceOptions): T;
  /** `size` elements of `a` (an array, or n for 0..n-1), as NumPy's `choice(a, size, replace, p)`. */
  choice<T = number>(a: number | readonly T[], size: number, options?: ChoiceOptions): T[];
  /** Shuffles `x` in place and returns it (NumPy's `shuffle`, Python's `random.shuffle`). */
  shuffle<A extends unknown[] | Float64Array | Int32Array>(x: A): A;
  /** Random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[];
  /** A JSON-able snapshot of the generator; `restoreRng(snapshot)` continues the same stream. */
  state(): RngState;
}

/** Options of `Rng.choice`: sampling with replacement (default), probabilities p (default uniform). */
export interface ChoiceOptions {
  replace?: boolean;
  p?: readonly number[];
}

/** Snapshot of the default generator's internal state (seedrandom Alea state plus the cached normal). */
export interface AleaRngState {
  alea: { c: number; s0: number; s1: number; s2: number };
  spare: number | null;
}

/**
 * Snapshot of a generator: the default (Alea) one, NumPy's PCG64 (`numpyRng`, compat: 'epynn'), or NumPy's
 * legacy MT19937 (`RandomState.asRng()`).
 */
export type RngState = AleaRngState | NumpyRngState | RandomStateState;

/** A generator continuing from a `state()` snapshot of either kind. */
export function restoreRng(state: RngState): Rng {
  if (state !== null && typeof state === 'object' && 'bit_generator' in state) return NumpyRng.fromState(state as NumpyRngState);
  if (state !== null && typeof state === 'object' && 'alea' in state) return seededRng(undefined, state);
  throw new EpyNNError(`restoreRng: expected a generator state ({ alea, spare }, { bit_generator: 'PCG64', ... } or { bit_generator: 'MT19937', ... }), got ${show(state)}`);
}

/**
 * A seeded generator (seedrandom's Alea). The same seed gives the same stream on every
 * platform. Without a seed, the generator is seeded from the platform's entropy source.
 * NOTE: streams differ from NumPy's PCG64; tests inject parameters instead of relying on RNG parity.
 */
export function seededRng(seed?: number | string, restore?: AleaRngState): Rng {
  const gen = restore
    ? seedrandom.alea('', { state: restore.alea })
    : seedrandom.alea(seed === undefined || seed === null ? seedrandom(undefined, { entropy: true })().toString() : String(seed), { state: true });
  const next: () => number = gen;
  let spare: number | undefined = restore?.spare ?? undefined;
  const where = (what: string): string => `Rng.${what}`;
  const interval = (n: number): number => Math.floor(next() * n); // in [0, n)
  const rng: Rng = {
    uniform(low = 0, high = 1): number {
      checkFinite(where('uniform'), { low, high });
      return low + (high - low) * next();
    },
    normal(loc = 0, scale = 1): number {
      checkFinite(where('normal'), { loc, scale });
      if (scale < 0) throw new EpyNNError(`Rng.normal: scale must be non-negative, got ${scale}`);
      return loc + scale * rng.standardNormal();
    },
    integers(low: number, high?: number): number {
      const [lo, hi] = high === undefined ? [0, low] : [low, high];
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || !(hi > lo)) {
        throw new EpyNNError(`Rng.integers: need integers low < high, got low=${String(lo)}, high=${String(hi)}`);
      }
      return lo + interval(hi - lo);
    },
    choice<T>(a: number | readonly T[], size?: number, options?: ChoiceOptions): T & T[] {
      const { replace = true, p } = checkOptions('Rng.choice', options, ['replace', 'p'], { call: 'rng.choice', lead: 'a, size, ', primary: 'replace', example: 'false' });
      const idx = chooseIndices(a, size, replace, p, interval, next);
      const out = typeof a === 'number' ? (idx as unknown as T[]) : idx.map((i) => a[i]);
      return (size === undefined ? out[0] : out) as T & T[];
    },
    shuffle<A extends unknown[] | Float64Array | Int32Array>(x: A): A {
      if (!Array.isArray(x) && !(x instanceof Float64Array) && !(x instanceof Int32Array)) {
        throw new EpyNNError(`Rng.shuffle: x must be an array, got ${show(x)}`);
      }
      for (let i = x.length - 1; i > 0; i--) {
        const j = interval(i + 1);
        const t = x[i];
        x[i] = x[j];
        x[j] = t;
      }
      return x;
    },
    standardNormal(): number {
      // Marsaglia polar method; the second value of each pair is kept for the next call
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u: number, v: number, s: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * log(s)) / s);
      spare = v * f;
      return u * f;
    },
    permutation(n: number): number[] {
      const out = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
      return out;
    },
    state(): AleaRngState {
      return { alea: (gen as unknown as { state(): AleaRngState['alea'] }).state(), spare: spare ?? null };
    },
  };
  return rng;
}

function checkFinite(where: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EpyNNError(`${where}: ${k} must be a finite number, got ${show(v)}`);
  }
}

/** The indices `choice` draws: with replacement uniform or by the cdf of p; without, a partial Fisher-Yates (or p renormalised per draw). */
function chooseIndices(
  a: unknown, size: number | undefined, replace: boolean, p: readonly number[] | undefined,
  interval: (n: number) => number, next: () => number,
): number[] {
  const where = 'Rng.choice';
  if (typeof a === 'number' ? !(Number.isSafeInteger(a) && a >= 0) : !Array.isArray(a)) {
    throw new EpyNNError(`${where}: a must be an array or a non-negative integer, got ${typeof a === 'number' ? a : typeof a}`);
  }
  const n = typeof a === 'number' ? a : (a as unknown[]).length;
  const k = size ?? 1;
  if (!Number.isSafeInteger(k) || k < 0) throw new EpyNNError(`${where}: size must be a non-negative integer, got ${show(size)}`);
  if (n === 0 && k > 0) throw new EpyNNError(`${where}: cannot choose from an empty population`);
  if (!replace && k > n) throw new EpyNNError(`${where}: cannot take ${k} samples from a population of ${n} without replacement`);
  let w: number[] | undefined;
  if (p !== undefined) {
    if (!Array.isArray(p) || p.length !== n) throw new EpyNNError(`${where}: p must be an array of ${n} probabilities, got ${Array.isArray(p) ? `${p.length} values` : typeof p}`);
    if (p.some((v) => typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) throw new EpyNNError(`${where}: probabilities must be finite non-negative numbers, got ${show(p)}`);
    const total = p.reduce((s, v) => s + v, 0);
    if (Math.abs(total - 1) > 1e-8) throw new EpyNNError(`${where}: probabilities must sum to 1, got ${total}`);
    if (!replace && p.filter((v) => v > 0).length < k) throw new EpyNNError(`${where}: fewer non-zero probabilities than size (${k}) without replacement`);
    w = [...p];
  }
  const pick = (weights: number[]): number => {
    const total = weights.reduce((s, v) => s + v, 0);
    let u = next() * total;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] > 0 && u < weights[i]) return i;
      u -= weights[i];
    }
    let last = weights.length - 1; // rounding: the last index with weight
    while (weights[last] === 0) last--;
    return last;
  };
  const out: number[] = [];
  if (replace) {
    for (let i = 0; i < k; i++) out.push(w ? pick(w) : interval(n));
  } else if (w) {
    for (let i = 0; i < k; i++) {
      const j = pick(w);
      out.push(j);
      w[j] = 0;
    }
  } else {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + interval(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
      out.push(pool[i]);
    }
  }
  return out;
}
