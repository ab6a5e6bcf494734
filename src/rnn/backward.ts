// RNN backward pass (EpyNN rnn/backward.py).
import { derivativeOf } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { cacheArray, checkBackwardInput, dataOf, inputGradient, sequenceGradient, stepProductT, stepWeights, zeroStep } from '../commons/recurrent.js';
import { stepKernels } from '../kernels/recurrent.js';
import type { RNN } from './models.js';

/**
 * Fills bc.dA (m, s, u), caches dh_, dh, dhn (m, s, u) and dX (m, s, e): dhn's last step zeroed, the
 * rest written by the loop (Layer.outputArray).
 */
function initializeBackward(layer: RNN, dX: NDArray): NDArray {
  checkBackwardInput(layer, dX, layer.sequences);
  const dA = sequenceGradient(layer, dX, layer.sequences, layer.fc.h.shape); // (m, s, u)
  const hs = layer.fc.h.shape;
  layer.bc = {
    dh_: cacheArray(layer, 'dh_', hs, false), dh: cacheArray(layer, 'dh', hs, false), dhn: cacheArray(layer, 'dhn', hs, false),
    dA, dX: cacheArray(layer, 'dX', layer.fc.X.shape, false),
  };
  const [m, s, u] = hs;
  zeroStep(layer.bc.dhn.data, s - 1, m, s, u); // nothing after the last step
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
  const { dh_, dh, dhn } = dataOf(layer, layer.bc, ['dh_', 'dh', 'dhn']); // (m, s, u) each
  const { U } = dataOf(layer, layer.p, ['U']); // (e, u)
  const { V: VT } = stepWeights(layer, ['V'], true); // Vᵀ (u, u), once for the step products
  const fh = derivativeOf(layer, 'activate', layer.activate, layer.fc.h_, layer.fc.h.data); // f'(h_) (m, s, u), all steps at once
  const wk = stepKernels(m, s, u, [da, dh_, dh, dhn, fh]); // WebAssembly step kernels where the caches are resident, else null

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    if (wk !== null) {
      // (3s) and (4s) below, one WebAssembly kernel each (the same bits)
      if (is < s - 1) wk.copy(dhn, is, dh, is + 1); // (3s)
      wk.addmul(dh_, is, da, dhn, fh); // (4s)
    } else for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at o
      const o = (im * s + is) * u;

      // (3s) Gradient of the loss w.r.t. next hidden state
      if (is < s - 1) for (let iu = 0; iu < u; iu++) dhn[o + iu] = dh[o + u + iu]; // dhn[:, is] = dh[:, is + 1]

      // (4s) Gradient of the loss w.r.t hidden state h_
      for (let iu = 0; iu < u; iu++) dh_[o + iu] = (da[o + iu] + dhn[o + iu]) * fh[o + iu];
    }

    // (5s) Gradient of the loss w.r.t hidden state h
    stepProductT(dh, dh_, VT, is, m, s, u, false); // dh[:, is] = dh_[:, is] · Vᵀ
  }

  // (6s) Gradient of the loss w.r.t X, fused over all steps: dX (m·s, e) = dh_ (m·s, u) · Uᵀ
  inputGradient(layer.bc.dX.data, dh_, U, m * s, e, u, false);

  return layer.bc.dX; // To previous layer
}
