// Seeded pseudo-random numbers. Nothing in epynn-ts calls Math.random.
import seedrandom from 'seedrandom';
import { EpyNNError } from './errors.js';
import { NumpyRng, type NumpyRngState } from './numpy_rng.js';

/** The random source every layer and the embedding draw from. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  standardNormal(): number;
  /** Random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[];
  /** A JSON-able snapshot of the generator; `restoreRng(snapshot)` continues the same stream. */
  state(): RngState;
}

/** Snapshot of the default generator's internal state (seedrandom Alea state plus the cached normal). */
export interface AleaRngState {
  alea: { c: number; s0: number; s1: number; s2: number };
  spare: number | null;
}

/** Snapshot of a generator: the default (Alea) one, or NumPy's PCG64 (`numpyRng`, compat: 'epynn'). */
export type RngState = AleaRngState | NumpyRngState;

/** A generator continuing from a `state()` snapshot of either kind. */
export function restoreRng(state: RngState): Rng {
  if (state !== null && typeof state === 'object' && 'bit_generator' in state) return NumpyRng.fromState(state);
  if (state !== null && typeof state === 'object' && 'alea' in state) return seededRng(undefined, state);
  throw new EpyNNError(`restoreRng: expected a generator state ({ alea, spare } or { bit_generator: 'PCG64', ... }), got ${JSON.stringify(state)}`);
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
  return {
    uniform: () => next(),
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
      const f = Math.sqrt((-2 * Math.log(s)) / s);
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
}
