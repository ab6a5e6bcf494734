import { evaluateMetric } from '../commons/metrics.js';
import type { NDArray } from '../commons/ndarray.js';
import { modelForward, modelForwardBatched } from './forward.js';
import { decide } from './predict.js';
import { withMode } from './mode.js';
import type { EpyNN } from './models.js';

/**
 * Computes every metric (and the loss) on dtrain, dval and dtest with the current parameters, and
 * appends the values to model.metrics[name][k] (k = 0, 1, 2 for dtrain, dval, dtest).
 * NOTE: EpyNN indexes by position among the non-empty sets, so an empty dval would put dtest's
 * values in dval's slot; we keep each set in its own slot.
 */
export function modelEvaluate(model: EpyNN): void {
  const emb = model.embedding;
  [emb.dtrain, emb.dval, emb.dtest].forEach((dset, k) => {
    if (!dset.active || dset.Y === undefined) return;
    // compat: 'epynn': one forward per set, as EpyNN (Dropout draws its masks here too, in EpyNN's order)
    dset.A = model.compat === 'epynn' ? withMode(model, 'evaluation', {}, () => modelForward(model, dset.X)) : modelForwardBatched(model, dset.X, undefined, 'evaluation');
    dset.P = decide(dset.A, dset.Y.shape[1] > 1);
    for (const name of Object.keys(model.metrics)) {
      model.metrics[name][k].push(evaluateMetric(name, dset.Y, dset.A));
    }
  });
}

/** Accuracy and cost of one batch (EpyNN batch_evaluate). */
export function batchEvaluate(model: EpyNN, Y: NDArray, A: NDArray): { accuracy: number; cost: number } {
  return { accuracy: evaluateMetric('accuracy', Y, A), cost: evaluateMetric(model.loss, Y, A) };
}
