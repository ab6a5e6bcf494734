// RNN backward pass (EpyNN rnn/backward.py).
// The helpers exported here are shared by the recurrent family (RNN, LSTM, GRU).
import type { Activation } from '../activation/functions.js';
import { EpyNNError } from '../commons/errors.js';
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
  const dx = layer.bc.dX.data; // (m, s, e)
  const U = layer.p.U.data; // (e, u)
  const V = layer.p.V.data; // (u, u)
  const fh = derivative(layer, 'activate', layer.activate, layer.fc.h_); // f'(h_) (m, s, u), all steps at once

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at o
      const o = (im * s + is) * u;
      const ox = (im * s + is) * e;

      // (3s) Gradient of the loss w.r.t. next hidden state
      if (is < s - 1) for (let iu = 0; iu < u; iu++) dhn[o + iu] = dh[o + u + iu]; // dhn[:, is] = dh[:, is + 1]

      // (4s) Gradient of the loss w.r.t hidden state h_
      for (let iu = 0; iu < u; iu++) dh_[o + iu] = (da[o + iu] + dhn[o + iu]) * fh[o + iu];

      // (5s) Gradient of the loss w.r.t hidden state h
      for (let j = 0; j < u; j++) dh[o + j] = rowDot(dh_, o, V, j * u, u); // dh[im, is, j] = Σ dh_[im, is, :] · V[j, :]

      // (6s) Gradient of the loss w.r.t X
      for (let ie = 0; ie < e; ie++) dx[ox + ie] = rowDot(dh_, o, U, ie * u, u); // dX[im, is, ie] = Σ dh_[im, is, :] · U[ie, :]
    }
  }

  return layer.bc.dX; // To previous layer
}

// ---------------------------------------------------------------------------------------------
// Shared by RNN, LSTM and GRU

/** Σ_k a[ao + k] · b[bo + k] for k < n: one entry of G · Wᵀ when both rows are contiguous. */
export function rowDot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let acc = 0;
  for (let k = 0; k < n; k++) acc += a[ao + k] * b[bo + k];
  return acc;
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
