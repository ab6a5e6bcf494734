// A NumPy-compatible generator: `numpyRng(seed)` draws exactly what `numpy.random.default_rng(seed)` draws.
// PCG64 (XSL-RR 128/64) seeded through SeedSequence, and the Generator methods EpyNN and its live examples
// use, each following NumPy's C/Cython code step by step (numpy/random: bit_generator.pyx SeedSequence,
// src/pcg64/pcg64.h, src/distributions/distributions.c, _generator.pyx). The 128-bit state is held in
// six 24-bit limbs so that every product and column sum stays exact in float64: no BigInt per draw.
import { checkOptions, show } from './checks.js';
import { EpyNNError } from '../errors.js';
import type { ChoiceOptions, Rng } from './rng.js';
import { NDArray } from './ndarray.js';
import { RandomState, type RandomStateState, type Size } from './random_state.js';
import { FI, KI, WI, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_R } from './ziggurat.js';
import { exp, log1p } from '../fdlibm.js';

/** The generator's state, as NumPy's `bit_generator.state` (128-bit integers as decimal strings). */
export interface NumpyRngState {
  bit_generator: 'PCG64';
  state: { state: string; inc: string };
  has_uint32: number;
  uinteger: number;
}

// ---------------------------------------------------------------------------------------------------
// SeedSequence (bit_generator.pyx): entropy words -> a pool of 4 words -> generate_state(n) words.
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** A non-negative integer as little-endian uint32 words (NumPy _coerce_to_uint32_array; 0 -> [0]). */
function uint32Words(seed: bigint): number[] {
  const words: number[] = [];
  do {
    words.push(Number(seed & 0xffffffffn));
    seed >>= 32n;
  } while (seed > 0n);
  return words;
}

/** The 4-word entropy pool of SeedSequence(entropy) (mix_entropy). */
function seedPool(entropy: number[]): Uint32Array {
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  return pool;
}

/** SeedSequence.generate_state(nWords, uint32). */
function generateState(pool: Uint32Array, nWords: number): number[] {
  let hashConst = INIT_B;
  const out: number[] = [];
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % POOL_SIZE] ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    out.push((v ^ (v >>> 16)) >>> 0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// PCG64 multiplier 2549297995355413924 * 2**64 + 4865540595714422341, in 24-bit limbs (low first).
const M0 = 13432389, M1 = 14640287, M2 = 10765189, M3 = 2082397, M4 = 6352133, M5 = 35;
const TWO24 = 16777216;
const INV24 = 1 / 16777216;
const TWO16 = 65536;
const TWO32 = 4294967296;

/** 24-bit limbs (low first) of a 128-bit integer (the last one holds the top 8 bits). */
function limbs(x: bigint): number[] {
  return Array.from({ length: 6 }, (_, k) => Number((x >> BigInt(24 * k)) & 0xffffffn));
}

function fromLimbs(l: number[]): bigint {
  return l.reduceRight((acc, v) => (acc << 24n) | BigInt(v), 0n);
}

function toSeed(seed: number | bigint, where: string): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n) throw new EpyNNError(`${where}: seed must be a non-negative integer, got ${seed}`);
    return seed;
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new EpyNNError(
      `${where}: seed must be a non-negative safe integer (or a bigint for larger seeds), got ${typeof seed === 'number' ? seed : typeof seed}`,
    );
  }
  return BigInt(seed);
}

/** Entropy for an unseeded generator, as NumPy does (SeedSequence(None): 128 bits from the OS). */
function freshEntropy(): bigint {
  const words = new Uint32Array(4);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(words);
  else throw new EpyNNError('numpyRng: no seed given and no crypto.getRandomValues to draw one from');
  return [...words].reduceRight((acc, w) => (acc << 32n) | BigInt(w), 0n);
}

/**
 * NumPy's `Generator(PCG64(seed))`. Implements the library's `Rng` (uniform, standardNormal,
 * permutation, state) so a layer can draw from it, plus the Generator methods data preparation uses.
 */
export class NumpyRng implements Rng {
  /**
   * State limbs 0-5 and increment limbs 6-11 (24 bits each, low first), then the last 64-bit output's
   * high (12) and low (13) halves as int32. A typed array keeps every store unboxed.
   */
  private readonly st = new Int32Array(14);
  /** next_uint32's buffered upper half. */
  private hasUint32 = 0;
  private uinteger = 0;

  /** `default_rng(seed)`; undefined = fresh OS entropy. Use `NumpyRng.fromState` to restore. */
  constructor(seed?: number | bigint) {
    const entropy = seed === undefined || seed === null ? freshEntropy() : toSeed(seed, 'numpyRng');
    // PCG64._reset_state: generate_state(4, uint64) -> seed = words[0..1], inc = words[2..3]
    // (each uint64 is two little-endian uint32 words; word 0 is the high half of the 128-bit value).
    const w = generateState(seedPool(uint32Words(entropy)), 8).map(BigInt);
    const u64 = (k: number): bigint => (w[2 * k + 1] << 32n) | w[2 * k];
    const initstate = (u64(0) << 64n) | u64(1);
    const initseq = (u64(2) << 64n) | u64(3);
    // pcg_setseq_128_srandom_r: state = 0, inc = initseq << 1 | 1, step, state += initstate, step
    const mask = (1n << 128n) - 1n;
    this.setLimbs(0n, ((initseq << 1n) | 1n) & mask);
    this.step();
    this.setLimbs((this.stateBig() + initstate) & mask, this.incBig());
    this.step();
  }

  /**
   * A generator continuing from a saved `state()`. A legacy MT19937 state (`RandomState.getState()`, NumPy's
   * `get_state(legacy=False)`) gives a RandomState continuing that stream, as an `Rng`.
   */
  static fromState(state: NumpyRngState): NumpyRng;
  static fromState(state: RandomStateState): Rng;
  static fromState(state: NumpyRngState | RandomStateState): NumpyRng | Rng {
    const where = 'numpyRng state';
    if (state !== null && typeof state === 'object' && state.bit_generator === 'MT19937') {
      const rs = new RandomState(0);
      rs.setState(state);
      return rs.asRng();
    }
    if (state === null || typeof state !== 'object' || state.bit_generator !== 'PCG64' || typeof state.state !== 'object' || state.state === null) {
      throw new EpyNNError(`${where}: expected { bit_generator: 'PCG64', state: { state, inc }, has_uint32, uinteger } (or an MT19937 state), got ${show(state)}`);
    }
    const big = (v: unknown, k: string): bigint => {
      if (typeof v !== 'string' || !/^\d+$/.test(v) || BigInt(v) >= 1n << 128n) {
        throw new EpyNNError(`${where}: ${k} must be a decimal string of a 128-bit integer, got ${show(v)}`);
      }
      return BigInt(v);
    };
    const s = big(state.state.state, 'state.state');
    const inc = big(state.state.inc, 'state.inc');
    if ((inc & 1n) === 0n) throw new EpyNNError(`${where}: state.inc must be odd, got ${state.state.inc}`);
    if (!(state.has_uint32 === 0 || state.has_uint32 === 1)) throw new EpyNNError(`${where}: has_uint32 must be 0 or 1, got ${show(state.has_uint32)}`);
    if (!(Number.isInteger(state.uinteger) && state.uinteger >= 0 && state.uinteger < TWO32)) {
      throw new EpyNNError(`${where}: uinteger must be a uint32, got ${show(state.uinteger)}`);
    }
    const g = new NumpyRng(0);
    g.setLimbs(s, inc);
    g.hasUint32 = state.has_uint32;
    g.uinteger = state.uinteger;
    return g;
  }

  private setLimbs(state: bigint, inc: bigint): void {
    this.st.set(limbs(state), 0);
    this.st.set(limbs(inc), 6);
  }

  private stateBig(): bigint {
    return fromLimbs(Array.from(this.st.subarray(0, 6)));
  }

  private incBig(): bigint {
    return fromLimbs(Array.from(this.st.subarray(6, 12)));
  }

  /** state = state * MULT + inc (mod 2**128), column by column on 24-bit limbs (sums stay below 2**51). */
  private step(): void {
    const st = this.st;
    const s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3], s4 = st[4], s5 = st[5];
    let c = st[6] + s0 * M0;
    let carry = Math.floor(c * INV24);
    st[0] = c - carry * TWO24;
    c = carry + st[7] + s0 * M1 + s1 * M0;
    carry = Math.floor(c * INV24);
    st[1] = c - carry * TWO24;
    c = carry + st[8] + s0 * M2 + s1 * M1 + s2 * M0;
    carry = Math.floor(c * INV24);
    st[2] = c - carry * TWO24;
    c = carry + st[9] + s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0;
    carry = Math.floor(c * INV24);
    st[3] = c - carry * TWO24;
    c = carry + st[10] + s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0;
    carry = Math.floor(c * INV24);
    st[4] = c - carry * TWO24;
    c = carry + st[11] + s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0;
    st[5] = c - Math.floor(c * (1 / 256)) * 256; // the top limb holds 8 bits
  }

  /** next_uint64: step, then XSL-RR output of the new state, into st[12] (high) and st[13] (low). */
  private next64(): void {
    this.step();
    const st = this.st;
    const a0 = st[0], a1 = st[1], a2 = st[2], a3 = st[3], a4 = st[4], a5 = st[5];
    // 32-bit words of the state: bits 0-31, 32-63 (low 64), 64-95, 96-127 (high 64)
    const w0 = a0 | (a1 << 24);
    const w1 = (a1 >>> 8) | (a2 << 16);
    const w2 = (a2 >>> 16) | (a3 << 8);
    const w3 = a4 | (a5 << 24);
    const xh = w3 ^ w1;
    const xl = w2 ^ w0;
    let rot = a5 >>> 2; // state >> 122: rotate right by the top 6 bits
    let h = xh, l = xl;
    if (rot >= 32) {
      h = xl;
      l = xh;
      rot -= 32;
    }
    if (rot === 0) {
      st[12] = h;
      st[13] = l;
    } else {
      st[12] = (h >>> rot) | (l << (32 - rot));
      st[13] = (l >>> rot) | (h << (32 - rot));
    }
  }

  /** next_uint32: the low half of a 64-bit draw, the high half kept for the next call. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = 0;
      return this.uinteger;
    }
    this.next64();
    this.hasUint32 = 1;
    this.uinteger = this.st[12] >>> 0;
    return this.st[13] >>> 0;
  }

  /** next_uint64 as a bigint (tests and rare 64-bit paths only). */
  nextUint64(): bigint {
    this.next64();
    return (BigInt(this.st[12] >>> 0) << 32n) | BigInt(this.st[13] >>> 0);
  }

  /** next_double: (next_uint64 >> 11) * 2**-53, in [0, 1). */
  nextDouble(): number {
    this.next64();
    return ((this.st[12] >>> 0) * 2097152 + (this.st[13] >>> 11)) * 1.1102230246251565e-16;
  }

  /** `size` draws as an NDArray of that shape (a count or a shape). */
  private sized(where: string, size: Size, draw: () => number): NDArray {
    const shape = typeof size === 'number' ? [size] : Array.isArray(size) ? [...size] : null;
    if (shape === null || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new EpyNNError(`numpyRng.${where}: size must be a non-negative integer or a shape (array of them), got ${show(size)}`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    checkSize(n, where);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = draw();
    return new NDArray(out, shape);
  }

  /** `random(size)`: uniform in [0, 1); with `size` (a count or a shape) an NDArray. */
  random(): number;
  random(size: Size): NDArray;
  random(size?: Size): number | NDArray {
    return size === undefined ? this.nextDouble() : this.sized('random', size, () => this.nextDouble());
  }

  /** `uniform(low, high, size)`: low + (high - low) * U, default [0, 1) (random_uniform); with `size` an NDArray. */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): NDArray;
  uniform(low = 0, high = 1, size?: Size): number | NDArray {
    if (size !== undefined) {
      const range = high - low;
      return this.sized('uniform', size, () => low + range * this.nextDouble());
    }
    return low + (high - low) * this.nextDouble();
  }

  /** `uniform(low, high, size)`: low + (high - low) * U, `size` values (random_uniform). */
  uniformArray(low: number, high: number, size: number): Float64Array {
    checkSize(size, 'uniform');
    const range = high - low;
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /** `random(size)`: `size` values uniform in [0, 1). */
  randomArray(size: number): Float64Array {
    checkSize(size, 'random');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextDouble();
    return out;
  }

  /** `standard_normal(size)`: NumPy's ziggurat (random_standard_normal), bit for bit; with `size` an NDArray. */
  standardNormal(): number;
  standardNormal(size: Size): NDArray;
  standardNormal(size?: Size): number | NDArray {
    return size === undefined ? this.gauss() : this.sized('standard_normal', size, () => this.gauss());
  }

  /** One standard normal deviate (the ziggurat). */
  private gauss(): number {
    for (;;) {
      this.next64();
      const lo = this.st[13];
      const idx = lo & 0xff;
      // rabs = (r >> 9) & (2**52 - 1): 23 bits of lo, 29 bits of hi
      const rabs = (this.st[12] & 0x1fffffff) * 8388608 + (lo >>> 9);
      let x = rabs * WI[idx];
      if ((lo >>> 8) & 1) x = -x;
      if (rabs < KI[idx]) return x; // 99.3% of the time
      if (idx === 0) {
        for (;;) {
          const xx = -ZIGGURAT_NOR_INV_R * log1p(-this.nextDouble());
          const yy = -log1p(-this.nextDouble());
          if (yy + yy > xx * xx) return (lo >>> 17) & 1 ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx;
        }
      } else if ((FI[idx - 1] - FI[idx]) * this.nextDouble() + FI[idx] < exp(-0.5 * x * x)) {
        return x;
      }
    }
  }

  /** `standard_normal(size)`. */
  standardNormalArray(size: number): Float64Array {
    checkSize(size, 'standard_normal');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.gauss();
    return out;
  }

  /** `normal(loc, scale, size)`: loc + scale * standard_normal (random_normal); with `size` an NDArray. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): NDArray;
  normal(loc = 0, scale = 1, size?: Size): number | NDArray {
    return size === undefined ? loc + scale * this.gauss() : this.sized('normal', size, () => loc + scale * this.gauss());
  }

  /** `normal(loc, scale, size)`. */
  normalArray(loc: number, scale: number, size: number): Float64Array {
    checkSize(size, 'normal');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.gauss();
    return out;
  }

  /**
   * One integer in [0, rng] (NumPy random_bounded_uint64 without masking: Lemire's method on
   * next_uint32 for ranges below 2**32, on next_uint64 above).
   */
  private bounded(rng: number): number {
    if (rng === 0) return 0;
    if (rng < 0xffffffff) {
      // buffered_bounded_lemire_uint32: m = next_uint32 * (rng + 1), a 64-bit product split in 16-bit halves
      const excl = rng + 1;
      const eLo = excl & 0xffff;
      const eHi = (excl - eLo) / TWO16;
      let x = this.nextUint32();
      let t = x * eLo;
      let u = x * eHi + Math.floor(t / TWO16);
      let leftover = ((u % TWO16) * TWO16 + (t % TWO16)) % TWO32;
      if (leftover < excl) {
        const threshold = (0xffffffff - rng) % excl;
        while (leftover < threshold) {
          x = this.nextUint32();
          t = x * eLo;
          u = x * eHi + Math.floor(t / TWO16);
          leftover = ((u % TWO16) * TWO16 + (t % TWO16)) % TWO32;
        }
      }
      return Math.floor(u / TWO16);
    }
    if (rng === 0xffffffff) return this.nextUint32();
    // bounded_lemire_uint64 (ranges of 2**32 and more: rare, so BigInt is fine here)
    const r = BigInt(rng);
    const excl = r + 1n;
    const M64 = (1n << 64n) - 1n;
    let m = this.nextUint64() * excl;
    let leftover = m & M64;
    if (leftover < excl) {
      const threshold = (M64 - r) % excl;
      while (leftover < threshold) {
        m = this.nextUint64() * excl;
        leftover = m & M64;
      }
    }
    return Number(m >> 64n);
  }

  /**
   * `integers(low, high, size)`: one integer in [low, high) (int64, endpoint=False); with only `low`,
   * [0, low); with `size` (a count or a shape) an NDArray of them.
   */
  integers(low: number, high?: number | null): number;
  integers(low: number, high: number | null | undefined, size: Size): NDArray;
  integers(low: number, high?: number | null, size?: Size): number | NDArray {
    const [lo, hi] = high === undefined || high === null ? [0, low] : [low, high];
    checkRange(lo, hi, 'integers');
    const rng = hi - lo - 1;
    return size === undefined ? lo + this.bounded(rng) : this.sized('integers', size, () => lo + this.bounded(rng));
  }

  /** `integers(low, high, size)`. */
  integersArray(low: number, high: number, size: number): number[] {
    checkRange(low, high, 'integers');
    checkSize(size, 'integers');
    const rng = high - low - 1;
    return Array.from({ length: size }, () => low + this.bounded(rng));
  }

  /** random_interval(max): masked rejection, in [0, max] (used by shuffle and permutation). */
  private interval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      let mask = max;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      let v: number;
      while ((v = (this.nextUint32() & mask) >>> 0) > max);
      return v;
    }
    let mask = BigInt(max);
    for (const sh of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> sh;
    let v: bigint;
    while ((v = this.nextUint64() & mask) > BigInt(max));
    return Number(v);
  }

  /**
   * `shuffle(x)` in place, as NumPy shuffles a list or a 1-D array: for i = n-1 down to 1, swap x[i]
   * with x[random_interval(i)]. Returns x.
   */
  shuffle<A extends unknown[] | Float64Array | Int32Array>(x: A): A {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) throw new EpyNNError(`numpyRng.shuffle: x must be an array, got ${show(x)}`);
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** `permutation(n)`: arange(n) shuffled. */
  permutation(n: number): number[] {
    checkSize(n, 'permutation');
    return this.shuffle(Array.from({ length: n }, (_, i) => i)) as number[];
  }

  /**
   * `choice(a, size, replace, p)`: `size` elements of `a` (an array, or n for arange(n)), as
   * Generator.choice draws them (with replacement: integers, or p's cdf searched with random();
   * without: Floyd's algorithm then a shuffle, or a tail shuffle for large populations).
   * With `size` undefined, one element (not an array).
   */
  choice<T = number>(a: number | readonly T[], size?: undefined, options?: ChoiceOptions): T;
  choice<T = number>(a: number | readonly T[], size: number, options?: ChoiceOptions): T[];
  choice<T = number>(a: number | readonly T[], size?: number, options?: ChoiceOptions): T | T[] {
    const { replace = true, p } = checkOptions('NumpyRng.choice', options, ['replace', 'p'], { call: 'rng.choice', lead: 'a, size, ', primary: 'replace', example: 'false' });
    const where = 'numpyRng.choice';
    const pop: readonly T[] | undefined = typeof a === 'number' ? undefined : a;
    if (typeof a === 'number' && !(Number.isSafeInteger(a) && a >= 0)) throw new EpyNNError(`${where}: a must be a non-negative integer or an array, got ${a}`);
    if (typeof a !== 'number' && !Array.isArray(a)) throw new EpyNNError(`${where}: a must be a non-negative integer or an array, got ${show(a)}`);
    const popSize = pop === undefined ? (a as number) : pop.length;
    const scalar = size === undefined;
    const n = scalar ? 1 : size;
    checkSize(n, 'choice');
    if (popSize === 0 && n !== 0) throw new EpyNNError(`${where}: a cannot be empty unless no samples are taken`);
    let cdf: Float64Array | undefined;
    if (p !== undefined) {
      if (!Array.isArray(p) || p.length !== popSize) throw new EpyNNError(`${where}: p must be an array of ${popSize} probabilities, got ${Array.isArray(p) ? p.length : typeof p}`);
      if (p.some((v) => !(v >= 0))) throw new EpyNNError(`${where}: probabilities must be non-negative numbers, got ${show(p)}`);
      const sum = p.reduce((s, v) => s + v, 0);
      if (Math.abs(sum - 1) > Math.sqrt(2.220446049250313e-16)) throw new EpyNNError(`${where}: probabilities do not sum to 1 (sum ${sum})`);
      cdf = new Float64Array(popSize);
      let acc = 0;
      for (let i = 0; i < popSize; i++) cdf[i] = acc += p[i];
      const last = cdf[popSize - 1];
      for (let i = 0; i < popSize; i++) cdf[i] /= last;
    }
    const searchRight = (c: Float64Array, u: number): number => {
      let lo = 0, hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (c[mid] <= u) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    let idx: number[];
    if (replace) {
      if (cdf !== undefined) idx = Array.from(this.randomArray(n), (u) => searchRight(cdf!, u));
      else idx = this.integersArray(0, popSize, n);
    } else {
      if (n > popSize) throw new EpyNNError(`${where}: cannot take a larger sample (${n}) than the population (${popSize}) when replace is false`);
      if (p !== undefined) {
        if (p.filter((v) => v > 0).length < n) throw new EpyNNError(`${where}: fewer non-zero entries in p than size`);
        const q = [...p];
        idx = [];
        while (idx.length < n) {
          const x = this.randomArray(n - idx.length);
          for (const f of idx) q[f] = 0;
          const c = new Float64Array(popSize);
          let acc = 0;
          for (let i = 0; i < popSize; i++) c[i] = acc += q[i];
          for (let i = 0; i < popSize; i++) c[i] /= acc;
          // np.unique(new, return_index=True), indices sorted: first occurrences, in draw order
          const seen = new Set<number>();
          for (const u of x) {
            const v = searchRight(c, u);
            if (!seen.has(v)) {
              seen.add(v);
              idx.push(v);
            }
          }
        }
      } else if (popSize > 10000 && n > Math.floor(popSize / 50)) {
        // Tail shuffle (_shuffle_int from max(pop - size, 1))
        const all = Array.from({ length: popSize }, (_, i) => i);
        for (let i = popSize - 1; i >= Math.max(popSize - n, 1); i--) {
          const j = this.bounded(i);
          const t = all[i];
          all[i] = all[j];
          all[j] = t;
        }
        idx = all.slice(popSize - n);
      } else {
        // Floyd's algorithm, then _shuffle_int(size, 1)
        const chosen = new Set<number>();
        idx = [];
        for (let j = popSize - n; j < popSize; j++) {
          const v = this.bounded(j);
          const pick = chosen.has(v) ? j : v;
          chosen.add(pick);
          idx.push(pick);
        }
        for (let i = n - 1; i >= 1; i--) {
          const j = this.bounded(i);
          const t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
      }
    }
    const out = pop === undefined ? (idx as unknown as T[]) : idx.map((i) => pop[i]);
    return scalar ? out[0] : out;
  }

  /** The state as NumPy's `bit_generator.state` (saveable as JSON; `NumpyRng.fromState` restores it). */
  state(): NumpyRngState {
    return {
      bit_generator: 'PCG64',
      state: { state: this.stateBig().toString(), inc: this.incBig().toString() },
      has_uint32: this.hasUint32,
      uinteger: this.uinteger,
    };
  }
}

function checkSize(size: number, what: string): void {
  if (!(Number.isSafeInteger(size) && size >= 0)) throw new EpyNNError(`numpyRng.${what}: size must be a non-negative integer, got ${size}`);
}

function checkRange(low: number, high: number, what: string): void {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
    throw new EpyNNError(`numpyRng.${what}: low and high must be safe integers, got ${low} and ${high}`);
  }
  if (!(high > low)) throw new EpyNNError(`numpyRng.${what}: high must be greater than low (low=${low}, high=${high})`);
  if (high - low > 2 ** 53) throw new EpyNNError(`numpyRng.${what}: high - low must be at most 2**53, got ${high - low}`);
}

/** `numpy.random.default_rng(seed)`: a PCG64 generator seeded through SeedSequence; undefined = OS entropy. */
export function numpyRng(seed?: number | bigint): NumpyRng {
  return new NumpyRng(seed);
}
