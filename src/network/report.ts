// Reports printed while training (EpyNN network/report.py and commons/logs.py).
import { fmt } from '../commons/ndarray.js';
import { fitLine, fixed, outputColumns, pyFixed, pyRepr, pyRound, pyRoundInt, sci, table, wrapText } from '../commons/logs.js';
import { batchEvaluate } from './evaluate.js';
import type { EpyNN } from './models.js';
import type { DataSet } from '../commons/models.js';

const SETS = ['dtrain', 'dval', 'dtest'] as const;

/**
 * Header row of the metrics table, as EpyNN's headers_logs: the metric name over its first set only
 * (`accuracy\ndtrain`, then `\ndval`), `epoch\n` and `Experiment\n` on two lines. With three sets EpyNN
 * forgets the dval header and every header after it shifts one column; here each column keeps its own.
 */
function headers(model: EpyNN): string[] {
  const h = ['epoch\n'];
  for (const layer of model.layers) if (Object.keys(layer.p).length > 0) h.push(`lrate\n${layer.name}`);
  for (const name of Object.keys(model.metrics)) {
    let first = true;
    SETS.forEach((s, k) => {
      if (!model.activeSlots.includes(k)) return;
      h.push(first ? `${name}\n${s}` : `\n${s}`);
      first = false;
    });
  }
  h.push('Experiment\n');
  return h;
}

/** How the table shows an undefined metric (NaN, e.g. precision without a positive prediction). */
export const NOT_AVAILABLE = 'n/a';
/** The footnote printed under a table that shows NOT_AVAILABLE. */
export const NOT_AVAILABLE_NOTE =
  'n/a: the metric is undefined for that set and epoch (0/0: e.g. precision when nothing was predicted positive, ' +
  'recall when the set has no positive sample).';

/** One row of the metrics table for the current epoch. */
function currentRow(model: EpyNN): string[] {
  const row = [String(model.e)];
  for (const layer of model.layers) if (Object.keys(layer.p).length > 0) row.push(sci(layer.lrate[model.e]));
  for (const values of Object.values(model.metrics)) {
    for (const k of model.activeSlots) {
      const v = values[k][values[k].length - 1];
      // EpyNN's '%.3f' % round(v, 3); an undefined metric (0/0) is footnoted under the table
      row.push(Number.isNaN(v) ? NOT_AVAILABLE : pyFixed(v, 3));
    }
  }
  row.push(model.uname);
  return row;
}

/** Adds the epoch to the metrics table every `verbose` epochs, and prints it when full or at the end. */
export function modelReport(model: EpyNN): void {
  const sizeTable = 11;
  if (model.currentLogs.length === 0) model.currentLogs.push(headers(model));
  const last = model.e === model.epochs - 1;
  if (model.e % model.verbose === 0 || last) model.currentLogs.push(currentRow(model));
  if (model.currentLogs.length === sizeTable + 1 || last) {
    model.logger.line('');
    model.logger.line(table(model.currentLogs)); // whole, however wide: a table re-wrapped mid-row is unreadable
    if (model.currentLogs.some((row) => row.includes(NOT_AVAILABLE))) {
      for (const l of wrapText(NOT_AVAILABLE_NOTE, outputColumns(model.logger))) model.logger.line(l);
    }
    model.currentLogs = [];
  }
}

/**
 * Seconds left in this train() call: the training epochs left at the measured training speed, plus the
 * evaluations left (one per epoch, this one included) at the measured evaluation time. Before the first
 * evaluation is timed, one is estimated as a forward pass over the evaluated samples at a third of the
 * cost per sample of a training step (forward + backward + update).
 */
export function timeToCompletion(model: EpyNN, elapsed: number, done: number, trainSamplesPerEpoch: number): number {
  const trainSeconds = Math.max(elapsed - model.evalTime / 1000, 1e-9);
  const perEpoch = trainSeconds / done;
  let perEval: number;
  if (model.evalCount > 0) perEval = model.evalTime / 1000 / model.evalCount;
  else {
    const emb = model.embedding;
    const evaluated = model.activeSlots.reduce((sum, k) => sum + [emb.dtrain, emb.dval, emb.dtest][k].X.shape[0], 0);
    perEval = (perEpoch / Math.max(trainSamplesPerEpoch, 1)) * evaluated / 3;
  }
  const total = model.epochs - model.startEpoch;
  return (total - done) * perEpoch + (total - model.evalCount) * perEval;
}

/** What the progress line shows (EpyNN's single_batch_report). */
export interface ProgressFields {
  /** Epoch. */
  e: number;
  /** Batch index and the last batch's index. */
  batch: number;
  lastBatch: number;
  accuracy: number;
  cost: number;
  /** Seconds since training started. */
  elapsed: number;
  /** Epochs per second. */
  rate: number;
  /** Seconds to completion. */
  ttc: number;
}

/**
 * The progress line as EpyNN formats it: `'Epoch %s - Batch %s/%s - Accuracy: %s Cost: %s - TIME: %ss RATE: %se/s
 * TTC: %ss'` with Python's str of round(accuracy, 3), round(cost, 5), round(elapsed, 2) (`1.0`, `0.05833`,
 * `5.39`), the rate as `'{:.2e}'` of round(rate, 3), and the time to completion rounded to an integer.
 */
export function progressLine(f: ProgressFields): string {
  return (
    `Epoch ${f.e} - Batch ${f.batch}/${f.lastBatch} - Accuracy: ${pyRepr(pyRound(f.accuracy, 3))} Cost: ${pyRepr(pyRound(f.cost, 5))} - ` +
    `TIME: ${pyRepr(pyRound(f.elapsed, 2))}s RATE: ${sci(pyRound(f.rate, 3))}e/s TTC: ${pyRoundInt(f.ttc)}s`
  );
}

/** The progress line for one batch: epoch, batch, accuracy, cost, elapsed, epochs/s, time to completion. */
export function singleBatchReport(model: EpyNN, batch: DataSet, A: import('../commons/ndarray.js').NDArray, i: number, n: number): void {
  const now = Date.now();
  const isLast = i === n - 1;
  // Plain (non-TTY) output: at most one line a second, and the last batch of every epoch
  if (!model.logger.tty && !isLast && now - model.lastReport < 1000) return;
  model.lastReport = now;
  const { accuracy, cost } = batchEvaluate(model, batch.Y!, A);
  const elapsed = (now - model.startTime) / 1000;
  const done = model.e - model.startEpoch + (i + 1) / n;
  const rate = done / (elapsed + 1e-16);
  const ttc = timeToCompletion(model, elapsed, done, batch.X.shape[0] * n);
  const line = progressLine({ e: model.e, batch: i, lastBatch: n - 1, accuracy, cost, elapsed, rate, ttc });
  const fitted = fitLine(line, outputColumns(model.logger));
  if (model.end === '\n') model.logger.line(fitted);
  else model.logger.redraw(fitted);
}

/** Data, architecture-with-shapes and hyperparameter summaries printed before training (init logs). */
export function initializeModelReport(model: EpyNN): void {
  const out = model.logger;
  const emb = model.embedding;
  const sets = [emb.dtrain, emb.dval, emb.dtest];
  out.line('');
  out.line(`----------------------- ${model.uname} -----------------------`);
  out.line('');
  out.line('Datasets');
  out.line(table([
    ['dtrain', 'dval', 'dtest', 'batch_size'],
    [...sets.map((s) => (s.active ? s.X.shape[0] : 0)), emb.batchSize ?? 'None'],
  ]));
  const labels = new Set<number>();
  for (const s of sets) for (const k of s.b.keys()) labels.add(k);
  const sorted = [...labels].sort((a, b) => a - b);
  out.line(table([['N_LABELS', ...sets.filter((s) => s.active).map((s) => s.name)],
    ...sorted.map((l) => [l, ...sets.filter((s) => s.active).map((s) => s.b.get(l) ?? 0)])]));
  out.line('');
  out.line('Model architecture and shapes');
  const rows: unknown[][] = [['ID', 'Layer', 'Dimensions', 'Activation', 'FW_Shapes', 'BW_Shapes']];
  model.layers.forEach((layer, i) => {
    const info = model.network.get(layer);
    rows.push([
      i,
      layer.name,
      Object.entries(layer.d).map(([k, v]) => `${k} = ${v}`).join('\n'),
      Object.entries(layer.activation).map(([k, v]) => `${k}: ${v}`).join('\n'),
      Object.entries(info?.FW_Shapes ?? {}).map(([k, v]) => `${k}: ${fmt(v)}`).join('\n'),
      Object.entries(info?.BW_Shapes ?? {}).map(([k, v]) => `${k}: ${fmt(v)}`).join('\n'),
    ]);
  });
  out.line(table(rows));
  out.line('');
  out.line('Layers hyperparameters');
  const hp: unknown[][] = [['Layer', 'epochs', 'schedule', 'decay_k', 'cycle_epochs', 'cycle_descent', 'cycle_number', 'learning_rate (start, end)', 'ELU_alpha', 'LRELU_alpha', 'softmax_temperature']];
  model.layers.forEach((layer, i) => {
    if (Object.keys(layer.p).length === 0) return;
    const h = layer.hPars;
    hp.push([`${i} ${layer.name}`, h.epochs ?? '', h.schedule, fixed(h.decay_k, 4), h.cycle_epochs, h.cycle_descent, h.cycle_number ?? '',
      `${sci(layer.lrate[0])}, ${sci(layer.lrate[layer.lrate.length - 1])}`, h.ELU_alpha, h.LRELU_alpha, h.softmax_temperature]);
  });
  out.line(table(hp));
  out.line('');
}
