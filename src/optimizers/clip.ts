// Clipping of all a model's gradients together, before the update (torch.nn.utils.clip_grad_norm_ and
// clip_grad_value_; Keras' global_clipnorm and clipvalue). EpyNN's own clip_gradient (LSTM, GRU, RNN
// with clipGradients) clips one layer's gradients and is the layer's business (commons/maths.ts).
import type { Layer } from '../commons/models.js';

/** Added to the total norm before dividing (torch's clip_grad_norm_). */
export const CLIP_NORM_EPS = 1e-6;

/** The gradient arrays of the layers' parameters (g['d' + k] for every p[k]), in layer and key order. */
export function parameterGradients(layers: readonly Layer[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const layer of layers) {
    if (!layer.trainable) continue;
    for (const key of Object.keys(layer.p)) {
      const G = layer.g[`d${key}`];
      if (G !== undefined) out.push(G.data);
    }
  }
  return out;
}

/**
 * Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the 2-norm of all of them together
 * (computed as torch does: the norm of the arrays' norms). Returns the norm before clipping.
 */
export function clipByGlobalNorm(grads: readonly Float64Array[], maxNorm: number): number {
  let total = 0;
  for (const g of grads) {
    let sq = 0;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const n = Math.sqrt(sq);
    total += n * n;
  }
  total = Math.sqrt(total);
  const coef = Math.min(maxNorm / (total + CLIP_NORM_EPS), 1);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

/** Clamps every gradient value to [−value, value]. */
export function clipByValue(grads: readonly Float64Array[], value: number): void {
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i];
      if (v > value) g[i] = value;
      else if (v < -value) g[i] = -value;
    }
  }
}
