import type { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/** Forward propagate X through every layer; returns the output of the last layer. */
export function modelForward(model: EpyNN, X: NDArray): NDArray {
  // By convention
  let A = X;

  // Iterate over layers
  for (const layer of model.layers) {
    layer.e = model.e; // For learning rate schedule
    A = layer.forward(A); // Layer fills layer.fc and layer.fs
  }

  return A; // To derivative of loss function
}
