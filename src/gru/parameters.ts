// GRU shapes, parameters and gradients (EpyNN gru/parameters.py).
import { checkShapesKnown } from '../commons/checks.js';
import { optimizerUpdate } from '../commons/models.js';
import { type NDArray, zeros } from '../commons/ndarray.js';
import { checkSequenceInput, dataOf, checkBackwardDone, stepsProduct, stepsSum } from '../commons/recurrent.js';
import type { GRU } from './models.js';

/** Parameter keys of GRU, in EpyNN's order (update, reset, hidden hat; gradients follow it). */
export const GRU_PARAMETERS = ['Uz', 'Vz', 'bz', 'Ur', 'Vr', 'br', 'Uhh', 'Vhh', 'bhh'] as const;

/**
 * Sets fs.X (m, s, e), the dimensions m, s, e, the gate parameter shapes U (e, u), V (u, u),
 * b (1, u) and the shape of the hidden state h (m, s, u).
 */
export function gruComputeShapes(layer: GRU, A: NDArray): void {
  const X = A; // Input of current layer
  checkSequenceInput(layer, X);

  layer.fs.X = X.shape; // (m, s, e)

  layer.d.m = layer.fs.X[0]; // Number of samples (m)
  layer.d.s = layer.fs.X[1]; // Steps in sequence (s)
  layer.d.e = layer.fs.X[2]; // Elements per step (e)

  // Parameter Shapes                Unit cells (u)
  const eu = [layer.d.e, layer.d.u]; // (e, u)
  const uu = [layer.d.u, layer.d.u]; // (u, u)
  const u1 = [1, layer.d.u];         // (1, u)
  // Update gate    Reset gate       Hidden hat
  layer.fs.Uz = layer.fs.Ur = layer.fs.Uhh = eu;
  layer.fs.Vz = layer.fs.Vr = layer.fs.Vhh = uu;
  layer.fs.bz = layer.fs.br = layer.fs.bhh = u1;

  // Shape of hidden state (h) with respect to steps (s)
  layer.fs.h = [layer.d.m, layer.d.s, layer.d.u]; // (m, s, u)
}

/** Every U and V from `layer.initialization`, every b zeros (as EpyNN). */
export function gruInitializeParameters(layer: GRU): void {
  checkShapesKnown(layer, 'initializeParameters', GRU_PARAMETERS);
  const init = (k: string): NDArray => layer.initialization(layer.fs[k], layer.rng);
  // For linear activation of update gate (z_)
  layer.p.Uz = init('Uz'); // (e, u)
  layer.p.Vz = init('Vz'); // (u, u)
  layer.p.bz = zeros(layer.fs.bz); // (1, u)  dot(X, U) + dot(hp, V) + b

  // For linear activation of reset gate (r_)
  layer.p.Ur = init('Ur');
  layer.p.Vr = init('Vr');
  layer.p.br = zeros(layer.fs.br);

  // For linear activation of hidden hat (hh_)
  layer.p.Uhh = init('Uhh');
  layer.p.Vhh = init('Vhh');
  layer.p.bhh = zeros(layer.fs.bhh); // dot(X, U) + dot(r * hp, V) + b
}

/**
 * Summed over steps t and samples:
 *   dUhh = Σ X_tᵀ·dhh_,  dVhh = Σ (r ⊙ hp)_tᵀ·dhh_,  dbhh = Σ dhh_
 *   dUz  = Σ X_tᵀ·dz_,   dVz  = Σ hp_tᵀ·dz_,         dbz  = Σ dz_
 *   dUr  = Σ X_tᵀ·dr_,   dVr  = Σ hp_tᵀ·dr_,         dbr  = Σ dr_
 * EpyNN loops over the steps (in reverse); each sum here is one GEMM over all m·s rows instead.
 */
export function gruComputeGradients(layer: GRU): void {
  checkBackwardDone(layer, 'dhh_');
  const { s, e, u } = layer.d;
  const ms = layer.fc.X.shape[0] * s; // m·s rows
  const X = layer.fc.X.data; // (m, s, e)
  const hp = layer.fc.hp.data; // (m, s, u)
  const r = layer.fc.r.data; // (m, s, u)
  const rhp = new Float64Array(hp.length); // (m, s, u) r ⊙ hp, the input of Vhh
  for (let k = 0; k < rhp.length; k++) rhp[k] = r[k] * hp[k];

  // Gradients initialization with respect to parameters
  for (const k of Object.keys(layer.p)) layer.g[`d${k}`] = zeros(layer.p[k].shape);
  const { dUhh, dVhh, dbhh, dUz, dVz, dbz, dUr, dVr, dbr } = dataOf(layer, layer.g, GRU_PARAMETERS.map((k) => `d${k}` as const));
  // Gradients w.r.t hidden hat hh_, update gate z_, reset gate r_      (m, s, u) each
  const { dhh_, dz_, dr_ } = dataOf(layer, layer.bc, ['dhh_', 'dz_', 'dr_']);

  // Sums over the steps fused: one GEMM over the m·s rows each
  // (1) Gradients of the loss with respect to U, V, b
  stepsProduct(dUhh, X, dhh_, ms, e, u); // (1.1) dL/dUhh
  stepsProduct(dVhh, rhp, dhh_, ms, u, u); // dL/dVhh (unnumbered in EpyNN; step 1.2)
  stepsSum(dbhh, dhh_, ms, u); // (1.3) dL/dbhh

  // (2) Gradients of the loss with respect to U, V, b
  stepsProduct(dUz, X, dz_, ms, e, u); // (2.1) dL/dUz
  stepsProduct(dVz, hp, dz_, ms, u, u); // (2.2) dL/dVz
  stepsSum(dbz, dz_, ms, u); // (2.3) dL/dbz

  // (3) Gradients of the loss with respect to U, V, b
  stepsProduct(dUr, X, dr_, ms, e, u); // (3.1) dL/dUr
  stepsProduct(dVr, hp, dr_, ms, u, u); // (3.2) dL/dVr
  stepsSum(dbr, dr_, ms, u); // (3.3) dL/dbr
}

/** Updates every gate's U, V, b with the layer's optimizer (EpyNN: gradient descent). */
export function gruUpdateParameters(layer: GRU): void {
  optimizerUpdate(layer);
}
