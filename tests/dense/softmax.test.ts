// Dense with the built-in softmax: backward takes the fused form dZ = S ⊙ (dA − Σ_j dA_j S_j) / T
// (no (m, u, u) Jacobian); custom activations keep dA ⊙ f'(Z) through hadamard. The two forms are
// compared here on random rows, against the rounding scale of the sum.
import { describe, expect, test } from 'vitest';
import { type Activation, softmax } from '../../src/activation/functions.js';
import { hadamard } from '../../src/commons/maths.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { softmaxGradient } from '../../src/dense/backward.js';
import { Dense } from '../../src/dense/models.js';
import { defaultHPars } from '../../src/settings.js';
import { randn } from '../helpers/random.js';

describe('softmaxGradient (fused) vs the Jacobian product', () => {
  const cases: [number, number, number, number][] = [[8, 10, 1, 1], [4, 200, 1, 3], [16, 33, 0.3, 5], [5, 7, 4, 1], [3, 1, 2, 1], [2, 2, 1, 20]];
  test.each(cases)('m=%i u=%i T=%s |Z|~%s', (m, u, T, scale) => {
    const hPars = defaultHPars({ softmax_temperature: T });
    const Z = randn([m, u], m * 100 + u, scale);
    const dA = randn([m, u], u * 100 + m);
    const S = softmax(Z, false, hPars);
    const want = hadamard(dA, softmax(Z, true, hPars)).data;
    const got = softmaxGradient(dA, S, T);
    expect(got.shape).toEqual([m, u]);
    // Element-wise relative error is meaningless where dA_k ≈ Σ_j dA_j S_j (both forms cancel there):
    // compare against the scale of the terms, S_k · (|dA_k| + Σ_j |dA_j S_j|) / T.
    let worst = 0;
    for (let i = 0; i < m; i++) {
      let sAbs = 0;
      for (let j = 0; j < u; j++) sAbs += Math.abs(dA.data[i * u + j] * S.data[i * u + j]);
      for (let k = 0; k < u; k++) {
        const x = i * u + k;
        const bound = (S.data[x] * (Math.abs(dA.data[x]) + sAbs)) / T;
        worst = Math.max(worst, Math.abs(got.data[x] - want[x]) / (bound || 1));
      }
    }
    expect(worst).toBeLessThan(1e-14);
  });

  test('a wrong formula is caught (the check can fail)', () => {
    const Z = randn([3, 5], 1);
    const dA = randn([3, 5], 2);
    const T = 2;
    const hPars = defaultHPars({ softmax_temperature: T });
    const want = hadamard(dA, softmax(Z, true, hPars)).data;
    const got = softmaxGradient(dA, softmax(Z, false, hPars), 1).data; // EpyNN's missing 1/T
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeGreaterThan(1e-3);
  });
});

describe('Dense backward picks the path by activation', () => {
  function run(act: Activation, T: number): { layer: Dense; dA: NDArray } {
    const layer = new Dense({ units: 6, activate: act, seHPars: defaultHPars({ softmax_temperature: T }) });
    const X = randn([5, 4], 3);
    layer.computeShapes(X);
    layer.initializeParameters();
    layer.forward(X);
    const dA = randn([5, 6], 4);
    layer.backward(dA);
    return { layer, dA };
  }

  test('built-in softmax: dZ is the fused form from fc.A', () => {
    const { layer, dA } = run(softmax, 3);
    expect(layer.bc.dZ.data).toEqual(softmaxGradient(dA, layer.fc.A, 3).data);
  });

  test('a custom activation (even a softmax wrapper) keeps the Jacobian product', () => {
    const wrapped: Activation = (x, d, h) => softmax(x, d, h);
    const { layer, dA } = run(wrapped, 3);
    expect(layer.bc.dZ.data).toEqual(hadamard(dA, softmax(layer.fc.Z, true, layer.hPars)).data);
    const fused = run(softmax, 3).layer.bc.dZ.data;
    const close = Array.from(fused).every((v, i) => Math.abs(v - layer.bc.dZ.data[i]) <= 1e-14);
    expect(close).toBe(true);
  });
});
