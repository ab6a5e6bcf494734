// Dropout layer (EpyNN epynn/dropout/models.py).
import { Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import { EpyNNError, NonFiniteError } from '../errors.js';
import { checkOptions, show, checkLayerInput } from '../commons/checks.js';
import type { NDArray } from '../commons/ndarray.js';
import type { HPars } from '../settings.js';
import { dropoutForward } from './forward.js';
import { dropoutBackward } from './backward.js';
import {
  dropoutComputeShapes,
  dropoutInitializeParameters,
  dropoutComputeGradients,
  dropoutUpdateParameters,
} from './parameters.js';

/** Options of `new Dropout(...)` (EpyNN's `Dropout(drop_prob, axis)`). */
export interface DropoutOptions {
  /** Probability to drop each entry of the mask, in [0, 1). @default 0.5 */
  dropProb?: number;
  /**
   * Axes along which the mask is broadcast (the mask has size 1 there, so whole slices are kept or
   * dropped together); a number n means [n]. Negative axes count from the end. @default [] (one draw per entry)
   */
  axis?: number | readonly number[];
  /** Layer hyper-parameters; inherits from the model when undefined. */
  seHPars?: HPars;
}

/** The option names `new Dropout` accepts. */
export const DROPOUT_OPTIONS = ['dropProb', 'axis', 'seHPars'] as const;

/** Dropout's traits: samples independent, draws random numbers in forward while training. */
const DROPOUT_TRAITS: LayerTraits = Object.freeze({ ...INDEPENDENT_TRAITS, drawsRandom: true });

/**
 * Inverted dropout: A = X ⊙ D / (1 − dropProb) with D a 0/1 mask kept where uniform > dropProb.
 * Active only while the model trains (`layer.mode.phase === 'training'`); otherwise forward and backward
 * are the identity. NOTE: EpyNN has no such flag and also drops during evaluate()/predict().
 *
 * The mask is drawn from `layer.rng.uniform()` in row-major order of the mask shape `fs.D`;
 * tests fix the mask by replacing `layer.rng` with a stub whose uniform() returns chosen values.
 */
export class Dropout extends Layer {
  /** EpyNN `d['a']`: axes on which the mask has size 1 (kept here, as `d` only holds numbers). */
  axis: number[];

  constructor(options?: DropoutOptions) {
    const opts = checkOptions('Dropout', options, DROPOUT_OPTIONS, { call: 'new Dropout', primary: 'dropProb', example: '0.5' });
    super('Dropout', opts.seHPars);
    const { dropProb = 0.5, axis = [] } = opts;
    if (typeof dropProb !== 'number' || !(dropProb >= 0 && dropProb < 1)) {
      const E = typeof dropProb === 'number' && Number.isNaN(dropProb) ? NonFiniteError : EpyNNError;
      throw new E(`Dropout: dropProb must be a number in [0, 1), got ${show(dropProb)}`);
    }
    const axes = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(axes) || !axes.every((a) => typeof a === 'number' && Number.isInteger(a))) {
      throw new EpyNNError(`Dropout: axis must be an integer or an array of integers, got ${show(axis)}`);
    }
    this.d.d = dropProb;
    this.axis = [...axes];
    this.trainable = false;
  }

  /** Drop probability (EpyNN `d['d']`). */
  get dropProb(): number {
    return this.d.d;
  }

  /** Samples independent; draws its mask from `rng` while training (randomShape, presetUniforms). */
  override get traits(): LayerTraits {
    return DROPOUT_TRAITS;
  }

  /** The mask shape for m samples of shape `sample`: 1 on the broadcast axes (fs.D). */
  override randomShape(m: number, sample: readonly number[]): number[] {
    const ndim = sample.length + 1;
    const axes = this.axis.map((a) => (a < 0 ? a + ndim : a));
    return [m, ...sample].map((s, ax) => (axes.includes(ax) ? 1 : s));
  }

  computeShapes(A: NDArray): void {
    dropoutComputeShapes(this, A);
  }

  initializeParameters(): void {
    dropoutInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    // Shapes are recomputed on every call, as in EpyNN (batches may differ in size)
    this.computeShapes(A);
    A = this.fc.A = dropoutForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = dropoutBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    dropoutComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) dropoutUpdateParameters(this);
  }

  toConfig(): { dropProb: number; axis: number[] } {
    return { dropProb: this.d.d, axis: [...this.axis] };
  }
}
