// Shared maths helpers of EpyNN's commons/maths.py (activations live in src/activation).
import { ShapeError } from '../errors.js';
import { NDArray, fmt } from './ndarray.js';
import type { Layer } from './models.js';

/** To prevent divide-by-zero in floating point (EpyNN's E_SAFE). */
export const E_SAFE = 1e-16;

/**
 * Element-wise product dA ⊙ f'(Z) with support for softmax's Jacobian:
 *   dLinear (m, n)    -> dZ = dA ⊙ dLinear
 *   dLinear (m, n, n) -> dZ[i, k] = Σ_j dA[i, j] · dLinear[i, j, k]
 */
export function hadamard(dA: NDArray, dLinear: NDArray): NDArray {
  const a = dA.data;
  const l = dLinear.data;
  if (dLinear.ndim === 3) {
    const [m, n, n2] = dLinear.shape;
    if (dA.ndim !== 2 || dA.shape[0] !== m || dA.shape[1] !== n || n !== n2) {
      throw new ShapeError(`hadamard: dA ${fmt(dA.shape)} does not match the Jacobian ${fmt(dLinear.shape)}`);
    }
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const aij = a[i * n + j];
        const row = (i * n + j) * n;
        for (let k = 0; k < n; k++) out[i * n + k] += aij * l[row + k];
      }
    }
    return new NDArray(out, [m, n]);
  }
  if (a.length !== l.length || dA.ndim !== dLinear.ndim) {
    throw new ShapeError(`hadamard: operands could not be broadcast together with shapes ${fmt(dA.shape)} ${fmt(dLinear.shape)}`);
  }
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * l[i];
  return new NDArray(out, dA.shape);
}

/**
 * Clip gradients in place to avoid vanishing or exploding gradients (EpyNN's clip_gradient):
 * total = sqrt(Σ_g Σ (g + E_SAFE)²); coef = maxNorm / (total + E_SAFE); if coef < 1, g *= coef.
 * NOTE: EpyNN adds E_SAFE to every element before squaring; we keep it for parity.
 */
export function clipGradient(layer: Layer, maxNorm = 0.25): void {
  let total = 0;
  for (const grad of Object.values(layer.g)) {
    const g = grad.data;
    for (let i = 0; i < g.length; i++) {
      const v = g[i] + E_SAFE;
      total += v * v;
    }
  }
  total = Math.sqrt(total);
  const coef = maxNorm / (total + E_SAFE);
  if (coef < 1) {
    for (const grad of Object.values(layer.g)) {
      const g = grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
}
