// BatchNormalization shapes, parameters, gradients and updates (EpyNN's parameters.py layout).
import { checkSize, stateError } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { optimizerUpdate } from '../commons/models.js';
import { NDArray, fmt, full, zeros } from '../commons/ndarray.js';
import type { BatchNormalization } from './models.js';

/** Throws unless X is an NDArray of rank 2 or more (m, ..., n). */
export function checkBatchNormInput(where: string, X: unknown): asserts X is NDArray {
  if (!(X instanceof NDArray) || X.ndim < 2) {
    throw new ShapeError(
      `BatchNormalization: ${where} input A must have 2 dimensions or more, (m, n) after Dense or (m, h, w, d) after Convolution, got ${X instanceof NDArray ? `shape ${fmt(X.shape)}` : typeof X}`,
    );
  }
}

/** Compute forward shapes and dimensions from input for layer. */
export function batchNormComputeShapes(layer: BatchNormalization, A: NDArray): void {
  const X = A; // Input of current layer
  checkBatchNormInput('computeShapes', X);

  layer.fs.X = X.shape; // (m, ..., n)

  layer.d.m = X.shape[0]; // Number of samples (m)
  layer.d.n = X.shape[X.ndim - 1]; // Number of channels, the last axis (n: units after Dense, d after Convolution)
  layer.d.s = X.shape.slice(1, -1).reduce((a, b) => a * b, 1); // Values per channel and sample (h·w; 1 after Dense)

  // Shapes for parameters: one value per channel
  const C = [layer.d.n];
  if (layer.scale) layer.fs.gamma = C; // (n,) scale γ
  if (layer.center) layer.fs.beta = C; // (n,) offset β
  layer.fs.mean = C; // (n,) running mean
  layer.fs.var = C; // (n,) running variance
  checkSize('BatchNormalization', 'output A', X.shape);
}

/** Initialize parameters from shapes for layer: γ = 1, β = 0, running mean 0 and variance 1. */
export function batchNormInitializeParameters(layer: BatchNormalization): void {
  if (layer.fs.mean === undefined) throw stateError('BatchNormalization', 'initializeParameters', 'computeShapes');
  const C = layer.fs.mean;
  layer.p = {};
  if (layer.scale) layer.p.gamma = full(C, 1); // (n,)
  if (layer.center) layer.p.beta = zeros(C); // (n,)
  layer.p.mean = zeros(C); // (n,) not trained: moved by updateParameters
  layer.p.var = full(C, 1); // (n,) not trained: moved by updateParameters
}

/**
 * Compute gradients with respect to γ and β for layer, over the R = m·s rows of every channel c:
 *
 *   (1.1) dγ[c] = Σ_r dA[r, c] · X̂[r, c]
 *   (1.2) dβ[c] = Σ_r dA[r, c]
 *
 * The running statistics have no gradient.
 */
export function batchNormComputeGradients(layer: BatchNormalization): void {
  const Xh = layer.fc.Xh; // Normalized input of the forward pass (R, n)
  const dA = layer.bc.dA; // Gradient of the loss with respect to A (R, n)
  if (Xh === undefined || dA === undefined) {
    throw stateError('BatchNormalization', 'computeGradients', Xh === undefined ? 'forward' : 'backward');
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
      for (let c = 0; c < n; c++) dgamma[c] += da[o + c] * xh[o + c]; // (1.1)
    }
    layer.g.dgamma = new NDArray(dgamma, [n]);
  }
  if (layer.center) {
    const dbeta = new Float64Array(n);
    for (let r = 0, o = 0; r < R; r++, o += n) {
      for (let c = 0; c < n; c++) dbeta[c] += da[o + c]; // (1.2)
    }
    layer.g.dbeta = new NDArray(dbeta, [n]);
  }
}

/**
 * Update parameters for layer:
 *
 *   (2.1) γ, β by the layer's optimizer (EpyNN's SGD: γ -= lrate[e] · dγ, β -= lrate[e] · dβ)
 *   (2.2) mean ← (1 − momentum) · mean + momentum · μ_B                 (after a training forward)
 *   (2.3) var  ← (1 − momentum) · var  + momentum · σ²_B · R / (R − 1)  (the unbiased batch variance)
 */
export function batchNormUpdateParameters(layer: BatchNormalization): void {
  // (2.1) Optimizer step on γ and β (the running statistics have no gradient: the optimizer never sees them)
  optimizerUpdate(layer);
  if (!layer.runningDue) return; // no training forward since the last update: nothing to move them towards
  const mu = layer.fc.mu;
  const vb = layer.fc.var;
  if (mu === undefined || vb === undefined) throw stateError('BatchNormalization', 'updateParameters', 'forward');
  const R = layer.statRows; // values per channel in the batch
  const mom = layer.momentum;
  const mean = layer.p.mean.data;
  const vr = layer.p.var.data;
  const unbias = R / (R - 1);
  for (let c = 0; c < mean.length; c++) {
    mean[c] = (1 - mom) * mean[c] + mom * mu.data[c]; // (2.2)
    vr[c] = (1 - mom) * vr[c] + mom * (vb.data[c] * unbias); // (2.3)
  }
  layer.runningDue = false; // moved once per training forward
}
