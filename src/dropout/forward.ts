// Dropout layer forward pass (EpyNN epynn/dropout/forward.py).
import { ShapeError } from '../errors.js';
import { type NDArray, fmt, zeros } from '../commons/ndarray.js';
import type { Dropout } from './models.js';

/** Forward cache initialization. */
function initializeForward(layer: Dropout, A: NDArray): NDArray {
  const X = (layer.fc.X = A); // read only: never written to
  return X;
}

/**
 * Y = X ⊙ D / (1 − p) with D broadcast to X's shape (D has size 1 on the layer's axes).
 * The same kernel serves forward (X, A) and backward (dA, dX). Works on any rank.
 */
export function applyMask(X: NDArray, D: NDArray, p: number): NDArray {
  const Y = zeros(X.shape);
  const x = X.data;
  const dm = D.data;
  const y = Y.data;
  const keep = 1 - p;
  if (dm.length === x.length) {
    // Fast path: no broadcast axis of size > 1
    for (let i = 0; i < x.length; i++) y[i] = (x[i] * dm[i]) / keep;
    return Y;
  }
  // Broadcast: walk X in row-major order with an odometer over its multi-index; the mask offset
  // advances by the mask's stride on each axis, which is 0 where the mask has size 1.
  const ndim = X.ndim;
  const shape = X.shape;
  const dStride = new Array<number>(ndim).fill(0);
  for (let ax = ndim - 1, s = 1; ax >= 0; ax--) {
    dStride[ax] = D.shape[ax] === 1 ? 0 : s;
    s *= D.shape[ax];
  }
  const last = ndim - 1;
  const nLast = shape[last];
  const sLast = dStride[last];
  const idx = new Array<number>(ndim).fill(0);
  let dOff = 0;
  for (let i = 0; i < x.length; i += nLast) {
    for (let k = 0; k < nLast; k++) y[i + k] = (x[i + k] * dm[dOff + k * sLast]) / keep;
    // Advance the odometer on axes 0..last-1
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]++;
      dOff += dStride[ax];
      if (idx[ax] < shape[ax]) break;
      dOff -= dStride[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return Y;
}

/**
 * Forward propagate signal to next layer.
 *
 *   (2) U ~ uniform(0, 1)          fs.D (1 on the broadcast axes)
 *   (3) D = [U > p]                0/1 mask
 *   (4) A = X ⊙ D                  broadcast to (m, ...)
 *   (5) A = A / (1 − p)            inverted dropout: expectations unchanged
 *
 * Only while training (`layer.training`); otherwise A is a copy of X and fc.D is removed.
 */
export function dropoutForward(layer: Dropout, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, ...)

  if (!layer.training && !layer.epynnCompat) {
    // Evaluation: identity (EpyNN drops here too; the port does only in compat: 'epynn' mode)
    delete layer.fc.D;
    return X.copy(); // (m, ...)
  }

  const p = layer.d.d;

  // (2) Generate dropout mask
  // (3) Apply a step function with respect to drop_prob
  //     } fused: one uniform per mask entry, row-major, kept where u > p
  const D = zeros(layer.fs.D); // fs.D
  const dm = D.data;
  const compat = layer.epynnCompat;
  const preset = layer.presetUniforms; // drawn beforehand for a shard of the batch (src/parallel)
  if (preset !== undefined && preset.length !== dm.length) {
    throw new ShapeError(`Dropout: the mask drawn beforehand has ${preset.length} values, the mask of shape ${fmt(layer.fs.D)} needs ${dm.length}`);
  }
  for (let i = 0; i < dm.length; i++) {
    const u = preset !== undefined ? preset[i] : layer.rng.uniform();
    // NOTE: p = 0 keeps everything even if u is exactly 0 (EpyNN's `u > 0` would drop it; compat mode does)
    dm[i] = u > p || (p === 0 && !compat) ? 1 : 0;
  }
  layer.fc.D = D;

  // (4) Drop data points
  // (5) Scale up signal
  //     } fused in one loop: (X · D) / (1 − p), in EpyNN's order of operations
  A = applyMask(X, D, p); // (m, ...)

  return A; // To next layer
}

