// Layer normalization layer (beyond EpyNN, in EpyNN's layout: models, forward, backward, parameters).
// Math: docs/LayerNormalization.md
import { checkBoolean, checkLayerInput, checkNumber, checkOptions, show } from '../commons/checks.js';
import { EpyNNError } from '../errors.js';
import { INDEPENDENT_TRAITS, Layer, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import type { HPars } from '../settings.js';
import { layerNormBackward } from './backward.js';
import { layerNormForward } from './forward.js';
import {
  layerNormComputeGradients,
  layerNormComputeShapes,
  layerNormInitializeParameters,
  layerNormUpdateParameters,
} from './parameters.js';

/** The axes a LayerNormalization normalizes over: the last one, or the last three (h, w, d of a map). */
export type LayerNormAxis = -1 | readonly [-3, -2, -1];

/** Options of `new LayerNormalization(...)` (Keras's `LayerNormalization`, PyTorch's `LayerNorm`). */
export interface LayerNormalizationOptions {
  /** Added to the variance before its square root. @default 1e-5 (PyTorch's) */
  epsilon?: number;
  /** Whether the layer adds (and learns) the offset β. @default true */
  center?: boolean;
  /** Whether the layer multiplies by (and learns) the scale γ. @default true */
  scale?: boolean;
  /**
   * The axes normalized together, per sample: -1 (the last axis: the units after Dense, the channels
   * of every position after Convolution) or [-3, -2, -1] (a whole (h, w, d) map). γ and β have the
   * shape of these axes. @default -1
   */
  axis?: LayerNormAxis;
  /** Layer hyper-parameters (the learning rate of γ and β); inherits from the model when undefined. */
  seHPars?: HPars;
}

/** The option names `new LayerNormalization` accepts. */
export const LAYERNORM_OPTIONS = ['epsilon', 'center', 'scale', 'axis', 'seHPars'] as const;

/**
 * Layer normalization: each sample is normalized by its own mean and variance over the last axis
 * (or the last three), A = γ ⊙ (X − μ) / √(σ² + ε) + β. The same in training and evaluation; the
 * samples never mix (unlike BatchNormalization).
 *
 * Parameters: `p.gamma`, `p.beta` with the shape of the normalized axes (absent when `scale` /
 * `center` is false).
 */
export class LayerNormalization extends Layer {
  epsilon: number;
  center: boolean;
  scale: boolean;
  /** How many trailing axes are normalized together (1 or 3). */
  axes: 1 | 3;

  constructor(options?: LayerNormalizationOptions) {
    const where = 'LayerNormalization';
    const opts = checkOptions(where, options, LAYERNORM_OPTIONS, { call: 'new LayerNormalization', primary: 'epsilon', example: '1e-5' });
    super('LayerNormalization', opts.seHPars);
    const { epsilon = 1e-5, center = true, scale = true, axis = -1 } = opts;
    this.epsilon = checkNumber(where, 'epsilon', epsilon, { min: 0, exclusiveMin: true });
    this.center = checkBoolean(where, 'center', center);
    this.scale = checkBoolean(where, 'scale', scale);
    const a = axis as unknown;
    if (a === -1 || (Array.isArray(a) && a.length === 1 && a[0] === -1)) this.axes = 1;
    else if (Array.isArray(a) && a.length === 3 && a[0] === -3 && a[1] === -2 && a[2] === -1) this.axes = 3;
    else throw new EpyNNError(`${where}: axis must be -1 (the last axis) or [-3, -2, -1] (the last three), got ${show(axis)}`);
    this.trainable = true;
  }

  /** The normalized axes as given to the constructor. */
  get axis(): LayerNormAxis {
    return this.axes === 1 ? -1 : [-3, -2, -1];
  }

  /** Samples independent in every mode: each is normalized by its own statistics. */
  override get traits(): LayerTraits {
    return INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    layerNormComputeShapes(this, A);
  }

  initializeParameters(): void {
    layerNormInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A); // called directly: NaN or ±Infinity named (a network checks its input once)
    A = layerNormForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = layerNormBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    layerNormComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) layerNormUpdateParameters(this);
  }

  toConfig(): { epsilon: number; center: boolean; scale: boolean; axis: number | number[] } {
    return { epsilon: this.epsilon, center: this.center, scale: this.scale, axis: this.axes === 1 ? -1 : [-3, -2, -1] };
  }
}
