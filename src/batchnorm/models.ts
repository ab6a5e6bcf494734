// Batch normalization layer (beyond EpyNN, in EpyNN's layout: models, forward, backward, parameters).
// Math: docs/BatchNormalization.md
import { checkBoolean, checkLayerInput, checkNumber, checkOptions } from '../commons/checks.js';
import { type BatchReduction, DEFAULT_TRAITS, Layer, type LayerTraits } from '../commons/models.js';
import { NDArray } from '../commons/ndarray.js';
import type { HPars } from '../settings.js';
import { batchNormBackward, batchNormGradientSums } from './backward.js';
import { batchNormForward, batchNormInputSums } from './forward.js';
import {
  batchNormComputeGradients,
  batchNormComputeShapes,
  batchNormInitializeParameters,
  batchNormUpdateParameters,
} from './parameters.js';

/** Options of `new BatchNormalization(...)` (Keras's `BatchNormalization`, PyTorch's `BatchNorm1d/2d`). */
export interface BatchNormalizationOptions {
  /**
   * Weight of the batch statistics in the running ones, PyTorch's convention:
   * running = (1 − momentum) · running + momentum · batch (Keras's momentum is 1 − this). @default 0.1
   */
  momentum?: number;
  /** Added to the variance before its square root. @default 1e-5 (PyTorch's) */
  epsilon?: number;
  /** Whether the layer adds (and learns) the offset β. @default true */
  center?: boolean;
  /** Whether the layer multiplies by (and learns) the scale γ. @default true */
  scale?: boolean;
  /** Layer hyper-parameters (the learning rate of γ and β); inherits from the model when undefined. */
  seHPars?: HPars;
}

/**
 * BatchNormalization's traits: statistics over the batch while training (the engine reduces them over
 * the shards: batchReduction); outside training the running statistics make the samples independent.
 */
const BATCHNORM_TRAITS: LayerTraits = Object.freeze({ ...DEFAULT_TRAITS, batchStatistics: true });

/** The option names `new BatchNormalization` accepts. */
export const BATCHNORM_OPTIONS = ['momentum', 'epsilon', 'center', 'scale', 'seHPars'] as const;

/**
 * Batch normalization over the last axis (the channels): a Dense output (m, n) is normalized per
 * unit over the m samples, a Convolution output (m, h, w, d) per channel over m·h·w values.
 *
 * Training (the pass's mode, `layer.mode.phase === 'training'`): A = γ ⊙ (X − μ_B) / √(σ²_B + ε) + β with the batch's mean μ_B and
 * biased variance σ²_B; `updateParameters` then moves the running statistics towards the batch's
 * (the running variance from the unbiased batch variance, as PyTorch does). Evaluation and
 * prediction: the running statistics instead of the batch's, so each sample's output is its own.
 * The layer declares `traits.batchStatistics` and implements `batchReduction()`: the parallel engine
 * trains its model's batches in shards and reduces μ, σ² (forward) and the sums of (3) (backward) over
 * the shards, in shard order — the whole batch's statistics, the same bits for any thread count.
 *
 * Parameters: `p.gamma`, `p.beta` (learned, (n,); absent when `scale` / `center` is false) and
 * `p.mean`, `p.var`, the running statistics ((n,); no gradient: never changed by the gradient
 * step, written and read with the model like the others).
 */
export class BatchNormalization extends Layer {
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  /** @internal Whether the last forward used the batch statistics (training) or the running ones. */
  batchStats = false;
  /** @internal Whether updateParameters has still to move the running statistics (a training forward ran since). */
  runningDue = false;
  /** @internal Values per channel behind the last training forward's statistics (the whole batch's, also in a shard). */
  statRows = 0;
  /** @internal The whole batch's statistics for a training forward on a shard (set by src/parallel). */
  shardStats: { mean: Float64Array; variance: Float64Array; rows: number } | undefined;
  /** @internal The whole batch's Σ dX̂ and Σ dX̂ ⊙ X̂ for a training backward on a shard (set by src/parallel). */
  shardSums: { s1: Float64Array; s2: Float64Array; rows: number } | undefined;

  constructor(options?: BatchNormalizationOptions) {
    const where = 'BatchNormalization';
    const opts = checkOptions(where, options, BATCHNORM_OPTIONS, { call: 'new BatchNormalization', primary: 'momentum', example: '0.1' });
    super('BatchNormalization', opts.seHPars);
    const { momentum = 0.1, epsilon = 1e-5, center = true, scale = true } = opts;
    this.momentum = checkNumber(where, 'momentum', momentum, { min: 0, max: 1 });
    this.epsilon = checkNumber(where, 'epsilon', epsilon, { min: 0, exclusiveMin: true });
    this.center = checkBoolean(where, 'center', center);
    this.scale = checkBoolean(where, 'scale', scale);
    this.trainable = true;
    this.nonTrainableKeys = ['mean', 'var'];
  }

  override get traits(): LayerTraits {
    return BATCHNORM_TRAITS;
  }

  /** @internal The cross-shard reduction of the batch statistics (src/parallel; see BatchReduction). */
  override batchReduction(): BatchReduction {
    return {
      channels: this.p.mean.shape[0],
      inputSums: (X, mean, out) => batchNormInputSums(this, X, mean, out),
      gradientSums: (dA, s1, s2) => batchNormGradientSums(this, dA, s1, s2),
      presetStatistics: (stats) => (this.shardStats = stats),
      presetGradientSums: (sums) => (this.shardSums = sums),
      acceptStatistics: (mean, variance, rows) => {
        const n = mean.length;
        this.fc.mu = new NDArray(Float64Array.from(mean), [n]);
        this.fc.var = new NDArray(Float64Array.from(variance), [n]);
        this.statRows = rows;
        this.batchStats = true;
        this.runningDue = true; // the update moves the running statistics towards these
      },
    };
  }

  computeShapes(A: NDArray): void {
    batchNormComputeShapes(this, A);
  }

  initializeParameters(): void {
    batchNormInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A); // called directly: NaN or ±Infinity named (a network checks its input once)
    A = batchNormForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = batchNormBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    batchNormComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) batchNormUpdateParameters(this);
  }

  toConfig(): { momentum: number; epsilon: number; center: boolean; scale: boolean } {
    return { momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
