// Central finite differences of L = Σ A ⊙ R against Dropout.backward, with the mask frozen:
// layer.rng is a stub cycling through the same uniforms, so every forward draws the same D.
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Dropout } from '../../src/dropout/models.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { cyclingRng } from './stub.js';

const cases: { shape: number[]; dropProb: number; axis: number[] }[] = [
  { shape: [4, 6], dropProb: 0.5, axis: [] },
  { shape: [3, 4, 5], dropProb: 0.2, axis: [1] },
  { shape: [2, 3, 3, 2], dropProb: 0.75, axis: [0, 3] },
  { shape: [5, 3], dropProb: 0, axis: [] },
];

describe('Dropout gradcheck (frozen mask, training mode)', () => {
  for (const { shape, dropProb, axis } of cases) {
    test(`shape=(${shape}) p=${dropProb} axis=[${axis}]`, () => {
      const rng = seededRng(`drop-${shape}-${dropProb}`);
      const X = new NDArray(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.standardNormal()), shape);
      const layer = new Dropout({ dropProb, axis });
      layer.training = true;
      const maskSize = shape.reduce((a, s, i) => a * (axis.includes(i) ? 1 : s), 1);
      layer.rng = cyclingRng(Array.from({ length: maskSize }, () => rng.uniform()));
      const { checked } = gradcheck(layer, X, rng);
      expect(checked).toBe(X.size);
    });
  }
});
