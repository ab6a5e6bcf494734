// Correctly rounded log, sin and cos for the generators' normal deviates (CPython's gauss, NumPy's
// legacy_gauss). JavaScript's Math.log/sin/cos (and fdlibm's, src/fdlibm.ts) differ from C's libm in the
// last bit on a few percent of inputs; the value nearest to the exact result is what a correctly rounding
// libm gives, and what glibc gives on all but about one input in a thousand. Computed in double-double
// arithmetic (~106 bits): fdlibm's result is corrected by the exact residual, then rounded once.
import { cos, log, sin } from '../fdlibm.js';

const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)

/** [hi, lo] with hi + lo = a + b exactly. */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** [hi, lo] with hi + lo = a * b exactly. */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

type DD = [number, number];

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  let [h, l] = twoSum(s, e + t);
  [h, l] = twoSum(h, l + f);
  return [h, l];
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function mulD(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return twoSum(p, e + a[1] * b);
}

function divD(a: DD, b: number): DD {
  const q = a[0] / b;
  const [p, e] = twoProd(q, b);
  const r = (a[0] - p - e + a[1]) / b;
  return twoSum(q, r);
}

// ln 2 and pi/2 in three parts (each part the double nearest the remainder)
const LN2: readonly number[] = [0.6931471805599453, 2.3190468138462996e-17, 5.707708438416212e-34];
const PIO2: readonly number[] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];

/** x - k * c (c in three parts), in double-double. */
function reduce(x: number, k: number, c: readonly number[]): DD {
  let r: DD = twoSum(x, -0);
  for (const part of c) {
    const [p, e] = twoProd(k, part);
    r = add(r, [-p, -e]);
  }
  return r;
}

/** exp(x) in double-double, for a double |x| < 700. */
function expDD(x: number): DD {
  const k = Math.round(x / LN2[0]);
  const r = reduce(x, k, LN2); // |r| <= ~0.35
  const s = divD(r, 256); // exact scaling
  // e = exp(s) - 1 by its Taylor series
  let term: DD = s;
  let e: DD = s;
  for (let n = 2; n < 14; n++) {
    term = divD(mul(term, s), n);
    e = add(e, term);
  }
  // (1 + e)^256: e <- 2e + e^2, eight times
  for (let i = 0; i < 8; i++) e = add(mulD(e, 2), mul(e, e));
  const one = add([1, 0], e);
  const scale = 2 ** k;
  return [one[0] * scale, one[1] * scale];
}

/** The double nearest to ln(x) (x > 0 finite; other inputs as fdlibm's log, src/fdlibm.ts). */
export function crLog(x: number): number {
  const y0 = log(x);
  if (!(x > 0) || !Number.isFinite(x) || x === 1) return y0;
  // ln(x) = y0 + ln(x e^-y0) = y0 + z - z^2/2, z = x e^-y0 - 1 (|z| ~ 1e-16)
  const z = add(mulD(expDD(-y0), x), [-1, 0]);
  const corr = z[0] - (z[0] * z[0]) / 2;
  const r = add(twoSum(y0, corr), [z[1], 0]);
  return r[0] + r[1];
}

/** sin and cos of a double-double r, |r| <= pi/4, by their Taylor series. */
function sinCosDD(r: DD): [DD, DD] {
  const r2 = mul(r, r);
  let ts: DD = r;
  let s: DD = r;
  let tc: DD = [1, 0];
  let c: DD = [1, 0];
  for (let n = 1; n < 16; n++) {
    ts = divD(mul(ts, r2), -(2 * n) * (2 * n + 1));
    s = add(s, ts);
    tc = divD(mul(tc, r2), -(2 * n - 1) * (2 * n));
    c = add(c, tc);
  }
  return [s, c];
}

function sinCos(x: number, wantSin: boolean): number {
  const k = Math.round(x / PIO2[0]);
  const r = reduce(x, k, PIO2);
  const [s, c] = sinCosDD(r);
  const q = ((k % 4) + 4) % 4;
  const v = wantSin ? [s, c, [-s[0], -s[1]], [-c[0], -c[1]]][q] : [c, [-s[0], -s[1]], [-c[0], -c[1]], s][q];
  return v[0] + v[1];
}

/** The double nearest to sin(x), for |x| < 2^20 (larger or non-finite x: fdlibm's sin, as Math.sin in Node). */
export function crSin(x: number): number {
  if (!(Math.abs(x) < 1048576)) return sin(x);
  return sinCos(x, true);
}

/** The double nearest to cos(x), for |x| < 2^20 (larger or non-finite x: fdlibm's cos, as Math.cos in Node). */
export function crCos(x: number): number {
  if (!(Math.abs(x) < 1048576)) return cos(x);
  return sinCos(x, false);
}
