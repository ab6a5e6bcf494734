// RNN shapes, parameters and gradients (EpyNN rnn/parameters.py).
import { checkShapesKnown } from '../commons/checks.js';
import { optimizerUpdate } from '../commons/models.js';
import { type NDArray, zeros } from '../commons/ndarray.js';
import { checkSequenceInput, checkBackwardDone, stepsProduct, stepsSum } from '../commons/recurrent.js';
import type { RNN } from './models.js';

/** Parameter keys of RNN, in EpyNN's order (gradients follow it: dU, dV, db). */
export const RNN_PARAMETERS = ['U', 'V', 'b'] as const;

/**
 * Sets fs.X (m, s, e), the dimensions m, s, e and the shapes of U (e, u), V (u, u), b (1, u)
 * and of the hidden state h (m, s, u).
 */
export function rnnComputeShapes(layer: RNN, A: NDArray): void {
  const X = A; // Input of current layer
  checkSequenceInput(layer, X);

  layer.fs.X = X.shape; // (m, s, e)

  layer.d.m = layer.fs.X[0]; // Number of samples (m)
  layer.d.s = layer.fs.X[1]; // Steps in sequence (s)
  layer.d.e = layer.fs.X[2]; // Elements per step (e)

  // Shapes for trainable parameters      Unit cells (u)
  layer.fs.U = [layer.d.e, layer.d.u]; // (e, u)
  layer.fs.V = [layer.d.u, layer.d.u]; // (u, u)
  layer.fs.b = [1, layer.d.u];         // (1, u)

  // Shape of hidden state (h) with respect to steps (s)
  layer.fs.h = [layer.d.m, layer.d.s, layer.d.u]; // (m, s, u)
}

/** U and V from `layer.initialization`, b zeros (as EpyNN). */
export function rnnInitializeParameters(layer: RNN): void {
  checkShapesKnown(layer, 'initializeParameters', RNN_PARAMETERS);
  // For linear activation of hidden state (h_)
  layer.p.U = layer.initialization(layer.fs.U, layer.rng); // (e, u)
  layer.p.V = layer.initialization(layer.fs.V, layer.rng); // (u, u)
  layer.p.b = zeros(layer.fs.b); // (1, u)  dot(X, U) + dot(hp, V) + b
}

/**
 * Summed over steps t and samples:
 *   (1.1) dU = Σ_t X_tᵀ · dh__t     (e, u)
 *   (1.2) dV = Σ_t hp_tᵀ · dh__t    (u, u)
 *   (1.3) db = Σ_t Σ_m dh__t        (1, u)
 * EpyNN loops over the steps (in reverse); each sum here is one GEMM over all m·s rows instead.
 */
export function rnnComputeGradients(layer: RNN): void {
  checkBackwardDone(layer, 'dh_');
  const { s, e, u } = layer.d;
  const ms = layer.fc.X.shape[0] * s; // m·s rows
  const X = layer.fc.X.data; // (m, s, e)
  const hp = layer.fc.hp.data; // (m, s, u)
  const dh_ = layer.bc.dh_.data; // (m, s, u)

  // Gradients initialization with respect to parameters
  for (const k of Object.keys(layer.p)) layer.g[`d${k}`] = zeros(layer.p[k].shape);

  // (1) Gradients of the loss with respect to U, V, b, fused over the steps
  stepsProduct(layer.g.dU.data, X, dh_, ms, e, u); // (1.1) dL/dU
  stepsProduct(layer.g.dV.data, hp, dh_, ms, u, u); // (1.2) dL/dV
  stepsSum(layer.g.db.data, dh_, ms, u); // (1.3) dL/db
}

/** Updates U, V, b with the layer's optimizer (EpyNN: gradient descent). */
export function rnnUpdateParameters(layer: RNN): void {
  optimizerUpdate(layer);
}
