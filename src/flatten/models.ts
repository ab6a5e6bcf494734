// Flatten layer (EpyNN flatten/models.py): (m, ...) -> (m, n), no parameters.
import { checkOptions, checkLayerInput } from '../commons/checks.js';
import { Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { flattenBackward } from './backward.js';
import { flattenForward } from './forward.js';
import {
  flattenComputeGradients,
  flattenComputeShapes,
  flattenInitializeParameters,
  flattenUpdateParameters,
} from './parameters.js';

/** Flatten takes no options (EpyNN's Flatten() has none). */
export type FlattenOptions = Record<string, never>;

/** Reshapes (m, d1, d2, ...) to (m, d1·d2·...) and back in backward. Shares data, never copies. */
export class Flatten extends Layer {
  constructor(options?: FlattenOptions) {
    checkOptions('Flatten', options, [], { call: 'new Flatten' });
    super('Flatten');
    this.trainable = false;
  }

  /** Samples independent in every mode; draws nothing; no batch statistics; no clipping. */
  override get traits(): LayerTraits {
    return INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    flattenComputeShapes(this, A);
  }

  initializeParameters(): void {
    flattenInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    this.computeShapes(A); // Flatten recomputes its shapes on every call (EpyNN)
    A = flattenForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = flattenBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    flattenComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) flattenUpdateParameters(this);
  }

  toConfig(): Record<string, never> {
    return {};
  }
}
