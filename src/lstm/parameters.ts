// LSTM shapes, parameters and gradients (EpyNN lstm/parameters.py).
import { checkShapesKnown } from '../commons/checks.js';
import { optimizerUpdate } from '../commons/models.js';
import { type NDArray, zeros } from '../commons/ndarray.js';
import { checkSequenceInput, dataOf, checkBackwardDone, stepsProduct, stepsSum } from '../commons/recurrent.js';
import type { LSTM } from './models.js';

/** Parameter keys of LSTM, in EpyNN's order (forget, input, candidate, output; gradients follow it). */
export const LSTM_PARAMETERS = ['Uf', 'Vf', 'bf', 'Ui', 'Vi', 'bi', 'Ug', 'Vg', 'bg', 'Uo', 'Vo', 'bo'] as const;

/**
 * Sets fs.X (m, s, e), the dimensions m, s, e, the gate parameter shapes U (e, u), V (u, u),
 * b (1, u) and the shapes of the hidden and memory states h, C (m, s, u).
 */
export function lstmComputeShapes(layer: LSTM, A: NDArray): void {
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
  // Forget gate    Input gate       Candidate        Output gate
  layer.fs.Uf = layer.fs.Ui = layer.fs.Ug = layer.fs.Uo = eu;
  layer.fs.Vf = layer.fs.Vi = layer.fs.Vg = layer.fs.Vo = uu;
  layer.fs.bf = layer.fs.bi = layer.fs.bg = layer.fs.bo = u1;

  // Shape of hidden (h) and memory (C) state with respect to steps (s)
  layer.fs.h = layer.fs.C = [layer.d.m, layer.d.s, layer.d.u]; // (m, s, u)
}

/** Every U and V from `layer.initialization`, every b zeros (as EpyNN). */
export function lstmInitializeParameters(layer: LSTM): void {
  checkShapesKnown(layer, 'initializeParameters', LSTM_PARAMETERS);
  const init = (k: string): NDArray => layer.initialization(layer.fs[k], layer.rng);
  // For linear activation of forget gate (f_)
  layer.p.Uf = init('Uf'); // (e, u)
  layer.p.Vf = init('Vf'); // (u, u)
  layer.p.bf = zeros(layer.fs.bf); // (1, u)  dot(X, U) + dot(hp, V) + b

  // For linear activation of input gate (i_)
  layer.p.Ui = init('Ui');
  layer.p.Vi = init('Vi');
  layer.p.bi = zeros(layer.fs.bi);

  // For linear activation of candidate (g_)
  layer.p.Ug = init('Ug');
  layer.p.Vg = init('Vg');
  layer.p.bg = zeros(layer.fs.bg);

  // For linear activation of output gate (o_)
  layer.p.Uo = init('Uo');
  layer.p.Vo = init('Vo');
  layer.p.bo = zeros(layer.fs.bo);
}

/**
 * For each gate k in (o, g, i, f), summed over steps t and samples:
 *   dUk = Σ_t X_tᵀ · dk__t (e, u),  dVk = Σ_t hp_tᵀ · dk__t (u, u),  dbk = Σ_t Σ_m dk__t (1, u)
 * EpyNN loops over the steps (in reverse); each sum here is one GEMM over all m·s rows instead.
 */
export function lstmComputeGradients(layer: LSTM): void {
  checkBackwardDone(layer, 'do_');
  const { s, e, u } = layer.d;
  const ms = layer.fc.X.shape[0] * s; // m·s rows
  const X = layer.fc.X.data; // (m, s, e)
  const hp = layer.fc.hp.data; // (m, s, u)

  // Gradients initialization with respect to parameters
  for (const k of Object.keys(layer.p)) layer.g[`d${k}`] = zeros(layer.p[k].shape);
  const { dUo, dVo, dbo, dUg, dVg, dbg, dUi, dVi, dbi, dUf, dVf, dbf } = dataOf(layer, layer.g, LSTM_PARAMETERS.map((k) => `d${k}` as const));
  // Gradients w.r.t output gate o_, candidate g_, input gate i_, forget gate f_      (m, s, u) each
  const { do_, dg_, di_, df_ } = dataOf(layer, layer.bc, ['do_', 'dg_', 'di_', 'df_']);

  // Sums over the steps fused: one GEMM over the m·s rows each
  // (1) Gradients of the loss with respect to U, V, b
  stepsProduct(dUo, X, do_, ms, e, u); // (1.1) dL/dUo
  stepsProduct(dVo, hp, do_, ms, u, u); // (1.2) dL/dVo
  stepsSum(dbo, do_, ms, u); // (1.3) dL/dbo

  // (2) Gradients of the loss with respect to U, V, b
  stepsProduct(dUg, X, dg_, ms, e, u); // (2.1) dL/dUg
  stepsProduct(dVg, hp, dg_, ms, u, u); // (2.2) dL/dVg
  stepsSum(dbg, dg_, ms, u); // (2.3) dL/dbg

  // (3) Gradients of the loss with respect to U, V, b
  stepsProduct(dUi, X, di_, ms, e, u); // (3.1) dL/dUi
  stepsProduct(dVi, hp, di_, ms, u, u); // (3.2) dL/dVi
  stepsSum(dbi, di_, ms, u); // (3.3) dL/dbi

  // (4) Gradients of the loss with respect to U, V, b
  stepsProduct(dUf, X, df_, ms, e, u); // (4.1) dL/dUf
  stepsProduct(dVf, hp, df_, ms, u, u); // (4.2) dL/dVf
  stepsSum(dbf, df_, ms, u); // (4.3) dL/dbf
}

/** Updates every gate's U, V, b with the layer's optimizer (EpyNN: gradient descent). */
export function lstmUpdateParameters(layer: LSTM): void {
  optimizerUpdate(layer);
}
