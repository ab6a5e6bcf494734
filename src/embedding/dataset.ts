// Data preparation for the Embedding layer (EpyNN embedding/dataset.py and commons/io.py):
// checks, one-hot encoding, [0, 1] scaling, the train/val/test split and mini-batches.
import { checkFinite, show } from '../commons/checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { DataSet } from '../commons/models.js';
import { NDArray, type Nested, array, fmt, roundHalfEven } from '../commons/ndarray.js';
import type { Embedding } from './models.js';

/** An element of a sequence to one-hot encode (a letter, a word, a note, a number). */
export type Element = string | number;

/**
 * What the Embedding accepts as features: an NDArray, nested numbers, an array of NDArrays (one per
 * sample, all of one shape), or sequences of elements (for XEncode).
 */
export type XInput = NDArray | Nested | readonly NDArray[] | readonly (string | readonly Element[])[];

/** What the Embedding accepts as labels: an NDArray, nested numbers or an array of NDArrays (1-D labels or 2-D one-hot). */
export type YInput = NDArray | Nested | readonly NDArray[];

/** Sequences of elements, for XEncode: each sample is an array of elements (a string is split into characters). */
export function toSequences(X: unknown, where: string): Element[][] {
  if (X instanceof NDArray) {
    if (X.ndim !== 2) throw new ShapeError(`${where}: XEncode expects (N, length) sequences, got an array of shape ${fmt(X.shape)}`);
    const [n, s] = X.shape;
    return Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * s, (i + 1) * s)));
  }
  if (!Array.isArray(X)) throw new EpyNNError(`${where}: XData must be an array of samples (strings or arrays of elements) with XEncode, got ${show(X)}`);
  return X.map((sample, i) => {
    if (typeof sample === 'string') return [...sample];
    if (Array.isArray(sample) && sample.every((e) => typeof e === 'string' || typeof e === 'number')) return [...sample] as Element[];
    throw new EpyNNError(`${where}: with XEncode each sample must be a string or an array of strings/numbers; sample ${i} is ${show(sample)}`);
  });
}

/** Sorted unique elements and their index (EpyNN index_elements_auto). */
export function indexElements(sequences: Element[][]): { elements: Element[]; e2i: Map<Element, number> } {
  const set = new Set<Element>();
  for (const s of sequences) for (const e of s) set.add(e);
  const elements = [...set].sort((a, b) => {
    if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
    throw new EpyNNError(`Embedding: cannot sort a mix of strings and numbers (${show(a)}, ${show(b)}) to encode`);
  });
  return { elements, e2i: new Map(elements.map((e, i) => [e, i])) };
}

/** One-hot encodes sequences (N, s) -> (N, s, e); every sequence must have the same length. */
export function encodeDataset(sequences: Element[][], e2i: Map<Element, number>, where: string): NDArray {
  const n = sequences.length;
  const s = n > 0 ? sequences[0].length : 0;
  const e = e2i.size;
  const out = new Float64Array(n * s * e);
  for (let i = 0; i < n; i++) {
    const seq = sequences[i];
    if (seq.length !== s) throw new ShapeError(`${where}: ragged sequences: sample 0 has length ${s}, sample ${i} has length ${seq.length}`);
    for (let j = 0; j < s; j++) {
      const k = e2i.get(seq[j]);
      if (k === undefined) throw new EpyNNError(`${where}: element ${show(seq[j])} of sample ${i} was not seen when the encoding was built`);
      out[(i * s + j) * e + k] = 1;
    }
  }
  return new NDArray(out, [n, s, e]);
}

/** The smallest and largest value of the whole array: the range XScale maps to [0, 1]. */
export function featureRange(X: NDArray, where = 'scaleFeatures'): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of X.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) throw new EpyNNError(`${where}: XScale needs at least two distinct feature values, got constant data (min = max = ${min})`);
  return [min, max];
}

/**
 * Scales the whole array: (X − min) / (max − min) (EpyNN scale_features). By default min and max are
 * this array's own; pass `range` (the training data's, `Embedding.XScaleRange`) to scale new data the
 * way the training data was scaled (values may then fall outside [0, 1]).
 */
export function scaleFeatures(X: NDArray, where = 'scaleFeatures', range: readonly [number, number] = featureRange(X, where)): NDArray {
  const [min, max] = range;
  const r = max - min;
  return new NDArray(X.data.map((v) => (v - min) / r), X.shape);
}

/**
 * Numeric data as an NDArray (always a copy: the caller's data is never touched), from an NDArray,
 * nested arrays of numbers, or an array of NDArrays of one shape (stacked along a new first axis, as
 * np.array does with a list of arrays). NaN and ±Infinity are rejected with their index.
 */
export function toArray(X: unknown, where: string, what: string): NDArray {
  let out: NDArray;
  if (X instanceof NDArray) out = X.copy();
  else if (Array.isArray(X) && X.length > 0 && X.every((x) => x instanceof NDArray)) out = stackSamples(X as NDArray[], where, what);
  else if (!Array.isArray(X)) {
    throw new EpyNNError(`${where}: ${what} must be an array of samples (nested arrays of numbers, an NDArray, or an array of NDArrays), got ${show(X)}`);
  } else {
    try {
      out = array(X as Nested);
    } catch (err) {
      throw new EpyNNError(`${where}: ${what} must be numeric with one shape for every sample: ${(err as Error).message}`, { cause: err });
    }
  }
  checkFinite(where, what, out);
  return out;
}

/** Stacks samples given as NDArrays of one shape into one (N, ...shape) array. */
function stackSamples(samples: NDArray[], where: string, what: string): NDArray {
  const shape = samples[0].shape;
  const n = samples[0].size;
  const data = new Float64Array(samples.length * n);
  samples.forEach((x, i) => {
    if (x.shape.length !== shape.length || x.shape.some((v, k) => v !== shape[k])) {
      throw new ShapeError(`${where}: ${what}[${i}] has shape ${fmt(x.shape)}, but ${what}[0] has shape ${fmt(shape)}: every sample must have one shape`);
    }
    data.set(x.data, i * n);
  });
  return new NDArray(data, [samples.length, ...shape]);
}

/** One-hot labels from integer labels 0..k−1 (np.eye(k)[Y]). */
export function oneHot(Y: NDArray, where: string): NDArray {
  if (Y.ndim !== 1) throw new ShapeError(`${where}: YEncode expects 1-D labels of shape (N,), got ${fmt(Y.shape)}`);
  const labels = new Set(Y.data);
  const k = labels.size;
  for (const v of Y.data) {
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new EpyNNError(`${where}: YEncode needs labels 0..${k - 1} (${k} distinct labels), got ${v}`);
    }
  }
  const out = new Float64Array(Y.data.length * k);
  Y.data.forEach((v, i) => (out[i * k + v] = 1));
  return new NDArray(out, [Y.data.length, k]);
}

/** Sizes of dtrain, dval, dtest: Python round (half to even) for train and val; dtest takes the remainder. */
export function splitSizes(n: number, relativeSize: readonly number[]): [number, number, number] {
  const total = relativeSize[0] + relativeSize[1] + relativeSize[2];
  const ntrain = Math.min(n, roundHalfEven((relativeSize[0] / total) * n));
  const nval = Math.min(n - ntrain, roundHalfEven((relativeSize[1] / total) * n));
  return [ntrain, nval, n - ntrain - nval];
}

/** Rows [start, end) of an array along axis 0 (copied). */
export function rows(X: NDArray, start: number, end: number): NDArray {
  const row = X.shape.slice(1).reduce((a, b) => a * b, 1);
  return new NDArray(X.data.slice(start * row, end * row), [end - start, ...X.shape.slice(1)]);
}

/** Splits X, Y into dtrain, dval, dtest in order (EpyNN split_dataset + embedding_prepare). */
export function embeddingPrepare(layer: Embedding, X: NDArray, Y: NDArray | undefined): [DataSet, DataSet, DataSet] {
  const [ntrain, nval] = splitSizes(X.shape[0], layer.relativeSize);
  const cuts: [number, number, string][] = [
    [0, ntrain, 'dtrain'],
    [ntrain, ntrain + nval, 'dval'],
    [ntrain + nval, X.shape[0], 'dtest'],
  ];
  return cuts.map(([a, b, name]) => new DataSet(rows(X, a, b), Y && rows(Y, a, b), name)) as [DataSet, DataSet, DataSet];
}

/**
 * Shuffles dtrain with the layer's seeded RNG and cuts it into batches of batchSize (EpyNN
 * mini_batches). As in EpyNN, the samples that do not fill a last batch are dropped for the
 * epoch (they are different samples each epoch, since the order is reshuffled).
 * Batch buffers are allocated once and refilled every epoch.
 */
export function miniBatches(layer: Embedding): DataSet[] {
  const dtrain = layer.dtrain;
  const n = dtrain.X.shape[0];
  const bs = layer.batchSize ?? n;
  const nBatch = Math.max(1, Math.floor(n / bs));
  const order = layer.shuffle(n);
  const xRow = dtrain.X.data.length / n;
  const Y = dtrain.Y as NDArray;
  const yRow = Y.shape[1];
  if (layer.batchDtrain.length !== nBatch || layer.batchDtrain[0]?.X.shape[0] !== bs) {
    layer.batchDtrain = Array.from({ length: nBatch }, (_, i) => {
      const X = new NDArray(new Float64Array(bs * xRow), [bs, ...dtrain.X.shape.slice(1)]);
      return new DataSet(X, new NDArray(new Float64Array(bs * yRow), [bs, yRow]), String(i));
    });
  }
  for (let ib = 0; ib < nBatch; ib++) {
    const batch = layer.batchDtrain[ib];
    const bx = batch.X.data;
    const by = (batch.Y as NDArray).data;
    for (let i = 0; i < bs; i++) {
      const src = order[ib * bs + i];
      bx.set(dtrain.X.data.subarray(src * xRow, (src + 1) * xRow), i * xRow);
      by.set(Y.data.subarray(src * yRow, (src + 1) * yRow), i * yRow);
    }
    batch.ids = order.slice(ib * bs, (ib + 1) * bs);
    batch.setLabels(batch.Y as NDArray);
  }
  return layer.batchDtrain;
}
