// LayerNormalization shapes, parameters, gradients and updates (EpyNN's parameters.py layout).
import { checkSize, stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { optimizerUpdate } from '../commons/models.js';
import { NDArray, fmt, full, zeros } from '../commons/ndarray.js';
import type { LayerNormalization } from './models.js';

/** Throws unless X is an NDArray with the sample axis and the normalized axes (rank > axes). */
export function checkLayerNormInput(layer: LayerNormalization, where: string, X: unknown): asserts X is NDArray {
  if (!(X instanceof NDArray) || X.ndim < layer.axes + 1) {
    const want = layer.axes === 1 ? '2 dimensions or more, (m, n) or (m, ..., n)' : '4 dimensions or more, (m, h, w, d)';
    throw new ShapeError(
      `LayerNormalization: ${where} input A must have ${want} for axis ${JSON.stringify(layer.axis)}, got ${X instanceof NDArray ? `shape ${fmt(X.shape)}` : typeof X}`,
    );
  }
}

/** Compute forward shapes and dimensions from input for layer. */
export function layerNormComputeShapes(layer: LayerNormalization, A: NDArray): void {
  const X = A; // Input of current layer
  checkLayerNormInput(layer, 'computeShapes', X);

  layer.fs.X = X.shape; // (m, ..., n)

  const G = X.shape.slice(X.ndim - layer.axes); // the normalized axes
  layer.d.m = X.shape[0]; // Number of samples (m)
  layer.d.n = G.reduce((a, b) => a * b, 1); // Values normalized together (n: units, or h·w·d)

  // Shapes for parameters: the normalized axes
  if (layer.scale) layer.fs.gamma = G; // scale γ
  if (layer.center) layer.fs.beta = G; // offset β
  checkSize('LayerNormalization', 'output A', X.shape);
}

/** Initialize parameters from shapes for layer: γ = 1, β = 0. */
export function layerNormInitializeParameters(layer: LayerNormalization): void {
  if (layer.fs.X === undefined) throw stateError('LayerNormalization', 'initializeParameters', 'computeShapes');
  layer.p = {};
  if (layer.scale) layer.p.gamma = full(layer.fs.gamma, 1);
  if (layer.center) layer.p.beta = zeros(layer.fs.beta);
}

/**
 * Compute gradients with respect to γ and β for layer, over the R groups (samples, or sample
 * positions with axis -1) at every normalized position g:
 *
 *   (1.1) dγ[g] = Σ_r dA[r, g] · X̂[r, g]
 *   (1.2) dβ[g] = Σ_r dA[r, g]
 */
export function layerNormComputeGradients(layer: LayerNormalization): void {
  const Xh = layer.fc.Xh; // Normalized input of the forward pass (R, n)
  const dA = layer.bc.dA; // Gradient of the loss with respect to A (R, n)
  if (Xh === undefined || dA === undefined) {
    throw stateError('LayerNormalization', 'computeGradients', Xh === undefined ? 'forward' : 'backward');
  }
  const n = layer.d.n;
  const xh = Xh.data;
  const da = dA.data;
  const R = xh.length / n;
  layer.g = {};

  // (1) Gradient of the loss with respect to γ, β
  if (layer.scale) {
    const dgamma = new Float64Array(n);
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let k = 0; k < n; k++) dgamma[k] += da[o + k] * xh[o + k]; // (1.1)
    }
    layer.g.dgamma = new NDArray(dgamma, layer.p.gamma.shape);
  }
  if (layer.center) {
    const dbeta = new Float64Array(n);
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let k = 0; k < n; k++) dbeta[k] += da[o + k]; // (1.2)
    }
    layer.g.dbeta = new NDArray(dbeta, layer.p.beta.shape);
  }
}

/** Update parameters from gradients for layer with its optimizer (EpyNN's SGD: p -= lrate[e] · g), γ and β. */
export function layerNormUpdateParameters(layer: LayerNormalization): void {
  optimizerUpdate(layer);
}
