import type { Callback, CallbackEvent, CallbackHook, StopWhen } from '../callbacks/callback.js';
import { EpyNNError } from '../errors.js';
import { modelBackward } from './backward.js';
import { modelEvaluate } from './evaluate.js';
import { TrainingGuard } from './finite.js';
import { type ShardedTrainer, parallelEngine } from './hooks.js';
import type { EpyNN } from './models.js';
import { withMode } from './mode.js';
import { modelReport, singleBatchReport } from './report.js';
import { batchEvaluate } from './evaluate.js';
import { modelUpdate } from './update.js';

/** The metrics of the last epoch as callback logs: `<set>.<metric>`, and the loss again as `<set>.loss`. */
export function epochLogs(model: EpyNN): Record<string, number> {
  const logs: Record<string, number> = {};
  const sets = ['dtrain', 'dval', 'dtest'];
  for (const [name, values] of Object.entries(model.metrics)) {
    for (const k of model.activeSlots) {
      const v = values[k];
      if (v.length === 0) continue;
      logs[`${sets[k]}.${name}`] = v[v.length - 1];
      if (name === model.loss) logs[`${sets[k]}.loss`] = v[v.length - 1];
    }
  }
  return logs;
}

/** Calls the callbacks' hooks; records a stop asked for by any of them. */
class Callbacks {
  /** The earliest stop asked for so far (undefined: none). */
  stopWhen: StopWhen | undefined;

  constructor(
    private readonly model: EpyNN,
    private readonly list: readonly Callback[],
  ) {}

  /** Calls `hook` on every callback; an error thrown by one is rethrown naming the hook, epoch and batch. */
  call(hook: CallbackHook, batch: number, batches: number, logs: () => Record<string, number>): void {
    if (!this.list.some((cb) => cb[hook] !== undefined)) return;
    const event: CallbackEvent = {
      model: this.model,
      epoch: this.model.e,
      batch,
      batches,
      logs: Object.freeze(logs()),
      stop: (when: StopWhen = 'epoch') => {
        if (when !== 'batch' && when !== 'epoch') throw new EpyNNError(`stop: when must be 'batch' or 'epoch', got ${String(when)}`);
        if (this.stopWhen !== 'batch') this.stopWhen = when;
      },
    };
    for (const [i, cb] of this.list.entries()) {
      const f = cb[hook];
      if (f === undefined) continue;
      try {
        f.call(cb, event);
      } catch (err) {
        const where = batch >= 0 ? `epoch ${event.epoch}, batch ${batch}/${batches - 1}` : `epoch ${event.epoch}`;
        throw new EpyNNError(`EpyNN.train: callbacks[${i}].${hook} threw at ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }
}

/** Trains from model.epochsDone to model.epochs (EpyNN model_training), calling `callbacks` on the way. */
export function modelTraining(model: EpyNN, callbacks: readonly Callback[] = []): void {
  // NaN/Infinity in a batch or the loss stop training with the last good epoch's parameters (finite.ts)
  const guard = new TrainingGuard(model);
  guard.start();
  const hooks = new Callbacks(model, callbacks);
  // Each batch in shards over the threads (src/parallel): the same numbers for any thread count.
  // Undefined (each batch whole, on this thread) in compat: 'epynn' mode and for layers that do not
  // declare their samples independent.
  const trainer = parallelEngine()?.trainer(model);
  try {
    model.e = model.startEpoch;
    try {
      hooks.call('onTrainBegin', -1, 0, () => epochLogs(model));
    } catch (err) {
      model.epochs = model.epochsDone; // nothing trained
      throw err;
    }
    trainEpochs(model, guard, trainer, hooks);
  } finally {
    trainer?.close();
  }
  // EpyNN's `for model.e in range(...)` leaves e on the last epoch trained; this for loop leaves it
  // one past. Set it back, so that the report row (lrate[e]), the written model's `e` and a later
  // forward's learning rate refer to the last epoch trained, as in EpyNN.
  model.e = model.epochs - 1;
  hooks.call('onTrainEnd', -1, 0, () => epochLogs(model));
}

function trainEpochs(model: EpyNN, guard: TrainingGuard, trainer: ShardedTrainer | undefined, hooks: Callbacks): void {
  // Iterate over training epochs
  for (model.e = model.startEpoch; model.e < model.epochs; model.e++) {
    guard.startEpoch();
    // A callback that throws before the epoch is over leaves the model as it was at the epoch's start
    // (parameters, optimizer state, random states): never half-updated
    let n = 0;
    try {
      hooks.call('onEpochBegin', -1, 0, () => epochLogs(model));
      // Shuffle dtrain and prepare new batches
      const batches = model.embedding.trainingBatches();
      n = batches.length;

      // Iterate over training batches. Every layer output is consumed within its step, so layers may
      // reuse their output buffers from batch to batch (Mode.reuseOutputs); dL/dX of the network's
      // input is not needed (Mode.skipDX on the layer after the Embedding). Evaluation has its own mode.
      withMode(model, 'training', { reuseOutputs: true, inputGradient: false }, () => {
        for (let i = 0; i < batches.length; i++) {
          const batch = batches[i];
          hooks.call('onBatchBegin', i, n, () => ({}));
          // Pass through every layer.forward() methods (with a trainer: forward and backward of every
          // shard, the gradients summed in a fixed order)
          const A = trainer !== undefined ? trainer.step(batch.X, batch.Y!) : model.forward(batch.X);
          // Compute derivative of loss
          const dA = model.trainingLoss(batch.Y!, A, true);
          guard.afterForward(batch, A, dA, i, batches.length);
          // Pass through every layer.backward() methods; with a trainer the gradients are there already.
          // Then the update of every layer by its optimizer (network/update.ts), last layer first.
          if (trainer === undefined) modelBackward(model, dA, { inputGradient: false, update: false });
          modelUpdate(model, { summedShards: trainer !== undefined });
          guard.afterUpdate(i, batches.length);
          // Accuracy and cost for batch
          singleBatchReport(model, batch, A, i, batches.length);
          hooks.call('onBatchEnd', i, n, () => ({ ...batchEvaluate(model, batch.Y!, A) }));
          if (hooks.stopWhen === 'batch') break;
        }
      });
    } catch (err) {
      if (err instanceof EpyNNError && /^EpyNN\.train: callbacks\[/.test(err.message)) guard.restore();
      throw err;
    }

    // Selected metrics and costs for dsets (timed: the progress line's time to completion includes it)
    const t0 = Date.now();
    modelEvaluate(model);
    model.evalTime += Date.now() - t0;
    model.evalCount++;
    guard.afterEvaluate();
    model.epochsDone = model.e + 1;
    const logs = epochLogs(model);
    model.history.epoch.push(model.e);
    for (const [k, v] of Object.entries(logs)) (model.history.logs[k] ??= []).push(v);
    // A stop asked for by a callback: this epoch is the last one (the report row printed, the table closed)
    if (hooks.stopWhen !== undefined) model.epochs = model.epochsDone;

    // Tabular report for dsets
    modelReport(model);
    try {
      hooks.call('onEpochEnd', -1, 0, () => logs);
    } catch (err) {
      model.epochs = model.epochsDone; // this epoch is done; none after it
      closeReport(model);
      throw err;
    }
    if (hooks.stopWhen !== undefined && model.epochs !== model.epochsDone) {
      model.epochs = model.epochsDone;
      closeReport(model);
    }
  }
}

/** Prints what is left of the metrics table (a stop decided after the epoch's report). */
function closeReport(model: EpyNN): void {
  // modelReport prints the table at the last epoch (model.epochs is set to end here); this epoch's row
  // may be in the table already: it is added again
  const logs = model.currentLogs;
  if (logs.length > 1 && logs[logs.length - 1][0] === String(model.e)) logs.pop();
  modelReport(model);
}
