import { scheduleLrate } from '../commons/schedule.js';
import { checkHPars } from '../commons/checks.js';
import type { EpyNN } from './models.js';

/** Layers without their own seHPars share the model's (EpyNN model_hyperparameters). */
export function modelHyperparameters(model: EpyNN): void {
  for (const layer of model.layers) {
    if (layer.seHPars === undefined || model.inheritedHPars.has(layer)) {
      layer.seHPars = model.seHPars;
      model.inheritedHPars.add(layer);
    }
  }
}

/**
 * Learning-rate schedule of every layer over the model's total epochs (EpyNN model_learning_rate), then
 * scaled by `model.lrScale` (1 unless reduceLROnPlateau lowered it): lr'[e] = max(lr[e]·scale, min(lr[e],
 * lrFloor)), so a reduction never goes below lrFloor and never raises the schedule. From epoch
 * `fromEpoch` on (the earlier epochs keep their rates: they were trained with them).
 */
export function modelLearningRate(model: EpyNN, fromEpoch = 0): void {
  for (const layer of model.layers) {
    // Checked at every train(), not only at initialize: seHPars objects are public and mutable
    checkHPars(`EpyNN.train: ${layer.name}`, layer.seHPars);
    const { seHPars, lrate } = scheduleLrate(layer.seHPars!, model.epochs);
    layer.seHPars = seHPars;
    const scale = model.lrScale;
    const scaled = scale === 1 ? lrate : lrate.map((lr) => Math.max(lr * scale, Math.min(lr, model.lrFloor)));
    if (fromEpoch === 0 || layer.lrate.length !== scaled.length) layer.lrate = scaled;
    else for (let j = fromEpoch; j < scaled.length; j++) layer.lrate[j] = scaled[j];
  }
}
