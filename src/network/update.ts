// The update of a training step: optional clipping, then every layer's parameters by its optimizer,
// last layer first.
import { clipGradient } from '../commons/maths.js';
import { clipByGlobalNorm, clipByValue, parameterGradients } from '../optimizers/clip.js';
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
 * Before: the layers' own clipping of summed shards, then the model's clipping of all gradients
 * together (`clipValue`, then `clipNorm`; initialize options). EpyNN updates each layer right after its
 * own backward; a layer's backward reads only its own parameters, so updating after the whole backward
 * pass gives the same bits.
 */
export function modelUpdate(model: EpyNN, { summedShards = false }: UpdateOptions = {}): void {
  const layers = model.layers;
  if (summedShards) {
    for (let i = layers.length - 1; i >= 1; i--) {
      if (layers[i].traits.clipsGradients) clipGradient(layers[i]); // by the norm of the whole batch's gradients
    }
  }
  if (model.clipValue !== undefined || model.clipNorm !== undefined) {
    const grads = parameterGradients(layers.slice(1));
    if (model.clipValue !== undefined) clipByValue(grads, model.clipValue);
    if (model.clipNorm !== undefined) clipByGlobalNorm(grads, model.clipNorm);
  }
  for (let i = layers.length - 1; i >= 1; i--) {
    const layer = layers[i];
    layer.e = model.e; // learning rate schedule
    layer.updateParameters();
  }
}
