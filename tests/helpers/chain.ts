// Several layers as one, for the gradient checks of a layer in its placement (Dense → BatchNorm,
// Convolution → LayerNorm, ...): forward and backward through all of them, every parameter under
// `<index>.<key>` (the layers' own arrays: perturbing one perturbs the layer's).
import { Layer } from '../../src/commons/models.js';
import type { NDArray } from '../../src/commons/ndarray.js';

export class Chain extends Layer {
  constructor(readonly layers: Layer[]) {
    super('Chain');
  }

  /** computeShapes and initializeParameters of every layer, each on the previous one's output. */
  build(X: NDArray): void {
    let A = X;
    for (const layer of this.layers) {
      layer.computeShapes(A);
      layer.initializeParameters();
      A = layer.forward(A);
    }
    this.collect();
  }

  /** Points `p` at every layer's parameters (after a layer replaced an array). */
  collect(): void {
    this.p = {};
    this.layers.forEach((layer, i) => {
      for (const [k, v] of Object.entries(layer.p)) this.p[`${i}.${k}`] = v;
    });
  }

  set trainingMode(on: boolean) {
    for (const layer of this.layers) layer.training = on;
  }

  computeShapes(): void {}
  initializeParameters(): void {}
  forward(A: NDArray): NDArray {
    for (const layer of this.layers) A = layer.forward(A);
    return A;
  }
  backward(dA: NDArray): NDArray {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      dA = this.layers[i].backward(dA);
      this.layers[i].computeGradients();
    }
    return dA;
  }
  computeGradients(): void {
    this.g = {};
    this.layers.forEach((layer, i) => {
      for (const [k, v] of Object.entries(layer.g)) this.g[`d${i}.${k.slice(1)}`] = v;
    });
  }
  updateParameters(): void {}
  toConfig(): Record<string, unknown> {
    return {};
  }
}
