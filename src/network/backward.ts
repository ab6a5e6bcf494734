import { checkLayerOutput } from '../commons/models.js';
import { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/**
 * Backward propagate dA through the layers in reverse order. As in EpyNN, each layer computes
 * its gradients and updates its parameters right after its own backward pass.
 *
 * With `inputGradient: false` (the training loop), the gradient with respect to the network's input
 * is not needed: the layer after the Embedding may skip it (Layer.skipDX), and the Embedding, which
 * only passes it back, is not called. The returned array is then empty.
 */
export function modelBackward(model: EpyNN, dA: NDArray, { inputGradient = true } = {}): NDArray {
  // By convention
  let dX = dA;

  // Iterate over reversed layers
  for (let i = model.layers.length - 1; i >= (inputGradient ? 0 : 1); i--) {
    const layer = model.layers[i];
    layer.skipDX = !inputGradient && i === 1;
    try {
      dX = checkLayerOutput(layer, 'backward', layer.backward(dX)); // Layer fills layer.bc and layer.bs
    } finally {
      layer.skipDX = false;
    }
    layer.computeGradients(); // Update values in layer.g
    layer.updateParameters(); // Update values in layer.p
  }

  return inputGradient ? dX : new NDArray(new Float64Array(0), [0]);
}
