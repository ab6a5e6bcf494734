// BatchNormalization backward pass.
import { stateError } from '../commons/checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
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
  const xh = layer.fc.Xh.data;
  const v = layer.fc.var.data;
  const R = dA.data.length / n;

  // (2) Gradient of the loss with respect to X̂
  const dxh = gradientXh(layer, dA).data;

  // (3) Gradient of the loss with respect to X
  const inv = new Float64Array(n);
  for (let c = 0; c < n; c++) inv[c] = 1 / Math.sqrt(v[c] + layer.epsilon);
  dX = layer.bc.dX = layer.outputArray('dX', dA.shape, false);
  const dx = dX.data;
  if (layer.batchStats) {
    // after a training forward: the batch's mean and variance depend on X
    const s1 = new Float64Array(n); // Σ_r dX̂
    const s2 = new Float64Array(n); // Σ_r dX̂ ⊙ X̂
    let rows = R;
    if (layer.mode.shard) {
      // A shard of a batch (src/parallel): the sums are over the whole batch, added over the shards by
      // the engine from their partial sums (batchNormGradientSums)
      const preset = layer.shardSums;
      if (preset === undefined || preset.s1.length !== n || preset.s2.length !== n) {
        throw new EpyNNError('BatchNormalization: a training backward on a shard of a batch needs the whole batch\'s sums Σ dX̂ and Σ dX̂ ⊙ X̂ (presetGradientSums, set by the parallel engine)');
      }
      s1.set(preset.s1);
      s2.set(preset.s2);
      rows = preset.rows;
    } else sums(dxh, xh, n, s1, s2);
    for (let c = 0; c < n; c++) {
      s1[c] /= rows;
      s2[c] /= rows;
    }
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let c = 0; c < n; c++) dx[o + c] = (dxh[o + c] - s1[c] - xh[o + c] * s2[c]) * inv[c];
    }
  } else {
    for (let r = 0, o = 0; r < R; r++, o += n) for (let c = 0; c < n; c++) dx[o + c] = dxh[o + c] * inv[c];
  }

  return dX; // To previous layer
}

/** (2) dX̂ = dA ⊙ γ (into bc.dXh). */
function gradientXh(layer: BatchNormalization, dA: NDArray): NDArray {
  const n = dA.shape[dA.ndim - 1];
  const da = dA.data;
  const R = da.length / n;
  const gamma = layer.scale ? layer.p.gamma.data : null;
  const dXh = (layer.bc.dXh = layer.outputArray('dXh', dA.shape, false));
  const dxh = dXh.data;
  if (gamma === null) dxh.set(da);
  else for (let r = 0, o = 0; r < R; r++, o += n) for (let c = 0; c < n; c++) dxh[o + c] = da[o + c] * gamma[c];
  return dXh;
}

/** Σ_r dX̂ and Σ_r dX̂ ⊙ X̂ per channel, added in row order into s1, s2 (zeros). */
function sums(dxh: Float64Array, xh: Float64Array, n: number, s1: Float64Array, s2: Float64Array): void {
  const R = dxh.length / n;
  for (let r = 0, o = 0; r < R; r++, o += n) {
    for (let c = 0; c < n; c++) {
      s1[c] += dxh[o + c];
      s2[c] += dxh[o + c] * xh[o + c];
    }
  }
}

/**
 * The sums of (3) over this shard's rows, per channel, written into s1 and s2 (n values each), for the
 * gradient dA of the layer's output after a training forward of the shard:
 *
 *   Σ_r dX̂[r, c]  and  Σ_r dX̂[r, c] · X̂[r, c]      (dX̂ = dA ⊙ γ, (2))
 *
 * The parallel engine adds the shards' sums in shard order and hands the whole batch's back to every
 * shard's backward (presetGradientSums).
 */
export function batchNormGradientSums(layer: BatchNormalization, dA: NDArray, s1: Float64Array, s2: Float64Array): void {
  initializeBackward(layer, dA);
  const n = s1.length;
  const da = dA.data;
  const xh = layer.fc.Xh.data;
  const R = da.length / n;
  const gamma = layer.scale ? layer.p.gamma.data : null;
  s1.fill(0);
  s2.fill(0);
  // dX̂ (2) summed as it is computed (the same products as gradientXh, not kept: the backward computes it again)
  if (gamma === null) {
    sums(da, xh, n, s1, s2);
    return;
  }
  for (let r = 0, o = 0; r < R; r++, o += n) {
    for (let c = 0; c < n; c++) {
      const d = da[o + c] * gamma[c];
      s1[c] += d;
      s2[c] += d * xh[o + c];
    }
  }
}
