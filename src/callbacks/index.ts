// The library's callbacks (Keras' semantics, named in camelCase): early stopping, model checkpoints,
// learning-rate reduction on a plateau. Each is an object with hooks (callback.ts); their state lives in
// the object, so a callback object is meant for one train() call at a time (it resets at onTrainBegin).
import { checkBoolean, checkNumber, checkOneOf, checkOptions, checkInteger, show } from '../commons/checks.js';
import { EpyNNError } from '../errors.js';
import { metricsFunctions } from '../commons/metrics.js';
import type { EpyNN } from '../network/models.js';
import { modelLearningRate } from '../network/hyperparameters.js';
import type { Callback, CallbackEvent } from './callback.js';

export type { Callback, CallbackEvent, CallbackHook, StopWhen } from './callback.js';
export { CALLBACK_HOOKS } from './callback.js';

/** Whether a monitored value improves by going down ('min') or up ('max'); 'auto' from its name. */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * 'max' for a metric that grows when the model gets better (accuracy, recall, precision, fscore,
 * specificity, NPV), 'min' for a loss (`<set>.loss`, `<set>.MSE`, ...).
 */
export function monitorDirection(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const metric = monitor.slice(monitor.lastIndexOf('.') + 1);
  return Object.hasOwn(metricsFunctions(), metric) ? 'max' : 'min';
}

/** The monitored value from an epoch's logs, or a clear error listing the values there are. */
function monitored(where: string, monitor: string, event: CallbackEvent): number {
  const v = event.logs[monitor];
  if (v === undefined) {
    throw new EpyNNError(`${where}: monitor '${monitor}' is not among the epoch's values (${Object.keys(event.logs).join(', ') || 'none'}); a set without samples (dval?) has no values`);
  }
  return v;
}

/** Copies of every parameter array, by layer. */
const snapshot = (model: EpyNN): Float64Array[][] => model.layers.map((l) => Object.values(l.p).map((P) => P.data.slice()));

/** Puts a snapshot back in place (the arrays shared with others stay shared). */
function restore(model: EpyNN, saved: Float64Array[][]): void {
  model.layers.forEach((l, i) => Object.values(l.p).forEach((P, k) => P.data.set(saved[i][k])));
}

/** Options of `earlyStopping()` (Keras' EarlyStopping). */
export interface EarlyStoppingOptions {
  /** The epoch value watched (`<set>.<metric>`, `<set>.loss`). @default 'dval.loss' */
  monitor?: string;
  /** The least change that counts as an improvement. @default 0 */
  minDelta?: number;
  /** Epochs without improvement before stopping. @default 0 */
  patience?: number;
  /** 'min', 'max' or 'auto' (from the monitored name). @default 'auto' */
  mode?: MonitorMode;
  /** Stop unless the value improves on this one within `patience` epochs. @default undefined (none) */
  baseline?: number;
  /** When stopping, put back the parameters of the best epoch. @default false */
  restoreBestWeights?: boolean;
}

/** What `earlyStopping()` returns: a callback that says where it stopped. */
export interface EarlyStopping extends Callback {
  /** The epoch after which it stopped training (-1 if it did not). */
  readonly stoppedEpoch: number;
  /** The best epoch seen, and its value. */
  readonly bestEpoch: number;
  readonly best: number;
}

const EARLY_OPTIONS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights'] as const;

/**
 * Stops training when the monitored value has not improved for `patience` epochs (Keras' EarlyStopping):
 * after each epoch the wait grows by one; an epoch improves when its value beats the best by more than
 * minDelta, and then resets the wait (with `baseline`: only if it also beats the baseline); training
 * stops when the wait reaches `patience` (at least 1), never after the first epoch of the call. With `restoreBestWeights`, stopping
 * puts back the parameters of the best epoch (the metrics history keeps every epoch; the optimizer
 * state stays the last epoch's). Training that ends at its last epoch keeps that epoch's parameters.
 */
export function earlyStopping(options?: EarlyStoppingOptions): EarlyStopping {
  const where = 'earlyStopping';
  const opts = checkOptions(where, options, EARLY_OPTIONS, { call: 'earlyStopping', primary: 'monitor', example: "'dval.loss'" });
  const { monitor = 'dval.loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false } = opts;
  if (typeof monitor !== 'string' || monitor === '') throw new EpyNNError(`${where}: monitor must be a name such as 'dval.loss', got ${show(monitor)}`);
  checkNumber(where, 'minDelta', minDelta, { min: 0 });
  checkInteger(where, 'patience', patience, 0);
  checkOneOf(where, 'mode', mode, ['auto', 'min', 'max']);
  if (baseline !== undefined) checkNumber(where, 'baseline', baseline);
  checkBoolean(where, 'restoreBestWeights', restoreBestWeights);
  const dir = monitorDirection(monitor, mode);
  const better = (a: number, b: number): boolean => (dir === 'max' ? a - minDelta > b : a + minDelta < b);
  let wait = 0;
  let bestWeights: Float64Array[][] | undefined;
  const cb = {
    stoppedEpoch: -1,
    bestEpoch: -1,
    best: dir === 'max' ? -Infinity : Infinity,
    onTrainBegin(): void {
      wait = 0;
      bestWeights = undefined;
      cb.stoppedEpoch = -1;
      cb.bestEpoch = -1;
      cb.best = dir === 'max' ? -Infinity : Infinity;
    },
    onEpochEnd(event: CallbackEvent): void {
      const current = monitored(where, monitor, event);
      if (restoreBestWeights && bestWeights === undefined) bestWeights = snapshot(event.model);
      wait++;
      if (better(current, cb.best)) {
        cb.best = current;
        cb.bestEpoch = event.epoch;
        if (restoreBestWeights) bestWeights = snapshot(event.model);
        if (baseline === undefined || better(current, baseline)) wait = 0;
      }
      if (wait > 0 && wait >= patience && event.epoch > event.model.startEpoch) {
        cb.stoppedEpoch = event.epoch;
        event.stop();
        if (restoreBestWeights && bestWeights !== undefined) restore(event.model, bestWeights);
      }
    },
  };
  return cb;
}

/** Options of `modelCheckpoint()` (Keras' ModelCheckpoint). */
export interface ModelCheckpointOptions {
  /** The file, `{epoch}` replaced by the epoch (e.g. 'models/run.{epoch}.json'). Required. */
  path: string;
  /** The epoch value that decides what is best (with saveBestOnly). @default 'dval.loss' */
  monitor?: string;
  /** Write only when the monitored value improved on the best so far. @default false */
  saveBestOnly?: boolean;
  /** 'min', 'max' or 'auto' (from the monitored name). @default 'auto' */
  mode?: MonitorMode;
  /** Write the datasets too (to continue training from the file). @default false */
  includeData?: boolean;
}

/** What `modelCheckpoint()` returns: a callback that lists what it wrote. */
export interface ModelCheckpoint extends Callback {
  /** The paths written, in order. */
  readonly written: readonly string[];
}

const CHECKPOINT_OPTIONS = ['path', 'monitor', 'saveBestOnly', 'mode', 'includeData'] as const;

/**
 * Writes the model after every epoch, or only after those that improve the monitored value
 * (`saveBestOnly`), with `model.write()`: durable, atomic writes by the Node entry's file helpers (in
 * a browser write() says there is no file system; use an onEpochEnd of your own with toJSON()).
 */
export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  const where = 'modelCheckpoint';
  const opts = checkOptions(where, options, CHECKPOINT_OPTIONS, { call: 'modelCheckpoint', primary: 'path', example: "'models/best.json'" });
  const { path, monitor = 'dval.loss', saveBestOnly = false, mode = 'auto', includeData = false } = opts;
  if (typeof path !== 'string' || path === '') throw new EpyNNError(`${where}: path must be a file path such as 'models/best.json', got ${show(path)}`);
  if (typeof monitor !== 'string' || monitor === '') throw new EpyNNError(`${where}: monitor must be a name such as 'dval.loss', got ${show(monitor)}`);
  checkBoolean(where, 'saveBestOnly', saveBestOnly);
  checkOneOf(where, 'mode', mode, ['auto', 'min', 'max']);
  checkBoolean(where, 'includeData', includeData);
  const dir = monitorDirection(monitor, mode);
  let best = dir === 'max' ? -Infinity : Infinity;
  const written: string[] = [];
  return {
    written,
    onTrainBegin(): void {
      best = dir === 'max' ? -Infinity : Infinity;
    },
    onEpochEnd(event: CallbackEvent): void {
      if (saveBestOnly) {
        const current = monitored(where, monitor, event);
        if (!(dir === 'max' ? current > best : current < best)) return;
        best = current;
      }
      written.push(event.model.write(path.replaceAll('{epoch}', String(event.epoch)), { includeData }));
    },
  };
}

/** Options of `reduceLROnPlateau()` (Keras' ReduceLROnPlateau). */
export interface ReduceLROnPlateauOptions {
  /** The epoch value watched. @default 'dval.loss' */
  monitor?: string;
  /** Factor on the learning rates at each reduction, in (0, 1). @default 0.1 */
  factor?: number;
  /** Epochs without improvement before a reduction. @default 10 */
  patience?: number;
  /** A reduction does not take a rate below this. @default 0 */
  minLr?: number;
  /** The least change that counts as an improvement. @default 1e-4 */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. @default 0 */
  cooldown?: number;
  /** 'min', 'max' or 'auto' (from the monitored name). @default 'auto' */
  mode?: MonitorMode;
}

/** What `reduceLROnPlateau()` returns: a callback that lists its reductions. */
export interface ReduceLROnPlateau extends Callback {
  /** The epochs after which it reduced the rates. */
  readonly reductions: readonly number[];
}

const PLATEAU_OPTIONS = ['monitor', 'factor', 'patience', 'minLr', 'minDelta', 'cooldown', 'mode'] as const;

/**
 * Multiplies the learning rates by `factor` when the monitored value has not improved for `patience`
 * epochs (Keras' ReduceLROnPlateau). With EpyNN's schedules: the schedule keeps its shape and is
 * scaled from the next epoch on (`model.lrScale`, the product of the reductions, on every layer's
 * lrate), each rate kept at or above min(its scheduled value, minLr). The scale stays with the model:
 * a later train() and the model file keep it.
 */
export function reduceLROnPlateau(options?: ReduceLROnPlateauOptions): ReduceLROnPlateau {
  const where = 'reduceLROnPlateau';
  const opts = checkOptions(where, options, PLATEAU_OPTIONS, { call: 'reduceLROnPlateau', primary: 'monitor', example: "'dval.loss'" });
  const { monitor = 'dval.loss', factor = 0.1, patience = 10, minLr = 0, minDelta = 1e-4, cooldown = 0, mode = 'auto' } = opts;
  if (typeof monitor !== 'string' || monitor === '') throw new EpyNNError(`${where}: monitor must be a name such as 'dval.loss', got ${show(monitor)}`);
  checkNumber(where, 'factor', factor, { min: 0, exclusiveMin: true });
  if (!(factor < 1)) throw new EpyNNError(`${where}: factor must be < 1 (a reduction), got ${factor}`);
  checkInteger(where, 'patience', patience, 0);
  checkNumber(where, 'minLr', minLr, { min: 0 });
  checkNumber(where, 'minDelta', minDelta, { min: 0 });
  checkInteger(where, 'cooldown', cooldown, 0);
  checkOneOf(where, 'mode', mode, ['auto', 'min', 'max']);
  const dir = monitorDirection(monitor, mode);
  const better = (a: number, b: number): boolean => (dir === 'max' ? a > b + minDelta : a < b - minDelta);
  let best = dir === 'max' ? -Infinity : Infinity;
  let wait = 0;
  let cooling = 0;
  const reductions: number[] = [];
  return {
    reductions,
    onTrainBegin(): void {
      best = dir === 'max' ? -Infinity : Infinity;
      wait = 0;
      cooling = 0;
    },
    onEpochEnd(event: CallbackEvent): void {
      const current = monitored(where, monitor, event);
      if (cooling > 0) {
        cooling--;
        wait = 0;
      }
      if (better(current, best)) {
        best = current;
        wait = 0;
      } else if (cooling === 0) {
        wait++;
        if (wait >= patience) {
          const model = event.model;
          model.lrScale *= factor;
          model.lrFloor = minLr;
          modelLearningRate(model, event.epoch + 1); // the epochs to come; the ones trained keep their rates
          reductions.push(event.epoch);
          cooling = cooldown;
          wait = 0;
        }
      }
    },
  };
}
