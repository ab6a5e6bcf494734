// GRU forward pass (EpyNN gru/forward.py).
import { type NDArray, zeros } from '../commons/ndarray.js';
import { activateStep, copyPreviousStep, lastStep, setStep, stepLinear } from '../rnn/forward.js';
import { checkParameters } from '../rnn/parameters.js';
import type { GRU } from './models.js';
import { GRU_PARAMETERS } from './parameters.js';

/** Fills fc.X and zeroed caches (m, s, u) for the hidden state and every gate. */
function initializeForward(layer: GRU, A: NDArray): NDArray {
  checkParameters(layer, GRU_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X };
  for (const k of ['h', 'hp', 'hh_', 'hh', 'z', 'z_', 'r', 'r_']) layer.fc[k] = zeros(hs);
  return X;
}

/**
 * For each step t (h_{-1} = 0):
 *   (3s) hp = h_{t-1}
 *   (4s) r  = σr(X_t·Ur + hp·Vr + br)
 *   (5s) z  = σz(X_t·Uz + hp·Vz + bz)
 *   (6s) hh = φ(X_t·Uhh + (r ⊙ hp)·Vhh + bhh)
 *   (7s) h  = z ⊙ hp + (1 − z) ⊙ hh                      all (m, u)
 * Returns h (m, s, u) with `sequences`, else the last step (m, u).
 */
export function gruForward(layer: GRU, A: NDArray): NDArray {
  // (1) Initialize cache and hidden state
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const p = (k: string): Float64Array => layer.p[k].data;
  const [Ur, Vr, br, Uz, Vz, bz, Uhh, Vhh, bhh] = ['Ur', 'Vr', 'br', 'Uz', 'Vz', 'bz', 'Uhh', 'Vhh', 'bhh'].map(p);
  const c = (k: string): Float64Array => layer.fc[k].data; // (m, s, u)
  const [h, hp, hh_, hh, z, z_, r, r_] = ['h', 'hp', 'hh_', 'hh', 'z', 'z_', 'r', 'r_'].map(c);
  const Z = zeros([m, u]); // (m, u) one step of a linear part, reused
  const zb = Z.data;
  const rhp = new Float64Array(m * u); // (m, u) one step of r ⊙ hp, reused

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) with respect to step: rows X[im, is, :] are read in place

    // (3s) Retrieve previous hidden state
    copyPreviousStep(hp, h, is, m, s, u);

    // (4s) Activate reset gate
    stepLinear(zb, x, Ur, hp, is * u, s * u, Vr, br, is, m, s, e, u); // (4.1s)
    setStep(r_, zb, is, m, s, u);
    setStep(r, activateStep(layer, 'activateReset', layer.activateReset, Z), is, m, s, u); // (4.2s)

    // (5s) Activate update gate
    stepLinear(zb, x, Uz, hp, is * u, s * u, Vz, bz, is, m, s, e, u); // (5.1s)
    setStep(z_, zb, is, m, s, u);
    setStep(z, activateStep(layer, 'activateUpdate', layer.activateUpdate, Z), is, m, s, u); // (5.2s)

    // (6s) Activate hidden hat
    for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u; // [im, is, 0] of a (m, s, u) cache
      for (let iu = 0; iu < u; iu++) rhp[im * u + iu] = r[oc + iu] * hp[oc + iu];
    }
    stepLinear(zb, x, Uhh, rhp, 0, u, Vhh, bhh, is, m, s, e, u); // (6.1s)
    setStep(hh_, zb, is, m, s, u);
    setStep(hh, activateStep(layer, 'activate', layer.activate, Z), is, m, s, u); // (6.2s)

    // (7s) Compute current hidden state
    for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u;
      for (let iu = 0; iu < u; iu++) {
        const k = oc + iu;
        h[k] = z[k] * hp[k] + (1 - z[k]) * hh[k];
      }
    }
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}
