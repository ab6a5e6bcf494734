// GRU backward pass (EpyNN gru/backward.py).
import { derivativeOf } from '../activation/steps.js';
import type { NDArray } from '../commons/ndarray.js';
import { cacheArray, checkBackwardInput, dataOf, inputGradient, sequenceGradient, stepProduct, stepProductT, stepWeights, zeroStep } from '../commons/recurrent.js';
import { stepKernels } from '../kernels/recurrent.js';
import type { GRU } from './models.js';
import { GRU_PARAMETERS } from './parameters.js';

/** The backward caches (m, s, u) of the state and gate gradients. */
const GRU_GRADIENT_CACHES = ['dh_', 'dh', 'dhn', 'dhh_', 'dz_', 'dr_'] as const;

/**
 * Fills bc.dA (m, s, u), caches (m, s, u) for the state and gate gradients and dX (m, s, e): dhn's last
 * step zeroed, the rest written by the loop (Layer.outputArray).
 */
function initializeBackward(layer: GRU, dX: NDArray): NDArray {
  checkBackwardInput(layer, dX, layer.sequences);
  const hs = layer.fc.h.shape; // (m, s, u)
  const dA = sequenceGradient(layer, dX, layer.sequences, hs);
  layer.bc = {};
  for (const k of GRU_GRADIENT_CACHES) layer.bc[k] = cacheArray(layer, k, hs, false);
  zeroStep(layer.bc.dhn.data, hs[1] - 1, hs[0], hs[1], hs[2]); // nothing after the last step
  layer.bc.dA = dA;
  layer.bc.dX = cacheArray(layer, 'dX', layer.fc.X.shape, false); // To previous layer
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
 * Step (9s) needs nothing from the recurrence: it is one GEMM per gate over all m·s rows after the loop.
 */
export function gruBackward(layer: GRU, dX: NDArray): NDArray {
  // (1) Initialize cache and hidden state gradients
  const dA = initializeBackward(layer, dX);
  const [m, s, e] = layer.fc.X.shape;
  const u = layer.d.u;
  const da = dA.data; // (m, s, u)
  const { dh_, dh, dhn, dhh_, dz_, dr_ } = dataOf(layer, layer.bc, GRU_GRADIENT_CACHES); // (m, s, u) each
  const { z, hp, hh, r } = dataOf(layer, layer.fc, ['z', 'hp', 'hh', 'r']); // (m, s, u) each
  const { Uhh, Uz, Ur } = dataOf(layer, layer.p, GRU_PARAMETERS);
  const { Vhh, Vz, Vr } = stepWeights(layer, ['Vhh', 'Vz', 'Vr'], true); // Vᵀ (u, u) each, once for the step products
  // Derivatives of every gate, all steps at once (m, s, u)
  const fhh = derivativeOf(layer, 'activate', layer.activate, layer.fc.hh_, hh);
  const fz = derivativeOf(layer, 'activateUpdate', layer.activateUpdate, layer.fc.z_, z);
  const fr = derivativeOf(layer, 'activateReset', layer.activateReset, layer.fc.r_, r);
  // dhh_ · Vhhᵀ of a step, shared by steps 7s and 8s: every step's (m, s, u) while the caches are reused (the
  // layout of the WebAssembly step kernels), else one step's (m, u) at a time; rows ts·u apart, step is at to(is)·u
  const ts = layer.reuseOutputs ? s : 1;
  const to = (is: number): number => (ts === 1 ? 0 : is);
  const t = cacheArray(layer, 't', [m, ts, u], false).data;
  // WebAssembly step kernels where every array is resident, else null
  const wk = stepKernels(m, s, u, [da, dh_, dh, dhn, dhh_, dz_, dr_, z, hp, hh, r, fhh, fz, fr, t]);

  // Reverse iteration over sequence steps
  for (let is = s - 1; is >= 0; is--) {
    if (wk !== null) {
      // (3s) to (6s) below, one WebAssembly kernel each (the same bits)
      if (is < s - 1) wk.copy(dhn, is, dh, is + 1); // (3s)
      wk.add(dh_, is, da, dhn); // (4s)
      wk.mul1m(dhh_, is, dh_, z, fhh); // (5s)
      wk.mulsub(dz_, is, dh_, hp, hh, fz); // (6s)
    } else for (let im = 0; im < m; im++) {
      // (2s) Slice sequence (m, s, u) w.r.t step: row [im, is, :] starts at o
      const o = (im * s + is) * u;

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
    }

    // (7s) Gradient of the loss w.r.t reset gate
    stepProduct(m, u, dhh_, is * u, s * u, Vhh, false, t, to(is) * u, ts * u, false); // t[:, is] = dhh_[:, is] · Vhhᵀ (m, u), Vhh holding Vhhᵀ
    if (wk !== null) {
      wk.mul3(dr_, is, t, hp, fr); // (7s) and (8s) below, in WebAssembly
      wk.fma2(dh, is, t, r, dh_, z);
    } else for (let im = 0; im < m; im++) {
      const o = (im * s + is) * u;
      const ot = (im * ts + to(is)) * u; // [im, is, 0] of t
      for (let iu = 0; iu < u; iu++) dr_[o + iu] = t[ot + iu] * hp[o + iu] * fr[o + iu];

      // (8s) Gradient of the loss w.r.t previous hidden state: the element-wise terms here ...
      for (let iu = 0; iu < u; iu++) dh[o + iu] = t[ot + iu] * r[o + iu] + dh_[o + iu] * z[o + iu];
    }
    // (8s) ... then + dz_·Vzᵀ + dr_·Vrᵀ
    stepProductT(dh, dz_, Vz, is, m, s, u, true);
    stepProductT(dh, dr_, Vr, is, m, s, u, true);
  }

  // (9s) Gradient of the loss w.r.t to X, fused over all steps: dX (m·s, e) = Σ_gates d·_ · U·ᵀ
  const ms = m * s;
  const dx = layer.bc.dX.data; // (m, s, e)
  inputGradient(dx, dhh_, Uhh, ms, e, u, false);
  inputGradient(dx, dz_, Uz, ms, e, u, true);
  inputGradient(dx, dr_, Ur, ms, e, u, true);

  return layer.bc.dX; // To previous layer
}
