// Each activation's derivative against central differences, away from kinks (x = 0).
import { describe, expect, test } from 'vitest';
import { type Activation, getActivation } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { defaultHPars } from '../../src/settings.js';

const hPars = defaultHPars({ LRELU_alpha: 0.2, ELU_alpha: 1.5, softmax_temperature: 2.5 });

function numericJacobianRow(f: Activation, x: NDArray, i: number, j: number, h = 1e-6): number {
  // d f(x)[i, :] / d x[i, j]; for element-wise functions only the diagonal is non-zero
  const k = x.shape[1];
  const xp = x.copy();
  const xm = x.copy();
  xp.data[i * k + j] += h;
  xm.data[i * k + j] -= h;
  const fp = f(xp, false, hPars);
  const fm = f(xm, false, hPars);
  return (fp.data[i * k + j] - fm.data[i * k + j]) / (2 * h);
}

describe('activation derivatives match finite differences', () => {
  const rng = seededRng(7);
  const x = new NDArray(Float64Array.from({ length: 24 }, () => {
    const v = 3 * rng.standardNormal();
    return Math.abs(v) < 0.05 ? v + 0.2 : v; // stay away from the kink at 0
  }), [4, 6]);
  for (const name of ['identity', 'relu', 'lrelu', 'elu', 'sigmoid', 'tanh']) {
    test(name, () => {
      const f = getActivation(name);
      const d = f(x, true, hPars);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) {
        const num = numericJacobianRow(f, x, i, j);
        expect(Math.abs(d.data[i * 6 + j] - num)).toBeLessThan(1e-7 * Math.max(1, Math.abs(num)));
      }
    });
  }
  test('softmax Jacobian (with temperature) matches finite differences', () => {
    const f = getActivation('softmax');
    const J = f(x, true, hPars); // (m, k, k): J[i, p, q] = d s[i, p] / d x[i, q]
    expect(J.shape).toEqual([4, 6, 6]);
    const h = 1e-6;
    for (let i = 0; i < 4; i++) for (let q = 0; q < 6; q++) {
      const xp = x.copy();
      const xm = x.copy();
      xp.data[i * 6 + q] += h;
      xm.data[i * 6 + q] -= h;
      const sp = f(xp, false, hPars);
      const sm = f(xm, false, hPars);
      for (let p = 0; p < 6; p++) {
        const num = (sp.data[i * 6 + p] - sm.data[i * 6 + p]) / (2 * h);
        expect(Math.abs(J.data[(i * 6 + p) * 6 + q] - num)).toBeLessThan(1e-8);
      }
    }
  });
});
