import type { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/**
 * Backward propagate dA through the layers in reverse order. As in EpyNN, each layer computes
 * its gradients and updates its parameters right after its own backward pass.
 */
export function modelBackward(model: EpyNN, dA: NDArray): NDArray {
  // By convention
  let dX = dA;

  // Iterate over reversed layers
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    dX = layer.backward(dX); // Layer fills layer.bc and layer.bs
    layer.computeGradients(); // Update values in layer.g
    layer.updateParameters(); // Update values in layer.p
  }

  return dX;
}
