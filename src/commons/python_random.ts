// CPython 3's `random.Random`, bit for bit: MT19937 seeded as Modules/_randommodule.c seeds it (|n| cut
// into little-endian 32-bit words for init_by_array), and the methods of Lib/random.py (3.11) drawing in
// the same order: `_randbelow` by rejection on `n.bit_length()` bits, `shuffle` from the end, `sample`'s
// pool or set strategy, `gauss` with its cached second value.
import { show } from './checks.js';
import { EpyNNError } from '../errors.js';
import { crCos, crLog, crSin } from './libm.js';
import { MT19937, MT_N, entropyWords, uint32Chunks } from './mt19937.js';
import { log, pow } from '../fdlibm.js';

/** `random.getstate()`: `[3, [624 state words..., index], gauss_next]`, as Python's tuple (JSON-able). */
export type PythonRandomState = [3, number[], number | null];

const TWO32 = 4294967296;
const TWOPI = 2 * Math.PI;

function bitLength(n: number): number {
  return n === 0 ? 0 : n < TWO32 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / TWO32));
}

/**
 * CPython 3's `random.Random` (the generator behind `random.seed`, `random.random`, ...), drawing the same
 * numbers as Python for the same seed. Integer arguments are safe integers (`getrandbits` returns a bigint).
 *
 * ```ts
 * import { PythonRandom } from 'epynn-ts';
 * const r = new PythonRandom(1); // random.seed(1)
 * r.random();                    // 0.13436424411240122, as Python
 * ```
 */
export class PythonRandom {
  private readonly mt = new MT19937();
  private gaussNext: number | null = null;

  /** `random.Random(seed)`; without a seed, seeded from the platform's entropy source (as Python's `os.urandom`). */
  constructor(seed?: number | bigint | null) {
    this.seed(seed);
  }

  /**
   * `random.seed(a)`: an integer of any size and sign (a number or a bigint; CPython uses |a|), or nothing
   * for fresh entropy. String seeds (Python's SHA-512 version 2 seeding) are not supported.
   */
  seed(a?: number | bigint | null): void {
    if (a === undefined || a === null) this.mt.initByArray(entropyWords(MT_N));
    else if (typeof a === 'bigint') this.mt.initByArray(uint32Chunks(a));
    else if (typeof a === 'number' && Number.isSafeInteger(a)) this.mt.initByArray(uint32Chunks(BigInt(a)));
    else {
      throw new EpyNNError(
        `PythonRandom.seed: a must be an integer (a safe-integer number or a bigint), got ${typeof a === 'number' ? a : show(a)}` +
          (typeof a === 'string' ? ' (string seeds are not supported: use an integer)' : ''),
      );
    }
    this.gaussNext = null;
  }

  /** `random()`: a float in [0, 1) with 53 random bits. */
  random(): number {
    return this.mt.nextDouble();
  }

  /** `getrandbits(k)`: a non-negative bigint of k random bits (the first 32-bit output is the lowest word). */
  getrandbits(k: number): bigint {
    if (!Number.isSafeInteger(k) || k < 0) throw new EpyNNError(`PythonRandom.getrandbits: k must be a non-negative integer, got ${show(k)}`);
    if (k <= 32) return k === 0 ? 0n : BigInt(this.mt.next32() >>> (32 - k));
    let out = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32, shift += 32n) {
      let r = this.mt.next32();
      if (left < 32) r >>>= 32 - left;
      out |= BigInt(r) << shift;
    }
    return out;
  }

  /** getrandbits(k) as a number, k <= 53. */
  private bits(k: number): number {
    if (k <= 32) return k === 0 ? 0 : this.mt.next32() >>> (32 - k);
    const lo = this.mt.next32();
    const hi = this.mt.next32() >>> (64 - k);
    return hi * TWO32 + lo;
  }

  /** `_randbelow(n)`: an integer in [0, n) by rejection sampling on n.bit_length() bits. */
  private randbelow(n: number): number {
    const k = bitLength(n);
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  /** `randrange(stop)` or `randrange(start, stop, step = 1)`: an integer of range(start, stop, step). */
  randrange(start: number, stop?: number, step = 1): number {
    const where = 'PythonRandom.randrange';
    for (const [k, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
      if (v !== undefined && !Number.isSafeInteger(v)) throw new EpyNNError(`${where}: ${k} must be a safe integer, got ${show(v)}`);
    }
    if (stop === undefined) {
      if (step !== 1) throw new EpyNNError(`${where}: missing a non-None stop argument`);
      if (start > 0) return this.randbelow(start);
      throw new EpyNNError(`${where}: empty range for randrange(${start})`);
    }
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new EpyNNError(`${where}: empty range for randrange(${start}, ${stop})`);
    }
    let n: number;
    if (step > 0) n = Math.floor((width + step - 1) / step);
    else if (step < 0) n = Math.floor((width + step + 1) / step);
    else throw new EpyNNError(`${where}: zero step for randrange()`);
    if (n <= 0) throw new EpyNNError(`${where}: empty range for randrange(${start}, ${stop}, ${step})`);
    return start + step * this.randbelow(n);
  }

  /** `randint(a, b)`: an integer in [a, b], both included. */
  randint(a: number, b: number): number {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new EpyNNError(`PythonRandom.randint: a and b must be safe integers, got a=${show(a)}, b=${show(b)}`);
    if (b < a) throw new EpyNNError(`PythonRandom.randint: empty range, a=${a} > b=${b}`);
    return this.randrange(a, b + 1);
  }

  /** `uniform(a, b)`: a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    if (typeof a !== 'number' || typeof b !== 'number') throw new EpyNNError(`PythonRandom.uniform: a and b must be numbers, got a=${show(a)}, b=${show(b)}`);
    return a + (b - a) * this.random();
  }

  /** `choice(seq)`: one element of a non-empty array or string. */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq === null || typeof seq !== 'object' && typeof seq !== 'string' || typeof (seq as ArrayLike<T>).length !== 'number') {
      throw new EpyNNError(`PythonRandom.choice: seq must be an array or a string, got ${show(seq)}`);
    }
    if (seq.length === 0) throw new EpyNNError('PythonRandom.choice: cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)];
  }

  /** `shuffle(x)`: shuffles an array (or typed array) in place, from the last element down; returns it. */
  shuffle<A extends { length: number; [i: number]: unknown }>(x: A): A {
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw new EpyNNError(`PythonRandom.shuffle: x must be an array, got ${show(x)}`);
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /**
   * `sample(population, k)`: k distinct elements, in selection order. A number n stands for `range(n)`
   * (`random.sample(range(60000), 750)` → `sample(60000, 750)`).
   */
  sample<T = number>(population: number | ArrayLike<T>, k: number): T[] {
    const where = 'PythonRandom.sample';
    const isRange = typeof population === 'number';
    if (isRange ? !Number.isSafeInteger(population) || population < 0 : population === null || typeof population !== 'object' && typeof population !== 'string') {
      throw new EpyNNError(`${where}: population must be an array or a range size, got ${show(population)}`);
    }
    const n = isRange ? (population as number) : (population as ArrayLike<T>).length;
    const at = (i: number): T => (isRange ? (i as T) : (population as ArrayLike<T>)[i]);
    if (!Number.isSafeInteger(k) || k < 0 || k > n) throw new EpyNNError(`${where}: sample larger than population or is negative (k=${show(k)}, population of ${n})`);
    const result: T[] = new Array(k);
    let setsize = 21;
    if (k > 5) setsize += pow(4, Math.ceil(log(k * 3) / log(4)));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => at(i));
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = at(j);
      }
    }
    return result;
  }

  /**
   * `choices(population, weights?, { k })` → `choices(population, { weights, cumWeights, k })`: k elements
   * with replacement, uniform or by (cumulative) weights.
   */
  choices<T>(population: ArrayLike<T>, options: { weights?: readonly number[]; cumWeights?: readonly number[]; k?: number } = {}): T[] {
    const where = 'PythonRandom.choices';
    const { weights, cumWeights, k = 1 } = options;
    const unknown = Object.keys(options).filter((key) => !['weights', 'cumWeights', 'k'].includes(key));
    if (unknown.length > 0) throw new EpyNNError(`${where}: unknown option ${unknown[0]} (expected weights, cumWeights, k)`);
    if (!Number.isSafeInteger(k) || k < 0) throw new EpyNNError(`${where}: k must be a non-negative integer, got ${show(k)}`);
    const n = population.length;
    if (weights === undefined && cumWeights === undefined) {
      if (n === 0) throw new EpyNNError(`${where}: cannot choose from an empty population`);
      return Array.from({ length: k }, () => population[Math.floor(this.random() * n)]);
    }
    if (weights !== undefined && cumWeights !== undefined) throw new EpyNNError(`${where}: cannot specify both weights and cumWeights`);
    let cum: number[];
    if (weights !== undefined) {
      cum = [];
      let s = 0;
      for (const w of weights) cum.push((s += w));
    } else cum = [...cumWeights!];
    if (cum.length !== n) throw new EpyNNError(`${where}: the number of weights (${cum.length}) does not match the population (${n})`);
    const total = cum[n - 1] + 0;
    if (!(total > 0) || !Number.isFinite(total)) throw new EpyNNError(`${where}: total of weights must be greater than zero and finite, got ${total}`);
    const hi = n - 1;
    return Array.from({ length: k }, () => {
      const x = this.random() * total;
      let lo = 0;
      let h = hi; // bisect_right(cum, x, 0, hi)
      while (lo < h) {
        const mid = (lo + h) >> 1;
        if (x < cum[mid]) h = mid;
        else lo = mid + 1;
      }
      return population[lo];
    });
  }

  /**
   * `gauss(mu, sigma)`: Box-Muller on two random() values; the second deviate is kept for the next call.
   * log, cos and sin are correctly rounded (src/commons/libm.ts): the same as CPython's except on the rare
   * inputs where the C library's result is not the nearest double (about 1 in 1000 with glibc).
   */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * TWOPI;
      const g2rad = Math.sqrt(-2 * crLog(1 - this.random()));
      z = crCos(x2pi) * g2rad;
      this.gaussNext = crSin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /** `getstate()`: `[3, [624 words..., index], gauss_next]`, Python's tuple as JSON-able arrays. */
  getstate(): PythonRandomState {
    return [3, [...this.mt.mt, this.mt.index], this.gaussNext];
  }

  /** `setstate(state)`: continues from a `getstate()` (of this class or of Python, as JSON). */
  setstate(state: PythonRandomState): void {
    const where = 'PythonRandom.setstate';
    if (!Array.isArray(state) || state.length !== 3 || state[0] !== 3) {
      throw new EpyNNError(`${where}: expected [3, [625 integers], gauss_next] (random.getstate() of Python 3), got ${show(state)}`);
    }
    const [, words, gauss] = state;
    if (!Array.isArray(words) || words.length !== MT_N + 1) throw new EpyNNError(`${where}: the internal state must hold ${MT_N + 1} integers, got ${show(words)}`);
    for (let i = 0; i < MT_N; i++) {
      const w = words[i];
      if (!Number.isInteger(w) || w < 0 || w >= TWO32) throw new EpyNNError(`${where}: state word ${i} must be a uint32, got ${show(w)}`);
    }
    const index = words[MT_N];
    if (!Number.isInteger(index) || index < 0 || index > MT_N) throw new EpyNNError(`${where}: state index out of range: ${show(index)}`);
    if (gauss !== null && typeof gauss !== 'number') throw new EpyNNError(`${where}: gauss_next must be a number or null, got ${show(gauss)}`);
    this.mt.mt.set(words.slice(0, MT_N));
    this.mt.index = index;
    this.gaussNext = gauss;
  }
}

/**
 * The module-level generator, as Python's `random` module: `random.seed(1)` and `random.choice(seq)` port
 * as written (`import { random } from 'epynn-ts'`). Seeded from the platform's entropy source until seeded.
 */
export const random: PythonRandom = new PythonRandom();
