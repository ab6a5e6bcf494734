// RNN forward pass (EpyNN rnn/forward.py).
// The step kernels exported here are shared by the recurrent family (RNN, LSTM, GRU).
import { type Activation, sigmoid, tanh } from '../activation/functions.js';
import { EpyNNError } from '../commons/errors.js';
import { gemmNN, gemmStrided } from '../commons/gemm.js';
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
 * The X_t · U products of all steps are one GEMM before the loop (rows (m·s, e)); only hp_t · V
 * needs a product per step.
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
  const act = stepActivation(layer, 'activate', layer.activate, m, u);

  // (2s) + (4.1s) fused over all steps: h_[:, is] = X[:, is] · U for every step, one GEMM
  inputProduct(h_, x, U, m * s, e, u); // (m, s, u)

  // Iterate over sequence steps
  for (let is = 0; is < s; is++) {
    // (2s) Slice sequence (m, s, e) with respect to step: done above for the X · U part

    // (3s) Retrieve previous hidden state
    copyPreviousStep(hp, h, is, m, s, u); // hp[:, is] = h[:, is - 1] (zeros at is = 0)

    // (4s) Activate current hidden state
    addHiddenProduct(h_, hp, V, is, m, s, u); // (4.1s) Linear: h_[:, is] += hp[:, is] · V
    act(h_, b, h, is, s); // (4.1s) + b, (4.2s) Non-linear: h[:, is] = f(h_[:, is])
  }

  // Return the last hidden state or the full sequence
  return layer.sequences ? layer.fc.h : lastStep(layer.fc.h); // (m, s, u) or (m, u)
}

// ---------------------------------------------------------------------------------------------
// Shared by RNN, LSTM and GRU

/** P (m·s, u) = X (m·s, e) · U (e, u): the input products of every step at once (overwrites P). */
export function inputProduct(P: Float64Array, X: Float64Array, U: Float64Array, ms: number, e: number, u: number): void {
  gemmNN(ms, u, e, X, U, P);
}

/**
 * P[:, is] += H[:, is] · V for (m, s, u) arrays P and H and V (u, u): the recurrent product of one
 * step, read and written in place (rows at stride s·u). Added after X · U, as NumPy's (X·U + hp·V).
 */
export function addHiddenProduct(P: Float64Array, H: Float64Array, V: Float64Array, is: number, m: number, s: number, u: number): void {
  if (is === 0) return; // hp = 0 at the first step
  gemmStrided(m, u, u, H, is * u, s * u, 1, V, 0, u, 1, P, is * u, s * u, true);
}

/**
 * One step's bias and activation, `(Z, b, A, is, s)`: Z[:, is] += b (in place: the stored linear
 * part; b null: no bias), then A[:, is] = fn(Z[:, is]), for (m, s, u) arrays Z and A.
 */
export type StepActivation = (Z: Float64Array, b: Float64Array | null, A: Float64Array, is: number, s: number) => void;

/**
 * The step activation of one gate. The built-in tanh and sigmoid are applied in place (same
 * expressions as src/activation/functions.ts, so the same values to the bit); any other activation
 * is called with the layer's hyper-parameters on a copy of the step (m, u), as EpyNN does.
 */
export function stepActivation(layer: Layer, gate: string, fn: Activation, m: number, u: number): StepActivation {
  const addBias = (Z: Float64Array, b: Float64Array | null, is: number, s: number): void => {
    if (b === null) return;
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) Z[o + iu] += b[iu];
  };
  if (fn === tanh) {
    return (Z, b, A, is, s) => {
      addBias(Z, b, is, s);
      for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) A[o + iu] = Math.tanh(Z[o + iu]);
    };
  }
  if (fn === sigmoid) {
    return (Z, b, A, is, s) => {
      addBias(Z, b, is, s);
      for (let im = 0, o = is * u; im < m; im++, o += s * u) {
        for (let iu = 0; iu < u; iu++) {
          const v = Z[o + iu];
          // Stable sigmoid, the expression of activation/functions.ts
          A[o + iu] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        }
      }
    };
  }
  const buf = zeros([m, u]); // (m, u) one step of Z, reused
  const z = buf.data;
  return (Z, b, A, is, s) => {
    addBias(Z, b, is, s);
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) z[im * u + iu] = Z[o + iu];
    const out = activateStep(layer, gate, fn, buf);
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) A[o + iu] = out[im * u + iu];
  };
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
