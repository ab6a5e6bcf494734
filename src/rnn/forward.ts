// RNN forward pass (EpyNN rnn/forward.py).
// The step kernels exported here are shared by the recurrent family (RNN, LSTM, GRU).
import type { Activation } from '../activation/functions.js';
import { EpyNNError } from '../commons/errors.js';
import type { Layer } from '../commons/models.js';
import { NDArray, fmt, zeros } from '../commons/ndarray.js';
import type { RNN } from './models.js';
import { RNN_PARAMETERS, checkParameters } from './parameters.js';

/** Fills fc.X and zeroed caches h_, h, hp (m, s, u). */
function initializeForward(layer: RNN, A: NDArray): NDArray {
  checkParameters(layer, RNN_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X, h_: zeros(hs), h: zeros(hs), hp: zeros(hs) };
  return X;
}

/**
 * For each step t (h_{-1} = 0):
 *   (3s)   hp_t = h_{t-1}
 *   (4.1s) h__t = X_t · U + hp_t · V + b     (m, u)
 *   (4.2s) h_t  = f(h__t)                    (m, u)
 * Returns h (m, s, u) with `sequences`, else the last step h_{s-1} (m, u).
 */
export function rnnForward(layer: RNN, A: NDArray): NDArray {
  // (1) Initialize cache and hidden state
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const U = layer.p.U.data; // (e, u)
  const V = layer.p.V.data; // (u, u)
  const b = layer.p.b.data; // (1, u)
  const h_ = layer.fc.h_.data; // (m, s, u)
  const h = layer.fc.h.data; // (m, s, u)
  const hp = layer.fc.hp.data; // (m, s, u)
  const Z = zeros([m, u]); // (m, u) one step of h_, reused

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) with respect to step: rows X[im, is, :] are read in place

    // (3s) Retrieve previous hidden state
    copyPreviousStep(hp, h, is, m, s, u); // hp[:, is] = h[:, is - 1] (zeros at is = 0)

    // (4s) Activate current hidden state
    stepLinear(Z.data, x, U, hp, is * u, s * u, V, b, is, m, s, e, u); // (4.1s) Linear
    setStep(h_, Z.data, is, m, s, u);

    const H = activateStep(layer, 'activate', layer.activate, Z); // (4.2s) Non-linear
    setStep(h, H, is, m, s, u);
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}

// ---------------------------------------------------------------------------------------------
// Shared by RNN, LSTM and GRU

/**
 * The linear part of one step `is`, for every sample:
 *   Z[im, iu] = Σ_ie X[im, is, ie] · U[ie, iu] + Σ_j H[hOff + im·hStride + j] · V[j, iu] + b[0, iu]
 * X (m, s, e), U (e, u), V (u, u), b (1, u); Z is an (m, u) buffer. H is the previous hidden
 * state (row im at hOff + im·hStride): a (m, s, u) cache with hOff = is·u, hStride = s·u, or
 * an (m, u) buffer with hOff = 0, hStride = u. Grouping as NumPy: (X·U + H·V) + b.
 */
export function stepLinear(
  Z: Float64Array, X: Float64Array, U: Float64Array, H: Float64Array, hOff: number, hStride: number,
  V: Float64Array, b: Float64Array, is: number, m: number, s: number, e: number, u: number,
): void {
  for (let im = 0; im < m; im++) {
    const ox = (im * s + is) * e; // X[im, is, 0]
    const oh = hOff + im * hStride; // H[im, 0]
    const oz = im * u; // Z[im, 0]
    for (let iu = 0; iu < u; iu++) {
      let xu = 0;
      for (let ie = 0; ie < e; ie++) xu += X[ox + ie] * U[ie * u + iu];
      let hv = 0;
      for (let j = 0; j < u; j++) hv += H[oh + j] * V[j * u + iu];
      Z[oz + iu] = xu + hv + b[iu];
    }
  }
}

/** cache[:, is] = buf for a (m, s, u) cache and an (m, u) buffer. */
export function setStep(cache: Float64Array, buf: Float64Array, is: number, m: number, s: number, u: number): void {
  for (let im = 0; im < m; im++) {
    const oc = (im * s + is) * u;
    const ob = im * u;
    for (let iu = 0; iu < u; iu++) cache[oc + iu] = buf[ob + iu];
  }
}

/** prev[:, is] = cur[:, is - 1] for (m, s, u) caches; left at zero for is = 0. */
export function copyPreviousStep(prev: Float64Array, cur: Float64Array, is: number, m: number, s: number, u: number): void {
  if (is === 0) return;
  for (let im = 0; im < m; im++) {
    const o = (im * s + is) * u;
    for (let iu = 0; iu < u; iu++) prev[o + iu] = cur[o - u + iu];
  }
}

/** A copy of the last step h[:, -1] of a (m, s, u) array: (m, u). */
export function lastStep(h: NDArray): NDArray {
  const [m, s, u] = h.shape;
  const out = zeros([m, u]);
  for (let im = 0; im < m; im++) out.data.set(h.data.subarray((im * s + s - 1) * u, (im * s + s) * u), im * u);
  return out;
}

/**
 * fn(Z) with the layer's hyper-parameters, for one step Z (m, u). The result must keep Z's
 * shape (the recurrent layers need element-wise, or at most row-wise, activations).
 */
export function activateStep(layer: Layer, gate: string, fn: Activation, Z: NDArray): Float64Array {
  const out = fn(Z, false, layer.hPars);
  if (!(out instanceof NDArray) || out.data.length !== Z.data.length) {
    throw new EpyNNError(`${layer.name}: ${gate} must return an array of the input's shape ${fmt(Z.shape)}, got ${out instanceof NDArray ? fmt(out.shape) : typeof out}`);
  }
  return out.data;
}
