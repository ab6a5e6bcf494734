// Central finite differences of L = Σ A ⊙ R (tests/helpers/gradcheck.ts) against backward (dX) and
// computeGradients (dW, db), over filter sizes, strides (also larger than the filter), paddings,
// depths, unit counts, activations and useBias. Inputs and parameters are random normals: |Z| is
// almost surely far from the kinks of relu/lrelu (h = 1e-6).
import { describe, expect, test } from 'vitest';
import { getActivation } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Convolution } from '../../src/convolution/models.js';
import { defaultHPars } from '../../src/settings.js';
import { gradcheck } from '../helpers/gradcheck.js';

interface Case {
  m: number;
  h: number;
  w: number;
  d: number;
  u: number;
  f: [number, number];
  s?: number | [number, number];
  p: number;
  act: string;
  bias?: boolean;
}

const cases: Case[] = [
  { m: 2, h: 5, w: 5, d: 1, u: 1, f: [3, 3], s: 1, p: 0, act: 'tanh' },
  { m: 2, h: 6, w: 5, d: 2, u: 3, f: [2, 3], s: [1, 2], p: 1, act: 'sigmoid' },
  { m: 1, h: 7, w: 6, d: 3, u: 2, f: [3, 2], p: 0, act: 'elu' }, // default strides = filter
  { m: 2, h: 6, w: 7, d: 2, u: 2, f: [2, 2], s: [3, 4], p: 0, act: 'identity' }, // strides > filter
  { m: 3, h: 4, w: 5, d: 1, u: 4, f: [1, 1], s: 2, p: 2, act: 'lrelu' }, // windows fully in the padding
  { m: 2, h: 5, w: 4, d: 2, u: 3, f: [3, 3], s: 2, p: 2, act: 'tanh', bias: false },
  { m: 1, h: 6, w: 6, d: 2, u: 5, f: [4, 4], s: 1, p: 1, act: 'relu' },
  { m: 2, h: 3, w: 8, d: 1, u: 2, f: [3, 5], s: [1, 3], p: 0, act: 'elu', bias: false },
  { m: 5, h: 5, w: 5, d: 3, u: 1, f: [5, 5], s: 5, p: 0, act: 'sigmoid' }, // one window
  { m: 2, h: 2, w: 3, d: 2, u: 2, f: [3, 3], s: 1, p: 1, act: 'lrelu' }, // filter > input, fits the padding
  { m: 1, h: 9, w: 7, d: 1, u: 6, f: [2, 3], s: [3, 1], p: 1, act: 'identity', bias: false },
];

const hPars = defaultHPars({ ELU_alpha: 0.7, LRELU_alpha: 0.2 });

describe('convolution gradients match central differences', () => {
  cases.forEach((c, i) => {
    const title =
      `#${i} m=${c.m} ${c.h}x${c.w}x${c.d} u=${c.u} f=${c.f.join('x')} s=${JSON.stringify(c.s ?? 'default')} ` +
      `p=${c.p} ${c.act}${c.bias === false ? ' no-bias' : ''}`;
    test(title, () => {
      const rng = seededRng(100 + i);
      const layer = new Convolution({
        unitFilters: c.u,
        filterSize: c.f,
        strides: c.s,
        padding: c.p,
        activate: getActivation(c.act),
        useBias: c.bias ?? true,
        seHPars: hPars,
      });
      const X = new NDArray(Float64Array.from({ length: c.m * c.h * c.w * c.d }, () => rng.standardNormal()), [c.m, c.h, c.w, c.d]);
      layer.computeShapes(X);
      layer.initializeParameters();
      const W = layer.p.W.data;
      for (let k = 0; k < W.length; k++) W[k] = 0.5 * rng.standardNormal();
      if (c.bias !== false) layer.p.b.data.forEach((_, k) => (layer.p.b.data[k] = rng.uniform() - 0.5));
      const { checked, maxRel } = gradcheck(layer, X, rng, { h: 1e-6, tol: 1e-6 });
      expect(checked).toBe(X.size + layer.p.W.size + layer.p.b.size);
      expect(maxRel).toBeLessThan(1e-6);
      if (c.bias === false) expect([...layer.g.db.data]).toEqual(new Array(c.u).fill(0));
    });
  });
});
