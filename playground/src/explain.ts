// What made one number: the terms behind a cell of a layer's cache, read from the layer's own arrays
// (fc.X, fc.Z, fc.A, bc.dZ, bc.dX, g.dW and the parameters W, b the step used). The page lists the terms
// and adds them up only to show the arithmetic; the result it shows next to that sum is the cached value.
import type { NDArray } from '../../src/index.js';

/** One term of a sum: where its factors come from, the factors, the product. */
export interface Term {
  /** Human-readable coordinates of the factors, e.g. 'X[0,3,4,0] · W[1,2,0,5]'. */
  what: string;
  a: number;
  b: number;
  product: number;
}

/** A cell explained: its terms, the sum of the terms (the page's), what is added or applied after, and the cached values. */
export interface Explanation {
  /** EpyNN's equation numbers this explains. */
  steps: string[];
  cell: string;
  terms: Term[];
  /** Σ terms, added in order (float64, as the page adds them). */
  sum: number;
  bias?: number;
  /** The cached value of the cell (Z, dX or dW from the layer's arrays). */
  cached: number;
  cachedName: string;
  /** The activation of the cached value (forward): A from fc.A. */
  activated?: number;
  /** How `activated` is made, when not step (6)'s fc.A = f(Z). */
  activatedName?: string;
  /** Cells of other arrays to highlight: array name → flat indices. */
  highlight: Record<string, number[]>;
  /** Per-sample partial sums (dW: the sum over samples of step 1.1). */
  perSample?: number[];
}

const idx = (shape: number[], ...at: number[]): number => at.reduce((k, v, i) => k * shape[i] + v, 0);
const at = (a: NDArray, ...ix: number[]): number => a.data[idx(a.shape, ...ix)];

/** Convolution geometry from the layer's d. */
interface Geo { fh: number; fw: number; sh: number; sw: number; p: number; h: number; w: number; d: number; oh: number; ow: number; u: number }

const geo = (d: Record<string, number>, X: NDArray, Z: NDArray): Geo => ({
  fh: d.fh, fw: d.fw, sh: d.sh, sw: d.sw, p: d.p ?? 0, h: X.shape[1], w: X.shape[2], d: X.shape[3], oh: Z.shape[1], ow: Z.shape[2], u: Z.shape[3],
});

/** Convolution forward (5.1)–(6): Z[m, oh, ow, u] from the window of X and filter u. */
export function convZ(
  c: { X: NDArray; Z: NDArray; A: NDArray; W: NDArray; b: NDArray; d: Record<string, number>; useBias: boolean },
  m: number, ioh: number, iow: number, iu: number,
): Explanation {
  const g = geo(c.d, c.X, c.Z);
  const terms: Term[] = [];
  const hx: number[] = [];
  const hw: number[] = [];
  let sum = 0;
  for (let a = 0; a < g.fh; a++) {
    for (let b = 0; b < g.fw; b++) {
      for (let k = 0; k < g.d; k++) {
        const y = ioh * g.sh + a - g.p;
        const x = iow * g.sw + b - g.p;
        const inside = y >= 0 && y < g.h && x >= 0 && x < g.w;
        const xv = inside ? at(c.X, m, y, x, k) : 0;
        const wv = at(c.W, a, b, k, iu);
        if (inside) hx.push(idx(c.X.shape, m, y, x, k));
        hw.push(idx(c.W.shape, a, b, k, iu));
        const product = xv * wv;
        sum += product;
        terms.push({ what: `${inside ? `X[${m},${y},${x},${k}]` : 'padding 0'} · W[${a},${b},${k},${iu}]`, a: xv, b: wv, product });
      }
    }
  }
  return {
    steps: ['5.1', '5.2', '5.3', '6'], cell: `Z[${m},${ioh},${iow},${iu}]`, terms, sum, bias: c.useBias ? c.b.data[iu] : 0,
    cached: at(c.Z, m, ioh, iow, iu), cachedName: 'fc.Z', activated: at(c.A, m, ioh, iow, iu),
    highlight: { X: hx, W: hw, Z: [idx(c.Z.shape, m, ioh, iow, iu)], A: [idx(c.A.shape, m, ioh, iow, iu)] },
  };
}

/** Convolution backward (5hw)–(6hw): dX[m, y, x, k] = Σ over the windows covering it and the filters of dZ · W. */
export function convDX(c: { X: NDArray; dZ: NDArray; dX: NDArray; W: NDArray; d: Record<string, number> }, m: number, y: number, x: number, k: number): Explanation {
  const g = geo(c.d, c.X, c.dZ);
  const terms: Term[] = [];
  const hz: number[] = [];
  const hw: number[] = [];
  let sum = 0;
  for (let ioh = 0; ioh < g.oh; ioh++) {
    const a = y + g.p - ioh * g.sh;
    if (a < 0 || a >= g.fh) continue;
    for (let iow = 0; iow < g.ow; iow++) {
      const b = x + g.p - iow * g.sw;
      if (b < 0 || b >= g.fw) continue;
      for (let iu = 0; iu < g.u; iu++) {
        const dz = at(c.dZ, m, ioh, iow, iu);
        const wv = at(c.W, a, b, k, iu);
        const product = dz * wv;
        sum += product;
        hz.push(idx(c.dZ.shape, m, ioh, iow, iu));
        hw.push(idx(c.W.shape, a, b, k, iu));
        terms.push({ what: `dZ[${m},${ioh},${iow},${iu}] · W[${a},${b},${k},${iu}]  (window ${ioh},${iow})`, a: dz, b: wv, product });
      }
    }
  }
  return {
    steps: ['5hw', '6hw'], cell: `dX[${m},${y},${x},${k}]`, terms, sum, cached: at(c.dX, m, y, x, k), cachedName: 'bc.dX',
    highlight: { dZ: hz, W: hw, dX: [idx(c.dX.shape, m, y, x, k)] },
  };
}

/** Convolution gradients (1.1): dW[a, b, k, u] = Σ_m Σ_oh Σ_ow Xb · dZ; the terms are the per-sample sums. */
export function convDW(c: { X: NDArray; dZ: NDArray; dW: NDArray; d: Record<string, number> }, a: number, b: number, k: number, iu: number): Explanation {
  const g = geo(c.d, c.X, c.dZ);
  const m = c.X.shape[0];
  const terms: Term[] = [];
  const perSample: number[] = [];
  let sum = 0;
  for (let im = 0; im < m; im++) {
    let s = 0;
    for (let ioh = 0; ioh < g.oh; ioh++) {
      const y = ioh * g.sh + a - g.p;
      if (y < 0 || y >= g.h) continue;
      for (let iow = 0; iow < g.ow; iow++) {
        const x = iow * g.sw + b - g.p;
        if (x < 0 || x >= g.w) continue;
        s += at(c.X, im, y, x, k) * at(c.dZ, im, ioh, iow, iu);
      }
    }
    perSample.push(s);
    sum += s;
    terms.push({ what: `sample ${im}: Σ_oh Σ_ow X[${im}, oh·${g.sh}+${a}, ow·${g.sw}+${b}, ${k}] · dZ[${im}, oh, ow, ${iu}]`, a: NaN, b: NaN, product: s });
  }
  return { steps: ['1.1'], cell: `dW[${a},${b},${k},${iu}]`, terms, sum, cached: at(c.dW, a, b, k, iu), cachedName: 'g.dW', perSample, highlight: { dW: [idx(c.dW.shape, a, b, k, iu)] } };
}

/** Dense forward (2)–(3): Z[m, u] = X[m, :] · W[:, u] + b[u]. */
export function denseZ(c: { X: NDArray; Z: NDArray; A: NDArray; W: NDArray; b: NDArray }, m: number, iu: number): Explanation {
  const n = c.X.shape[1];
  const u = c.W.shape[1];
  const terms: Term[] = [];
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const xv = c.X.data[m * n + j];
    const wv = c.W.data[j * u + iu];
    sum += xv * wv;
    terms.push({ what: `X[${m},${j}] · W[${j},${iu}]`, a: xv, b: wv, product: xv * wv });
  }
  return {
    steps: ['2', '3'], cell: `Z[${m},${iu}]`, terms, sum, bias: c.b.data[iu], cached: c.Z.data[m * u + iu], cachedName: 'fc.Z', activated: c.A.data[m * u + iu],
    highlight: { X: Array.from({ length: n }, (_, j) => m * n + j), W: Array.from({ length: n }, (_, j) => j * u + iu), Z: [m * u + iu], A: [m * u + iu] },
  };
}

/** Dense backward (3): dX[m, j] = Σ_u dZ[m, u] · W[j, u]. */
export function denseDX(c: { dZ: NDArray; dX: NDArray; W: NDArray }, m: number, j: number): Explanation {
  const [n, u] = c.W.shape;
  const terms: Term[] = [];
  let sum = 0;
  for (let iu = 0; iu < u; iu++) {
    const dz = c.dZ.data[m * u + iu];
    const wv = c.W.data[j * u + iu];
    sum += dz * wv;
    terms.push({ what: `dZ[${m},${iu}] · W[${j},${iu}]`, a: dz, b: wv, product: dz * wv });
  }
  return {
    steps: ['3'], cell: `dX[${m},${j}]`, terms, sum, cached: c.dX.data[m * n + j], cachedName: 'bc.dX',
    highlight: { dZ: Array.from({ length: u }, (_, iu) => m * u + iu), W: Array.from({ length: u }, (_, iu) => j * u + iu), dX: [m * n + j] },
  };
}

/** Dense gradients (1.1): dW[j, u] = Σ_m X[m, j] · dZ[m, u]. */
export function denseDW(c: { X: NDArray; dZ: NDArray; dW: NDArray }, j: number, iu: number): Explanation {
  const [m, n] = c.X.shape;
  const u = c.dZ.shape[1];
  const terms: Term[] = [];
  let sum = 0;
  for (let im = 0; im < m; im++) {
    const xv = c.X.data[im * n + j];
    const dz = c.dZ.data[im * u + iu];
    sum += xv * dz;
    terms.push({ what: `X[${im},${j}] · dZ[${im},${iu}]`, a: xv, b: dz, product: xv * dz });
  }
  return {
    steps: ['1.1'], cell: `dW[${j},${iu}]`, terms, sum, cached: c.dW.data[j * u + iu], cachedName: 'g.dW',
    highlight: { X: Array.from({ length: m }, (_, im) => im * n + j), dZ: Array.from({ length: m }, (_, im) => im * u + iu), dW: [j * u + iu] },
  };
}

/** Pooling forward (2)–(4): the window of X and the element kept (max, min) or the mean. */
export function poolZ(c: { X: NDArray; Z: NDArray; d: Record<string, number>; pool: string }, m: number, ioh: number, iow: number, k: number): Explanation {
  const { ph, pw, sh, sw } = c.d;
  const [, , w, d] = c.X.shape;
  const terms: Term[] = [];
  const hx: number[] = [];
  const z = at(c.Z, m, ioh, iow, k);
  let sum = 0;
  for (let a = 0; a < ph; a++) {
    for (let b = 0; b < pw; b++) {
      const y = ioh * sh + a;
      const x = iow * sw + b;
      const v = at(c.X, m, y, x, k);
      hx.push(idx(c.X.shape, m, y, x, k));
      sum += v;
      terms.push({ what: `X[${m},${y},${x},${k}]${c.pool !== 'mean' && v === z ? '  ← selected' : ''}`, a: v, b: NaN, product: v });
    }
  }
  void w;
  void d;
  const values = terms.map((t) => t.a);
  const pooled = c.pool === 'mean' ? sum / (ph * pw) : c.pool === 'min' ? Math.min(...values) : Math.max(...values);
  return { steps: ['2', '3', '4'], cell: `Z[${m},${ioh},${iow},${k}]`, terms, sum: pooled, cached: z, cachedName: 'fc.Z', highlight: { X: hx, Z: [idx(c.Z.shape, m, ioh, iow, k)] } };
}

/** LSTM, one cell of one step (8s)–(9s): the gates f, i, g, o at (m, s, u) and the memory and hidden states they make. */
export function lstmCell(fc: Record<string, NDArray>, m: number, s: number, u: number): Explanation {
  const k = idx(fc.h.shape, m, s, u);
  const v = (key: string): number => fc[key].data[k];
  const terms: Term[] = [
    { what: `Cp_[${m},${s},${u}] · f (previous memory × forget gate)`, a: v('Cp_'), b: v('f'), product: v('Cp_') * v('f') },
    { what: `i[${m},${s},${u}] · g (input gate × candidate)`, a: v('i'), b: v('g'), product: v('i') * v('g') },
  ];
  return {
    steps: ['8s', '9s'], cell: `C_[${m},${s},${u}]`, terms, sum: terms[0].product + terms[1].product, cached: v('C_'), cachedName: 'fc.C_',
    activated: v('h'), activatedName: `(8.2s) C = tanh(C_) = ${v('C')}, (9s) h = o · C = ${v('o')} × ${v('C')}: fc.h`,
    highlight: Object.fromEntries(['f', 'i', 'g', 'o', 'C_', 'C', 'h', 'Cp_'].map((key) => [key, [k]])),
  };
}

/** GRU, one cell of one step (7s): h = z · hp + (1 − z) · hh from the update gate z, the previous state and the hidden hat. */
export function gruCell(fc: Record<string, NDArray>, m: number, s: number, u: number): Explanation {
  const k = idx(fc.h.shape, m, s, u);
  const v = (key: string): number => fc[key].data[k];
  const terms: Term[] = [
    { what: `z[${m},${s},${u}] · hp (update gate × previous state)`, a: v('z'), b: v('hp'), product: v('z') * v('hp') },
    { what: `(1 − z) · hh (the rest × hidden hat; r = ${v('r').toFixed(4)} reset the hp inside hh)`, a: 1 - v('z'), b: v('hh'), product: (1 - v('z')) * v('hh') },
  ];
  return {
    steps: ['7s'], cell: `h[${m},${s},${u}]`, terms, sum: terms[0].product + terms[1].product, cached: v('h'), cachedName: 'fc.h',
    highlight: Object.fromEntries(['z', 'r', 'hh', 'hp', 'h'].map((key) => [key, [k]])),
  };
}
