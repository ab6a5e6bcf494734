// GRU forward pass (EpyNN gru/forward.py).
import { stepActivation } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { addHiddenProduct, cacheArray, checkRecurrentParameters, copyPreviousStep, dataOf, inputProduct, lastStep, stepProduct, stepWeights, zeroStep } from '../commons/recurrent.js';
import { stepKernels } from '../kernels/recurrent.js';
import type { GRU } from './models.js';
import { GRU_PARAMETERS } from './parameters.js';

/** The forward caches (m, s, u) of the hidden state and every gate. */
const GRU_CACHES = ['h', 'hp', 'hh_', 'hh', 'z', 'z_', 'r', 'r_'] as const;

/**
 * Fills fc.X and caches (m, s, u) for the hidden state and every gate: hp's first step zeroed, the rest
 * written by the loop (Layer.outputArray: reused from batch to batch during training, resident for the
 * WebAssembly kernels).
 */
function initializeForward(layer: GRU, A: NDArray): NDArray {
  checkRecurrentParameters(layer, GRU_PARAMETERS);
  const X = A; // (m, s, e) never written to
  const [m, s] = X.shape;
  const hs = [m, s, layer.d.u]; // (m, s, u)
  layer.fc = { X };
  for (const k of GRU_CACHES) layer.fc[k] = cacheArray(layer, k, hs, false);
  zeroStep(layer.fc.hp.data, 0, m, s, layer.d.u); // hp = 0 at the first step
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
 * The X_t·U products of all steps are one GEMM per gate before the loop (rows (m·s, e)), written
 * straight into the gate caches r_, z_, hh_; the loop adds the recurrent product + b and activates.
 */
export function gruForward(layer: GRU, A: NDArray): NDArray {
  // (1) Initialize cache and hidden state
  const X = initializeForward(layer, A);
  const [m, s, e] = X.shape;
  const u = layer.d.u;
  const x = X.data; // (m, s, e)
  const { Ur, br, Uz, bz, Uhh, bhh } = dataOf(layer, layer.p, GRU_PARAMETERS);
  const { Vr, Vz, Vhh } = stepWeights(layer, ['Vr', 'Vz', 'Vhh'], false); // (u, u) each, copied once for the step products
  const { h, hp, hh_, hh, z, z_, r, r_ } = dataOf(layer, layer.fc, GRU_CACHES); // (m, s, u) each
  const actR = stepActivation(layer, 'activateReset', layer.activateReset, m, u);
  const actZ = stepActivation(layer, 'activateUpdate', layer.activateUpdate, m, u);
  const actHH = stepActivation(layer, 'activate', layer.activate, m, u);
  // r ⊙ hp of a step (not cached by EpyNN): every step's (m, s, u) while the caches are reused (the layout of
  // the WebAssembly step kernels), else one step's (m, u) at a time; rows rs·u apart, step is at ro(is)·u
  const rs = layer.reuseOutputs ? s : 1;
  const ro = (is: number): number => (rs === 1 ? 0 : is);
  const rhp = cacheArray(layer, 'rhp', [m, rs, u], false).data;
  const wk = stepKernels(m, s, u, [h, hp, hh, z, r, rhp]); // WebAssembly step kernels where the caches are resident, else null

  // (2s) + (4.1s) (5.1s) (6.1s) fused over all steps: the X · U part of every gate, one GEMM each
  const ms = m * s;
  inputProduct(r_, x, Ur, ms, e, u); // (m, s, u)
  inputProduct(z_, x, Uz, ms, e, u);
  inputProduct(hh_, x, Uhh, ms, e, u);

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) with respect to step: done above for the X · U parts

    // (3s) Retrieve previous hidden state
    copyPreviousStep(hp, h, is, m, s, u, wk);

    // (4s) Activate reset gate
    addHiddenProduct(r_, hp, Vr, is, m, s, u); // (4.1s) r_ += hp · Vr
    actR(r_, br, r, is, s); // (4.1s) + br, (4.2s)

    // (5s) Activate update gate
    addHiddenProduct(z_, hp, Vz, is, m, s, u); // (5.1s)
    actZ(z_, bz, z, is, s); // (5.1s) + bz, (5.2s)

    // (6s) Activate hidden hat
    if (is > 0) {
      if (wk !== null) wk.mul(rhp, is, r, hp); // the loop below, in WebAssembly (the same bits)
      else for (let im = 0; im < m; im++) {
        const oc = (im * s + is) * u; // [im, is, 0] of a (m, s, u) cache
        const or = (im * rs + ro(is)) * u; // [im, is, 0] of rhp
        for (let iu = 0; iu < u; iu++) rhp[or + iu] = r[oc + iu] * hp[oc + iu];
      }
      // (6.1s) hh_[:, is] += (r ⊙ hp) · Vhh (hp = 0 at the first step)
      stepProduct(m, u, rhp, ro(is) * u, rs * u, Vhh, false, hh_, is * u, s * u, true);
    }
    actHH(hh_, bhh, hh, is, s); // (6.1s) + bhh, (6.2s)

    // (7s) Compute current hidden state
    if (wk !== null) wk.lerp(h, is, z, hp, hh); // the loop below, in WebAssembly
    else for (let im = 0; im < m; im++) {
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
