// The Mersenne Twister MT19937 (Matsumoto & Nishimura's mt19937ar.c), as both CPython's `random` module
// (Modules/_randommodule.c) and NumPy's legacy `RandomState` (numpy/random/src/mt19937) run it: the same
// 624-word state, init_genrand, init_by_array, tempering, and the 53-bit double from two 32-bit outputs.
// Every operation is on uint32 values through Math.imul and `>>> 0`: no BigInt per draw.

/** Number of 32-bit words in the state. */
export const MT_N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/**
 * Fresh seed words for an unseeded generator: `crypto.getRandomValues` where the platform has it (as
 * CPython and NumPy read the OS's entropy); elsewhere (a bare JavaScript engine) the clock and
 * `Math.random`, as CPython falls back to the time when the OS has no entropy source. Never reproducible.
 */
export function entropyWords(n: number = MT_N): Uint32Array {
  const words = new Uint32Array(n);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(words);
  const now = Date.now();
  for (let i = 0; i < n; i++) words[i] = (Math.random() * 4294967296) ^ (i === 0 ? now : i === 1 ? now / 4294967296 : 0);
  return words;
}

/** The MT19937 state and its outputs (shared by PythonRandom and RandomState). */
export class MT19937 {
  /** The 624 state words. */
  readonly mt = new Uint32Array(MT_N);
  /** Position of the next word to temper (624: the next draw regenerates the state). */
  index = MT_N + 1;

  /** init_genrand(s): the state from one 32-bit seed. */
  initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < MT_N; i++) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
    this.index = MT_N;
  }

  /** init_by_array(key): the state from any number of 32-bit words (an empty key is not allowed). */
  initByArray(key: ArrayLike<number>): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    const n = key.length;
    let i = 1;
    let j = 0;
    for (let k = Math.max(MT_N, n); k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) + (key[j] >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= MT_N) {
        mt[0] = mt[MT_N - 1];
        i = 1;
      }
      if (j >= n) j = 0;
    }
    for (let k = MT_N - 1; k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= MT_N) {
        mt[0] = mt[MT_N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = MT_N;
  }

  /** The next 32-bit output (genrand_uint32), as a non-negative number. */
  next32(): number {
    const mt = this.mt;
    if (this.index >= MT_N) {
      let kk = 0;
      let y: number;
      for (; kk < MT_N - M; kk++) {
        y = (mt[kk] & UPPER) | (mt[kk + 1] & LOWER);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < MT_N - 1; kk++) {
        y = (mt[kk] & UPPER) | (mt[kk + 1] & LOWER);
        mt[kk] = mt[kk + (M - MT_N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      y = (mt[MT_N - 1] & UPPER) | (mt[0] & LOWER);
      mt[MT_N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: (a >> 5) * 2^26 + (b >> 6), over 2^53. */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

/** The little-endian 32-bit words of |n| (at least one word: 0 gives [0]), as CPython's random_seed does. */
export function uint32Chunks(n: bigint): number[] {
  let v = n < 0n ? -n : n;
  const words: number[] = [];
  do {
    words.push(Number(v & 0xffffffffn));
    v >>= 32n;
  } while (v > 0n);
  return words;
}
