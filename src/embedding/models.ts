// Embedding: EpyNN's input/data layer. It holds the datasets, builds mini-batches, and passes X through.
import { checkBoolean, checkOptions, show } from '../commons/checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { DataSet, Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import { NumpyRng } from '../commons/numpy_rng.js';
import { embeddingBackward } from './backward.js';
import {
  type Element, type XInput, type YInput,
  embeddingPrepare, encodeDataset, featureRange, indexElements, miniBatches, oneHot, scaleFeatures, toArray, toSequences,
} from './dataset.js';
import { embeddingForward } from './forward.js';
import {
  embeddingComputeGradients, embeddingComputeShapes, embeddingInitializeParameters, embeddingUpdateParameters,
} from './parameters.js';

/** Options of `new Embedding(...)` (EpyNN's `Embedding(X_data, Y_data, ...)` keyword arguments). */
export interface EmbeddingOptions {
  /** Sample features: numbers (any shape per sample), or sequences of elements with XEncode. */
  XData?: XInput;
  /** Sample labels: (N,) labels or (N, k) one-hot. Optional for unlabeled data. */
  YData?: YInput;
  /** Relative sizes of dtrain, dval, dtest. @default [2, 1, 0] */
  relativeSize?: readonly [number, number, number];
  /** Samples per training batch; undefined = one batch of all of dtrain. @default undefined */
  batchSize?: number;
  /** One-hot encode the elements of X (sorted unique elements -> index). @default false */
  XEncode?: boolean;
  /** One-hot encode labels 0..k−1. @default false */
  YEncode?: boolean;
  /** Scale X to [0, 1] over the whole array. @default false */
  XScale?: boolean;
}

/** The option names `new Embedding` accepts. */
export const EMBEDDING_OPTIONS = ['XData', 'YData', 'relativeSize', 'batchSize', 'XEncode', 'YEncode', 'XScale'] as const;

/** EpyNN's dataset settings, as stored on the layer (se_dataset). */
export interface SeDataset {
  dtrain_relative: number;
  dval_relative: number;
  dtest_relative: number;
  batch_size: number | undefined;
  X_scale: boolean;
  X_encode: boolean;
  Y_encode: boolean;
}

/** Input layer: datasets dtrain / dval / dtest, one-hot encoding, scaling and mini-batches. */
export class Embedding extends Layer {
  readonly relativeSize: [number, number, number];
  readonly batchSize: number | undefined;
  readonly XEncode: boolean;
  readonly YEncode: boolean;
  readonly XScale: boolean;
  /** EpyNN's se_dataset dictionary. */
  readonly seDataset: SeDataset;
  dtrain: DataSet;
  dval: DataSet;
  dtest: DataSet;
  /** The non-empty sets among dtrain, dval, dtest. */
  dsets: DataSet[];
  /** Training batches of the current epoch. */
  batchDtrain: DataSet[] = [];
  /** Element -> index of the one-hot encoding (XEncode), and the reverse. */
  e2i: Map<Element, number> = new Map();
  i2e: Map<number, Element> = new Map();
  /** Number of label columns of the training data (> 1 means one-hot: predictions take the argmax). */
  labelColumns = 1;
  /**
   * With XScale: the [min, max] of the training data that XScale mapped to [0, 1]. `EpyNN.predict` and
   * `EpyNN.setData` scale new data with it (saved with the model). Undefined without XScale or data.
   */
  XScaleRange: [number, number] | undefined = undefined;

  constructor(options?: EmbeddingOptions) {
    super('Embedding');
    const where = 'Embedding';
    const opts = checkOptions(where, options, EMBEDDING_OPTIONS, { call: 'new Embedding', primary: 'XData', example: 'X' });
    const { XData, YData, relativeSize = [2, 1, 0], batchSize, XEncode = false, YEncode = false, XScale = false } = opts;
    if (!Array.isArray(relativeSize) || relativeSize.length !== 3 || !relativeSize.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new EpyNNError(`${where}: relativeSize must be three non-negative numbers [train, val, test], got ${show(relativeSize)}`);
    }
    if (relativeSize[0] + relativeSize[1] + relativeSize[2] <= 0) {
      throw new EpyNNError(`${where}: relativeSize must not be all zero, got ${show(relativeSize)}`);
    }
    if (batchSize !== undefined && batchSize !== null && !(typeof batchSize === 'number' && Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new EpyNNError(`${where}: batchSize must be an integer >= 1 (or undefined for one batch), got ${show(batchSize)}`);
    }
    checkBoolean(where, 'XEncode', XEncode);
    checkBoolean(where, 'YEncode', YEncode);
    checkBoolean(where, 'XScale', XScale);
    this.relativeSize = [...relativeSize] as [number, number, number];
    this.batchSize = batchSize ?? undefined;
    this.XEncode = XEncode;
    this.YEncode = YEncode;
    this.XScale = XScale;
    this.seDataset = {
      dtrain_relative: relativeSize[0],
      dval_relative: relativeSize[1],
      dtest_relative: relativeSize[2],
      batch_size: this.batchSize,
      X_scale: XScale,
      X_encode: XEncode,
      Y_encode: YEncode,
    };
    this.trainable = false;

    if (XData === undefined) {
      // A data-less embedding (e.g. a model read back for predictions only)
      if (YData !== undefined && YData !== null) throw new EpyNNError(`${where}: YData given without XData`);
      const empty = new NDArray(new Float64Array(0), [0]);
      this.dtrain = new DataSet(empty, undefined, 'dtrain');
      this.dval = new DataSet(empty, undefined, 'dval');
      this.dtest = new DataSet(empty, undefined, 'dtest');
      this.dsets = [];
      return;
    }

    // EpyNN's embedding_check, then embedding_encode, then embedding_prepare
    const checked = embeddingCheck(XData, YData, XEncode);
    const { X, Y } = embeddingEncode(this, checked.X, checked.Y, XEncode, YEncode, XScale);

    [this.dtrain, this.dval, this.dtest] = embeddingPrepare(this, X, Y);
    this.dsets = [this.dtrain, this.dval, this.dtest].filter((s) => s.active);
    this.labelColumns = Y === undefined ? 1 : Y.ndim === 2 ? Y.shape[1] : 1;
    if (this.batchSize !== undefined && this.dtrain.active && this.batchSize > this.dtrain.X.shape[0]) {
      throw new EpyNNError(`${where}: batchSize ${this.batchSize} is larger than dtrain (${this.dtrain.X.shape[0]} samples)`);
    }
  }

  /**
   * X as this embedding transforms it: one-hot with the element map (XEncode) and scaled with the
   * training data's range (XScale). Without an element map or range yet (a data-less embedding), they
   * are made from this X and kept.
   */
  transform(XData: XInput, where: string): NDArray {
    let X: NDArray;
    if (this.XEncode) {
      const sequences = toSequences(XData, where);
      if (this.e2i.size === 0) {
        const { elements, e2i } = indexElements(sequences);
        this.e2i = e2i;
        this.i2e = new Map(elements.map((e, i) => [i, e]));
        this.d.e = elements.length;
      }
      X = encodeDataset(sequences, this.e2i, where);
    } else X = toArray(XData, where, 'XData');
    if (X.ndim === 0 || X.shape[0] === 0) throw new EpyNNError(`${where}: XData is empty`);
    if (X.size === 0) throw new ShapeError(`${where}: XData has ${X.shape[0]} samples of shape ${fmt(X.shape.slice(1))}, with no features: a sample needs at least one value`);
    if (this.XScale) {
      this.XScaleRange ??= featureRange(X, where);
      X = scaleFeatures(X, where, this.XScaleRange);
    }
    return X;
  }

  /**
   * Replaces dtrain, dval and dtest with new data, transformed as the training data was (the same
   * element map and scaling range) and split with the same relativeSize (use `EpyNN.setData`).
   */
  setData(XData: XInput, YData: YInput | undefined, where = 'Embedding.setData'): void {
    const X = this.transform(XData, where);
    let Y: YInput | undefined = YData ?? undefined;
    let YEncode = this.YEncode;
    if (Y !== undefined && YEncode && this.labelColumns > 1) {
      // one-hot over the model's label count, even when the new data lacks a label
      const labels = toArray(Y, where, 'YData');
      if (labels.ndim !== 1) throw new EpyNNError(`${where}: YEncode expects 1-D labels of shape (N,), got ${labels.ndim}-D`);
      const k = this.labelColumns;
      const out = new Float64Array(labels.data.length * k);
      labels.data.forEach((v, i) => {
        if (!Number.isInteger(v) || v < 0 || v >= k) throw new EpyNNError(`${where}: YData label ${i} is ${v}; the model has labels 0..${k - 1}`);
        out[i * k + v] = 1;
      });
      Y = new NDArray(out, [labels.data.length, k]);
      YEncode = false;
    }
    const split = new Embedding({ XData: X, YData: Y, relativeSize: this.relativeSize, batchSize: this.batchSize, YEncode });
    this.dtrain = split.dtrain;
    this.dval = split.dval;
    this.dtest = split.dtest;
    this.dsets = split.dsets;
    this.labelColumns = split.labelColumns;
    this.batchDtrain = [];
    if (this.zipOrder !== undefined) this.zipOrder = this.dtrain.active ? [...Array(this.dtrain.X.shape[0]).keys()] : [];
  }

  /**
   * compat: 'epynn' mode only: EpyNN's `dtrain_zip` as indices into dtrain. Reset to dtrain's order by
   * initialize(), then shuffled in place by NumPy's shuffle at every call of trainingBatches().
   */
  zipOrder: number[] | undefined;

  /** The order in which dtrain samples are visited this epoch (a fresh seeded permutation; EpyNN's in compat mode). */
  shuffle(n: number): number[] {
    if (this.zipOrder !== undefined && this.rng instanceof NumpyRng) {
      if (this.zipOrder.length !== n) throw new EpyNNError(`Embedding: the EpyNN batch order has ${this.zipOrder.length} samples but dtrain has ${n} (initialize the model again)`);
      this.rng.shuffle(this.zipOrder);
      return [...this.zipOrder];
    }
    return this.rng.permutation(n);
  }

  /** Shuffles dtrain and prepares this epoch's batches (EpyNN training_batches). */
  trainingBatches(): DataSet[] {
    if (!this.dtrain.active || this.dtrain.Y === undefined) {
      throw new EpyNNError(
        'Embedding: no labeled training data (dtrain is empty or has no YData): cannot train. Give the model data with ' +
          'model.train({ epochs, data: { XData, YData } }) or model.setData({ XData, YData }) (a model written without ' +
          'includeData, then read, has no data)',
      );
    }
    return (this.batchDtrain = miniBatches(this));
  }

  toConfig(): Record<string, unknown> {
    return {
      relativeSize: this.relativeSize,
      batchSize: this.batchSize ?? null,
      XEncode: this.XEncode,
      YEncode: this.YEncode,
      XScale: this.XScale,
    };
  }

  /** Samples independent in every mode; draws nothing; no batch statistics; no clipping. */
  override get traits(): LayerTraits {
    return INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    embeddingComputeShapes(this, A);
  }

  initializeParameters(): void {
    embeddingInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    A = embeddingForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = embeddingBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    embeddingComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) embeddingUpdateParameters(this);
  }
}

/**
 * EpyNN's embedding_check: XData and YData as arrays (copies), every number finite, one sample
 * count. With XEncode, X stays sequences of elements for embeddingEncode.
 */
export function embeddingCheck(
  XData: unknown, YData: unknown, XEncode: boolean,
): { X: NDArray | Element[][]; Y: NDArray | undefined } {
  const where = 'Embedding';
  let X: NDArray | Element[][];
  let n: number;
  if (XEncode) {
    X = toSequences(XData, where);
    n = X.length;
  } else {
    X = toArray(XData, where, 'XData');
    if (X.ndim === 0) throw new EpyNNError(`${where}: XData must be an array of samples, got the single number ${show(X.data[0])}`);
    n = X.shape[0];
  }
  if (n === 0) throw new EpyNNError(`${where}: XData is empty (no samples)`);
  if (X instanceof NDArray ? X.size === 0 : X.every((x) => x.length === 0)) {
    throw new ShapeError(`${where}: XData has ${n} samples${X instanceof NDArray ? ` of shape ${fmt(X.shape.slice(1))}` : ''} with no features: a sample needs at least one value`);
  }
  let Y: NDArray | undefined;
  if (YData !== undefined && YData !== null) {
    Y = toArray(YData, where, 'YData');
    if (Y.ndim === 0) throw new EpyNNError(`${where}: YData must be an array of labels, got the single number ${show(Y.data[0])}`);
    if (Y.shape[0] !== n) {
      throw new EpyNNError(`${where}: XData and YData must have the same number of samples, got ${n} and ${Y.shape[0]}`);
    }
  }
  return { X, Y };
}

/**
 * EpyNN's embedding_encode: one-hot X (XEncode: the sorted unique elements give the layer's e2i and
 * i2e, and d.e), X scaled to [0, 1] (XScale: the range is kept on the layer as XScaleRange, for
 * predict), and Y one-hot (YEncode: labels 0..k−1 to (N, k)).
 */
export function embeddingEncode(
  layer: Embedding, X: NDArray | Element[][], Y: NDArray | undefined, XEncode: boolean, YEncode: boolean, XScale = false,
): { X: NDArray; Y: NDArray | undefined } {
  const where = 'Embedding';
  let out: NDArray;
  if (XEncode) {
    const sequences = X as Element[][];
    const { elements, e2i } = indexElements(sequences);
    layer.e2i = e2i;
    layer.i2e = new Map(elements.map((e, i) => [i, e]));
    layer.d.e = elements.length;
    out = encodeDataset(sequences, e2i, where);
  } else out = X as NDArray;
  if (XScale) {
    layer.XScaleRange = featureRange(out, where);
    out = scaleFeatures(out, where, layer.XScaleRange);
  }
  if (Y !== undefined) {
    if (YEncode) Y = oneHot(Y, where);
    else if (Y.ndim > 2) throw new EpyNNError(`${where}: YData must be (N,) labels or (N, k) one-hot, got ${Y.ndim}-D`);
  }
  return { X: out, Y };
}
