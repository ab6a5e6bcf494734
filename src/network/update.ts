// The update of a training step: every layer's parameters by its optimizer, last layer first.
import { clipGradient } from '../commons/maths.js';
import type { EpyNN } from './models.js';

/** Options of modelUpdate. */
export interface UpdateOptions {
  /**
   * The gradients are the sums of a batch's shards (src/parallel): what a layer does on the gradients of
   * the whole batch is done here (traits.clipsGradients: clipping by the norm). @default false
   */
  summedShards?: boolean;
}

/**
 * Applies the gradients in every layer's `g` to its parameters (layer.updateParameters(): the layer's
 * optimizer at the scheduled learning rate), from the last layer to the first after the Embedding.
 * EpyNN updates each layer right after its own backward; a layer's backward reads only its own
 * parameters, so updating after the whole backward pass gives the same bits.
 */
export function modelUpdate(model: EpyNN, { summedShards = false }: UpdateOptions = {}): void {
  for (let i = model.layers.length - 1; i >= 1; i--) {
    const layer = model.layers[i];
    layer.e = model.e; // learning rate schedule
    if (summedShards && layer.traits.clipsGradients) clipGradient(layer); // by the norm of the whole batch's gradients
    layer.updateParameters();
  }
}
