// LSTM backward pass (EpyNN lstm/backward.py).
import { derivativeOf } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { cacheArray, checkBackwardInput, dataOf, inputGradient, sequenceGradient, stepProductT, stepWeights, zeroStep } from '../commons/recurrent.js';
import { stepKernels } from '../kernels/recurrent.js';
import type { LSTM } from './models.js';
import { LSTM_PARAMETERS } from './parameters.js';

/** The backward caches (m, s, u) of the state and gate gradients. */
const LSTM_GRADIENT_CACHES = ['dh_', 'dh', 'dhn', 'dC_', 'dC', 'dCn', 'do_', 'dg_', 'di_', 'df_'] as const;

/**
 * Fills bc.dA (m, s, u), caches (m, s, u) for the state and gate gradients and dX (m, s, e): the last
 * step of dhn and dCn zeroed, the rest written by the loop (Layer.outputArray).
 * NOTE: EpyNN also allocates a `dz_` cache that it never writes; it is left out here.
 */
function initializeBackward(layer: LSTM, dX: NDArray): NDArray {
  checkBackwardInput(layer, dX, layer.sequences);
  const hs = layer.fc.h.shape; // (m, s, u)
  const dA = sequenceGradient(layer, dX, layer.sequences, hs);
  layer.bc = {};
  for (const k of LSTM_GRADIENT_CACHES) layer.bc[k] = cacheArray(layer, k, hs, false);
  for (const k of ['dhn', 'dCn']) zeroStep(layer.bc[k].data, hs[1] - 1, hs[0], hs[1], hs[2]); // nothing after the last step
  layer.bc.dA = dA;
  layer.bc.dX = cacheArray(layer, 'dX', layer.fc.X.shape, false); // To previous layer
  return dA;
}

/**
 * For each step t, last to first (dh_{s} = dC_{s} = 0):
 *   (3.1) dhn = dh_{t+1}                    (3.2) dCn = dC_{t+1}
 *   (4s)  dh_ = dA_t + dhn
 *   (5s)  dC_ = dh_ ⊙ o ⊙ φ'(C_) + dCn
 *   (6s)  do_ = dh_ ⊙ C ⊙ σo'(o_)           (7s)  dg_ = dC_ ⊙ i ⊙ φg'(g_)
 *   (8s)  di_ = dC_ ⊙ g ⊙ σi'(i_)           (9s)  df_ = dC_ ⊙ Cp_ ⊙ σf'(f_)
 *   (10s) dC  = dC_ ⊙ f
 *   (11s) dh  = do_·Voᵀ + dg_·Vgᵀ + di_·Viᵀ + df_·Vfᵀ          (m, u)
 *   (12s) dX_t = dg_·Ugᵀ + do_·Uoᵀ + di_·Uiᵀ + df_·Ufᵀ         (m, e)
 * Step (12s) needs nothing from the recurrence: it is one GEMM per gate over all m·s rows after the loop.
 */
export function lstmBackward(layer: LSTM, dX: NDArray): NDArray {
  // (1) Initialize cache, hidden and memory state gradients
  const dA = initializeBackward(layer, dX);
  const [m, s, e] = layer.fc.X.shape;
  const u = layer.d.u;
  const da = dA.data; // (m, s, u)
  const { dh_, dh, dhn, dC_, dC, dCn, do_, dg_, di_, df_ } = dataOf(layer, layer.bc, LSTM_GRADIENT_CACHES); // (m, s, u) each
  const { o, C, i, g, Cp_, f } = dataOf(layer, layer.fc, ['o', 'C', 'i', 'g', 'Cp_', 'f']); // (m, s, u) each
  const { Uo, Ug, Ui, Uf } = dataOf(layer, layer.p, LSTM_PARAMETERS);
  const { Vo, Vg, Vi, Vf } = stepWeights(layer, ['Vo', 'Vg', 'Vi', 'Vf'], true); // Vᵀ (u, u) each, once for the step products
  // Derivatives of every gate, all steps at once (m, s, u)
  const fC = derivativeOf(layer, 'activate', layer.activate, layer.fc.C_, C);
  const fo = derivativeOf(layer, 'activateOutput', layer.activateOutput, layer.fc.o_, o);
  const fg = derivativeOf(layer, 'activateCandidate', layer.activateCandidate, layer.fc.g_, g);
  const fi = derivativeOf(layer, 'activateInput', layer.activateInput, layer.fc.i_, i);
  const ff = derivativeOf(layer, 'activateForget', layer.activateForget, layer.fc.f_, f);
  // WebAssembly step kernels where every array is resident, else null
  const wk = stepKernels(m, s, u, [da, dh_, dh, dhn, dC_, dC, dCn, do_, dg_, di_, df_, o, C, i, g, Cp_, f, fC, fo, fg, fi, ff]);

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    if (wk !== null) {
      // (3s) to (10s) below, one WebAssembly kernel each (the same bits)
      if (is < s - 1) {
        wk.copy(dhn, is, dh, is + 1); // (3.1)
        wk.copy(dCn, is, dC, is + 1); // (3.2)
      }
      wk.add(dh_, is, da, dhn); // (4s)
      wk.mul3add(dC_, is, dh_, o, fC, dCn); // (5s)
      wk.mul3(do_, is, dh_, C, fo); // (6s)
      wk.mul3(dg_, is, dC_, i, fg); // (7s)
      wk.mul3(di_, is, dC_, g, fi); // (8s)
      wk.mul3(df_, is, dC_, Cp_, ff); // (9s)
      wk.mul(dC, is, dC_, f); // (10s)
    } else for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at r
      const r = (im * s + is) * u;

      // (3s) Gradient of the loss w.r.t. next states
      if (is < s - 1) {
        for (let iu = 0; iu < u; iu++) dhn[r + iu] = dh[r + u + iu]; // (3.1) dL/dhn
        for (let iu = 0; iu < u; iu++) dCn[r + iu] = dC[r + u + iu]; // (3.2) dL/dCn
      }

      for (let iu = 0; iu < u; iu++) {
        const k = r + iu;
        // (4s) Gradient of the loss w.r.t hidden state h_
        dh_[k] = da[k] + dhn[k];
        // (5s) Gradient of the loss w.r.t memory state C_
        dC_[k] = dh_[k] * o[k] * fC[k] + dCn[k];
        // (6s) Gradient of the loss w.r.t output gate o_
        do_[k] = dh_[k] * C[k] * fo[k];
        // (7s) Gradient of the loss w.r.t candidate g_
        dg_[k] = dC_[k] * i[k] * fg[k];
        // (8s) Gradient of the loss w.r.t input gate i_
        di_[k] = dC_[k] * g[k] * fi[k];
        // (9s) Gradient of the loss w.r.t forget gate f_
        df_[k] = dC_[k] * Cp_[k] * ff[k];
        // (10s) Gradient of the loss w.r.t memory state C
        dC[k] = dC_[k] * f[k];
      }
    }

    // (11s) Gradient of the loss w.r.t hidden state h: dh[:, is] = Σ_gates d·_[:, is] · V·ᵀ
    stepProductT(dh, do_, Vo, is, m, s, u, false);
    stepProductT(dh, dg_, Vg, is, m, s, u, true);
    stepProductT(dh, di_, Vi, is, m, s, u, true);
    stepProductT(dh, df_, Vf, is, m, s, u, true);
  }

  // (12s) Gradient of the loss w.r.t hidden state X, fused over all steps: dX (m·s, e) = Σ_gates d·_ · U·ᵀ
  const ms = m * s;
  const dx = layer.bc.dX.data; // (m, s, e)
  inputGradient(dx, dg_, Ug, ms, e, u, false);
  inputGradient(dx, do_, Uo, ms, e, u, true);
  inputGradient(dx, di_, Ui, ms, e, u, true);
  inputGradient(dx, df_, Uf, ms, e, u, true);

  return layer.bc.dX; // To previous layer
}
