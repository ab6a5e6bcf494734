// LSTM forward pass (EpyNN lstm/forward.py).
import { type NDArray, zeros } from '../commons/ndarray.js';
import { activateStep, copyPreviousStep, lastStep, setStep, stepLinear } from '../rnn/forward.js';
import { checkParameters } from '../rnn/parameters.js';
import type { LSTM } from './models.js';
import { LSTM_PARAMETERS } from './parameters.js';

/** Fills fc.X and zeroed caches (m, s, u) for the states and every gate. */
function initializeForward(layer: LSTM, A: NDArray): NDArray {
  checkParameters(layer, LSTM_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X };
  for (const k of ['h', 'hp', 'o_', 'o', 'i_', 'i', 'f_', 'f', 'g_', 'g', 'C_', 'Cp_', 'C']) layer.fc[k] = zeros(hs);
  return X;
}

/**
 * For each step t (h_{-1} = C__{-1} = 0):
 *   (3.1s) hp = h_{t-1}                (3.2s) Cp_ = C__{t-1}
 *   (4s)   f = σf(X_t·Uf + hp·Vf + bf) (5s)   i = σi(X_t·Ui + hp·Vi + bi)
 *   (6s)   g = φg(X_t·Ug + hp·Vg + bg) (7s)   o = σo(X_t·Uo + hp·Vo + bo)
 *   (8.1s) C_ = Cp_ ⊙ f + i ⊙ g        (8.2s) C = φ(C_)
 *   (9s)   h = o ⊙ C                                         all (m, u)
 * Returns h (m, s, u) with `sequences`, else the last step (m, u).
 */
export function lstmForward(layer: LSTM, A: NDArray): NDArray {
  // (1) Initialize cache, hidden and memory states
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const p = (k: string): Float64Array => layer.p[k].data;
  const c = (k: string): Float64Array => layer.fc[k].data; // (m, s, u)
  const [h, hp, o_, o, i_, i, f_, f, g_, g, C_, Cp_, C] = ['h', 'hp', 'o_', 'o', 'i_', 'i', 'f_', 'f', 'g_', 'g', 'C_', 'Cp_', 'C'].map(c);
  const Z = zeros([m, u]); // (m, u) one step of a linear part, reused
  const z = Z.data;
  const hOff = (is: number): number => is * u; // hp[:, is] rows: offset is·u, stride s·u

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) w.r.t to step: rows X[im, is, :] are read in place

    // (3s) Retrieve previous states
    copyPreviousStep(hp, h, is, m, s, u); // (3.1s) Hidden
    copyPreviousStep(Cp_, C_, is, m, s, u); // (3.2s) Memory

    // (4s) Activate forget gate
    stepLinear(z, x, p('Uf'), hp, hOff(is), s * u, p('Vf'), p('bf'), is, m, s, e, u); // (4.1s)
    setStep(f_, z, is, m, s, u);
    setStep(f, activateStep(layer, 'activateForget', layer.activateForget, Z), is, m, s, u); // (4.2s)

    // (5s) Activate input gate
    stepLinear(z, x, p('Ui'), hp, hOff(is), s * u, p('Vi'), p('bi'), is, m, s, e, u); // (5.1s)
    setStep(i_, z, is, m, s, u);
    setStep(i, activateStep(layer, 'activateInput', layer.activateInput, Z), is, m, s, u); // (5.2s)

    // (6s) Activate candidate
    stepLinear(z, x, p('Ug'), hp, hOff(is), s * u, p('Vg'), p('bg'), is, m, s, e, u); // (6.1s)
    setStep(g_, z, is, m, s, u);
    setStep(g, activateStep(layer, 'activateCandidate', layer.activateCandidate, Z), is, m, s, u); // (6.2s)

    // (7s) Activate output gate
    stepLinear(z, x, p('Uo'), hp, hOff(is), s * u, p('Vo'), p('bo'), is, m, s, e, u); // (7.1s)
    setStep(o_, z, is, m, s, u);
    setStep(o, activateStep(layer, 'activateOutput', layer.activateOutput, Z), is, m, s, u); // (7.2s)

    // (8s) Compute current memory state
    for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u; // [im, is, 0] of a (m, s, u) cache
      for (let iu = 0; iu < u; iu++) z[im * u + iu] = Cp_[oc + iu] * f[oc + iu] + i[oc + iu] * g[oc + iu]; // (8.1s)
    }
    setStep(C_, z, is, m, s, u);
    setStep(C, activateStep(layer, 'activate', layer.activate, Z), is, m, s, u); // (8.2s)

    // (9s) Compute current hidden state
    for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u;
      for (let iu = 0; iu < u; iu++) h[oc + iu] = o[oc + iu] * C[oc + iu];
    }
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}
