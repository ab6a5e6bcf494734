// The callback seam of train(): hooks called at the start and end of the training run, of each epoch
// and of each batch, with where training is and the current metrics. A hook may ask training to stop
// (after the current batch or epoch); the loop then ends the epoch cleanly: parameters consistent,
// the epoch evaluated and reported, epochsDone and the history up to date. Nothing is stopped by throwing.
import type { EpyNN } from '../network/models.js';

/** When a stop asked for by a callback takes effect. */
export type StopWhen = 'batch' | 'epoch';

/**
 * What a hook gets. `logs` holds the current metrics: after a batch `accuracy` and `cost` of the batch;
 * after an epoch every metric of every set as `<set>.<metric>` (`dtrain.accuracy`, `dval.CCE`, ...)
 * and the loss again as `<set>.loss`. At the start of an epoch or batch, the last epoch's (or nothing).
 */
export interface CallbackEvent {
  /** The model being trained. */
  readonly model: EpyNN;
  /** The current epoch (model.e). */
  readonly epoch: number;
  /** The current batch within the epoch (-1 outside a batch). */
  readonly batch: number;
  /** Batches in this epoch (0 outside an epoch). */
  readonly batches: number;
  /** The current metrics (see above). */
  readonly logs: Readonly<Record<string, number>>;
  /**
   * Asks training to stop: 'epoch' (default) after the current epoch; 'batch' after the current batch,
   * which then ends the epoch early (it is evaluated and reported, and counts as done).
   */
  stop(when?: StopWhen): void;
}

/** A callback: an object with any of the hooks. Errors thrown by a hook propagate (with the epoch and batch). */
export interface Callback {
  /** Before the first epoch of this train() call. */
  onTrainBegin?(event: CallbackEvent): void;
  /** After the last epoch (or the stop), the report closed. */
  onTrainEnd?(event: CallbackEvent): void;
  /** Before an epoch's batches. */
  onEpochBegin?(event: CallbackEvent): void;
  /** After an epoch's evaluation, with its metrics. */
  onEpochEnd?(event: CallbackEvent): void;
  /** Before a batch's forward pass. */
  onBatchBegin?(event: CallbackEvent): void;
  /** After a batch's update, with its accuracy and cost. */
  onBatchEnd?(event: CallbackEvent): void;
}

/** The hook names, in the order a run calls them. */
export const CALLBACK_HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

/** One of the hook names. */
export type CallbackHook = (typeof CALLBACK_HOOKS)[number];

/**
 * What one train() call went through (Keras' History): the epochs trained and, per value of the epoch
 * logs (`dtrain.accuracy`, `dval.loss`, ...), its value after each of them. `model.train()` returns the
 * model, whose `history` is this record of the call.
 */
export interface History {
  /** The epochs trained by the call, in order. */
  epoch: number[];
  /** The epoch logs' values, one per epoch in `epoch`. */
  logs: Record<string, number[]>;
}
