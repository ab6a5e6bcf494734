// The transcendental functions of the library's numeric paths, in TypeScript, so that every JavaScript engine
// computes the same bits: ECMAScript leaves Math.exp, Math.log, Math.pow, Math.tanh ... implementation-
// approximated, and engines differ in the last bit on a few percent of arguments (Chromium 156 and Node 20
// disagree on ~10% of uniform arguments for exp and pow, ~7% for log, ~3% for sin and cos, under 0.1% for
// tanh, expm1, log1p: playground/test/browser.ts). These are fdlibm's algorithms (Sun
// Microsystems, 1993) as V8 11.3 (Node 20) implements Math.exp, expm1, tanh, log, log1p, sin, cos
// (v8/src/base/ieee754.cc) and Math.pow (ieee754::legacy::pow): the same operations on the same constants,
// so Node 20 computes with these exactly the numbers it computed with Math.* (tests/commons/fdlibm.test.ts
// compares them bit for bit on millions of arguments and the special values), and every engine computes
// those numbers. The WebAssembly kernels' exp and tanh (src/kernels/wasm/kernels3*.wat) are the same
// algorithms. Core only: no engine-specific call; Math.abs, Math.sqrt, Math.trunc, Math.floor are exact.
//
// The fast paths write their constants as literals (a module constant is a load and a check each time, and
// counts against the size under which the compiler inlines a function). The double's 32-bit halves are read and written through one shared Float64Array / Int32Array pair
// (fdlibm's GET_HIGH_WORD, SET_LOW_WORD, ...); the engine's byte order picks the halves.

const F = new Float64Array(1);
const W = new Int32Array(F.buffer);
/** Index of the high (sign, exponent, top of the mantissa) word in W. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** High word of x, signed (fdlibm's GET_HIGH_WORD into an int32_t). */
function hiWord(x: number): number {
  F[0] = x;
  return W[HI];
}

/** Low word of x, signed (compared with 0 or by its bits only). */
function loWord(x: number): number {
  F[0] = x;
  return W[LO];
}

/** x with its low word set to `lo` (SET_LOW_WORD). */
function setLo(x: number, lo: number): number {
  F[0] = x;
  W[LO] = lo;
  return F[0];
}

/** x with its high word set to `hi` (SET_HIGH_WORD). */
function setHi(x: number, hi: number): number {
  F[0] = x;
  W[HI] = hi;
  return F[0];
}

/** The double of words hi, lo (INSERT_WORDS). */
function fromWords(hi: number, lo: number): number {
  W[HI] = hi;
  W[LO] = lo;
  return F[0];
}

/** 2^k for k in [-1074, 1023], at TWO[k + 1074] (each exact: doubling and halving powers of two). */
const TWO = new Float64Array(2098);
for (let k = 0, v = 1; k <= 1023; k++, v *= 2) TWO[k + 1074] = v;
for (let k = -1, v = 0.5; k >= -1074; k--, v /= 2) TWO[k + 1074] = v;

/** x · 2^n, correctly rounded (a subnormal result is rounded once), for any integer n. */
function scalbn(x: number, n: number): number {
  if (n > 1023) {
    x *= TWO[1023 + 1074];
    n -= 1023;
    if (n > 1023) {
      x *= TWO[1023 + 1074];
      n -= 1023;
      if (n > 1023) n = 1023;
    }
  } else if (n < -1022) {
    // 2^-969 steps keep the last multiplication the only inexact one (no double rounding below 2^-1022)
    x *= TWO[-969 + 1074];
    n += 969;
    if (n < -1022) {
      x *= TWO[-969 + 1074];
      n += 969;
      if (n < -1022) n = -1022;
    }
  }
  return x * TWO[n + 1074];
}

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700; // 0x3FF71547 652B82FE
const TWO54 = 1.8014398509481984e16; // 2^54
const TWO1023 = 8.988465674311579539e307; // 2^1023

// exp
const EXP_O = 7.09782712893383973096e2; // overflow threshold, 0x40862E42 FEFA39EF
const EXP_U = -7.45133219101941108420e2; // underflow threshold, 0xC0874910 D52D3051
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const TWOM1000 = 9.33263618503218878990e-302; // 2^-1000

/**
 * eˣ: fdlibm's exp, Node 20's Math.exp bit for bit. The usual arguments (2^-28 <= |x| < 709) take fdlibm's
 * steps with the bands told apart by comparing |x| with the doubles whose high word fdlibm compares (exactly the
 * same branches) and 2^k read from a table: a small function the compiler inlines into the activations' loops
 * (a JavaScript function that is not inlined returns its double boxed, an allocation per call). The others
 * (tiny, large, infinite, NaN) go through expFull, fdlibm's code word for word.
 */
export function exp(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < 709) || ax < 3.725290298461914e-9) return expFull(x); // large (k = 1024 from 709.44 on), tiny (high word < 0x3E300000), NaN
  if (x === 1) return 2.718281828459045;
  if (ax < 0.3465735912322998) { // high word <= 0x3FD62E42: k = 0
    const t = x * x;
    const c = x - t * (1.66666666666666019037e-1 + t * (-2.77777777770155933842e-3 + t * (6.61375632143793436117e-5 + t * (-1.65339022054652515390e-6 + t * 4.13813679705723846039e-8))));
    return 1 - ((x * c) / (c - 2) - x);
  }
  // k from the general rounding, also in the band k = ±1 (|x| < 1.5 ln2), where it gives ±1 and fdlibm's hi, lo
  const k = (1.44269504088896338700 * x + (x > 0 ? 0.5 : -0.5)) | 0;
  const hi = x - k * 6.93147180369123816490e-1; // exact
  const lo = k * 1.90821492927058770002e-10;
  x = hi - lo;
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-1 + t * (-2.77777777770155933842e-3 + t * (6.61375632143793436117e-5 + t * (-1.65339022054652515390e-6 + t * 4.13813679705723846039e-8))));
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  return k >= -1021 ? y * TWO[k + 1074] : y * TWO[k + 1000 + 1074] * 9.33263618503218878990e-302;
}

/** fdlibm's exp on the high word, for every argument. */
function expFull(x: number): number {
  F[0] = x;
  let hx = W[HI];
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx >= 0x40862e42) { // |x| >= 709.78...
    if (hx >= 0x7ff00000) return x !== x ? x + x : xsb === 0 ? x : 0; // NaN, exp(±Infinity) = Infinity, 0
    if (x > EXP_O) return Infinity;
    if (x < EXP_U) return 0;
  }
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (x === 1) return 2.718281828459045;
      if (xsb === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO1023;
    return y * TWO[k + 1074];
  }
  return y * TWO[k + 1000 + 1074] * TWOM1000;
}

// expm1 (scaled Q's of fdlibm)
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/**
 * eˣ − 1: fdlibm's expm1, Node 20's Math.expm1 bit for bit. The usual arguments (2^-54 <= |x| < 56 ln2) by
 * comparisons of |x| (as exp), in a body small enough for the compiler to inline (a JavaScript function that
 * is not inlined returns its double boxed, an allocation per call): k from fdlibm's general rounding also in
 * the band k = ±1, where it gives ±1 and hi, lo equal fdlibm's x ∓ ln2_hi, ±ln2_lo. The others by expm1Full.
 */
export function expm1(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < 38.81622314453125) || ax < 5.551115123125783e-17) return expm1Full(x); // high word >= 0x4043687A or < 0x3C900000; NaN
  const k = ax >= 0.3465735912322998 ? (1.44269504088896338700 * x + (x > 0 ? 0.5 : -0.5)) | 0 : 0; // high word > 0x3FD62E42
  const hi = x - k * 6.93147180369123816490e-1;
  const lo = k * 1.90821492927058770002e-10;
  x = hi - lo;
  const c = (hi - x) - lo;
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (-3.33333333333331316428e-2 + hxs * (1.58730158725481460165e-3 + hxs * (-7.93650757867487942473e-5 + hxs * (4.00821782732936239552e-6 + hxs * -2.01099218183624371326e-7))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c - hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  const twopk = TWO[k + 1074];
  if (k <= -2) return (1 - (e - x)) * twopk - 1; // here k < 56
  const twomk = TWO[1074 - k];
  return k < 20 ? ((1 - twomk) - (e - x)) * twopk : ((x - (e + twomk)) + 1) * twopk; // 1 − 2^-k exact below 20
}

/** fdlibm's expm1 on the high word, for every argument. */
function expm1Full(x: number): number {
  F[0] = x;
  let hx = W[HI];
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  let k = 0;
  let c = 0;
  if (hx >= 0x4043687a) { // |x| >= 56 ln2
    if (hx >= 0x40862e42) { // |x| >= 709.78...
      if (hx >= 0x7ff00000) return x !== x ? x + x : xsb === 0 ? x : -1;
      if (x > EXP_O) return Infinity;
    }
    if (xsb !== 0) return -1; // x < -56 ln2
  }
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (xsb === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) { // |x| < 2^-54
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2 * (e - (x + 0.5));
    return 1 + 2 * (x - e);
  }
  let y: number;
  if (k <= -2 || k > 56) {
    y = 1 - (e - x);
    y = k === 1024 ? y * 2 * 8.98846567431158e307 : y * TWO[k + 1074];
    return y - 1;
  }
  if (k < 20) {
    t = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 − 2^-k
    y = t - (e - x);
  } else {
    t = fromWords((0x3ff - k) << 20, 0); // 2^-k
    y = x - (e + t);
    y += 1;
  }
  return y * TWO[k + 1074];
}

/** tanh(x): fdlibm's tanh, Node 20's Math.tanh bit for bit (|x| < 22 by comparisons, the others by tanhFull). */
export function tanh(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < 22) || ax < 3.725290298461914e-9) return tanhFull(x); // high word >= 0x40360000 or < 0x3E300000; NaN
  // one call site of expm1 (the compiler inlines it once): expm1(2|x|) for |x| >= 1, expm1(−2|x|) below
  const big = ax >= 1;
  const t = expm1(big ? 2 * ax : -2 * ax);
  const z = big ? 1 - 2 / (t + 2) : -t / (t + 2);
  return x < 0 ? -z : z;
}

/** fdlibm's tanh on the high word, for every argument. */
function tanhFull(x: number): number {
  const jx = hiWord(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1; // ±1, NaN
  let z: number;
  if (ix < 0x40360000) { // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    if (ix >= 0x3ff00000) { // |x| >= 1
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else z = 1; // 1 − tiny
  return jx >= 0 ? z : -z;
}

// log, log1p
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * ln(x): fdlibm's log, Node 20's Math.log bit for bit. Normal positive x inline (x scaled into [√2/2, √2) by
 * an exact multiplication by 2^-k, the bits fdlibm's SET_HIGH_WORD gives); the others by logFull.
 */
export function log(x: number): number {
  F[0] = x;
  const hx0 = W[HI];
  if (hx0 < 0x00100000 || hx0 >= 0x7ff00000) return logFull(x); // ±0, subnormal, negative, Infinity, NaN
  const hx = hx0 & 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  const k = (hx0 >> 20) - 1023 + (i >> 20);
  const f = x * TWO[1074 - k] - 1;
  if ((0x000fffff & (2 + hx)) < 3) return logFull(x); // -2^-20 <= f < 2^-20
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const R = z * (6.666666666666735130e-1 + w * (2.857142874366239149e-1 + w * (1.818357216161805012e-1 + w * 1.479819860511658591e-1))) + w * (3.999999999940941908e-1 + w * (2.222219843214978396e-1 + w * 1.531383769920937332e-1));
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * 6.93147180369123816490e-1 - ((hfsq - (s * (hfsq + R) + k * 1.90821492927058770002e-10)) - f);
  }
  return k === 0 ? f - s * (f - R) : k * 6.93147180369123816490e-1 - ((s * (f - R) - k * 1.90821492927058770002e-10) - f);
}

/** fdlibm's log on the words, for every argument. */
function logFull(x: number): number {
  F[0] = x;
  let hx = W[HI];
  const lx = W[LO];
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity; // log(±0)
    if (hx < 0) return NaN; // log(negative)
    k -= 54;
    x *= TWO54; // subnormal: scale up
    hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = setHi(x, hx | (i ^ 0x3ff00000)); // normalize x or x/2
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) { // -2^-20 <= f < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** ln(1 + x): fdlibm's log1p, Node 20's Math.log1p bit for bit. */
export function log1p(x: number): number {
  const hx = hiWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) { // 1 + x < sqrt(2)+
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) { // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { // sqrt(2)/2- <= 1 + x < sqrt(2)+
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = hiWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1); // correction term
      c /= u;
    } else {
      u = x;
      hu = hiWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) { // u ~< sqrt(2)
      u = setHi(u, hu | 0x3ff00000); // normalize u
    } else {
      k += 1;
      u = setHi(u, hu | 0x3fe00000); // normalize u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      c += k * LN2_LO;
      return k * LN2_HI + c;
    }
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - (k * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + (k * LN2_LO + c))) - f);
}

// pow
const DP_H1 = 5.84962487220764160156e-1; // 0x3FE2B803 40000000
const DP_L1 = 1.35003920212974897128e-8; // 0x3E4CFDEB 43CFD006
const TWO53 = 9007199254740992;
const HUGE = 1e300;
const TINY = 1e-300;
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const LG2_ = 6.93147180559945286227e-1; // 0x3FE62E42 FEFA39EF
const LG2_H = 6.93147182464599609375e-1; // 0x3FE62E43 00000000
const LG2_L = -1.90465429995776804525e-9; // 0xBE205C61 0CA86C39
const OVT = 8.0085662595372944372e-17; // -(1024 - log2(ovfl + .5ulp))
const CP = 9.61796693925975554329e-1; // 2/(3 ln2)
const CP_H = 9.61796700954437255859e-1; // (float)cp
const CP_L = -7.02846165095275826516e-9; // tail of cp_h
const IVLN2 = 1.44269504088896338700; // 1/ln2
const IVLN2_H = 1.44269502162933349609; // 24 bits of 1/ln2
const IVLN2_L = 1.92596299112661746887e-8; // tail of ivln2_h

/** xʸ: fdlibm's pow as V8 11.3 implements Math.pow and ** (ieee754::legacy::pow), Node 20's bits. */
export function pow(x: number, y: number): number {
  F[0] = x;
  const hx = W[HI];
  const lx = W[LO];
  F[0] = y;
  const hy = W[HI];
  const ly = W[LO];
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  if ((iy | ly) === 0) return 1; // x ** ±0
  if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lx !== 0) || iy > 0x7ff00000 || (iy === 0x7ff00000 && ly !== 0)) return x + y; // NaN

  // y an odd (1) or even (2) integer, or not an integer (0), when x < 0
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        const j = ly >>> (52 - k);
        if ((j << (52 - k)) === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if ((j << (20 - k)) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  if (ly === 0) {
    if (iy === 0x7ff00000) { // y = ±Infinity
      if (((ix - 0x3ff00000) | lx) === 0) return y - y; // (±1) ** ±Infinity is NaN
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // (|x| > 1) ** ±Infinity = Infinity, 0
      return hy < 0 ? -y : 0; // (|x| < 1) ** ±Infinity = 0, Infinity
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = ±1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5, x >= +0
  }

  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) { // x = ±0, ±Infinity, ±1
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN; // (-1) ** non-integer
      else if (yisint === 1) z = -z; // (x < 0) ** odd
    }
    return z;
  }

  let n = (hx >> 31) + 1;
  if ((n | yisint) === 0) return NaN; // (x < 0) ** non-integer
  let s = 1; // sign of the result
  if ((n | (yisint - 1)) === 0) s = -1; // (negative) ** odd integer

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) { // |y| > 2^31
    if (iy > 0x43f00000) { // |y| > 2^64: overflow or underflow
      if (ix <= 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
      if (ix >= 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    // |1 − x| <= 2^-20: log(x) by x − x²/2 + x³/3 − x⁴/4
    const t = ax - 1;
    const w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = setLo(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) { // subnormal x
      ax *= TWO53;
      n -= 53;
      ix = hiWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000; // normalize ix
    let k: number;
    if (j <= 0x3988e) k = 0; // |x| < sqrt(3/2)
    else if (j < 0xbb67a) k = 1; // |x| < sqrt(3)
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = setHi(ax, ix);
    const bp = k === 0 ? 1 : 1.5;
    // ss = s_h + s_l = (x − 1)/(x + 1) or (x − 1.5)/(x + 1.5)
    let u = ax - bp;
    let v = 1 / (ax + bp);
    const ss = u * v;
    const sH = setLo(ss, 0);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0); // ax + bp, high part
    let tL = ax - (tH - bp);
    const sL = v * ((u - sH * tH) - sH * tL);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = setLo(3 + s2 + r, 0);
    tL = r - ((tH - 3) - s2);
    // u + v = ss·(1 + ...)
    u = sH * tH;
    v = sL * tH + tL * ss;
    // 2/(3 log2)·(ss + ...)
    const pH = setLo(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + (k === 0 ? 0 : DP_L1);
    // log2(ax) = (ss + ...)·2/(3 log2) = n + dp_h + z_h + z_l
    const t = n;
    const dpH = k === 0 ? 0 : DP_H1;
    t1 = setLo(((zH + zL) + dpH) + t, 0);
    t2 = zL - (((t1 - t) - dpH) - zH);
  }

  // (y1 + y2)·(t1 + t2), y split into y1 + y2
  const y1 = setLo(y, 0);
  let pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  F[0] = z;
  let j = W[HI];
  let i = W[LO];
  if (j >= 0x40900000) { // z >= 1024
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE; // z > 1024
    if (pL + OVT > z - pH) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) { // z <= -1075
    if (((j - (0xc090cc00 | 0)) | i) !== 0) return s * TINY * TINY; // z < -1075
    if (pL <= z - pH) return s * TINY * TINY;
  }
  // 2^(p_h + p_l)
  i = j & 0x7fffffff;
  let k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) { // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff; // new k for n
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  let t = setLo(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2_ + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * t1) / ((t1 - 2) - (w + z * w));
  z = 1 - (r - z);
  j = hiWord(z);
  j += n << 20;
  if (j >> 20 <= 0) z = scalbn(z, n); // subnormal result
  else z = setHi(z, hiWord(z) + (n << 20));
  return s * z;
}

// sin, cos: argument reduction x = n·π/2 + (y0 + y1), |y0 + y1| <= π/4, then the kernels
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** sin(x + y) for |x| <= ~π/4, y the tail of x (iy = 0: y is 0). */
function kernelSin(x: number, y: number, iy: number): number {
  if ((hiWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos(x + y) for |x| <= ~π/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4
  const iz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (iz - (z * r - x * y));
}

/** 2/π in 24-bit pieces (396 hex digits). */
const TWO_OVER_PI = [
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163, 0xabdebb, 0xc561b7,
  0x246e3a, 0x424dd2, 0xe00649, 0x2eea09, 0xd1921c, 0xfe1deb, 0x1cb129, 0xa73ee8, 0x8235f5, 0x2ebb44, 0x84e99c,
  0x7026b4, 0x5f7e41, 0x3991d6, 0x398353, 0x39f49c, 0x845f8b, 0xbdf928, 0x3b1ff8, 0x97ffde, 0x05980f, 0xef2f11,
  0x8b5a0a, 0x6d1f6d, 0x367ecf, 0x27cb09, 0xb74f46, 0x3f669e, 0x5fea2d, 0x7527ba, 0xc7ebe5, 0xf17b3d, 0x0739f7,
  0x8a5292, 0xea6bfb, 0x5fb11f, 0x8d5d08, 0x560330, 0x46fc7b, 0x6babf0, 0xcfbc20, 0x9af436, 0x1da9e3, 0x91615e,
  0xe61b08, 0x659985, 0x5f14a0, 0x68408d, 0xffd880, 0x4d7327, 0x310606, 0x1556ca, 0x73a8c9, 0x60e27b, 0xc08c6b,
];
/** High words of n·π/2, n = 1 .. 32. */
const NPIO2_HW = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a,
  0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb, 0x403ab41b, 0x403c463a,
  0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac,
  0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];
/** π/2 in 24-bit pieces. */
const PIO2 = [
  1.57079625129699707031, 7.54978941586159635335e-8, 5.39030252995776476554e-15, 3.28200341580791294123e-22,
  1.27065575308067607349e-29, 1.22933308981111328932e-36, 2.73370053816464559624e-44, 2.16741683877804819444e-51,
];
const TWO24 = 16777216;
// kernelRemPio2's work arrays (every element read is written first in the same call)
const IQ = new Int32Array(20);
const FF = new Float64Array(20);
const FQ = new Float64Array(20);
const QQ = new Float64Array(20);
const TWON24 = 5.9604644775390625e-8;

/**
 * fdlibm's __kernel_rem_pio2 for double precision (prec 2, jk 4): y[0] + y[1] = x − N·π/2 for x given as
 * nx 24-bit pieces x[i]·2^(e0 − 24i); returns N & 7.
 */
function kernelRemPio2(x: number[], y: Float64Array, e0: number, nx: number): number {
  const jk = 4;
  const jp = jk;
  const iq = IQ;
  const f = FF;
  const fq = FQ;
  const q = QQ;
  const jx = nx - 1;
  let jv = ((e0 - 3) / 24) | 0;
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);
  for (let i = 0, j = jv - jx; i <= jx + jk; i++, j++) f[i] = j < 0 ? 0 : TWO_OVER_PI[j];
  for (let i = 0; i <= jk; i++) {
    let fw = 0;
    for (let j = 0; j <= jx; j++) fw += x[j] * f[jx + i - j];
    q[i] = fw;
  }
  let jz = jk;
  let z: number;
  let n: number;
  let ih: number;
  for (;;) {
    // distill q[] into iq[] reversingly
    z = q[jz];
    for (let i = 0, j = jz; j > 0; i++, j--) {
      const fw = Math.trunc(TWON24 * z);
      iq[i] = z - TWO24 * fw;
      z = q[j - 1] + fw;
    }
    z = scalbn(z, q0);
    z -= 8 * Math.floor(z * 0.125); // integer part mod 8
    n = Math.trunc(z);
    z -= n;
    ih = 0;
    if (q0 > 0) { // iq[jz-1] decides n
      const i = iq[jz - 1] >> (24 - q0);
      n += i;
      iq[jz - 1] -= i << (24 - q0);
      ih = iq[jz - 1] >> (23 - q0);
    } else if (q0 === 0) ih = iq[jz - 1] >> 23;
    else if (z >= 0.5) ih = 2;
    if (ih > 0) { // q > 0.5
      n += 1;
      let carry = 0;
      for (let i = 0; i < jz; i++) { // 1 − q
        const j = iq[i];
        if (carry === 0) {
          if (j !== 0) {
            carry = 1;
            iq[i] = 0x1000000 - j;
          }
        } else iq[i] = 0xffffff - j;
      }
      if (q0 === 1) iq[jz - 1] &= 0x7fffff;
      else if (q0 === 2) iq[jz - 1] &= 0x3fffff;
      if (ih === 2) {
        z = 1 - z;
        if (carry !== 0) z -= scalbn(1, q0);
      }
    }
    // recompute with more terms of 2/π when the fraction is all zeros so far
    if (z === 0) {
      let j = 0;
      for (let i = jz - 1; i >= jk; i--) j |= iq[i];
      if (j === 0) {
        let k = 1;
        while (jk >= k && iq[jk - k] === 0) k++;
        for (let i = jz + 1; i <= jz + k; i++) {
          f[jx + i] = TWO_OVER_PI[jv + i];
          let fw = 0;
          for (let jj = 0; jj <= jx; jj++) fw += x[jj] * f[jx + i - jj];
          q[i] = fw;
        }
        jz += k;
        continue;
      }
    }
    break;
  }
  // chop off zero terms, or break z into 24-bit pieces
  if (z === 0) {
    jz -= 1;
    q0 -= 24;
    while (iq[jz] === 0) {
      jz--;
      q0 -= 24;
    }
  } else {
    z = scalbn(z, -q0);
    if (z >= TWO24) {
      const fw = Math.trunc(TWON24 * z);
      iq[jz] = z - TWO24 * fw;
      jz += 1;
      q0 += 24;
      iq[jz] = fw;
    } else iq[jz] = z;
  }
  // the pieces as doubles, times π/2
  let fw = scalbn(1, q0);
  for (let i = jz; i >= 0; i--) {
    q[i] = fw * iq[i];
    fw *= TWON24;
  }
  for (let i = jz; i >= 0; i--) {
    fw = 0;
    for (let k = 0; k <= jp && k <= jz - i; k++) fw += PIO2[k] * q[i + k];
    fq[jz - i] = fw;
  }
  fw = 0;
  for (let i = jz; i >= 0; i--) fw += fq[i];
  y[0] = ih === 0 ? fw : -fw;
  fw = fq[0] - fw;
  for (let i = 1; i <= jz; i++) fw += fq[i];
  y[1] = ih === 0 ? fw : -fw;
  return n & 7;
}

const INVPIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417; // first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // π/2 − PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // second 33 bits
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21; // third 33 bits
const PIO2_3T = 8.47842766036889956997e-32;
const RED = new Float64Array(2);

/** fdlibm's __ieee754_rem_pio2: RED[0] + RED[1] = x − n·π/2; returns n. */
function remPio2(x: number): number {
  const y = RED;
  const hx = hiWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) { // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix !== 0x3ff921fb) {
        y[0] = z - PIO2_1T;
        y[1] = (z - y[0]) - PIO2_1T;
      } else { // near π/2
        z -= PIO2_2;
        y[0] = z - PIO2_2T;
        y[1] = (z - y[0]) - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z + PIO2_1T;
      y[1] = (z - y[0]) + PIO2_1T;
    } else {
      z += PIO2_2;
      y[0] = z + PIO2_2T;
      y[1] = (z - y[0]) + PIO2_2T;
    }
    return -1;
  }
  if (ix <= 0x413921fb) { // |x| <= 2^19·π/2
    let t = Math.abs(x);
    const n = (t * INVPIO2 + 0.5) | 0;
    const fn = n;
    let r = t - fn * PIO2_1;
    let w = fn * PIO2_1T; // good to 85 bits
    if (n < 32 && ix !== NPIO2_HW[n - 1]) {
      y[0] = r - w;
    } else {
      const j = ix >> 20;
      y[0] = r - w;
      let i = j - ((hiWord(y[0]) >> 20) & 0x7ff);
      if (i > 16) { // second iteration, good to 118 bits
        t = r;
        w = fn * PIO2_2;
        r = t - w;
        w = fn * PIO2_2T - ((t - r) - w);
        y[0] = r - w;
        i = j - ((hiWord(y[0]) >> 20) & 0x7ff);
        if (i > 49) { // third, 151 bits
          t = r;
          w = fn * PIO2_3;
          r = t - w;
          w = fn * PIO2_3T - ((t - r) - w);
          y[0] = r - w;
        }
      }
    }
    y[1] = (r - y[0]) - w;
    if (hx < 0) {
      y[0] = -y[0];
      y[1] = -y[1];
      return -n;
    }
    return n;
  }
  // large arguments: |x| as three 24-bit pieces of z = |x|·2^-e0
  const e0 = (ix >> 20) - 1046;
  let z = fromWords(ix - (e0 << 20), loWord(x));
  const tx = [0, 0, 0];
  for (let i = 0; i < 2; i++) {
    tx[i] = z | 0;
    z = (z - tx[i]) * TWO24;
  }
  tx[2] = z;
  let nx = 3;
  while (tx[nx - 1] === 0) nx--;
  const n = kernelRemPio2(tx, y, e0, nx);
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

/** sin(x): fdlibm's sin, Node 20's Math.sin bit for bit. */
export function sin(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0); // |x| <= π/4
  if (ix >= 0x7ff00000) return x - x; // NaN
  const n = remPio2(x);
  switch (n & 3) {
    case 0: return kernelSin(RED[0], RED[1], 1);
    case 1: return kernelCos(RED[0], RED[1]);
    case 2: return -kernelSin(RED[0], RED[1], 1);
    default: return -kernelCos(RED[0], RED[1]);
  }
}

/** cos(x): fdlibm's cos, Node 20's Math.cos bit for bit. */
export function cos(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0); // |x| <= π/4
  if (ix >= 0x7ff00000) return x - x; // NaN
  const n = remPio2(x);
  switch (n & 3) {
    case 0: return kernelCos(RED[0], RED[1]);
    case 1: return -kernelSin(RED[0], RED[1], 1);
    case 2: return -kernelCos(RED[0], RED[1]);
    default: return kernelSin(RED[0], RED[1], 1);
  }
}
