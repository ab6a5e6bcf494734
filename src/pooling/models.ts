// Pooling layer (EpyNN epynn/pooling/models.py).
import { Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import { checkOneOf, checkOptions, checkPair, checkLayerInput } from '../commons/checks.js';
import type { NDArray } from '../commons/ndarray.js';
import type { HPars } from '../settings.js';
import { poolingForward } from './forward.js';
import { poolingBackward } from './backward.js';
import {
  poolingComputeShapes,
  poolingInitializeParameters,
  poolingComputeGradients,
  poolingUpdateParameters,
} from './parameters.js';

/** Pooling operations: EpyNN's np.max / np.min, plus 'mean' (not in EpyNN). */
export const POOLS = ['max', 'min', 'mean'] as const;
/** A pooling function name: one of `POOLS`. */
export type PoolName = (typeof POOLS)[number];

/** Options of `new Pooling(...)` (EpyNN's `Pooling(pool_size, strides, pool)`). */
export interface PoolingOptions {
  /** Height and width of the pooling window; a number n means [n, n]. @default [2, 2] */
  poolSize?: number | readonly [number, number];
  /** Height and width to shift the window by; a number n means [n, n]; null or undefined means poolSize. @default poolSize */
  strides?: number | readonly [number, number] | null;
  /** Pooling operation over each window: 'max', 'min' or 'mean'. @default 'max' */
  pool?: PoolName;
  /** Layer hyper-parameters; inherits from the model when undefined. */
  seHPars?: HPars;
}

/** The option names `new Pooling` accepts. */
export const POOLING_OPTIONS = ['poolSize', 'strides', 'pool', 'seHPars'] as const;

/**
 * Pooling layer: max, min or mean over (ph, pw) windows moved by (sh, sw), per channel.
 * X (m, h, w, d) -> A (m, oh, ow, d) with oh = ⌊(h − ph)/sh⌋ + 1, ow = ⌊(w − pw)/sw⌋ + 1.
 * No padding; no parameters.
 */
export class Pooling extends Layer {
  /** Pooling operation name. */
  pool: PoolName;

  constructor(options?: PoolingOptions) {
    const opts = checkOptions('Pooling', options, POOLING_OPTIONS, { call: 'new Pooling', primary: 'poolSize', example: '2' });
    super('Pooling', opts.seHPars);
    const { poolSize = [2, 2], strides, pool = 'max' } = opts;
    const [ph, pw] = checkPair('Pooling', 'poolSize', poolSize);
    // NOTE: EpyNN silently replaces a non-tuple strides (an int) by pool_size; here a number n means [n, n]
    const [sh, sw] = strides === undefined || strides === null ? [ph, pw] : checkPair('Pooling', 'strides', strides);
    checkOneOf('Pooling', 'pool', pool, POOLS);
    this.d.ph = ph;
    this.d.pw = pw;
    this.d.sh = sh;
    this.d.sw = sw;
    this.pool = pool;
    this.activation = { pool };
    this.trainable = false;
  }

  /** Samples independent in every mode; draws nothing; no batch statistics; no clipping. */
  override get traits(): LayerTraits {
    return INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    poolingComputeShapes(this, A);
  }

  initializeParameters(): void {
    poolingInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    // Shapes are recomputed on every call, as in EpyNN (batches may differ in size)
    this.computeShapes(A);
    A = poolingForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = poolingBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    poolingComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) poolingUpdateParameters(this);
  }

  toConfig(): { poolSize: [number, number]; strides: [number, number]; pool: PoolName } {
    return { poolSize: [this.d.ph, this.d.pw], strides: [this.d.sh, this.d.sw], pool: this.pool };
  }
}
