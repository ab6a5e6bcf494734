// Dense backward and computeGradients against central differences of L = Σ A ⊙ R
// (tests/helpers/gradcheck.ts), for every activation, including softmax with T != 1 (where EpyNN's
// gradient is wrong by a factor T) and lrelu/elu with non-default alphas.
import { describe, expect, test } from 'vitest';
import { getActivation } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Dense } from '../../src/dense/models.js';
import { defaultHPars } from '../../src/settings.js';
import { gradcheck } from '../helpers/gradcheck.js';

const configs: { act: string; m: number; n: number; u: number; hPars?: Parameters<typeof defaultHPars>[0] }[] = [
  { act: 'identity', m: 3, n: 4, u: 2 },
  { act: 'relu', m: 4, n: 5, u: 3 },
  { act: 'lrelu', m: 3, n: 6, u: 4 },
  { act: 'lrelu', m: 3, n: 4, u: 3, hPars: { LRELU_alpha: 0.05 } },
  { act: 'elu', m: 4, n: 3, u: 2 },
  { act: 'elu', m: 2, n: 5, u: 4, hPars: { ELU_alpha: 2.5 } },
  { act: 'sigmoid', m: 5, n: 4, u: 1 },
  { act: 'tanh', m: 3, n: 7, u: 5 },
  { act: 'softmax', m: 4, n: 5, u: 3 },
  { act: 'softmax', m: 3, n: 4, u: 4, hPars: { softmax_temperature: 5 } },
  { act: 'softmax', m: 2, n: 3, u: 6, hPars: { softmax_temperature: 0.4 } },
];

describe('Dense gradients match finite differences', () => {
  configs.forEach(({ act, m, n, u, hPars }, ci) => {
    test(`dense m=${m} n=${n} u=${u} ${act} ${JSON.stringify(hPars ?? {})}`, () => {
      const rng = seededRng(100 + ci);
      const layer = new Dense({ units: u, activate: getActivation(act), seHPars: defaultHPars(hPars) });
      const X = new NDArray(Float64Array.from({ length: m * n }, () => rng.standardNormal()), [m, n]);
      layer.computeShapes(X);
      layer.initializeParameters();
      layer.p.b = new NDArray(Float64Array.from({ length: u }, () => rng.uniform() - 0.5), [1, u]);
      // Keep Z away from the kinks of relu/lrelu/elu at 0 (finite differences straddle them otherwise)
      const Z = layer.forward(X);
      const minAbsZ = Math.min(...Array.from(layer.fc.Z.data, Math.abs));
      expect(Z.shape).toEqual([m, u]);
      expect(minAbsZ, 'Z away from 0').toBeGreaterThan(1e-3);
      const { checked, maxRel } = gradcheck(layer, X, rng);
      expect(checked).toBe(m * n + n * u + u);
      expect(maxRel).toBeLessThan(1e-6);
    });
  });

  test('the check catches EpyNN\'s softmax gradient (missing 1/T)', () => {
    const rng = seededRng(3);
    const T = 5;
    const layer = new Dense({ units: 3, activate: getActivation('softmax'), seHPars: defaultHPars({ softmax_temperature: T }) });
    const X = new NDArray(Float64Array.from({ length: 8 }, () => rng.standardNormal()), [2, 4]);
    layer.computeShapes(X);
    layer.initializeParameters();
    // An activation whose derivative drops 1/T, as EpyNN's does
    const exact = layer.activate;
    const epynnLike = (x: NDArray, deriv = false, hp = layer.hPars): NDArray => {
      const r = exact(x, deriv, hp);
      return deriv ? new NDArray(r.data.map((v) => v * T), r.shape) : r;
    };
    layer.activate = epynnLike;
    expect(() => gradcheck(layer, X, rng)).toThrow(/analytic .* vs numeric/);
  });
});
