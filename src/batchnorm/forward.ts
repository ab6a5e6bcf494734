// BatchNormalization forward pass.
import { checkParameters } from '../commons/checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import type { BatchNormalization } from './models.js';
import { checkBatchNormInput } from './parameters.js';

/** Forward cache initialization. */
function initializeForward(layer: BatchNormalization, A: NDArray): NDArray {
  checkBatchNormInput('forward', A);
  const keys = [...(layer.scale ? ['gamma'] : []), ...(layer.center ? ['beta'] : []), 'mean', 'var'];
  const n = A.shape[A.ndim - 1];
  const fs = Object.fromEntries(keys.map((k) => [k, layer.fs[k] ?? [n]]));
  checkParameters({ name: 'BatchNormalization', p: layer.p, fs }, 'forward', keys);
  const C = layer.p.mean.shape[0];
  if (n !== C) {
    throw new ShapeError(`BatchNormalization: forward input A has shape ${fmt(A.shape)}, but the layer was built for n = ${C} channels (the last axis)`);
  }
  const X = (layer.fc.X = A); // Kept by reference: never written to
  return X;
}

/**
 * Forward propagate signal to next layer, over the R rows (m·h·w, or m) of each channel c:
 *
 *   (2) μ[c]  = Σ_r X[r, c] / R                      training: the batch's; else μ = p.mean
 *   (3) σ²[c] = Σ_r (X[r, c] − μ[c])² / R            training: biased; else σ² = p.var
 *   (4) X̂ = (X − μ) / √(σ² + ε)
 *   (5) A = γ ⊙ X̂ + β                                (γ = 1 without scale, β = 0 without center)
 */
export function batchNormForward(layer: BatchNormalization, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, ..., n)
  const n = layer.p.mean.shape[0];
  const x = X.data;
  const R = x.length / n;
  const training = layer.training;

  // (2)-(3) Statistics per channel
  const mu = new Float64Array(n);
  const v = new Float64Array(n);
  let rows = R;
  if (training) {
    const preset = layer.shardStats;
    if (layer.mode.shard) {
      // A shard of a batch (src/parallel): μ and σ² are the whole batch's, reduced over the shards by
      // the engine from their partial sums (batchNormInputSums) — the shard's own would be wrong
      if (preset === undefined || preset.mean.length !== n || preset.variance.length !== n) {
        throw new EpyNNError('BatchNormalization: a training forward on a shard of a batch needs the whole batch\'s statistics (presetStatistics, set by the parallel engine): a shard\'s own are not the batch\'s (traits.batchStatistics)');
      }
      rows = preset.rows;
    }
    if (rows < 2) {
      throw new ShapeError(`BatchNormalization: training needs more than one value per channel to estimate a variance, got input A of shape ${fmt(X.shape)} (m·h·w = ${rows})`);
    }
    if (layer.mode.shard) {
      mu.set(preset!.mean); // (2) over the whole batch
      v.set(preset!.variance); // (3) over the whole batch
    } else {
      batchNormInputSums(layer, X, undefined, mu);
      for (let c = 0; c < n; c++) mu[c] /= R; // (2)
      batchNormInputSums(layer, X, mu, v);
      for (let c = 0; c < n; c++) v[c] /= R; // (3) two passes: no cancellation for large means
    }
  } else {
    mu.set(layer.p.mean.data); // (2) running mean
    v.set(layer.p.var.data); // (3) running variance
  }
  layer.fc.mu = new NDArray(mu, [n]);
  layer.fc.var = new NDArray(v, [n]);
  layer.batchStats = training;
  layer.runningDue = training;
  layer.statRows = rows;

  // (4) Normalize
  // (5) Scale and shift
  //     } fused in one pass over the rows (1/√(σ² + ε) once per channel)
  const inv = new Float64Array(n);
  for (let c = 0; c < n; c++) inv[c] = 1 / Math.sqrt(v[c] + layer.epsilon);
  const gamma = layer.scale ? layer.p.gamma.data : null;
  const beta = layer.center ? layer.p.beta.data : null;
  const Xh = (layer.fc.Xh = layer.outputArray('Xh', X.shape, false)); // every element written
  A = layer.fc.A = layer.outputArray('A', X.shape, false);
  const xh = Xh.data;
  const a = A.data;
  for (let r = 0, o = 0; r < R; r++, o += n) {
    for (let c = 0; c < n; c++) {
      const h = (x[o + c] - mu[c]) * inv[c]; // (4)
      xh[o + c] = h;
      const y = gamma === null ? h : gamma[c] * h;
      a[o + c] = beta === null ? y : y + beta[c]; // (5)
    }
  }

  return A; // To next layer
}

/**
 * The sums of (2) and (3) over the rows of X, per channel, written into `out` (n values):
 *
 *   Σ_r X[r, c]              mean undefined: (2)'s numerator
 *   Σ_r (X[r, c] − μ[c])²    mean = μ: (3)'s numerator
 *
 * The training forward divides them by R. The parallel engine calls it on each shard's rows and adds
 * the shards' sums in shard order (the whole batch's μ, then its σ²: two reductions, as two passes).
 */
export function batchNormInputSums(layer: BatchNormalization, X: NDArray, mean: Float64Array | undefined, out: Float64Array): void {
  const n = out.length;
  if (X.shape[X.ndim - 1] !== n) throw new ShapeError(`BatchNormalization: inputSums input A has shape ${fmt(X.shape)}, but ${n} channels were expected (the last axis)`);
  const x = X.data;
  const R = x.length / n;
  out.fill(0);
  if (mean === undefined) {
    for (let r = 0, o = 0; r < R; r++, o += n) for (let c = 0; c < n; c++) out[c] += x[o + c];
    return;
  }
  for (let r = 0, o = 0; r < R; r++, o += n) {
    for (let c = 0; c < n; c++) {
      const t = x[o + c] - mean[c];
      out[c] += t * t;
    }
  }
}
