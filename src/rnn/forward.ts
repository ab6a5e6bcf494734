// RNN forward pass (EpyNN rnn/forward.py).
import { stepActivation } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { stepKernels } from '../kernels/recurrent.js';
import { addHiddenProduct, cacheArray, checkRecurrentParameters, copyPreviousStep, dataOf, inputProduct, lastStep, stepWeights, zeroStep } from '../commons/recurrent.js';
import type { RNN } from './models.js';
import { RNN_PARAMETERS } from './parameters.js';

/**
 * Fills fc.X and caches h_, h, hp (m, s, u): hp's first step zeroed, the rest written by the loop
 * (Layer.outputArray: reused from batch to batch during training, resident for the WebAssembly kernels).
 */
function initializeForward(layer: RNN, A: NDArray): NDArray {
  checkRecurrentParameters(layer, RNN_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X, h_: cacheArray(layer, 'h_', hs, false), h: cacheArray(layer, 'h', hs, false), hp: cacheArray(layer, 'hp', hs, false) };
  zeroStep(layer.fc.hp.data, 0, m, s, layer.d.u); // hp = 0 at the first step
  return X;
}

/**
 * For each step t (h_{-1} = 0):
 *   (3s)   hp_t = h_{t-1}
 *   (4.1s) h__t = X_t · U + hp_t · V + b     (m, u)
 *   (4.2s) h_t  = f(h__t)                    (m, u)
 * Returns h (m, s, u) with `sequences`, else the last step h_{s-1} (m, u).
 * The X_t · U products of all steps are one GEMM before the loop (rows (m·s, e)); only hp_t · V
 * needs a product per step.
 */
export function rnnForward(layer: RNN, A: NDArray): NDArray {
  // (1) Initialize cache and hidden state
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const { U, b } = dataOf(layer, layer.p, RNN_PARAMETERS); // (e, u), (1, u)
  const { V } = stepWeights(layer, ['V'], false); // (u, u), copied once for the step products
  const { h_, h, hp } = dataOf(layer, layer.fc, ['h_', 'h', 'hp']); // (m, s, u) each
  const act = stepActivation(layer, 'activate', layer.activate, m, u);
  const wk = stepKernels(m, s, u, [hp, h]); // WebAssembly step kernels where the caches are resident, else null

  // (2s) + (4.1s) fused over all steps: h_[:, is] = X[:, is] · U for every step, one GEMM
  inputProduct(h_, x, U, m * s, e, u); // (m, s, u)

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) with respect to step: done above for the X · U part

    // (3s) Retrieve previous hidden state
    copyPreviousStep(hp, h, is, m, s, u, wk); // hp[:, is] = h[:, is - 1] (zeros at is = 0)

    // (4s) Activate current hidden state
    addHiddenProduct(h_, hp, V, is, m, s, u); // (4.1s) Linear: h_[:, is] += hp[:, is] · V
    act(h_, b, h, is, s); // (4.1s) + b, (4.2s) Non-linear: h[:, is] = f(h_[:, is])
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}
