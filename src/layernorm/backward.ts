// LayerNormalization backward pass.
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import type { LayerNormalization } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: LayerNormalization, dX: NDArray): NDArray {
  const X = layer.fc.X;
  if (X === undefined || layer.fc.Xh === undefined || layer.fc.var === undefined) throw stateError('LayerNormalization', 'backward', 'forward');
  if (!(dX instanceof NDArray) || !sameShape(dX.shape, X.shape)) {
    throw new ShapeError(`LayerNormalization: backward input dA must have the forward input's shape ${fmt(X.shape)}, got ${dX instanceof NDArray ? fmt(dX.shape) : typeof dX}`);
  }
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer, for each group r over its n values:
 *
 *   (2) dX̂ = dA ⊙ γ
 *   (3) dX  = (dX̂ − Σ_k dX̂ / n − X̂ ⊙ Σ_k (dX̂ ⊙ X̂) / n) / √(σ²[r] + ε)
 */
export function layerNormBackward(layer: LayerNormalization, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, ..., n)
  const n = layer.d.n;
  const da = dA.data;
  const xh = layer.fc.Xh.data;
  const v = layer.fc.var.data;
  const R = n === 0 ? 0 : da.length / n;
  const gamma = layer.scale ? layer.p.gamma.data : null;

  // (2) Gradient of the loss with respect to X̂
  const dXh = (layer.bc.dXh = layer.outputArray('dXh', dA.shape, false));
  const dxh = dXh.data;
  if (gamma === null) dxh.set(da);
  else for (let r = 0, o = 0; r < R; r++, o += n) for (let k = 0; k < n; k++) dxh[o + k] = da[o + k] * gamma[k];

  // (3) Gradient of the loss with respect to X, through the group's μ and σ²
  dX = layer.bc.dX = layer.outputArray('dX', dA.shape, false);
  const dx = dX.data;
  for (let r = 0, o = 0; r < R; r++, o += n) {
    let s1 = 0; // Σ_k dX̂
    let s2 = 0; // Σ_k dX̂ ⊙ X̂
    for (let k = 0; k < n; k++) {
      s1 += dxh[o + k];
      s2 += dxh[o + k] * xh[o + k];
    }
    s1 /= n;
    s2 /= n;
    const inv = 1 / Math.sqrt(v[r] + layer.epsilon);
    for (let k = 0; k < n; k++) dx[o + k] = (dxh[o + k] - s1 - xh[o + k] * s2) * inv;
  }

  return dX; // To previous layer
}
