// RNN backward pass (EpyNN rnn/backward.py).
// The helpers exported here are shared by the recurrent family (RNN, LSTM, GRU).
import { type Activation, sigmoid, tanh } from '../activation/functions.js';
import { EpyNNError } from '../commons/errors.js';
import { gemmNT, gemmStrided } from '../commons/gemm.js';
import type { Layer } from '../commons/models.js';
import { NDArray, fmt, zeros } from '../commons/ndarray.js';
import type { RNN } from './models.js';
import { checkBackwardInput } from './parameters.js';

/** Fills bc.dA (m, s, u) and zeroed caches dh_, dh, dhn (m, s, u) and dX (m, s, e). */
function initializeBackward(layer: RNN, dX: NDArray): NDArray {
  checkBackwardInput(layer, dX, layer.sequences);
  const dA = sequenceGradient(dX, layer.sequences, layer.fc.h.shape); // (m, s, u)
  const hs = layer.fc.h.shape;
  layer.bc = { dh_: zeros(hs), dh: zeros(hs), dhn: zeros(hs), dA, dX: zeros(layer.fc.X.shape) };
  return dA;
}

/**
 * For each step t, last to first (dh_{s} = 0):
 *   (3s) dhn_t = dh_{t+1}
 *   (4s) dh__t = (dA_t + dhn_t) ⊙ f'(h__t)     (m, u)
 *   (5s) dh_t  = dh__t · Vᵀ                     (m, u)  to the previous step
 *   (6s) dX_t  = dh__t · Uᵀ                     (m, e)  to the previous layer
 * Step (6s) needs nothing from the recurrence: it is one GEMM over all m·s rows after the loop.
 */
export function rnnBackward(layer: RNN, dX: NDArray): NDArray {
  // (1) Initialize cache and hidden state gradient
  const dA = initializeBackward(layer, dX);
  const [m, s, e] = layer.fc.X.shape;
  const u = layer.d.u;
  const da = dA.data; // (m, s, u)
  const dh_ = layer.bc.dh_.data; // (m, s, u)
  const dh = layer.bc.dh.data; // (m, s, u)
  const dhn = layer.bc.dhn.data; // (m, s, u)
  const U = layer.p.U.data; // (e, u)
  const V = layer.p.V.data; // (u, u)
  const fh = derivativeOf(layer, 'activate', layer.activate, layer.fc.h_, layer.fc.h.data); // f'(h_) (m, s, u), all steps at once

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at o
      const o = (im * s + is) * u;

      // (3s) Gradient of the loss w.r.t. next hidden state
      if (is < s - 1) for (let iu = 0; iu < u; iu++) dhn[o + iu] = dh[o + u + iu]; // dhn[:, is] = dh[:, is + 1]

      // (4s) Gradient of the loss w.r.t hidden state h_
      for (let iu = 0; iu < u; iu++) dh_[o + iu] = (da[o + iu] + dhn[o + iu]) * fh[o + iu];
    }

    // (5s) Gradient of the loss w.r.t hidden state h
    stepProductT(dh, dh_, V, is, m, s, u, false); // dh[:, is] = dh_[:, is] · Vᵀ
  }

  // (6s) Gradient of the loss w.r.t X, fused over all steps: dX (m·s, e) = dh_ (m·s, u) · Uᵀ
  gemmNT(m * s, e, u, dh_, U, layer.bc.dX.data);

  return layer.bc.dX; // To previous layer
}

// ---------------------------------------------------------------------------------------------
// Shared by RNN, LSTM and GRU

/**
 * dH[:, is] = [dH[:, is] +] G[:, is] · Vᵀ for (m, s, u) arrays dH and G and V (u, u): the gradient
 * sent back through one step's recurrent product (rows at stride s·u, in place).
 */
export function stepProductT(
  dH: Float64Array, G: Float64Array, V: Float64Array, is: number, m: number, s: number, u: number, accumulate: boolean,
): void {
  gemmStrided(m, u, u, G, is * u, s * u, 1, V, 0, 1, u, dH, is * u, s * u, accumulate);
}

/**
 * The upstream gradient as a full sequence (m, s, u): dX itself with `sequences`, else zeros
 * with dX (m, u) at the last step (EpyNN: dA[:, -1] = dX). dX is never written to.
 */
export function sequenceGradient(dX: NDArray, sequences: boolean, hShape: readonly number[]): NDArray {
  if (sequences) return dX; // Full length sequence
  const [m, s, u] = hShape;
  const dA = zeros(hShape); // Empty full length sequence
  for (let im = 0; im < m; im++) dA.data.set(dX.data.subarray(im * u, (im + 1) * u), (im * s + s - 1) * u); // Assign to last index
  return dA;
}

/**
 * fn'(Z) for a whole (m, s, u) cache in one call, where A = fn(Z) is the cached activation.
 * The built-in tanh and sigmoid take it from A (1 − A², A·(1 − A)): the same values to the bit as
 * their `deriv` branch, which recomputes A from Z. Other activations go through `derivative`.
 */
export function derivativeOf(layer: Layer, gate: string, fn: Activation, Z: NDArray, A: Float64Array): Float64Array {
  if (fn === tanh) {
    const d = new Float64Array(A.length);
    for (let k = 0; k < A.length; k++) d[k] = 1 - A[k] * A[k];
    return d;
  }
  if (fn === sigmoid) {
    const d = new Float64Array(A.length);
    for (let k = 0; k < A.length; k++) d[k] = A[k] * (1 - A[k]);
    return d;
  }
  return derivative(layer, gate, fn, Z);
}

/**
 * fn'(Z) for a whole (m, s, u) cache in one call, on the (m·s, u) view. EpyNN calls the
 * derivative step by step; element-wise (and row-wise) derivatives give the same values.
 */
export function derivative(layer: Layer, gate: string, fn: Activation, Z: NDArray): Float64Array {
  const [m, s, u] = Z.shape;
  const d = fn(Z.reshape([m * s, u]), true, layer.hPars);
  if (!(d instanceof NDArray) || d.data.length !== Z.data.length) {
    throw new EpyNNError(
      `${layer.name}: the derivative of ${gate} must be element-wise (shape ${fmt([m * s, u])}), got ${d instanceof NDArray ? fmt(d.shape) : typeof d}`,
    );
  }
  return d.data;
}
