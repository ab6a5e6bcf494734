// Dense backward pass (EpyNN dense/backward.py).
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { activationBackward, softmax } from '../activation/functions.js';
import { gemmNT, gemmNTSmallK, smallN } from '../commons/gemm.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import type { Dense } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: Dense, dX: NDArray): NDArray {
  const X = layer.fc.X;
  if (X === undefined || layer.fc.Z === undefined) {
    throw stateError('Dense', 'backward', 'forward');
  }
  const expected = [X.shape[0], layer.d.u]; // (m, u)
  if (!(dX instanceof NDArray) || dX.ndim !== 2 || dX.shape[0] !== expected[0] || dX.shape[1] !== expected[1]) {
    throw new ShapeError(`Dense: backward input dA must have shape ${fmt(expected)} = (m, u), got ${dX instanceof NDArray ? fmt(dX.shape) : typeof dX}`);
  }
  const W = layer.p.W;
  if (W.ndim !== 2 || W.shape[0] !== X.shape[1] || W.shape[1] !== layer.d.u) {
    throw new ShapeError(`Dense: p.W has shape ${fmt(W.shape)}, expected ${fmt([X.shape[1], layer.d.u])} = (n, u)`);
  }
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer.
 *
 *   (2) dZ = dA ⊙ f'(Z)    (m, u); softmax: dZ[i, k] = Σ_j dA[i, j] · J[i, j, k], J = ds/dZ (m, u, u)
 *       The built-in softmax takes the fused form dZ[i, k] = s[i, k] · (dA[i, k] − Σ_j dA[i, j] · s[i, j]) / T
 *       (s = fc.A): O(m·u) instead of building the (m, u, u) Jacobian; custom activations keep the
 *       generic dA ⊙ f'(Z) (hadamard) path.
 *   (3) dX = dZ · Wᵀ       (m, u) · (u, n) -> (m, n)
 *
 * NOTE: EpyNN's softmax Jacobian lacks the 1/T factor (T = softmax_temperature), so its gradient
 * is T times too large; ours is the exact one.
 */
export function denseBackward(layer: Dense, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, u)

  // (2) Gradient of the loss with respect to Z
  const dZ = (layer.bc.dZ = layer.activate === softmax
    ? softmaxGradient(dA, layer.fc.A, layer.epynnCompat ? 1 : layer.hPars.softmax_temperature) // fused: no (m, u, u) Jacobian; compat: EpyNN's (no 1/T)
    : activationBackward(layer.activate, dA, layer.fc.Z, layer.hPars)); // dL/dZ (m, u), hadamard for custom ones

  // (3) Gradient of the loss with respect to X
  // dX (m, n) = dZ (m, u) · Wᵀ (u, n): the GEMM reads W (n, u) transposed while packing, no Wᵀ copy
  const [m, u] = dZ.shape;
  const n = layer.p.W.shape[0];
  const dx = new Float64Array(m * n);
  // smallN(rows, narrow, reread): m rows of dZ; the narrow dimension is u, here the INNER dimension (K of
  // gemmNTSmallK); W (n·u values) is read again for every quad of rows
  if (smallN(m, u, n * u)) gemmNTSmallK(m, n, u, dZ.data, layer.p.W.data, dx); // inner dimension u ≤ 16: no packing
  else gemmNT(m, n, u, dZ.data, layer.p.W.data, dx);
  dX = layer.bc.dX = new NDArray(dx, [m, n]); // dL/dX (m, n)

  return dX; // To previous layer
}

/**
 * dZ (m, u) = J_softmax · dA row by row without the Jacobian, from the softmax output S = fc.A:
 *   dZ[i, k] = S[i, k] · (dA[i, k] − Σ_j dA[i, j] · S[i, j]) / T
 * Same as Σ_j dA[i, j] · J[i, j, k] with J = (diag(S) − S Sᵀ) / T up to rounding (tests/dense compare).
 */
export function softmaxGradient(dA: NDArray, S: NDArray, T: number): NDArray {
  const [m, u] = dA.shape;
  const a = dA.data;
  const sm = S.data;
  const dz = new Float64Array(m * u);
  for (let im = 0, r = 0; im < m; im++, r += u) {
    let dot = 0; // Σ_j dA[im, j] · S[im, j]
    for (let j = 0; j < u; j++) dot += a[r + j] * sm[r + j];
    for (let k = 0; k < u; k++) dz[r + k] = (sm[r + k] * (a[r + k] - dot)) / T;
  }
  return new NDArray(dz, [m, u]);
}
