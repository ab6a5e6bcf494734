// activationBackward (src/activation/functions.ts): the fused dZ = dA ⊙ f'(Z) of the built-in
// activations, which Convolution and Dense call, against the generic product bit for bit.
import { describe, expect, test } from 'vitest';
import { type Activation, activationBackward, elu, identity, lrelu, relu, sigmoid, softmax, tanh } from '../../src/activation/functions.js';
import { map, mul, zeros } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { defaultHPars } from '../../src/settings.js';
import { randn } from '../helpers/random.js';

describe('activationBackward: fused dZ = dA ⊙ f\'(Z)', () => {
  const custom: Activation = (x, deriv = false) => (deriv ? map(x, (v) => 2 * v) : map(x, (v) => v * v));
  test.each([
    ['identity', identity], ['relu', relu], ['lrelu', lrelu], ['elu', elu], ['sigmoid', sigmoid], ['tanh', tanh], ['custom', custom],
  ] as [string, Activation][])('%s: bit for bit mul(dA, f(Z, true, hPars))', (_name, f) => {
    const rng = seededRng(17);
    const hPars = defaultHPars({ LRELU_alpha: 0.37, ELU_alpha: 1.7 });
    const Z = randn([2, 3, 3, 2], rng);
    Z.data[0] = 0;
    Z.data[1] = -0;
    Z.data[2] = 800; // sigmoid/tanh saturate
    Z.data[3] = -800;
    const dA = randn(Z.shape, rng);
    dA.data[4] = Infinity; // ∞ · f'(z) as in the generic product
    dA.data[5] = NaN;
    const got = activationBackward(f, dA, Z, hPars);
    const want = mul(dA, f(Z, true, hPars));
    expect(got.shape).toEqual(Z.shape);
    expect(Array.from(got.data)).toEqual(Array.from(want.data)); // toEqual: NaN equals NaN, +0 ≠ −0
  });

  test('softmax (not element-wise) is rejected by the generic product as before', () => {
    const Z = zeros([1, 2, 2, 2]);
    expect(() => activationBackward(softmax, Z, Z, defaultHPars())).toThrow();
  });
});
