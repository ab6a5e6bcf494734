// LSTM forward pass (EpyNN lstm/forward.py).
import { stepActivation } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { addHiddenProduct, cacheArray, checkRecurrentParameters, copyPreviousStep, dataOf, inputProduct, lastStep, stepWeights, zeroStep } from '../commons/recurrent.js';
import { stepKernels } from '../kernels/recurrent.js';
import type { LSTM } from './models.js';
import { LSTM_PARAMETERS } from './parameters.js';

/** The forward caches (m, s, u) of the states and every gate. */
const LSTM_CACHES = ['h', 'hp', 'o_', 'o', 'i_', 'i', 'f_', 'f', 'g_', 'g', 'C_', 'Cp_', 'C'] as const;

/**
 * Fills fc.X and caches (m, s, u) for the states and every gate: the first step of hp and Cp_ zeroed,
 * the rest written by the loop (Layer.outputArray: reused from batch to batch during training, resident for the
 * WebAssembly kernels).
 */
function initializeForward(layer: LSTM, A: NDArray): NDArray {
  checkRecurrentParameters(layer, LSTM_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X };
  for (const k of LSTM_CACHES) layer.fc[k] = cacheArray(layer, k, hs, false);
  for (const k of ['hp', 'Cp_']) zeroStep(layer.fc[k].data, 0, m, s, layer.d.u); // previous states = 0 at the first step
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
 * The X_t·U products of all steps are one GEMM per gate before the loop (rows (m·s, e)), written
 * straight into the gate caches f_, i_, g_, o_; the loop adds hp·V + b and activates.
 */
export function lstmForward(layer: LSTM, A: NDArray): NDArray {
  // (1) Initialize cache, hidden and memory states
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const { Uf, bf, Ui, bi, Ug, bg, Uo, bo } = dataOf(layer, layer.p, LSTM_PARAMETERS);
  const { Vf, Vi, Vg, Vo } = stepWeights(layer, ['Vf', 'Vi', 'Vg', 'Vo'], false); // (u, u) each, copied once for the step products
  const { h, hp, o_, o, i_, i, f_, f, g_, g, C_, Cp_, C } = dataOf(layer, layer.fc, LSTM_CACHES); // (m, s, u) each
  const actF = stepActivation(layer, 'activateForget', layer.activateForget, m, u);
  const actI = stepActivation(layer, 'activateInput', layer.activateInput, m, u);
  const actG = stepActivation(layer, 'activateCandidate', layer.activateCandidate, m, u);
  const actO = stepActivation(layer, 'activateOutput', layer.activateOutput, m, u);
  const actC = stepActivation(layer, 'activate', layer.activate, m, u);
  const wk = stepKernels(m, s, u, [h, hp, o, i, f, g, C_, Cp_, C]); // WebAssembly step kernels where the caches are resident, else null

  // (2s) + (4.1s) (5.1s) (6.1s) (7.1s) fused over all steps: the X · U part of every gate, one GEMM each
  const ms = m * s;
  inputProduct(f_, x, Uf, ms, e, u); // (m, s, u)
  inputProduct(i_, x, Ui, ms, e, u);
  inputProduct(g_, x, Ug, ms, e, u);
  inputProduct(o_, x, Uo, ms, e, u);

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) w.r.t to step: done above for the X · U parts

    // (3s) Retrieve previous states
    copyPreviousStep(hp, h, is, m, s, u, wk); // (3.1s) Hidden
    copyPreviousStep(Cp_, C_, is, m, s, u, wk); // (3.2s) Memory

    // (4s) Activate forget gate
    addHiddenProduct(f_, hp, Vf, is, m, s, u); // (4.1s) f_ += hp · Vf
    actF(f_, bf, f, is, s); // (4.1s) + bf, (4.2s)

    // (5s) Activate input gate
    addHiddenProduct(i_, hp, Vi, is, m, s, u); // (5.1s)
    actI(i_, bi, i, is, s); // (5.1s) + bi, (5.2s)

    // (6s) Activate candidate
    addHiddenProduct(g_, hp, Vg, is, m, s, u); // (6.1s)
    actG(g_, bg, g, is, s); // (6.1s) + bg, (6.2s)

    // (7s) Activate output gate
    addHiddenProduct(o_, hp, Vo, is, m, s, u); // (7.1s)
    actO(o_, bo, o, is, s); // (7.1s) + bo, (7.2s)

    // (8s) Compute current memory state
    if (wk !== null) wk.fma2(C_, is, Cp_, f, i, g); // (8.1s) below, in WebAssembly (the same bits)
    else for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u; // [im, is, 0] of a (m, s, u) cache
      for (let iu = 0; iu < u; iu++) C_[oc + iu] = Cp_[oc + iu] * f[oc + iu] + i[oc + iu] * g[oc + iu]; // (8.1s)
    }
    actC(C_, null, C, is, s); // (8.2s)

    // (9s) Compute current hidden state
    if (wk !== null) wk.mul(h, is, o, C); // the loop below, in WebAssembly
    else for (let im = 0; im < m; im++) {
      const oc = (im * s + is) * u;
      for (let iu = 0; iu < u; iu++) h[oc + iu] = o[oc + iu] * C[oc + iu];
    }
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}
