// Pooling layer (EpyNN epynn/pooling/models.py).
import { Layer } from '../commons/models.js';
import { EpyNNError } from '../commons/errors.js';
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

/** [h, w] from a number or a pair, both positive integers; throws naming the option otherwise. */
function positivePair(value: unknown, option: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  const ok = Array.isArray(pair) && pair.length === 2 && pair.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0);
  if (!ok) {
    throw new EpyNNError(
      `Pooling: ${option} must be a positive integer or [h, w] of positive integers, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return [pair[0], pair[1]];
}

/**
 * Pooling layer: max, min or mean over (ph, pw) windows moved by (sh, sw), per channel.
 * X (m, h, w, d) -> A (m, oh, ow, d) with oh = ⌊(h − ph)/sh⌋ + 1, ow = ⌊(w − pw)/sw⌋ + 1.
 * No padding; no parameters.
 */
export class Pooling extends Layer {
  /** Pooling operation name. */
  pool: PoolName;

  constructor({ poolSize = [2, 2], strides, pool = 'max', seHPars }: PoolingOptions = {}) {
    super('Pooling', seHPars);
    const [ph, pw] = positivePair(poolSize, 'poolSize');
    // NOTE: EpyNN silently replaces a non-tuple strides (an int) by pool_size; here a number n means [n, n]
    const [sh, sw] = strides === undefined || strides === null ? [ph, pw] : positivePair(strides, 'strides');
    if (!(POOLS as readonly unknown[]).includes(pool)) {
      throw new EpyNNError(`Pooling: pool must be one of ${POOLS.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(pool) ?? String(pool)}`);
    }
    this.d.ph = ph;
    this.d.pw = pw;
    this.d.sh = sh;
    this.d.sw = sw;
    this.pool = pool;
    this.activation = { pool };
    this.trainable = false;
  }

  computeShapes(A: NDArray): void {
    poolingComputeShapes(this, A);
  }

  initializeParameters(): void {
    poolingInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
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
