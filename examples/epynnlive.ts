// What the line-for-line ports of EpyNN's epynnlive train.py scripts share (examples/<name>/epynnlive.ts):
// their options, EpyNN's settings.py, the prepared-data file format, `model.plot(path=False)` and the
// write/read block.
import { type EpyNN, EpyNNError, type NDArray, type Output, modelTerminalChart, readModel, readPreparedData as readPrepared } from '../src/node/index.js';
import type { ExampleOptions } from './types.js';
import { DataFileError } from './types.js';

export interface EpynnliveOptions extends ExampleOptions {
  /** Train on prepared data from this JSON file (see readPreparedData) instead of preparing it. */
  dataFile?: string;
  /** Where `model.write()` writes the last model before reading it back; undefined: models/<uname>.json. */
  modelPath?: string;
  /** Where the models print their reports (tests collect the lines); default: the terminal. */
  logger?: Output;
  /** The script's `random.seed(...)` where it differs from `seed` (dummy_image's notebook: 0). */
  randomSeed?: number;
}

export interface EpynnliveResult {
  /** The script's models, in the order it trains them. */
  models: EpyNN[];
  /** The last model, as written and read back (what the script predicts with). */
  model: EpyNN;
}

/** settings.py of the epynnlive examples (a fresh dict per run: the scripts edit it). */
export function settings(decay_k = 0): Record<string, number | string> {
  return {
    learning_rate: 0.1,
    schedule: 'steady',
    decay_k,
    cycle_epochs: 0,
    cycle_descent: 0,
    ELU_alpha: 0.01,
    LRELU_alpha: 0.01,
    softmax_temperature: 1,
  };
}

/** `--data PATH`: a .json file is prepared data (readPreparedData); anything else is the example's own data folder. */
export function dataOption({ dataFile, dataDir }: EpynnliveOptions): { file?: string; dir?: string } {
  if (dataFile !== undefined) return { file: dataFile };
  if (dataDir !== undefined && dataDir.toLowerCase().endsWith('.json')) return { file: dataDir };
  return { dir: dataDir };
}

/** Reads `{ X_features, Y_label }`, what a prepare_dataset returned (the library's readPreparedData). */
export function readPreparedData(path: string, where: string): { X: NDArray | unknown[]; Y: number[] } {
  try {
    return readPrepared(path, where);
  } catch (err) {
    if (err instanceof EpyNNError && !(err instanceof DataFileError)) throw new DataFileError(err.message, { cause: err });
    throw err;
  }
}

/** `model.plot(path=False)`: EpyNN shows the pyplot window; here the chart goes to the terminal. */
export function plotNoPath(model: EpyNN, quiet: boolean): void {
  if (!quiet) model.logger.line('\n' + modelTerminalChart(model));
}

/** `model.write()` then `model = read_model()`. */
export function writeRead(model: EpyNN, modelPath?: string): EpyNN {
  return readModel(model.write(modelPath));
}

/** `for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)`. */
export function printPredictions(dset: { ids: number[]; P?: NDArray; A?: NDArray }, quiet: boolean, extra?: (i: number) => string): void {
  if (quiet || dset.A === undefined || dset.P === undefined) return;
  const k = dset.A.shape[1] ?? 1;
  dset.ids.forEach((n, i) => {
    const probs = Array.from(dset.A!.data.subarray(i * k, (i + 1) * k), (v) => v.toPrecision(8)).join(' ');
    console.log(`${n} ${dset.P!.data[i]} [${probs}]${extra ? ' ' + extra(i) : ''}`);
  });
}
