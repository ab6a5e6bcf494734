// Central finite-difference checks (ConvNetJS's spec, llm.c's "fakeloss").
import { expect } from 'vitest';
import type { Layer } from '../../src/commons/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import type { Rng } from '../../src/commons/rng.js';

const sumProduct = (a: NDArray, b: NDArray): number => {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
};

/**
 * Checks layer.backward and layer.computeGradients against central differences of
 * L = Σ A ⊙ R for a fixed random R (so dL/dA = R). The layer must have shapes and parameters
 * initialized; updateParameters is never called. X is perturbed in a copy. `params`: check every
 * parameter (true), none (false), or the listed keys only (parameters without a gradient, such as
 * BatchNormalization's running statistics, are left out).
 */
export function gradcheck(
  layer: Layer,
  X0: NDArray,
  rng: Rng,
  { h = 1e-6, tol = 1e-6, params = true }: { h?: number; tol?: number; params?: boolean | readonly string[] } = {},
): { checked: number; maxRel: number } {
  const X = X0.copy();
  const A = layer.forward(X);
  const R = new NDArray(A.data.map(() => rng.standardNormal()), A.shape); // dL/dA
  const dX = layer.backward(R).copy();
  layer.computeGradients();
  const grads: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(layer.g)) grads[k] = v.copy();
  const loss = (): number => sumProduct(layer.forward(X), R);
  let checked = 0;
  let maxRel = 0;
  const check = (label: string, x: NDArray, analytic: NDArray): void => {
    expect(analytic.shape, `${label} shape`).toEqual(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const old = x.data[i];
      x.data[i] = old + h;
      const lp = loss();
      x.data[i] = old - h;
      const lm = loss();
      x.data[i] = old;
      const numeric = (lp - lm) / (2 * h);
      const a = analytic.data[i];
      const rel = Math.abs(a - numeric) / Math.max(1e-7, Math.abs(a) + Math.abs(numeric));
      if (rel > maxRel) maxRel = rel;
      checked++;
      if (!(rel <= tol)) expect.fail(`${layer.name} ${label}[${i}]: analytic ${a} vs numeric ${numeric} (rel ${rel.toExponential(2)})`);
    }
  };
  check('dX', X, dX);
  const keys = params === true ? Object.keys(layer.p) : params === false ? [] : params;
  for (const k of keys) check(`d${k}`, layer.p[k], grads[`d${k}`]);
  return { checked, maxRel };
}
