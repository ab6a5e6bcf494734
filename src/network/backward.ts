import { checkLayerOutput } from '../commons/models.js';
import { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/**
 * Backward propagate dA through the layers in reverse order. As in EpyNN, each layer computes
 * its gradients and updates its parameters right after its own backward pass (with `update: false`,
 * the training loop's, only the gradients: network/update.ts updates after the whole pass).
 *
 * With `inputGradient: false` (the training loop), the gradient with respect to the network's input
 * is not needed: the Embedding, which only passes it back, is not called, and the layer after it may
 * skip dX (its Mode.skipDX, set by the loop). The returned array is then empty.
 */
export function modelBackward(model: EpyNN, dA: NDArray, { inputGradient = true, update = true } = {}): NDArray {
  // By convention
  let dX = dA;

  // Iterate over reversed layers
  for (let i = model.layers.length - 1; i >= (inputGradient ? 0 : 1); i--) {
    const layer = model.layers[i];
    dX = checkLayerOutput(layer, 'backward', layer.backward(dX)); // Layer fills layer.bc and layer.bs
    layer.computeGradients(); // Update values in layer.g
    if (update) layer.updateParameters(); // Update values in layer.p
  }

  return inputGradient ? dX : new NDArray(new Float64Array(0), [0]);
}
