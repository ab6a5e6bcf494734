// Metrics (EpyNN commons/metrics.py) and the per-dataset scalar EpyNN's evaluate stores.
//
// Decisions: one-hot labels (k > 1) compare argmax over axis 1; single-column labels compare
// np.around(A) (half to even: 0.5 -> 0) with Y. NOTE: EpyNN counts class 0 as the POSITIVE class
// (tp = P == 0 and y == 0). Ratios are plain divisions, so 0/0 gives NaN.
import { show } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { lossFunctions } from './loss.js';
import { NDArray, argmax, fmt, roundHalfEven, sameShape } from './ndarray.js';

/** A metric: per-sample values (accuracy, as 0/1) or one scalar for the whole set. */
export type Metric = (Y: NDArray, A: NDArray) => NDArray | number;

/** Throws unless Y and A are NDArrays of the same (m, k) shape. */
function check(name: string, Y: NDArray, A: NDArray): void {
  if (!(Y instanceof NDArray) || !(A instanceof NDArray)) {
    throw new EpyNNError(`${name}: Y and A must be NDArrays, got ${show(Y)} and ${typeof A}`);
  }
  if (Y.ndim !== 2) throw new ShapeError(`${name}: Y must be a 2-D array (m, k), got shape ${fmt(Y.shape)}`);
  if (!sameShape(Y.shape, A.shape)) {
    throw new ShapeError(`${name}: Y ${fmt(Y.shape)} and A ${fmt(A.shape)} must have the same shape`);
  }
}

/**
 * Decisions P and labels y as flat arrays: argmax over axis 1 when one-hot encoded (k > 1),
 * else np.around(A) and Y themselves. `encoded` tells which.
 */
function decisions(name: string, Y: NDArray, A: NDArray): { P: Float64Array; y: Float64Array; encoded: boolean } {
  check(name, Y, A);
  const encoded = Y.shape[1] > 1; // Check if one-hot encoding of labels
  if (encoded) return { P: argmax(A).data, y: argmax(Y).data, encoded };
  return { P: A.data.map(roundHalfEven), y: Y.data, encoded };
}

/** Confusion counts with class 0 as positive: tp (P=0,y=0), fp (P=0,y=1), tn (P=1,y=1), fn (P=1,y=0). */
function confusion(name: string, Y: NDArray, A: NDArray): { tp: number; fp: number; tn: number; fn: number } {
  const { P, y } = decisions(name, Y, A);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < P.length; i++) {
    if (P[i] === 0 && y[i] === 0) tp++; // True positive
    else if (P[i] === 0 && y[i] === 1) fp++; // False positive
    else if (P[i] === 1 && y[i] === 1) tn++; // True negative
    else if (P[i] === 1 && y[i] === 0) fn++; // False negative
  }
  return { tp, fp, tn, fn };
}

/**
 * Accuracy per sample: 1 where the decision equals the label, else 0 (EpyNN's boolean array).
 * Shape (m, 1) for single-column labels, (m,) for one-hot labels.
 */
export function accuracy(Y: NDArray, A: NDArray): NDArray {
  const { P, y, encoded } = decisions('accuracy', Y, A);
  const out = new Float64Array(P.length);
  for (let i = 0; i < P.length; i++) out[i] = P[i] === y[i] ? 1 : 0;
  return new NDArray(out, encoded ? [P.length] : Y.shape);
}

/** Recall tp / (tp + fn): fraction of positive (class 0) samples retrieved. */
export function recall(Y: NDArray, A: NDArray): number {
  const { tp, fn } = confusion('recall', Y, A);
  return tp / (tp + fn);
}

/** Precision tp / (tp + fp): fraction of positive (class 0) samples among those retrieved. */
export function precision(Y: NDArray, A: NDArray): number {
  const { tp, fp } = confusion('precision', Y, A);
  return tp / (tp + fp);
}

/** F-score tp / (tp + (fp + fn)/2): harmonic mean of recall and precision. */
export function fscore(Y: NDArray, A: NDArray): number {
  const { tp, fp, fn } = confusion('fscore', Y, A);
  return tp / (tp + 0.5 * (fp + fn));
}

/** Specificity tn / (tn + fp): fraction of negative (class 1) samples excluded. */
export function specificity(Y: NDArray, A: NDArray): number {
  const { tn, fp } = confusion('specificity', Y, A);
  return tn / (tn + fp);
}

/** Negative predictive value tn / (tn + fn): fraction of negative samples among those excluded. */
export function NPV(Y: NDArray, A: NDArray): number {
  const { tn, fn } = confusion('NPV', Y, A);
  return tn / (tn + fn);
}

const METRICS: Readonly<Record<string, Metric>> = Object.freeze({ accuracy, recall, precision, fscore, specificity, NPV });

/** Every metric by name (EpyNN's `metrics_functions()` without a key). */
export function metricsFunctions(): Record<string, Metric>;
/** The metric named `key` (EpyNN's `metrics_functions(key)`). */
export function metricsFunctions(key: string): Metric;
export function metricsFunctions(key?: string): Metric | Record<string, Metric> {
  if (key === undefined) return { ...METRICS };
  const metric = Object.hasOwn(METRICS, key) ? METRICS[key] : undefined;
  if (metric === undefined) {
    throw new EpyNNError(`metric '${String(key)}' is unknown; known metrics: ${Object.keys(METRICS).join(', ')}`);
  }
  return metric;
}

/**
 * The scalar EpyNN's evaluate stores in model.metrics for one dataset: the metric or the loss
 * named `name` (a loss is usable as a metric), with per-sample arrays (accuracy, losses) averaged
 * over all their elements (np.mean) and scalar metrics taken as they are.
 */
export function evaluateMetric(name: string, Y: NDArray, A: NDArray): number {
  const losses = lossFunctions();
  const fn: Metric | undefined = Object.hasOwn(METRICS, name) ? METRICS[name] : Object.hasOwn(losses, name) ? losses[name] : undefined;
  if (fn === undefined) {
    throw new EpyNNError(`evaluateMetric: '${name}' is neither a metric (${Object.keys(METRICS).join(', ')}) nor a loss (${Object.keys(losses).join(', ')})`);
  }
  const m = fn(Y, A);
  if (typeof m === 'number') return m; // Scalar metrics (precision, recall, ...)
  let s = 0;
  for (let i = 0; i < m.data.length; i++) s += m.data[i];
  return s / m.data.length; // Per-sample array to scalar (np.mean; NaN when empty)
}
