// NumPy's legacy generator `numpy.random.RandomState` (behind `np.random.seed` / `np.random.rand` ...), bit
// for bit: MT19937 seeded as mtrand.pyx's `_legacy_seeding` does (an integer: init_genrand; an array of
// uint32: init_by_array), doubles from two 32-bit outputs, normals by the polar method with the cached
// second deviate (legacy_gauss), integers by masked rejection (random_bounded_uint64_fill, `_masked`),
// shuffles by random_interval, and `choice` as mtrand.pyx writes it.
import { show } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { crLog } from './libm.js';
import { MT19937, MT_N, entropyWords } from './mt19937.js';
import { NDArray } from './ndarray.js';
import type { ChoiceOptions, Rng } from './rng.js';

/** `RandomState.get_state(legacy=False)`: NumPy's dict form (JSON-able). */
export interface RandomStateState {
  bit_generator: 'MT19937';
  state: { key: number[]; pos: number };
  has_gauss: number;
  gauss: number;
}

/** `get_state()`'s legacy tuple: `['MT19937', key, pos, has_gauss, cached_gaussian]`. */
export type RandomStateTuple = ['MT19937', number[], number, number, number];

/** A draw's `size`: a count or a shape. */
export type Size = number | readonly number[];

const TWO32 = 4294967296;

function shapeOf(where: string, size: Size): number[] {
  const shape = typeof size === 'number' ? [size] : Array.isArray(size) ? [...size] : null;
  if (shape === null || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new EpyNNError(`${where}: size must be a non-negative integer or a shape (array of them), got ${show(size)}`);
  }
  return shape;
}

/** Smallest all-ones mask >= max (max < 2^53). */
function maskOf(max: number): number {
  if (max < TWO32) {
    let m = max;
    m |= m >>> 1;
    m |= m >>> 2;
    m |= m >>> 4;
    m |= m >>> 8;
    m |= m >>> 16;
    return m >>> 0;
  }
  // the high 32 bits' mask, then 32 ones (exact: no Math.log2, whose last bit an engine chooses)
  return maskOf(Math.floor(max / TWO32)) * TWO32 + (TWO32 - 1);
}

/**
 * NumPy's legacy `RandomState`, drawing the same numbers as `np.random.seed(s)` followed by the same
 * `np.random.*` calls. With `size` (a count or a shape) a method returns an NDArray, without it a number.
 *
 * ```ts
 * import { RandomState } from 'epynn-ts';
 * const rs = new RandomState(1);     // np.random.seed(1)
 * rs.rand();                         // 0.417022004702574, as NumPy
 * rs.randint(0, 10, [2, 3]).shape;   // [2, 3]
 * ```
 */
export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = 0;
  private gaussValue = 0;

  /** `np.random.RandomState(seed)`: an integer in [0, 2^32), an array of them, or nothing (fresh entropy). */
  constructor(seed?: number | readonly number[] | null) {
    this.seed(seed);
  }

  /**
   * `np.random.seed(seed)`: an integer in [0, 2^32 - 1] (init_genrand, as NumPy), a non-empty array of such
   * integers (init_by_array), or nothing for fresh entropy.
   */
  seed(seed?: number | readonly number[] | null): void {
    const where = 'RandomState.seed';
    const inRange = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TWO32;
    if (seed === undefined || seed === null) {
      this.mt.initByArray(entropyWords(MT_N));
    } else if (typeof seed === 'number') {
      if (!inRange(seed)) throw new EpyNNError(`${where}: seed must be between 0 and 2**32 - 1, got ${seed}`);
      this.mt.initGenrand(seed);
    } else if (Array.isArray(seed)) {
      if (seed.length === 0) throw new EpyNNError(`${where}: seed must be non-empty`);
      const bad = seed.find((v) => !inRange(v));
      if (bad !== undefined) throw new EpyNNError(`${where}: seed must be between 0 and 2**32 - 1, got ${show(bad)} in the array`);
      this.mt.initByArray(seed);
    } else throw new EpyNNError(`${where}: seed must be an integer or an array of integers, got ${show(seed)}`);
    this.hasGauss = 0;
    this.gaussValue = 0;
  }

  /** The next raw 32-bit output (NumPy's `next_uint32`). */
  nextUint32(): number {
    return this.mt.next32();
  }

  private fill(where: string, size: Size, draw: () => number): NDArray {
    const shape = shapeOf(where, size);
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = draw();
    return new NDArray(data, shape);
  }

  /** `random_sample(size)`: floats in [0, 1). */
  randomSample(): number;
  randomSample(size: Size): NDArray;
  randomSample(size?: Size): number | NDArray {
    return size === undefined ? this.mt.nextDouble() : this.fill('RandomState.randomSample', size, () => this.mt.nextDouble());
  }

  /** `random(size)`: the same as randomSample. */
  random(): number;
  random(size: Size): NDArray;
  random(size?: Size): number | NDArray {
    return size === undefined ? this.mt.nextDouble() : this.fill('RandomState.random', size, () => this.mt.nextDouble());
  }

  /** `rand(d0, d1, ...)`: floats in [0, 1) of shape (d0, d1, ...); a number without dimensions. */
  rand(): number;
  rand(...dims: number[]): NDArray;
  rand(...dims: number[]): number | NDArray {
    return dims.length === 0 ? this.mt.nextDouble() : this.fill('RandomState.rand', dims, () => this.mt.nextDouble());
  }

  /** `randn(d0, d1, ...)`: standard normals of shape (d0, d1, ...); a number without dimensions. */
  randn(): number;
  randn(...dims: number[]): NDArray;
  randn(...dims: number[]): number | NDArray {
    return dims.length === 0 ? this.gauss() : this.fill('RandomState.randn', dims, () => this.gauss());
  }

  /** legacy_gauss: the polar method; the second deviate of each accepted pair is cached for the next call. */
  private gauss(): number {
    if (this.hasGauss) {
      const t = this.gaussValue;
      this.hasGauss = 0;
      this.gaussValue = 0;
      return t;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.mt.nextDouble() - 1;
      x2 = 2 * this.mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * crLog(r2)) / r2); // correctly rounded log: see src/commons/libm.ts
    this.gaussValue = f * x1;
    this.hasGauss = 1;
    return f * x2;
  }

  /** `standard_normal(size)`: N(0, 1). */
  standardNormal(): number;
  standardNormal(size: Size): NDArray;
  standardNormal(size?: Size): number | NDArray {
    return size === undefined ? this.gauss() : this.fill('RandomState.standardNormal', size, () => this.gauss());
  }

  /** `uniform(low, high, size)`: low + (high - low) * random_sample(). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): NDArray;
  uniform(low = 0, high = 1, size?: Size): number | NDArray {
    const where = 'RandomState.uniform';
    if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(high - low)) {
      throw new EpyNNError(`${where}: low and high must be finite numbers, got low=${show(low)}, high=${show(high)}`);
    }
    const range = high - low;
    const draw = (): number => low + range * this.mt.nextDouble();
    return size === undefined ? draw() : this.fill(where, size, draw);
  }

  /** `normal(loc, scale, size)`: loc + scale * gauss. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): NDArray;
  normal(loc = 0, scale = 1, size?: Size): number | NDArray {
    const where = 'RandomState.normal';
    if (typeof loc !== 'number' || typeof scale !== 'number' || !Number.isFinite(loc) || !Number.isFinite(scale)) {
      throw new EpyNNError(`${where}: loc and scale must be finite numbers, got loc=${show(loc)}, scale=${show(scale)}`);
    }
    if (scale < 0) throw new EpyNNError(`${where}: scale must be non-negative, got ${scale}`);
    const draw = (): number => loc + scale * this.gauss();
    return size === undefined ? draw() : this.fill(where, size, draw);
  }

  /** An integer in [0, rng] by masked rejection (random_bounded_uint64_fill with use_masked). */
  private bounded(rng: number, mask: number): number {
    if (rng === 0) return 0;
    if (rng < TWO32) {
      if (rng === TWO32 - 1) return this.mt.next32();
      let v: number;
      while ((v = (this.mt.next32() & mask) >>> 0) > rng);
      return v;
    }
    // next_uint64 = (first 32-bit output << 32) | second, masked (mask < 2^53 here)
    const maskHi = Math.floor(mask / TWO32);
    let v: number;
    do {
      const hi = (this.mt.next32() & maskHi) >>> 0;
      const lo = this.mt.next32();
      v = hi * TWO32 + lo;
    } while (v > rng);
    return v;
  }

  /**
   * `randint(low, high, size)`: integers in [low, high) (in [0, low) without high), NumPy's default int64
   * path: masked rejection sampling on the range's bit mask. Bounds are safe integers.
   */
  randint(low: number, high?: number | null): number;
  randint(low: number, high: number | null | undefined, size: Size): NDArray;
  randint(low: number, high?: number | null, size?: Size): number | NDArray {
    const where = 'RandomState.randint';
    const [lo, hi] = high === undefined || high === null ? [0, low] : [low, high];
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new EpyNNError(`${where}: low and high must be safe integers, got low=${show(lo)}, high=${show(hi)}`);
    if (lo >= hi) throw new EpyNNError(`${where}: low >= high (low=${lo}, high=${hi})`);
    const rng = hi - 1 - lo;
    const mask = maskOf(rng);
    const draw = (): number => lo + this.bounded(rng, mask);
    return size === undefined ? draw() : this.fill(where, size, draw);
  }

  /** random_interval(max): an integer in [0, max] by masked rejection (the shuffles' draw). */
  private interval(max: number): number {
    if (max === 0) return 0;
    return this.bounded(max, maskOf(max));
  }

  /**
   * `shuffle(x)`: in place along the first axis (rows of an NDArray, elements of an array), from the last
   * position down, as NumPy; returns x.
   */
  shuffle<A extends NDArray | { length: number; [i: number]: unknown }>(x: A): A {
    const where = 'RandomState.shuffle';
    if (x instanceof NDArray) {
      if (x.ndim === 0) throw new EpyNNError(`${where}: a 0-d array cannot be shuffled`);
      const n = x.shape[0];
      const w = n === 0 ? 0 : x.size / n;
      const buf = new Float64Array(w);
      const d = x.data;
      for (let i = n - 1; i > 0; i--) {
        const j = this.interval(i);
        if (w === 1) {
          const t = d[i];
          d[i] = d[j];
          d[j] = t;
        } else {
          buf.set(d.subarray(i * w, (i + 1) * w));
          d.copyWithin(i * w, j * w, (j + 1) * w);
          d.set(buf, j * w);
        }
      }
      return x;
    }
    if (x === null || typeof x !== 'object' || typeof (x as { length: unknown }).length !== 'number') throw new EpyNNError(`${where}: x must be an array or an NDArray, got ${show(x)}`);
    const a = x as { length: number; [i: number]: unknown };
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return x;
  }

  /** `permutation(n)`: a shuffled arange(n); `permutation(x)`: a shuffled copy of x (rows of an NDArray). */
  permutation(x: number | NDArray | readonly number[]): NDArray;
  permutation<T>(x: readonly T[]): T[];
  permutation<T>(x: number | NDArray | readonly T[]): NDArray | T[] {
    const where = 'RandomState.permutation';
    if (typeof x === 'number') {
      if (!Number.isSafeInteger(x) || x < 0) throw new EpyNNError(`${where}: x must be a non-negative integer or an array, got ${x}`);
      const a = new Float64Array(x);
      for (let i = 0; i < x; i++) a[i] = i;
      return this.shuffle(new NDArray(a, [x]));
    }
    if (x instanceof NDArray) return this.shuffle(x.copy());
    if (!Array.isArray(x)) throw new EpyNNError(`${where}: x must be a non-negative integer or an array, got ${show(x)}`);
    if (x.every((v) => typeof v === 'number')) return this.shuffle(new NDArray(Float64Array.from(x as number[]), [x.length]));
    return this.shuffle([...x]);
  }

  /**
   * `choice(a, size, replace, p)`: elements of `a` (an array, an NDArray's first axis, or n for arange(n)).
   * One element without `size`; with `size` an NDArray (numbers) or an array (other elements).
   * `replace` may also be given as `{ replace, p }`.
   */
  choice(a: number | NDArray | readonly number[], size?: undefined | null, replace?: boolean | ChoiceOptions, p?: readonly number[] | NDArray): number;
  choice(a: number | NDArray | readonly number[], size: Size, replace?: boolean | ChoiceOptions, p?: readonly number[] | NDArray): NDArray;
  choice<T>(a: readonly T[], size?: undefined | null, replace?: boolean | ChoiceOptions, p?: readonly number[] | NDArray): T;
  choice<T>(a: readonly T[], size: Size, replace?: boolean | ChoiceOptions, p?: readonly number[] | NDArray): T[];
  choice<T>(
    a: number | NDArray | readonly T[], size?: Size | null, replace: boolean | ChoiceOptions = true, p?: readonly number[] | NDArray,
  ): number | T | NDArray | T[] {
    const where = 'RandomState.choice';
    if (typeof replace === 'object' && replace !== null) {
      const extra = Object.keys(replace).filter((k) => k !== 'replace' && k !== 'p');
      if (extra.length > 0) throw new EpyNNError(`${where}: unknown option ${extra[0]} (expected replace, p)`);
      if (p !== undefined && replace.p !== undefined) throw new EpyNNError(`${where}: p given twice`);
      p = p ?? replace.p;
      replace = replace.replace ?? true;
    }
    if (typeof replace !== 'boolean') throw new EpyNNError(`${where}: replace must be a boolean, got ${show(replace)}`);
    let popSize: number;
    if (typeof a === 'number') {
      if (!Number.isSafeInteger(a) || a <= 0) throw new EpyNNError(`${where}: a must be a positive integer, got ${a}`);
      popSize = a;
    } else if (a instanceof NDArray) {
      if (a.ndim !== 1) throw new ShapeError(`${where}: a must be 1-dimensional, got shape (${a.shape.join(', ')})`);
      popSize = a.size;
    } else if (Array.isArray(a)) popSize = a.length;
    else throw new EpyNNError(`${where}: a must be an integer, an array or an NDArray, got ${show(a)}`);
    if (popSize === 0 && p === undefined) throw new EpyNNError(`${where}: a cannot be empty unless no samples are taken`);
    let probs: Float64Array | undefined;
    if (p !== undefined && p !== null) {
      probs = p instanceof NDArray ? p.data.slice() : Array.isArray(p) ? Float64Array.from(p) : undefined;
      if (probs === undefined) throw new EpyNNError(`${where}: p must be an array of probabilities, got ${show(p)}`);
      if (probs.length !== popSize) throw new EpyNNError(`${where}: a and p must have the same size (${popSize} and ${probs.length})`);
      if (probs.some((v) => !Number.isFinite(v))) throw new EpyNNError(`${where}: probabilities contain NaN or infinity`);
      if (probs.some((v) => v < 0)) throw new EpyNNError(`${where}: probabilities are not non-negative`);
      // kahan_sum, tolerance sqrt(eps)
      let sum = 0;
      let c = 0;
      for (const v of probs) {
        const y = v - c;
        const t = sum + y;
        c = t - sum - y;
        sum = t;
      }
      if (Math.abs(sum - 1) > Math.sqrt(2.220446049250313e-16)) throw new EpyNNError(`${where}: probabilities do not sum to 1 (sum ${sum})`);
    }
    const shape = size === undefined || size === null ? null : shapeOf(where, size);
    const count = shape === null ? 1 : shape.reduce((x, y) => x * y, 1);
    const cdfOf = (w: Float64Array): Float64Array => {
      const cdf = new Float64Array(w.length);
      let s = 0;
      for (let i = 0; i < w.length; i++) cdf[i] = s += w[i];
      const last = cdf[cdf.length - 1];
      for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
      return cdf;
    };
    const searchRight = (cdf: Float64Array, x: number): number => {
      let lo = 0;
      let hi = cdf.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x < cdf[mid]) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    let idx: number[];
    if (replace) {
      if (probs !== undefined) {
        const cdf = cdfOf(probs);
        idx = Array.from({ length: count }, () => searchRight(cdf, this.mt.nextDouble()));
      } else {
        const rng = popSize - 1;
        const mask = maskOf(rng);
        idx = Array.from({ length: count }, () => this.bounded(rng, mask));
      }
    } else {
      if (count > popSize) throw new EpyNNError(`${where}: cannot take a larger sample (${count}) than population (${popSize}) when replace=false`);
      if (probs !== undefined) {
        if (probs.filter((v) => v > 0).length < count) throw new EpyNNError(`${where}: fewer non-zero entries in p than size (${count})`);
        idx = [];
        while (idx.length < count) {
          const x = Array.from({ length: count - idx.length }, () => this.mt.nextDouble());
          for (const j of idx) probs[j] = 0;
          const cdf = cdfOf(probs);
          const seen = new Set<number>();
          for (const u of x) {
            const j = searchRight(cdf, u);
            if (!seen.has(j)) {
              seen.add(j);
              idx.push(j);
            }
          }
        }
      } else idx = Array.from(this.permutation(popSize).data.subarray(0, count));
    }
    const pick = (i: number): unknown => (typeof a === 'number' ? i : a instanceof NDArray ? a.data[i] : a[i]);
    if (shape === null) return pick(idx[0]) as number | T;
    const values = idx.map(pick);
    if (values.every((v) => typeof v === 'number')) return new NDArray(Float64Array.from(values as number[]), shape);
    if (shape.length !== 1) throw new ShapeError(`${where}: a multi-dimensional size needs numeric elements`);
    return values as T[];
  }

  /** `get_state(legacy=False)`: `{ bit_generator: 'MT19937', state: { key, pos }, has_gauss, gauss }` (JSON-able). */
  getState(): RandomStateState {
    return { bit_generator: 'MT19937', state: { key: [...this.mt.mt], pos: this.mt.index }, has_gauss: this.hasGauss, gauss: this.gaussValue };
  }

  /** `set_state(state)`: from `getState()`, NumPy's dict form, or its legacy tuple `['MT19937', key, pos, has_gauss, gauss]`. */
  setState(state: RandomStateState | RandomStateTuple): void {
    const where = 'RandomState.setState';
    let key: unknown, pos: unknown, hasGauss: unknown, gauss: unknown;
    if (Array.isArray(state)) {
      if (state[0] !== 'MT19937' || state.length !== 5) throw new EpyNNError(`${where}: expected ['MT19937', key, pos, has_gauss, gauss], got ${show(state)}`);
      [, key, pos, hasGauss, gauss] = state;
    } else if (state !== null && typeof state === 'object' && state.bit_generator === 'MT19937' && typeof state.state === 'object' && state.state !== null) {
      ({ key, pos } = state.state);
      hasGauss = state.has_gauss;
      gauss = state.gauss;
    } else throw new EpyNNError(`${where}: expected { bit_generator: 'MT19937', state: { key, pos }, has_gauss, gauss }, got ${show(state)}`);
    if (!Array.isArray(key) || key.length !== MT_N || key.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO32)) {
      throw new EpyNNError(`${where}: key must hold ${MT_N} uint32 integers, got ${show(key)}`);
    }
    if (!Number.isInteger(pos) || (pos as number) < 0 || (pos as number) > MT_N) throw new EpyNNError(`${where}: pos must be an integer in [0, ${MT_N}], got ${show(pos)}`);
    if (hasGauss !== 0 && hasGauss !== 1) throw new EpyNNError(`${where}: has_gauss must be 0 or 1, got ${show(hasGauss)}`);
    if (typeof gauss !== 'number' || !Number.isFinite(gauss)) throw new EpyNNError(`${where}: gauss must be a finite number, got ${show(gauss)}`);
    this.mt.mt.set(key as number[]);
    this.mt.index = pos as number;
    this.hasGauss = hasGauss;
    this.gaussValue = gauss;
  }

  /**
   * This generator as a layer's `Rng` (`layer.rng = rs.asRng()`): the same stream, and a state that model
   * files save and `restoreRng` restores as a RandomState.
   */
  asRng(): Rng {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const rs = this;
    return {
      uniform: (low = 0, high = 1) => rs.uniform(low, high),
      standardNormal: () => rs.standardNormal(),
      normal: (loc = 0, scale = 1) => rs.normal(loc, scale),
      integers: (low: number, high?: number) => rs.randint(low, high),
      choice: (<T>(a: number | readonly T[], size?: number, options?: ChoiceOptions) => {
        if (size === undefined) return rs.choice(a as readonly T[], undefined, options ?? true);
        const out = rs.choice(a as readonly T[], size, options ?? true);
        return out instanceof NDArray ? Array.from(out.data) : out;
      }) as Rng['choice'],
      shuffle: (x) => rs.shuffle(x),
      permutation: (n: number) => Array.from(rs.permutation(n).data),
      state: () => rs.getState(),
    };
  }
}

/**
 * `np.random` as NumPy's legacy module-level functions: `np.random.seed(1)`, `np.random.randint(0, 28)`,
 * `np.random.normal(0, 0.5, 128)` port as written (`import { np } from 'epynn-ts'`). One shared
 * RandomState, seeded from the platform's entropy source until seeded (NumPy's global `_rand`).
 */
export const np: { readonly random: RandomState } = Object.freeze({ random: new RandomState() });
