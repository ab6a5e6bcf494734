// The portable description of a model: what the interchange formats (TF.js in tfjs.ts, ONNX in
// onnx.ts) read and write. It is the inference graph only (layer kinds, their settings, float64
// parameters under EpyNN's names, the input shape and the Embedding's preprocessing): no random
// states, no datasets, no training history — those are kept by our own format (library.ts).
//
//   EpyNN model --describeModel--> PortableModel --tfjs.ts / onnx.ts--> bytes
//   bytes (TF.js) --tfjs.ts--> PortableModel --buildModel--> EpyNN model
//
// describeModel refuses, with an EpyNNError naming the layer and the reason, whatever has no exact
// counterpart in Keras and ONNX; the formats can then map every description they get.
import { show } from '../commons/checks.js';
import { type Activation, elu, identity, lrelu, nameOf, relu, sigmoid, softmax, tanh } from '../activation/functions.js';
import { EpyNNError } from '../errors.js';
import { lossFunctions } from '../commons/loss.js';
import type { Layer } from '../commons/models.js';
import { NDArray, fmt, sameShape, zeros } from '../commons/ndarray.js';
import { BatchNormalization } from '../batchnorm/models.js';
import { Convolution } from '../convolution/models.js';
import { Dense } from '../dense/models.js';
import { Dropout } from '../dropout/models.js';
import { type Element, type XInput, encodeDataset, scaleFeatures, toArray, toSequences } from '../embedding/dataset.js';
import { Embedding } from '../embedding/models.js';
import { Flatten } from '../flatten/models.js';
import { GRU } from '../gru/models.js';
import { LayerNormalization } from '../layernorm/models.js';
import { LSTM } from '../lstm/models.js';
import { modelHyperparameters } from '../network/hyperparameters.js';
import { EpyNN } from '../network/models.js';
import { Pooling } from '../pooling/models.js';
import { RNN } from '../rnn/models.js';
import { type HPars, defaultHPars } from '../settings.js';
import { MAX_PARAMETERS, valueBudget } from './limits.js';

/** Activations every format can express exactly (`alpha` for elu and leaky_relu). */
export type PortableActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'leaky_relu';
/** An activation by its portable name, with its parameter (`alpha`) if any. */
export interface PortableActivation {
  name: PortableActivationName;
  alpha?: number;
}

/** One layer of the inference graph. Parameters keep EpyNN's names and shapes (b as a vector). */
export type PortableLayer =
  | { kind: 'Conv2D'; filters: number; kernel: [number, number]; strides: [number, number]; padding: number; useBias: boolean; activation: PortableActivation; p: { W: NDArray; b: NDArray | null } }
  | { kind: 'Pool2D'; op: 'max' | 'mean'; size: [number, number]; strides: [number, number] }
  | { kind: 'Flatten' }
  | { kind: 'Dense'; units: number; activation: PortableActivation; p: { W: NDArray; b: NDArray } }
  | { kind: 'Dropout'; rate: number }
  | { kind: 'SimpleRNN'; units: number; sequences: boolean; activation: PortableActivation; p: { U: NDArray; V: NDArray; b: NDArray } }
  | { kind: 'LSTM'; units: number; sequences: boolean; activation: PortableActivation; recurrentActivation: PortableActivation; p: Record<'Ui' | 'Vi' | 'bi' | 'Uf' | 'Vf' | 'bf' | 'Ug' | 'Vg' | 'bg' | 'Uo' | 'Vo' | 'bo', NDArray> }
  | { kind: 'GRU'; units: number; sequences: boolean; activation: PortableActivation; recurrentActivation: PortableActivation; p: Record<'Uz' | 'Vz' | 'bz' | 'Ur' | 'Vr' | 'br' | 'Uhh' | 'Vhh' | 'bhh', NDArray> }
  /** Over the last axis; momentum as ours (PyTorch's: the weight of the batch); mean and var the running statistics. */
  | { kind: 'BatchNorm'; momentum: number; epsilon: number; p: { gamma: NDArray | null; beta: NDArray | null; mean: NDArray; var: NDArray } }
  /** Over the last `axes` axes (1 or 3), per sample; gamma and beta have the shape of those axes. */
  | { kind: 'LayerNorm'; axes: 1 | 3; epsilon: number; p: { gamma: NDArray | null; beta: NDArray | null } };

/**
 * The Embedding's preprocessing, stored in an exported model's metadata (TF.js
 * `userDefinedMetadata.epynn`, ONNX `metadata_props["epynn"]`) and applied by `preprocess`.
 */
export interface Preprocessing {
  format: 'epynn-ts/preprocess';
  version: 1;
  /** Shape of one sample as the network takes it (after encoding). */
  inputShape: number[];
  /** XEncode: each sample is a sequence of elements, one-hot encoded in this order (element i -> column i). */
  elements: Element[] | null;
  /** XScale: X is scaled by (X − min) / (max − min). */
  XScale: boolean;
  /**
   * The training data's [min, max] used by XScale (what `predict` applies by default), or null when
   * unknown: then X is scaled over the array passed in, as EpyNN's predict does.
   */
  XScaleRange: [number, number] | null;
  /** Number of output columns; > 1 means one-hot labels (YEncode or one-hot YData): the decision is the argmax. */
  labelColumns: number;
  /** The labels were one-hot encoded from 0..k−1 by the Embedding (YEncode). */
  YEncode: boolean;
}

/** A model in a format-neutral description (layers, weights, preprocessing), from which the TF.js and ONNX exports are written. */
export interface PortableModel {
  name: string;
  /** Shape of one sample (no batch axis). */
  inputShape: number[];
  layers: PortableLayer[];
  preprocessing: Preprocessing;
}

const RECURRENT_ACTIVATIONS = ['tanh', 'sigmoid', 'relu'];

const where = (fn: string, i: number, layer: Layer): string => `${fn}: layer ${i} (${layer.name})`;

/** The portable form of an activation, or an EpyNNError saying why it has none. */
function portableActivation(fn: Activation, hPars: Readonly<HPars>, w: string, option: string): PortableActivation {
  if (fn === identity) return { name: 'linear' };
  if (fn === relu) return { name: 'relu' };
  if (fn === sigmoid) return { name: 'sigmoid' };
  if (fn === tanh) return { name: 'tanh' };
  if (fn === softmax) return { name: 'softmax' };
  if (fn === elu) return { name: 'elu', alpha: hPars.ELU_alpha };
  if (fn === lrelu) {
    const alpha = hPars.LRELU_alpha;
    // EpyNN's lrelu is max(αx, x): Keras's LeakyReLU and ONNX's LeakyRelu (x if x > 0 else αx) equal it for 0 ≤ α ≤ 1 only
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new EpyNNError(`${w}: ${option} lrelu with LRELU_alpha = ${alpha} is max(αx, x), which LeakyReLU (x if x > 0 else αx) equals only for 0 ≤ α ≤ 1`);
    }
    return { name: 'leaky_relu', alpha };
  }
  throw new EpyNNError(
    `${w}: ${option} '${nameOf(fn)}' is a custom activation with no Keras or ONNX equivalent; exportable: identity, relu, sigmoid, tanh, softmax, elu, lrelu`,
  );
}

/** The activation of a recurrent gate: only those the Keras cells and ONNX's RNN ops both take as a setting. */
function recurrentActivation(fn: Activation, hPars: Readonly<HPars>, w: string, option: string): PortableActivation {
  const a = portableActivation(fn, hPars, w, option);
  if (!RECURRENT_ACTIVATIONS.includes(a.name)) {
    throw new EpyNNError(`${w}: ${option} '${nameOf(fn)}' is not exportable in a recurrent layer (Keras and ONNX recurrent cells take tanh, sigmoid or relu)`);
  }
  return a;
}

const vector = (b: NDArray): NDArray => new NDArray(b.data.slice(), [b.size]);
const copy = (a: NDArray): NDArray => new NDArray(a.data.slice(), [...a.shape]);

/**
 * The portable description of an initialized model (the parameters are copied, the model is not
 * touched). Refuses, naming the layer and why, what Keras and ONNX cannot express exactly.
 * Softmax with temperature T is folded into the layer's weights (W/T, b/T: same outputs).
 */
export function describeModel(model: EpyNN, fn = 'describeModel'): PortableModel {
  if (!(model instanceof EpyNN)) throw new EpyNNError(`${fn}: expected an EpyNN model, got ${model === null ? 'null' : typeof model}`);
  const emb = model.embedding;
  if (!model.initialized || emb.fs.X === undefined) {
    throw new EpyNNError(`${fn}: the model '${model.name}' is not initialized (no parameters or input shape yet): call initialize() or train() first`);
  }
  const inputShape = emb.fs.X.slice(1);
  const layers: PortableLayer[] = [];
  model.layers.forEach((layer, i) => {
    if (i === 0) return; // the Embedding: its preprocessing goes to the metadata
    const w = where(fn, i, layer);
    const hp = layer.hPars;
    if (layer instanceof Convolution) {
      if (layer.activate === softmax) throw new EpyNNError(`${w}: softmax over a convolution's 4-D output has no exportable form`);
      layers.push({
        kind: 'Conv2D', filters: layer.d.u, kernel: [layer.d.fh, layer.d.fw], strides: [layer.d.sh, layer.d.sw], padding: layer.d.p,
        useBias: layer.useBias, activation: portableActivation(layer.activate, hp, w, 'activate'),
        p: { W: copy(layer.p.W), b: layer.useBias ? vector(layer.p.b) : null },
      });
    } else if (layer instanceof Pooling) {
      if (layer.pool === 'min') {
        throw new EpyNNError(`${w}: min pooling has no Keras layer and no ONNX operator (only max and average pooling); use pool 'max' or 'mean' to export`);
      }
      layers.push({ kind: 'Pool2D', op: layer.pool, size: [layer.d.ph, layer.d.pw], strides: [layer.d.sh, layer.d.sw] });
    } else if (layer instanceof Flatten) {
      layers.push({ kind: 'Flatten' });
    } else if (layer instanceof Dense) {
      const activation = portableActivation(layer.activate, hp, w, 'activate');
      let W = copy(layer.p.W);
      let b = vector(layer.p.b);
      if (activation.name === 'softmax' && hp.softmax_temperature !== 1) {
        // softmax(Z / T) with Z = X·W + b equals softmax(X·(W/T) + b/T)
        const T = hp.softmax_temperature;
        W = new NDArray(W.data.map((v) => v / T), W.shape);
        b = new NDArray(b.data.map((v) => v / T), b.shape);
      }
      layers.push({ kind: 'Dense', units: layer.d.u, activation, p: { W, b } });
    } else if (layer instanceof Dropout) {
      const axis = (layer.toConfig() as { axis?: unknown[] }).axis ?? [];
      if (Array.isArray(axis) && axis.length > 0) {
        throw new EpyNNError(`${w}: Dropout with axis ${JSON.stringify(axis)} (masks shared along axes) is not exported; only the default per-entry dropout is`);
      }
      layers.push({ kind: 'Dropout', rate: layer.dropProb });
    } else if (layer instanceof RNN) {
      const p = layer.p;
      layers.push({ kind: 'SimpleRNN', units: layer.d.u, sequences: layer.sequences, activation: recurrentActivation(layer.activate, hp, w, 'activate'), p: { U: copy(p.U), V: copy(p.V), b: vector(p.b) } });
    } else if (layer instanceof LSTM) {
      // Keras and ONNX have one activation for the candidate and the memory (activate = activateCandidate)
      // and one for the three gates (activateInput = activateForget = activateOutput)
      if (layer.activate !== layer.activateCandidate) {
        throw new EpyNNError(`${w}: activate '${nameOf(layer.activate)}' differs from activateCandidate '${nameOf(layer.activateCandidate)}'; Keras's LSTM uses one activation for both`);
      }
      if (layer.activateInput !== layer.activateForget || layer.activateInput !== layer.activateOutput) {
        throw new EpyNNError(
          `${w}: the gate activations differ (input '${nameOf(layer.activateInput)}', forget '${nameOf(layer.activateForget)}', output '${nameOf(layer.activateOutput)}'); Keras's LSTM uses one recurrent_activation for the three gates`,
        );
      }
      const p = Object.fromEntries(Object.entries(layer.p).map(([k, v]) => [k, k.startsWith('b') ? vector(v) : copy(v)]));
      layers.push({
        kind: 'LSTM', units: layer.d.u, sequences: layer.sequences,
        activation: recurrentActivation(layer.activate, hp, w, 'activate'), recurrentActivation: recurrentActivation(layer.activateInput, hp, w, 'activateInput'),
        p: p as Extract<PortableLayer, { kind: 'LSTM' }>['p'],
      });
    } else if (layer instanceof GRU) {
      // EpyNN's GRU, hh = φ(X·Uhh + (r ⊙ h)·Vhh + b), h = z ⊙ h_prev + (1 − z) ⊙ hh, is Keras's GRU with
      // reset_after = false and ONNX's GRU with linear_before_reset = 0; one activation for z and r
      if (layer.activateUpdate !== layer.activateReset) {
        throw new EpyNNError(`${w}: activateUpdate '${nameOf(layer.activateUpdate)}' differs from activateReset '${nameOf(layer.activateReset)}'; Keras's GRU uses one recurrent_activation for both gates`);
      }
      const p = Object.fromEntries(Object.entries(layer.p).map(([k, v]) => [k, k.startsWith('b') ? vector(v) : copy(v)]));
      layers.push({
        kind: 'GRU', units: layer.d.u, sequences: layer.sequences,
        activation: recurrentActivation(layer.activate, hp, w, 'activate'), recurrentActivation: recurrentActivation(layer.activateUpdate, hp, w, 'activateUpdate'),
        p: p as Extract<PortableLayer, { kind: 'GRU' }>['p'],
      });
    } else if (layer instanceof BatchNormalization) {
      const p = layer.p;
      layers.push({
        kind: 'BatchNorm', momentum: layer.momentum, epsilon: layer.epsilon,
        p: { gamma: layer.scale ? copy(p.gamma) : null, beta: layer.center ? copy(p.beta) : null, mean: copy(p.mean), var: copy(p.var) },
      });
    } else if (layer instanceof LayerNormalization) {
      const p = layer.p;
      layers.push({ kind: 'LayerNorm', axes: layer.axes, epsilon: layer.epsilon, p: { gamma: layer.scale ? copy(p.gamma) : null, beta: layer.center ? copy(p.beta) : null } });
    } else {
      throw new EpyNNError(`${w}: layer type '${layer.name}' has no Keras or ONNX mapping (exportable: Convolution, Pooling, Flatten, Dense, Dropout, RNN, LSTM, GRU, BatchNormalization, LayerNormalization)`);
    }
  });
  return { name: model.name, inputShape, layers, preprocessing: preprocessingOf(model) };
}

/** The Embedding's preprocessing of a model, as stored in exported metadata. */
export function preprocessingOf(model: EpyNN): Preprocessing {
  const emb = model.embedding;
  const elements = emb.e2i.size > 0 ? [...emb.e2i.entries()].sort((a, b) => a[1] - b[1]).map(([e]) => e) : null;
  return {
    format: 'epynn-ts/preprocess',
    version: 1,
    inputShape: emb.fs.X === undefined ? [] : emb.fs.X.slice(1),
    elements,
    XScale: emb.XScale,
    XScaleRange: emb.XScaleRange === undefined ? null : [emb.XScaleRange[0], emb.XScaleRange[1]],
    labelColumns: emb.labelColumns,
    YEncode: emb.YEncode,
  };
}

/** Checks metadata read back from a file; `fn` names the caller in errors. */
export function checkPreprocessing(meta: unknown, fn: string): Preprocessing {
  const m = meta as Partial<Preprocessing> | null;
  if (m === null || typeof m !== 'object' || m.format !== 'epynn-ts/preprocess') {
    throw new EpyNNError(`${fn}: metadata is not epynn-ts preprocessing (expected an object with format "epynn-ts/preprocess", got ${JSON.stringify(meta)?.slice(0, 80)})`);
  }
  if (m.version !== 1) throw new EpyNNError(`${fn}: unsupported preprocessing version ${String(m.version)}; this epynn-ts reads version 1`);
  if (!Array.isArray(m.inputShape) || !m.inputShape.every((v) => Number.isInteger(v) && v > 0)) throw new EpyNNError(`${fn}: preprocessing.inputShape must be positive integers, got ${show(m.inputShape)}`);
  if (m.elements !== null && !(Array.isArray(m.elements) && m.elements.every((e) => typeof e === 'string' || typeof e === 'number'))) {
    throw new EpyNNError(`${fn}: preprocessing.elements must be null or an array of strings/numbers`);
  }
  if (typeof m.XScale !== 'boolean' || typeof m.YEncode !== 'boolean') throw new EpyNNError(`${fn}: preprocessing.XScale and YEncode must be booleans`);
  if (m.XScaleRange === undefined) m.XScaleRange = null;
  const r = m.XScaleRange;
  if (r !== null && !(Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0])) {
    throw new EpyNNError(`${fn}: preprocessing.XScaleRange must be null or [min, max] with min < max, got ${show(r)}`);
  }
  if (!Number.isInteger(m.labelColumns) || (m.labelColumns as number) < 1) throw new EpyNNError(`${fn}: preprocessing.labelColumns must be a positive integer, got ${String(m.labelColumns)}`);
  return m as Preprocessing;
}

/**
 * Applies an exported model's preprocessing to raw samples, as `model.predict` does by default:
 * one-hot encoding of element sequences (XEncode) with the training element order, then scaling
 * (XScale) with the training data's [min, max] (over this X when the range is unknown, as EpyNN's
 * predict does). Returns float64 samples of shape
 * (N, ...inputShape); pass `.data` to `Float32Array.from` for a TF.js tensor or an ONNX tensor.
 * `meta` is the `epynn` entry of the exported metadata (or the whole metadata object).
 */
export function preprocess(meta: Preprocessing | { epynn: Preprocessing }, XData: XInput): NDArray {
  const fn = 'preprocess';
  const m = checkPreprocessing(meta !== null && typeof meta === 'object' && 'epynn' in meta ? meta.epynn : meta, fn);
  let X: NDArray;
  if (m.elements !== null) {
    const e2i = new Map<Element, number>(m.elements.map((e, i) => [e, i]));
    X = encodeDataset(toSequences(XData, fn), e2i, fn);
  } else X = toArray(XData, fn, 'XData');
  if (m.XScale) X = m.XScaleRange === null ? scaleFeatures(X, fn) : scaleFeatures(X, fn, m.XScaleRange);
  if (!sameShape(X.shape.slice(1), m.inputShape)) {
    throw new EpyNNError(`${fn}: samples have shape ${fmt(X.shape.slice(1))} but the model takes ${fmt(m.inputShape)} (X ${fmt(X.shape)})`);
  }
  return X;
}

// ---------------------------------------------------------------------------------------------
// Description -> EpyNN model

const ACTIVATIONS: Record<PortableActivationName, Activation> = { linear: identity, relu, sigmoid, tanh, softmax, elu, leaky_relu: lrelu };

/**
 * An initialized EpyNN model (float64) from a description: it predicts at once and continues
 * training with `model.train({ epochs, data: { XData, YData } })` (docs/OUTGROW.md). Alphas of elu/lrelu become the
 * model's hyperparameters when all layers agree, else the layer's own seHPars.
 */
export function buildModel(desc: PortableModel, fn = 'buildModel', loss = 'MSE', maxParameters = MAX_PARAMETERS): EpyNN {
  const budget = valueBudget(maxParameters, fn);
  const alphas = { elu: new Set<number>(), leaky_relu: new Set<number>() };
  for (const l of desc.layers) {
    for (const a of 'activation' in l ? [l.activation, ...('recurrentActivation' in l ? [l.recurrentActivation] : [])] : []) {
      if (a.name === 'elu' || a.name === 'leaky_relu') alphas[a.name].add(a.alpha ?? (a.name === 'elu' ? 1 : 0.3));
    }
  }
  const modelHPars = defaultHPars({
    ...(alphas.elu.size === 1 ? { ELU_alpha: [...alphas.elu][0] } : {}),
    ...(alphas.leaky_relu.size === 1 ? { LRELU_alpha: [...alphas.leaky_relu][0] } : {}),
  });
  const own = (a: PortableActivation): HPars | undefined => {
    if (a.name === 'elu' && alphas.elu.size > 1) return defaultHPars({ ELU_alpha: a.alpha ?? 1 });
    if (a.name === 'leaky_relu' && alphas.leaky_relu.size > 1) return defaultHPars({ LRELU_alpha: a.alpha ?? 0.3 });
    return undefined;
  };
  const act = (a: PortableActivation): Activation => ACTIVATIONS[a.name];

  const layers: Layer[] = desc.layers.map((l): Layer => {
    switch (l.kind) {
      case 'Conv2D':
        return new Convolution({ unitFilters: l.filters, filterSize: l.kernel, strides: l.strides, padding: l.padding, activate: act(l.activation), useBias: l.useBias, seHPars: own(l.activation) });
      case 'Pool2D':
        return new Pooling({ poolSize: l.size, strides: l.strides, pool: l.op });
      case 'Flatten':
        return new Flatten();
      case 'Dense':
        return new Dense({ units: l.units, activate: act(l.activation), seHPars: own(l.activation) });
      case 'Dropout':
        return new Dropout({ dropProb: l.rate });
      case 'SimpleRNN':
        return new RNN({ unitCells: l.units, activate: act(l.activation), sequences: l.sequences });
      case 'LSTM': {
        const g = act(l.recurrentActivation);
        return new LSTM({ unitCells: l.units, activate: act(l.activation), activateCandidate: act(l.activation), activateInput: g, activateForget: g, activateOutput: g, sequences: l.sequences });
      }
      case 'GRU': {
        const g = act(l.recurrentActivation);
        return new GRU({ unitCells: l.units, activate: act(l.activation), activateUpdate: g, activateReset: g, sequences: l.sequences });
      }
      case 'BatchNorm':
        return new BatchNormalization({ momentum: l.momentum, epsilon: l.epsilon, center: l.p.beta !== null, scale: l.p.gamma !== null });
      case 'LayerNorm':
        return new LayerNormalization({ epsilon: l.epsilon, axis: l.axes === 1 ? -1 : [-3, -2, -1], center: l.p.beta !== null, scale: l.p.gamma !== null });
    }
  });
  const model = new EpyNN([new Embedding(), ...layers], desc.name);
  model.seHPars = modelHPars;
  modelHyperparameters(model);
  const emb = model.embedding;
  const pre = desc.preprocessing;
  if (pre.elements !== null) {
    emb.e2i = new Map(pre.elements.map((e, i) => [e, i]));
    emb.i2e = new Map(pre.elements.map((e, i) => [i, e]));
  }
  emb.labelColumns = pre.labelColumns;
  // predict() applies the training transformation by default: the same settings as the exported model's Embedding
  Object.assign(emb as { XEncode: boolean; XScale: boolean; YEncode: boolean }, { XEncode: pre.elements !== null, XScale: pre.XScale, YEncode: pre.YEncode });
  emb.XScaleRange = pre.XScaleRange === null ? undefined : [pre.XScaleRange[0], pre.XScaleRange[1]];

  // The steps of the check pass on one zero sample: shapes, parameter names and shapes, forward
  let A = zeros([1, ...desc.inputShape]);
  model.setTraining(false);
  model.layers.forEach((layer, i) => {
    const w = `${fn}: layer ${i} (${layer.name})`;
    try {
      layer.computeShapes(A);
    } catch (err) {
      throw new EpyNNError(`${w}: does not fit its input ${fmt(A.shape)}: ${(err as Error).message}`, { cause: err });
    }
    budget(layer, w);
    try {
      layer.initializeParameters();
    } catch (err) {
      throw new EpyNNError(`${w}: does not fit its input ${fmt(A.shape)}: ${(err as Error).message}`, { cause: err });
    }
    if (i > 0) {
      const given = desc.layers[i - 1];
      const p = 'p' in given ? (given.p as Record<string, NDArray | null>) : {};
      for (const k of Object.keys(layer.p)) {
        let v = p[k];
        if (v === undefined || v === null) {
          if (layer instanceof Convolution && k === 'b' && !layer.useBias) continue; // zeros, never trained
          throw new EpyNNError(`${w}: parameter ${k} is missing`);
        }
        if (v.size === layer.p[k].size && v.ndim === 1 && layer.p[k].ndim === 2) v = new NDArray(v.data, layer.p[k].shape); // b (u,) -> (1, u)
        if (!sameShape(v.shape, layer.p[k].shape)) {
          throw new EpyNNError(`${w}: parameter ${k} has shape ${fmt(v.shape)} but the layer needs ${fmt(layer.p[k].shape)}`);
        }
        layer.p[k] = new NDArray(Float64Array.from(v.data), [...v.shape]);
      }
    }
    try {
      A = layer.forward(A);
    } catch (err) {
      throw new EpyNNError(`${w}: forward check failed: ${(err as Error).message}`, { cause: err });
    }
    model.network.set(layer, { Layer: layer.name, Activation: { ...layer.activation }, Dimensions: layer.d, FW_Shapes: layer.fs, BW_Shapes: layer.bs });
  });
  model.loss = loss;
  model.trainingLoss = lossFunctions(loss, model.layers[model.layers.length - 1].activation.activate);
  model.metrics = { accuracy: [[], [], []], [loss]: [[], [], []] }; // initialize()'s defaults
  model.initialized = true;
  return model;
}
