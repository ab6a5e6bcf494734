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

/** Learning-rate schedule of every layer over the model's total epochs (EpyNN model_learning_rate). */
export function modelLearningRate(model: EpyNN): void {
  for (const layer of model.layers) {
    // Checked at every train(), not only at initialize: seHPars objects are public and mutable
    checkHPars(`EpyNN.train: ${layer.name}`, layer.seHPars);
    const { seHPars, lrate } = scheduleLrate(layer.seHPars!, model.epochs);
    layer.seHPars = seHPars;
    layer.lrate = lrate;
  }
}
