// Fixtures: tests/fixtures/epynn/activation_*.json, written by the reference NumPy EpyNN 1.2.11
// (epynn.commons.maths.<name>(x) and (x, deriv=True) with the fixture's se_hPars as layer_hPars).
import { describe, expect, test } from 'vitest';
import { getActivation, softmax } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { defaultHPars } from '../../src/settings.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

describe('activations match EpyNN', () => {
  for (const name of fixtureNames('activation_')) {
    test(name, () => {
      const fx = loadFixture(name);
      const f = getActivation(fx.activation);
      const hPars = defaultHPars(fx.hPars);
      const xBefore = fx.x.data.slice();
      expectClose(f(fx.x, false, hPars), fx.value, 'value');
      const T = hPars.softmax_temperature;
      // EpyNN's softmax Jacobian omits 1/T: the exact Jacobian is the fixture's divided by T
      const deriv = fx.activation === 'softmax' && T !== 1 ? new NDArray(fx.deriv.data.map((v: number) => v / T), fx.deriv.shape) : fx.deriv;
      expectClose(f(fx.x, true, hPars), deriv, 'deriv');
      expect(fx.x.data, 'input not mutated').toEqual(xBefore);
    });
  }
});

describe('activation edge cases', () => {
  test('tanh is finite for huge inputs (EpyNN gives NaN beyond |x| ~ 710)', () => {
    const f = getActivation('tanh');
    const x = NDArray.from([[-1000, 1000, 800, -800]]);
    expect(Array.from(f(x).data)).toEqual([-1, 1, 1, -1]);
    expect(Array.from(f(x, true).data)).toEqual([0, 0, 0, 0]);
  });
  test('sigmoid and softmax are stable for huge inputs', () => {
    const s = getActivation('sigmoid')(NDArray.from([[-1000, 1000]]));
    expect(Array.from(s.data)).toEqual([0, 1]);
    const sm = softmax(NDArray.from([[1000, 0, -1000]]));
    expect(sm.data.every(Number.isFinite)).toBe(true);
    expect(sm.data[0]).toBeCloseTo(1, 15);
  });
  test('softmax rows sum to one and rejects a non-positive temperature', () => {
    const sm = softmax(NDArray.from([[1, 2, 3], [0.5, -2, 7]]), false, defaultHPars({ softmax_temperature: 3 }));
    expect(sm.data[0] + sm.data[1] + sm.data[2]).toBeCloseTo(1, 14);
    expect(() => softmax(NDArray.from([[1, 2]]), false, defaultHPars({ softmax_temperature: 0 }))).toThrow(/softmax_temperature must be > 0, got 0/);
  });
});
