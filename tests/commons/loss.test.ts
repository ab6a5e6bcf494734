// Fixtures: tests/fixtures/epynn/loss_*.json, written by the reference NumPy EpyNN 1.2.11
// (epynn.commons.loss.<LOSS>(Y, A) and (Y, A, deriv=True)). Also: the derivative against finite
// differences of the summed per-sample loss, and lossFunctions' compatibility errors.
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError } from '../../src/errors.js';
import { BCE, CCE, type Loss, MAE, MSE, MSLE, lossFunctions } from '../../src/commons/loss.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

describe('losses match EpyNN', () => {
  const names = fixtureNames('loss_');
  test('all five losses have fixtures', () => {
    expect(new Set(names.map((n) => loadFixture(n).loss))).toEqual(new Set(['MSE', 'MAE', 'MSLE', 'CCE', 'BCE']));
  });
  for (const name of names) {
    test(name, () => {
      const fx = loadFixture(name);
      const f = lossFunctions(fx.loss, 'softmax'); // softmax is compatible with every loss
      const yBefore = fx.Y.data.slice();
      const aBefore = fx.A.data.slice();
      expectClose(f(fx.Y, fx.A), fx.value, 'value');
      expectClose(f(fx.Y, fx.A, true), fx.deriv, 'deriv');
      expect(f(fx.Y, fx.A).shape).toEqual([fx.Y.shape[0]]);
      expect(fx.Y.data, 'Y not mutated').toEqual(yBefore);
      expect(fx.A.data, 'A not mutated').toEqual(aBefore);
    });
  }
});

describe('loss derivatives match finite differences of Σ per-sample loss', () => {
  const rng = seededRng(11);
  const m = 4;
  const k = 3;
  // Labels in {0, 1} and outputs in (0.05, 0.95), away from |Y − A| = 0 (MAE's kink)
  const Y = new NDArray(Float64Array.from({ length: m * k }, () => (rng.uniform() < 0.5 ? 0 : 1)), [m, k]);
  const A = new NDArray(Float64Array.from({ length: m * k }, () => 0.05 + 0.9 * rng.uniform()), [m, k]);
  const cases: [string, Loss][] = [['MSE', MSE], ['MAE', MAE], ['MSLE', MSLE], ['CCE', CCE], ['BCE', BCE]];
  for (const [name, f] of cases) {
    test(name, () => {
      const d = f(Y, A, true);
      expect(d.shape).toEqual([m, k]);
      const total = (a: NDArray): number => f(Y, a).data.reduce((s, v) => s + v, 0);
      const h = 1e-6;
      for (let i = 0; i < m * k; i++) {
        const ap = A.copy();
        const am = A.copy();
        ap.data[i] += h;
        am.data[i] -= h;
        const num = (total(ap) - total(am)) / (2 * h);
        // CCE: EpyNN's value uses ln(A + 1e-16), its derivative −Y/A: equal up to ~1e-16 relative
        expect(Math.abs(d.data[i] - num), `${name}[${i}] analytic ${d.data[i]} vs numeric ${num}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(num)));
      }
    });
  }
});

describe('loss edge cases (EpyNN semantics)', () => {
  test('MAE derivative is 0 where A = Y; CCE derivative is −Y/A without epsilon', () => {
    const Y = NDArray.from([[1, 0]]);
    const A = NDArray.from([[1, 0]]);
    expect(Array.from(MAE(Y, A, true).data).map(Math.abs)).toEqual([0, 0]);
    const dC = CCE(Y, A, true);
    expect(dC.data[0]).toBe(-1);
    expect(Number.isNaN(dC.data[1])).toBe(true); // 0 / 0, as NumPy
    expect(Number.isFinite(CCE(NDArray.from([[1, 0]]), NDArray.from([[0, 1]])).data[0])).toBe(true); // ln(0 + 1e-16)
  });
  test('every loss function carries its name', () => {
    expect(Object.entries(lossFunctions()).map(([k, f]) => [k, f.name])).toEqual(
      ['MSE', 'MAE', 'MSLE', 'CCE', 'BCE'].map((k) => [k, k]),
    );
  });
});

describe('lossFunctions errors', () => {
  test('unknown loss lists the known ones', () => {
    expect(() => lossFunctions('RMSE', 'sigmoid')).toThrow(EpyNNError);
    expect(() => lossFunctions('RMSE', 'sigmoid')).toThrow("loss 'RMSE' is unknown; known losses: MSE, MAE, MSLE, CCE, BCE");
    expect(() => lossFunctions('toString', 'sigmoid')).toThrow(/loss 'toString' is unknown/);
  });
  test('CCE needs a softmax output', () => {
    expect(() => lossFunctions('CCE', 'sigmoid')).toThrow('CCE can not be used with sigmoid activation, please use softmax instead');
    expect(() => lossFunctions('CCE', 'tanh')).toThrow(/CCE can not be used with tanh activation/);
    expect(() => lossFunctions('CCE')).toThrow(/CCE can not be used with undefined activation/);
    expect(lossFunctions('CCE', 'softmax')).toBe(CCE);
  });
  test('BCE and MSLE refuse tanh; everything else is accepted', () => {
    expect(() => lossFunctions('BCE', 'tanh')).toThrow('BCE contains log() and can not be used with tanh activation, please change');
    expect(() => lossFunctions('MSLE', 'tanh')).toThrow(/MSLE contains log\(\) and can not be used with tanh activation/);
    expect(lossFunctions('MSE', 'tanh')).toBe(MSE);
    expect(lossFunctions('MAE', 'tanh')).toBe(MAE);
    expect(lossFunctions('BCE', 'sigmoid')).toBe(BCE);
    expect(lossFunctions('MSLE', 'relu')).toBe(MSLE);
  });
  test('Y and A must have the same 2-D shape', () => {
    const Y = NDArray.from([[1, 0], [0, 1]]);
    expect(() => MSE(Y, NDArray.from([[0.5, 0.5, 0]]))).toThrow(ShapeError);
    expect(() => MSE(Y, NDArray.from([[0.5, 0.5, 0]]))).toThrow('MSE: Y (2, 2) and A (1, 3) must have the same shape');
    expect(() => BCE(NDArray.from([1, 0]), NDArray.from([0.5, 0.5]))).toThrow('BCE: A must be a 2-D array (m, k), got shape (2,)');
    expect(() => CCE(Y, [[1, 0]] as never)).toThrow(/CCE: Y and A must be NDArrays/);
  });
});
