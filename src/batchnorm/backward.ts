// BatchNormalization backward pass.
import { stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import type { BatchNormalization } from './models.js';

/** Backward cache initialization. */
function initializeBackward(layer: BatchNormalization, dX: NDArray): NDArray {
  const X = layer.fc.X;
  if (X === undefined || layer.fc.Xh === undefined || layer.fc.var === undefined) throw stateError('BatchNormalization', 'backward', 'forward');
  if (!(dX instanceof NDArray) || !sameShape(dX.shape, X.shape)) {
    throw new ShapeError(`BatchNormalization: backward input dA must have the forward input's shape ${fmt(X.shape)}, got ${dX instanceof NDArray ? fmt(dX.shape) : typeof dX}`);
  }
  const dA = (layer.bc.dA = dX);
  return dA;
}

/**
 * Backward propagate error gradients to previous layer, over the R rows of each channel c:
 *
 *   (2) dX̂ = dA ⊙ γ
 *   (3) dX  = (dX̂ − Σ_r dX̂ / R − X̂ ⊙ Σ_r (dX̂ ⊙ X̂) / R) / √(σ² + ε)     after a training forward
 *       dX  = dX̂ / √(σ² + ε)                                               after an evaluation forward
 *
 * (3) is the derivative through μ and σ² of the batch: every sample's gradient depends on the
 * whole batch. With the running statistics (constants), the layer is an affine map per channel.
 */
export function batchNormBackward(layer: BatchNormalization, dX: NDArray): NDArray {
  // (1) Initialize cache
  const dA = initializeBackward(layer, dX); // (m, ..., n)
  const n = layer.d.n;
  const da = dA.data;
  const xh = layer.fc.Xh.data;
  const v = layer.fc.var.data;
  const R = da.length / n;

  // (2) Gradient of the loss with respect to X̂
  const gamma = layer.scale ? layer.p.gamma.data : null;
  const dXh = (layer.bc.dXh = layer.outputArray('dXh', dA.shape, false));
  const dxh = dXh.data;
  if (gamma === null) dxh.set(da);
  else for (let r = 0, o = 0; r < R; r++, o += n) for (let c = 0; c < n; c++) dxh[o + c] = da[o + c] * gamma[c];

  // (3) Gradient of the loss with respect to X
  const inv = new Float64Array(n);
  for (let c = 0; c < n; c++) inv[c] = 1 / Math.sqrt(v[c] + layer.epsilon);
  dX = layer.bc.dX = layer.outputArray('dX', dA.shape, false);
  const dx = dX.data;
  if (layer.batchStats) {
    // after a training forward: the batch's mean and variance depend on X
    const s1 = new Float64Array(n); // Σ_r dX̂
    const s2 = new Float64Array(n); // Σ_r dX̂ ⊙ X̂
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let c = 0; c < n; c++) {
        s1[c] += dxh[o + c];
        s2[c] += dxh[o + c] * xh[o + c];
      }
    }
    for (let c = 0; c < n; c++) {
      s1[c] /= R;
      s2[c] /= R;
    }
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let c = 0; c < n; c++) dx[o + c] = (dxh[o + c] - s1[c] - xh[o + c] * s2[c]) * inv[c];
    }
  } else {
    for (let r = 0, o = 0; r < R; r++, o += n) for (let c = 0; c < n; c++) dx[o + c] = dxh[o + c] * inv[c];
  }

  return dX; // To previous layer
}
