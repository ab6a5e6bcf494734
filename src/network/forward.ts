import { checkLayerOutput } from '../commons/models.js';
import { NDArray } from '../commons/ndarray.js';
import { parallelEngine } from './hooks.js';
import { withMode } from './mode.js';
import type { EpyNN } from './models.js';

/** Forward propagate X through every layer; returns the output of the last layer. */
export function modelForward(model: EpyNN, X: NDArray): NDArray {
  // By convention
  let A = X;

  // Iterate over layers
  for (const layer of model.layers) {
    layer.e = model.e; // For learning rate schedule
    A = checkLayerOutput(layer, 'forward', layer.forward(A)); // Layer fills layer.fc and layer.fs
  }

  return A; // To derivative of loss function
}

/** Samples per forward pass when evaluating or predicting: bounds the memory of the layer caches. */
export const EVAL_BATCH = 32;

/**
 * Forward pass over many samples, `batch` at a time, with the outputs concatenated. Gives the same
 * outputs as one forward pass (outside training every layer treats samples independently), with the
 * caches of a single batch instead of the whole set in memory. Only the last layer's output is kept
 * (copied out), so the layers reuse their output buffers from chunk to chunk (Mode.reuseOutputs):
 * no fresh multi-megabyte arrays per chunk, and on the WebAssembly backend the kernels work in place.
 * No backward follows (Mode.forwardOnly): layers that can keep less do.
 */
export function modelForwardBatched(model: EpyNN, X: NDArray, batch = EVAL_BATCH, phase: 'evaluation' | 'prediction' = 'prediction'): NDArray {
  // The same chunks over several threads when src/parallel takes them (the same outputs)
  const spread = parallelEngine()?.forward(model, X, batch, phase);
  if (spread !== undefined) return spread;
  const m = X.shape[0];
  const xRow = m === 0 ? 0 : X.data.length / m;
  let out: Float64Array | undefined;
  let outShape: number[] = [];
  withMode(model, phase, { reuseOutputs: true }, () => {
    for (let start = 0; start < m; start += batch) {
      const end = Math.min(m, start + batch);
      const chunk = m <= batch ? X : new NDArray(X.data.subarray(start * xRow, end * xRow), [end - start, ...X.shape.slice(1)]);
      const A = modelForward(model, chunk);
      const aRow = A.data.length / (end - start);
      if (out === undefined) {
        out = new Float64Array(m * aRow);
        outShape = [m, ...A.shape.slice(1)];
      }
      out.set(A.data, start * aRow);
    }
  });
  if (out === undefined) return withMode(model, phase, {}, () => modelForward(model, X)); // no samples: whatever the layers make of it
  return new NDArray(out, outShape);
}
