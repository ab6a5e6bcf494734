// GRU backward pass (EpyNN gru/backward.py).
import { type NDArray, zeros } from '../commons/ndarray.js';
import { derivative, rowDot, sequenceGradient } from '../rnn/backward.js';
import { checkBackwardInput } from '../rnn/parameters.js';
import type { GRU } from './models.js';

/** Fills bc.dA (m, s, u) and zeroed caches (m, s, u) for the state and gate gradients, and dX (m, s, e). */
function initializeBackward(layer: GRU, dX: NDArray): NDArray {
  checkBackwardInput(layer, dX, layer.sequences);
  const hs = layer.fc.h.shape; // (m, s, u)
  const dA = sequenceGradient(dX, layer.sequences, hs);
  layer.bc = {};
  for (const k of ['dh_', 'dh', 'dhn', 'dhh_', 'dz_', 'dr_']) layer.bc[k] = zeros(hs);
  layer.bc.dA = dA;
  layer.bc.dX = zeros(layer.fc.X.shape); // To previous layer
  return dA;
}

/**
 * For each step t, last to first (dh_{s} = 0):
 *   (3s) dhn  = dh_{t+1}
 *   (4s) dh_  = dA_t + dhn
 *   (5s) dhh_ = dh_ ⊙ (1 − z) ⊙ φ'(hh_)
 *   (6s) dz_  = dh_ ⊙ (hp − hh) ⊙ σz'(z_)
 *   (7s) dr_  = (dhh_·Vhhᵀ) ⊙ hp ⊙ σr'(r_)
 *   (8s) dh   = (dhh_·Vhhᵀ) ⊙ r + dz_·Vzᵀ + dh_ ⊙ z + dr_·Vrᵀ     (m, u)
 *   (9s) dX_t = dhh_·Uhhᵀ + dz_·Uzᵀ + dr_·Urᵀ                       (m, e)
 */
export function gruBackward(layer: GRU, dX: NDArray): NDArray {
  // (1) Initialize cache and hidden state gradients
  const dA = initializeBackward(layer, dX);
  const [m, s, e] = layer.fc.X.shape;
  const u = layer.d.u;
  const da = dA.data; // (m, s, u)
  const b = (k: string): Float64Array => layer.bc[k].data; // (m, s, u)
  const [dh_, dh, dhn, dhh_, dz_, dr_] = ['dh_', 'dh', 'dhn', 'dhh_', 'dz_', 'dr_'].map(b);
  const dx = layer.bc.dX.data; // (m, s, e)
  const c = (k: string): Float64Array => layer.fc[k].data; // (m, s, u)
  const [z, hp, hh, r] = ['z', 'hp', 'hh', 'r'].map(c);
  const p = (k: string): Float64Array => layer.p[k].data;
  const [Uhh, Uz, Ur, Vhh, Vz, Vr] = ['Uhh', 'Uz', 'Ur', 'Vhh', 'Vz', 'Vr'].map(p);
  // Derivatives of every gate, all steps at once (m, s, u)
  const fhh = derivative(layer, 'activate', layer.activate, layer.fc.hh_);
  const fz = derivative(layer, 'activateUpdate', layer.activateUpdate, layer.fc.z_);
  const fr = derivative(layer, 'activateReset', layer.activateReset, layer.fc.r_);
  const t = new Float64Array(u); // (u,) dhh_[im, is] · Vhhᵀ, shared by steps 7s and 8s, reused

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at o
      const o = (im * s + is) * u;
      const ox = (im * s + is) * e;

      // (3s) Retrieve previous hidden state
      if (is < s - 1) for (let iu = 0; iu < u; iu++) dhn[o + iu] = dh[o + u + iu]; // dhn[:, is] = dh[:, is + 1]

      for (let iu = 0; iu < u; iu++) {
        const k = o + iu;
        // (4s) Gradient of the loss w.r.t hidden state h_
        dh_[k] = da[k] + dhn[k];
        // (5s) Gradient of the loss w.r.t hidden hat hh_
        dhh_[k] = dh_[k] * (1 - z[k]) * fhh[k];
        // (6s) Gradient of the loss w.r.t update gate z_
        dz_[k] = dh_[k] * (hp[k] - hh[k]) * fz[k];
      }

      // (7s) Gradient of the loss w.r.t reset gate
      for (let j = 0; j < u; j++) t[j] = rowDot(dhh_, o, Vhh, j * u, u);
      for (let iu = 0; iu < u; iu++) dr_[o + iu] = t[iu] * hp[o + iu] * fr[o + iu];

      // (8s) Gradient of the loss w.r.t previous hidden state
      for (let j = 0; j < u; j++) {
        const w = j * u; // row j of each V (u, u)
        dh[o + j] = t[j] * r[o + j] + rowDot(dz_, o, Vz, w, u) + dh_[o + j] * z[o + j] + rowDot(dr_, o, Vr, w, u);
      }

      // (9s) Gradient of the loss w.r.t to X
      for (let ie = 0; ie < e; ie++) {
        const w = ie * u; // row ie of each U (e, u)
        dx[ox + ie] = rowDot(dhh_, o, Uhh, w, u) + rowDot(dz_, o, Uz, w, u) + rowDot(dr_, o, Ur, w, u);
      }
    }
  }

  return layer.bc.dX; // To previous layer
}
