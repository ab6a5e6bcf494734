import { modelBackward } from './backward.js';
import { modelEvaluate } from './evaluate.js';
import { TrainingGuard } from './finite.js';
import { type ShardedTrainer, parallelEngine } from './hooks.js';
import type { EpyNN } from './models.js';
import { modelReport, singleBatchReport } from './report.js';

/** Trains from model.epochsDone to model.epochs (EpyNN model_training). */
export function modelTraining(model: EpyNN): void {
  // NaN/Infinity in a batch or the loss stop training with the last good epoch's parameters (finite.ts)
  const guard = new TrainingGuard(model);
  guard.start();
  // Each batch in shards over the threads (src/parallel): the same numbers for any thread count.
  // Undefined (each batch whole, on this thread) in compat: 'epynn' mode and for custom layers.
  const trainer = parallelEngine()?.trainer(model);
  try {
    trainEpochs(model, guard, trainer);
  } finally {
    trainer?.close();
  }
  // EpyNN's `for model.e in range(...)` leaves e on the last epoch trained; this for loop leaves it
  // one past. Set it back, so that the report row (lrate[e]), the written model's `e` and a later
  // forward's learning rate refer to the last epoch trained, as in EpyNN.
  model.e = model.epochs - 1;
}

function trainEpochs(model: EpyNN, guard: TrainingGuard, trainer: ShardedTrainer | undefined): void {
  // Iterate over training epochs
  for (model.e = model.startEpoch; model.e < model.epochs; model.e++) {
    guard.startEpoch();
    // Shuffle dtrain and prepare new batches
    const batches = model.embedding.trainingBatches();

    // Iterate over training batches. Every layer output is consumed within its step, so layers may
    // reuse their output buffers from batch to batch (Layer.reuseOutputs); evaluation gets fresh arrays.
    const batchMode = (on: boolean): void => {
      model.setTraining(on);
      for (const layer of model.layers) layer.reuseOutputs = on;
    };
    batchMode(true);
    try {
      batches.forEach((batch, i) => {
        // Pass through every layer.forward() methods (with a trainer: forward and backward of every
        // shard, the gradients summed in a fixed order)
        const A = trainer !== undefined ? trainer.step(batch.X, batch.Y!) : model.forward(batch.X);
        // Compute derivative of loss
        const dA = model.trainingLoss(batch.Y!, A, true);
        guard.afterForward(batch, A, dA, i, batches.length);
        // Pass through every layer.backward() methods (with the update); dL/dX of the input is not
        // needed. With a trainer the gradients are there already: only the update.
        if (trainer !== undefined) trainer.update();
        else modelBackward(model, dA, { inputGradient: false });
        guard.afterUpdate(i, batches.length);
        // Accuracy and cost for batch
        singleBatchReport(model, batch, A, i, batches.length);
      });
    } finally {
      batchMode(false);
    }

    // Selected metrics and costs for dsets (timed: the progress line's time to completion includes it)
    const t0 = Date.now();
    modelEvaluate(model);
    model.evalTime += Date.now() - t0;
    model.evalCount++;
    guard.afterEvaluate();
    model.epochsDone = model.e + 1;

    // Tabular report for dsets
    modelReport(model);
  }
}
