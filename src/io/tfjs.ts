// TensorFlow.js Layers format (what `tf.loadLayersModel` reads, and `tensorflowjs_converter` turns
// into a Python Keras .h5/.keras): a Keras Sequential topology in model.json plus float32 weights.
// Browser-safe: bytes in, bytes out; src/node/formats.ts writes and reads the files.
//
// Mapping (EpyNN -> Keras; fromTFJS maps back):
//   Convolution p > 0     -> ZeroPadding2D(p) + Conv2D(valid)      (EpyNN pads symmetrically, windows from the top-left)
//   Convolution p = 0     -> Conv2D(padding 'valid', strides (sh, sw)); kernel (fh, fw, d, u) as EpyNN's W
//   Pooling max / mean    -> MaxPooling2D / AveragePooling2D (valid)
//   Flatten, Dropout      -> Flatten, Dropout(rate = dropProb)
//   Dense                 -> Dense; softmax with temperature T as W/T, b/T
//   RNN                   -> SimpleRNN: kernel U, recurrent_kernel V, bias b
//   LSTM                  -> LSTM: columns [i | f | c | o] of [U], [V], [b] (EpyNN's g is Keras's c)
//   GRU                   -> GRU(reset_after = false): columns [z | r | h] (EpyNN's hh is Keras's h)
//   lrelu                 -> activation 'linear' + LeakyReLU(alpha) layer (not in recurrent cells)
//   elu                   -> 'elu' with ELU_alpha 1 only (tfjs-layers refuses other alphas; ONNX takes any)
//   BatchNormalization    -> BatchNormalization(axis −1, momentum 1 − ours, epsilon): gamma, beta, moving_mean, moving_variance
//   LayerNormalization    -> LayerNormalization(axis −1 or [−3, −2, −1], epsilon): gamma, beta
import { MAX_ELEMENTS, checkFinite, checkOptions, show } from '../commons/checks.js';
import { EpyNNError, ModelFileError, NonFiniteError } from '../errors.js';
import { NDArray, fmt, size } from '../commons/ndarray.js';
import { MAX_SAMPLE_VALUES, type ReadLimits, maxParametersOf } from './limits.js';
import type { EpyNN } from '../network/models.js';
import {
  type PortableActivation, type PortableActivationName, type PortableLayer, type PortableModel, type Preprocessing,
  buildModel, checkPreprocessing, describeModel,
} from './portable.js';

/** The weights file name written next to model.json. */
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** One weight of a TF.js weights manifest: name, shape and dtype. */
export interface TFJSWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** model.json of the TF.js Layers format (the parts we write and read). */
export interface TFJSModelJSON {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: TFJSWeightSpec[] }[];
  userDefinedMetadata?: { epynn?: Preprocessing } & Record<string, unknown>;
}

/** A TF.js Layers model in memory: model.json and the weights' bytes. */
export interface TFJSArtifacts {
  modelJSON: TFJSModelJSON;
  /** float32 little-endian weights, in the order of weightsManifest. */
  weightData: ArrayBuffer;
}

/** The EpyNN layer each portable kind comes from (for messages). */
const EPYNN_NAMES: Record<PortableLayer['kind'], string> = { Conv2D: 'Convolution', Pool2D: 'Pooling', Flatten: 'Flatten', Dense: 'Dense', Dropout: 'Dropout', SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU', BatchNorm: 'BatchNormalization', LayerNorm: 'LayerNormalization' };

/** 1 − m without the rounding noise of the subtraction (Keras's momentum is 1 − ours: 0.1 ↔ 0.9). */
const complement = (m: number): number => Number((1 - m).toPrecision(15));

type KerasLayer = { class_name: string; config: Record<string, unknown> };

const INIT_UNIFORM = { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } };
const INIT_ZEROS = { class_name: 'Zeros', config: {} };
const INIT_ONES = { class_name: 'Ones', config: {} };

/** Columns side by side: each (r, u) array -> one (r, k·u) array (vectors: (k·u,)). */
function concatColumns(parts: NDArray[]): NDArray {
  const u = parts[0].shape[parts[0].ndim - 1];
  const r = parts[0].size / u;
  const k = parts.length;
  const out = new Float64Array(r * k * u);
  parts.forEach((p, j) => {
    for (let i = 0; i < r; i++) for (let c = 0; c < u; c++) out[i * k * u + j * u + c] = p.data[i * u + c];
  });
  return new NDArray(out, parts[0].ndim === 1 ? [k * u] : [r, k * u]);
}

/** The inverse of concatColumns: (r, k·u) -> k arrays (r, u) (vectors: (u,)). */
function splitColumns(a: NDArray, k: number): NDArray[] {
  const ku = a.shape[a.ndim - 1];
  const u = ku / k;
  const r = a.size / ku;
  return Array.from({ length: k }, (_, j) => {
    const out = new Float64Array(r * u);
    for (let i = 0; i < r; i++) for (let c = 0; c < u; c++) out[i * u + c] = a.data[i * ku + j * u + c];
    return new NDArray(out, a.ndim === 1 ? [u] : [r, u]);
  });
}

/** Keras's activation string, plus the separate layer elu (α ≠ 1) and leaky_relu need. */
function kerasActivation(a: PortableActivation, w: string): { activation: string; extra: KerasLayer | null } {
  if (a.name === 'elu' && a.alpha !== 1) {
    // Python Keras's ELU layer takes any alpha, but tfjs-layers 4.x refuses to load one other than 1
    throw new EpyNNError(`${w}: elu with ELU_alpha = ${a.alpha}: TF.js's ELU layer supports alpha = 1 only (export to ONNX instead, or train with ELU_alpha 1)`);
  }
  if (a.name === 'leaky_relu') return { activation: 'linear', extra: { class_name: 'LeakyReLU', config: { alpha: a.alpha } } };
  return { activation: a.name, extra: null };
}

/**
 * The model in the TF.js Layers format: `{ modelJSON, weightData }` as `tf.io.fromMemory` and
 * `tf.loadLayersModel` take them. float32 weights; the Embedding's preprocessing in
 * `modelJSON.userDefinedMetadata.epynn` (see `preprocess`). Throws an EpyNNError naming the layer
 * for what Keras cannot express (min pooling, custom activations, ...).
 */
export function toTFJS(model: EpyNN): TFJSArtifacts {
  return portableToTFJS(describeModel(model, 'toTFJS'));
}

/** The TF.js artifacts of a portable description. */
export function portableToTFJS(desc: PortableModel): TFJSArtifacts {
  const layers: KerasLayer[] = [];
  const specs: TFJSWeightSpec[] = [];
  const arrays: NDArray[] = [];
  const counts = new Map<string, number>();
  const name = (base: string): string => {
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}_${n}`;
  };
  const push = (className: string, base: string, config: Record<string, unknown>, weights: [string, NDArray][] = []): void => {
    const layerName = name(base);
    const full: Record<string, unknown> = { name: layerName, trainable: true, dtype: 'float32', ...config };
    if (layers.length === 0) full.batch_input_shape = [null, ...desc.inputShape];
    layers.push({ class_name: className, config: full });
    for (const [w, a] of weights) {
      specs.push({ name: `${layerName}/${w}`, shape: [...a.shape], dtype: 'float32' });
      arrays.push(a);
    }
  };
  const activationLayer = (extra: KerasLayer | null): void => {
    if (extra !== null) push(extra.class_name, 'leaky_re_lu', extra.config);
  };
  const recurrentCommon = (l: { units: number; sequences: boolean }) => ({
    units: l.units, use_bias: true, kernel_initializer: INIT_UNIFORM, recurrent_initializer: INIT_UNIFORM, bias_initializer: INIT_ZEROS,
    dropout: 0, recurrent_dropout: 0, return_sequences: l.sequences, return_state: false, go_backwards: false, stateful: false, unroll: false,
  });

  desc.layers.forEach((l, i) => {
    const w = `toTFJS: layer ${i + 1} (${EPYNN_NAMES[l.kind]})`;
    switch (l.kind) {
      case 'Conv2D': {
        if (l.padding > 0) push('ZeroPadding2D', 'zero_padding2d', { padding: [[l.padding, l.padding], [l.padding, l.padding]], data_format: 'channels_last' });
        const { activation, extra } = kerasActivation(l.activation, w);
        push('Conv2D', 'conv2d', {
          filters: l.filters, kernel_size: l.kernel, strides: l.strides, padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1],
          activation, use_bias: l.useBias, kernel_initializer: INIT_UNIFORM, bias_initializer: INIT_ZEROS,
        }, l.p.b === null ? [['kernel', l.p.W]] : [['kernel', l.p.W], ['bias', l.p.b]]);
        activationLayer(extra);
        break;
      }
      case 'Pool2D':
        push(l.op === 'max' ? 'MaxPooling2D' : 'AveragePooling2D', l.op === 'max' ? 'max_pooling2d' : 'average_pooling2d', {
          pool_size: l.size, strides: l.strides, padding: 'valid', data_format: 'channels_last',
        });
        break;
      case 'Flatten':
        push('Flatten', 'flatten', {});
        break;
      case 'Dropout':
        push('Dropout', 'dropout', { rate: l.rate, noise_shape: null, seed: null });
        break;
      case 'Dense': {
        const { activation, extra } = kerasActivation(l.activation, w);
        push('Dense', 'dense', { units: l.units, activation, use_bias: true, kernel_initializer: INIT_UNIFORM, bias_initializer: INIT_ZEROS }, [['kernel', l.p.W], ['bias', l.p.b]]);
        activationLayer(extra);
        break;
      }
      case 'SimpleRNN':
        push('SimpleRNN', 'simple_rnn', { ...recurrentCommon(l), activation: l.activation.name }, [['kernel', l.p.U], ['recurrent_kernel', l.p.V], ['bias', l.p.b]]);
        break;
      case 'LSTM': {
        const p = l.p;
        push('LSTM', 'lstm', { ...recurrentCommon(l), activation: l.activation.name, recurrent_activation: l.recurrentActivation.name, unit_forget_bias: false, implementation: 1 }, [
          ['kernel', concatColumns([p.Ui, p.Uf, p.Ug, p.Uo])],
          ['recurrent_kernel', concatColumns([p.Vi, p.Vf, p.Vg, p.Vo])],
          ['bias', concatColumns([p.bi, p.bf, p.bg, p.bo])],
        ]);
        break;
      }
      case 'BatchNorm': {
        const p = l.p;
        const weights: [string, NDArray][] = [];
        if (p.gamma !== null) weights.push(['gamma', p.gamma]);
        if (p.beta !== null) weights.push(['beta', p.beta]);
        weights.push(['moving_mean', p.mean], ['moving_variance', p.var]);
        push('BatchNormalization', 'batch_normalization', {
          axis: -1, momentum: complement(l.momentum), epsilon: l.epsilon, center: p.beta !== null, scale: p.gamma !== null,
          beta_initializer: INIT_ZEROS, gamma_initializer: INIT_ONES, moving_mean_initializer: INIT_ZEROS, moving_variance_initializer: INIT_ONES,
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        }, weights);
        break;
      }
      case 'LayerNorm': {
        const p = l.p;
        const weights: [string, NDArray][] = [];
        if (p.gamma !== null) weights.push(['gamma', p.gamma]);
        if (p.beta !== null) weights.push(['beta', p.beta]);
        push('LayerNormalization', 'layer_normalization', {
          axis: l.axes === 1 ? -1 : [-3, -2, -1], epsilon: l.epsilon, center: p.beta !== null, scale: p.gamma !== null,
          beta_initializer: INIT_ZEROS, gamma_initializer: INIT_ONES, beta_regularizer: null, gamma_regularizer: null,
        }, weights);
        break;
      }
      case 'GRU': {
        const p = l.p;
        push('GRU', 'gru', { ...recurrentCommon(l), activation: l.activation.name, recurrent_activation: l.recurrentActivation.name, reset_after: false, implementation: 1 }, [
          ['kernel', concatColumns([p.Uz, p.Ur, p.Uhh])],
          ['recurrent_kernel', concatColumns([p.Vz, p.Vr, p.Vhh])],
          ['bias', concatColumns([p.bz, p.br, p.bhh])],
        ]);
        break;
      }
    }
  });

  const total = arrays.reduce((n, a) => n + a.size, 0);
  const weightData = new ArrayBuffer(total * 4);
  const view = new DataView(weightData);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.size; i++, o += 4) view.setFloat32(o, a.data[i], true);

  return {
    modelJSON: {
      format: 'layers-model',
      generatedBy: 'epynn-ts',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: desc.name, layers },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
      userDefinedMetadata: { epynn: desc.preprocessing },
    },
    weightData,
  };
}

// ---------------------------------------------------------------------------------------------
// TF.js -> EpyNN

const FN = 'fromTFJS';

/** Keras's activation name (snake_case or TF.js camelCase) -> ours, or a refusal naming it. */
function activationFromKeras(name: unknown, w: string, option = 'activation'): PortableActivation {
  const n = name === undefined || name === null ? 'linear' : name;
  const known: Record<string, PortableActivationName> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu' };
  if (typeof n === 'string' && Object.hasOwn(known, n)) return n === 'elu' ? { name: 'elu', alpha: 1 } : { name: known[n] };
  throw new EpyNNError(`${w}: ${option} ${JSON.stringify(n)} has no EpyNN equivalent (importable: linear, relu, sigmoid, tanh, softmax, elu, plus LeakyReLU/ELU layers)`);
}

const pairOf = (v: unknown, w: string, what: string): [number, number] => {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && x > 0)) throw new EpyNNError(`${w}: ${what} must be two positive integers, got ${show(v)}`);
  return [p[0], p[1]];
};

/** A finite number from a topology (a NonFiniteError for NaN or ±Infinity, an EpyNNError for another type or range). */
function num(v: unknown, w: string, what: string, { min, below }: { min?: number; below?: number } = {}): number {
  if (typeof v !== 'number') throw new EpyNNError(`${w}: ${what} must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new NonFiniteError(`${w}: ${what} must be a finite number, got ${show(v)}`);
  if ((min !== undefined && v < min) || (below !== undefined && !(v < below))) throw new EpyNNError(`${w}: ${what} must be ${below === undefined ? `>= ${min}` : `in [${min}, ${below})`}, got ${show(v)}`);
  return v;
}

/** A positive integer from a topology. */
function int(v: unknown, w: string, what: string): number {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new NonFiniteError(`${w}: ${what} must be a positive integer, got ${show(v)}`);
  if (!(Number.isSafeInteger(v) && (v as number) > 0)) throw new EpyNNError(`${w}: ${what} must be a positive integer, got ${show(v)}`);
  return v as number;
}

function expect(cond: boolean, w: string, message: string): void {
  if (!cond) throw new EpyNNError(`${w}: ${message}`);
}

/**
 * How many trailing axes `axis` (an axis or a list of them, negative or positive, for an input of
 * `rank` dimensions) names: k when it is exactly the last k axes in order, else 0.
 */
function trailingAxes(axis: unknown, rank: number): number {
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list) || list.length === 0 || !list.every((a) => Number.isInteger(a))) return 0;
  const k = list.length;
  return list.every((a: number, i: number) => (a < 0 ? a + rank : a) === rank - k + i) && k < rank ? k : 0;
}

/** The float32 weights of a TF.js model by name, as float64 arrays. */

/** Whether `v` is a plain (non-null, non-array) object. */
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The weights manifest checked entry by entry before anything is read or allocated: an array of
 * groups `{ paths: string[], weights: { name, shape, dtype }[] }`, every shape an array of
 * non-negative integers whose product fits one array; returns the byte count it describes.
 */
export function checkManifest(modelJSON: TFJSModelJSON, where = FN): number {
  const manifest = (modelJSON as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFileError(`${where}: modelJSON.weightsManifest must be an array, got ${show(manifest)}`);
  let bytes = 0;
  const names = new Set<string>();
  manifest.forEach((group: unknown, g) => {
    const at = `weightsManifest[${g}]`;
    if (!isRecord(group)) throw new ModelFileError(`${where}: ${at} must be an object { paths, weights }, got ${show(group)}`);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) throw new ModelFileError(`${where}: ${at}.paths must be an array of file names, got ${show(group.paths)}`);
    if (!Array.isArray(group.weights)) throw new ModelFileError(`${where}: ${at}.weights must be an array, got ${show(group.weights)}`);
    group.weights.forEach((spec: unknown, j) => {
      const ws = `${at}.weights[${j}]`;
      if (!isRecord(spec)) throw new ModelFileError(`${where}: ${ws} must be an object { name, shape, dtype }, got ${show(spec)}`);
      if (typeof spec.name !== 'string' || spec.name === '') throw new ModelFileError(`${where}: ${ws}.name must be a non-empty string, got ${show(spec.name)}`);
      if (names.has(spec.name)) throw new ModelFileError(`${where}: ${ws}: weight ${JSON.stringify(spec.name)} is listed twice`);
      names.add(spec.name);
      const shape = spec.shape;
      if (!Array.isArray(shape) || shape.length > 8 || !shape.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
        throw new ModelFileError(`${where}: ${ws} (${spec.name}).shape must be an array of at most 8 non-negative integers, got ${show(shape)}`);
      }
      if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
        throw new ModelFileError(`${where}: weight ${spec.name} has dtype ${JSON.stringify(spec.dtype)}${spec.quantization !== undefined ? ' (quantized)' : ''}; only float32 weights are read`);
      }
      const n = (shape as number[]).reduce((a, b) => a * b, 1);
      if (!(n <= MAX_ELEMENTS)) throw new ModelFileError(`${where}: weight ${spec.name} of shape ${fmt(shape as number[])} would hold ${n.toExponential(3)} values, more than the ${MAX_ELEMENTS} an array may hold`);
      bytes += n * 4;
    });
  });
  return bytes;
}

/** The float32 weights of a TF.js model by name, as float64 arrays (every value finite). */
function readWeights(modelJSON: TFJSModelJSON, weightData: ArrayBuffer | Uint8Array): Map<string, NDArray> {
  const bytes = weightData instanceof Uint8Array ? weightData : new Uint8Array(weightData);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, NDArray>();
  const described = checkManifest(modelJSON);
  if (described !== bytes.byteLength) {
    throw new ModelFileError(`${FN}: weightData holds ${bytes.byteLength} bytes but the manifest describes ${described}${described > bytes.byteLength ? ' (the weights file is truncated)' : ''}`);
  }
  let o = 0;
  for (const group of modelJSON.weightsManifest) {
    for (const s of group.weights) {
      const n = size(s.shape);
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++, o += 4) data[i] = view.getFloat32(o, true);
      const a = new NDArray(data, [...s.shape]);
      checkFinite(`${FN}: weight '${s.name}'`, s.name, a);
      out.set(s.name, a);
    }
  }
  return out;
}

/** The Sequential layer list of a topology (TF.js and Python Keras spellings). */
function sequentialLayers(modelJSON: TFJSModelJSON): { name: string; layers: KerasLayer[] } {
  if (modelJSON === null || typeof modelJSON !== 'object') throw new EpyNNError(`${FN}: modelJSON must be the parsed model.json object, got ${modelJSON === null ? 'null' : typeof modelJSON}`);
  let topo = modelJSON.modelTopology as Record<string, unknown> | undefined;
  if (topo === null || typeof topo !== 'object') throw new EpyNNError(`${FN}: modelJSON.modelTopology is missing`);
  if ('model_config' in topo) topo = topo.model_config as Record<string, unknown>;
  if (topo === null || typeof topo !== 'object') throw new EpyNNError(`${FN}: modelJSON.modelTopology.model_config must be an object, got ${show(topo)}`);
  if (topo.class_name !== 'Sequential') {
    throw new EpyNNError(`${FN}: model class ${JSON.stringify(topo.class_name)} is not read; only Sequential models (one input, one chain of layers) map to EpyNN`);
  }
  const config = topo.config as Record<string, unknown> | unknown[];
  if (config === null || typeof config !== 'object') throw new EpyNNError(`${FN}: the Sequential model's config must be an object with layers, got ${show(config)}`);
  const layers = (Array.isArray(config) ? config : (config as { layers?: unknown }).layers) as KerasLayer[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new EpyNNError(`${FN}: the Sequential model has no layers`);
  layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || Array.isArray(l) || typeof l.class_name !== 'string' || (l.config !== undefined && (l.config === null || typeof l.config !== 'object' || Array.isArray(l.config)))) {
      throw new EpyNNError(`${FN}: layer ${i} must be an object { class_name, config }, got ${show(l)}`);
    }
  });
  const name = Array.isArray(config) ? 'TFJS' : String((config as { name?: unknown }).name ?? 'TFJS');
  return { name, layers };
}

/** A TF.js Layers model (model.json object + weights) as a portable description. */
export function tfjsToPortable(modelJSON: TFJSModelJSON, weightData: ArrayBuffer | Uint8Array): PortableModel {
  const { name, layers: keras } = sequentialLayers(modelJSON);
  const weights = readWeights(modelJSON, weightData);
  const used = new Set<string>();
  const weight = (layerName: string, w: string, where: string): NDArray => {
    // TF.js names weights '<layer>/<weight>'; Python exports may add ':0' or a cell scope
    const candidates = [...weights.keys()].filter((k) => k.startsWith(`${layerName}/`) && (k.endsWith(`/${w}`) || k.endsWith(`/${w}:0`)));
    if (candidates.length !== 1) throw new EpyNNError(`${where}: weight '${layerName}/${w}' ${candidates.length === 0 ? 'is missing from the manifest' : 'is ambiguous'}`);
    used.add(candidates[0]);
    return weights.get(candidates[0])!;
  };

  let inputShape: number[] | undefined;
  const layers: PortableLayer[] = [];
  let pendingPad = 0;
  // The rank of the current layer's input (with the batch axis), for axes Keras writes as positive
  const rank = (): number => layers.reduce((r, l) => (l.kind === 'Flatten' || l.kind === 'Dense' ? 2 : l.kind === 'SimpleRNN' || l.kind === 'LSTM' || l.kind === 'GRU' ? (l.sequences ? 3 : 2) : r), (inputShape?.length ?? 0) + 1);
  keras.forEach((k, i) => {
    const cfg = (k?.config ?? {}) as Record<string, unknown>;
    const cls = k?.class_name;
    const lname = String(cfg.name ?? `layer_${i}`);
    const w = `${FN}: layer ${i} (${String(cls)} '${lname}')`;
    const shape = (cfg.batch_input_shape ?? cfg.batch_shape) as unknown[] | undefined;
    if (i === 0 || cls === 'InputLayer') {
      if (Array.isArray(shape)) inputShape = shape.slice(1) as number[];
    }
    if (cfg.data_format !== undefined && cfg.data_format !== 'channels_last') expect(false, w, `data_format ${JSON.stringify(cfg.data_format)} is not read (EpyNN images are channels_last)`);
    if (pendingPad > 0 && cls !== 'Conv2D') expect(false, w, 'a ZeroPadding2D must be followed by a Conv2D (EpyNN pads inside the Convolution)');
    const last = layers[layers.length - 1];
    const mergeActivation = (a: PortableActivation): void => {
      expect(last !== undefined && 'activation' in last && last.kind !== 'SimpleRNN' && last.kind !== 'LSTM' && last.kind !== 'GRU', w,
        'a separate activation layer must follow a Dense or Conv2D (EpyNN layers carry their activation)');
      const prev = last as Extract<PortableLayer, { kind: 'Dense' | 'Conv2D' }>;
      expect(prev.activation.name === 'linear', w, `the previous layer already applies '${prev.activation.name}'; two activations in a row have no EpyNN form`);
      prev.activation = a;
    };
    switch (cls) {
      case 'InputLayer':
        return;
      case 'ZeroPadding2D': {
        const p = cfg.padding;
        const flat = typeof p === 'number' ? [p, p, p, p] : Array.isArray(p) ? (p.flat() as number[]) : [];
        const all = flat.length === 2 ? [...flat, ...flat] : flat;
        expect(all.length === 4 && all.every((v) => Number.isInteger(v) && v === all[0] && v >= 0), w, `padding ${JSON.stringify(p)} is not the same on all four sides (EpyNN pads symmetrically)`);
        pendingPad = all[0];
        return;
      }
      case 'Conv2D': {
        expect(cfg.padding === 'valid' || cfg.padding === 'same' || cfg.padding === undefined, w, `padding ${JSON.stringify(cfg.padding)} is not read`);
        const kernel = pairOf(cfg.kernel_size, w, 'kernel_size');
        const strides = pairOf(cfg.strides ?? [1, 1], w, 'strides');
        const dil = pairOf(cfg.dilation_rate ?? [1, 1], w, 'dilation_rate');
        expect(dil[0] === 1 && dil[1] === 1, w, `dilation_rate ${JSON.stringify(cfg.dilation_rate)} has no EpyNN equivalent`);
        expect(cfg.groups === undefined || cfg.groups === 1, w, `groups ${String(cfg.groups)} has no EpyNN equivalent`);
        let padding = pendingPad;
        pendingPad = 0;
        if (cfg.padding === 'same') {
          // 'same' equals a symmetric padding only for stride 1 and odd square kernels
          expect(strides[0] === 1 && strides[1] === 1 && kernel[0] === kernel[1] && kernel[0] % 2 === 1 && padding === 0, w,
            `padding 'same' with kernel ${JSON.stringify(kernel)} and strides ${JSON.stringify(strides)} is not a symmetric padding EpyNN has`);
          padding = (kernel[0] - 1) / 2;
        }
        const useBias = cfg.use_bias !== false;
        const W = weight(lname, 'kernel', w);
        const b = useBias ? weight(lname, 'bias', w) : null;
        layers.push({
          kind: 'Conv2D', filters: int(cfg.filters, w, 'filters'), kernel, strides, padding, useBias,
          activation: activationFromKeras(cfg.activation, w), p: { W, b },
        });
        if ((layers[layers.length - 1] as { activation: PortableActivation }).activation.name === 'softmax') expect(false, w, 'softmax after a convolution has no EpyNN form (EpyNN applies softmax in Dense only)');
        return;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        expect(cfg.padding === 'valid' || cfg.padding === undefined, w, `padding ${JSON.stringify(cfg.padding)} is not read (EpyNN pools without padding)`);
        const size = pairOf(cfg.pool_size ?? [2, 2], w, 'pool_size');
        layers.push({ kind: 'Pool2D', op: cls === 'MaxPooling2D' ? 'max' : 'mean', size, strides: cfg.strides === null || cfg.strides === undefined ? size : pairOf(cfg.strides, w, 'strides') });
        return;
      }
      case 'Flatten':
        layers.push({ kind: 'Flatten' });
        return;
      case 'Dropout':
        expect(cfg.noise_shape === null || cfg.noise_shape === undefined, w, 'noise_shape is not read');
        layers.push({ kind: 'Dropout', rate: num(cfg.rate, w, 'rate', { min: 0, below: 1 }) });
        return;
      case 'Dense': {
        const W = weight(lname, 'kernel', w);
        // EpyNN's Dense always has a bias: without one, it starts at zero (it then trains)
        const b = cfg.use_bias === false ? new NDArray(new Float64Array(W.shape[1]), [W.shape[1]]) : weight(lname, 'bias', w);
        layers.push({ kind: 'Dense', units: int(cfg.units, w, 'units'), activation: activationFromKeras(cfg.activation, w), p: { W, b } });
        return;
      }
      case 'Activation':
        mergeActivation(activationFromKeras(cfg.activation, w));
        return;
      case 'LeakyReLU': {
        const alpha = num(cfg.alpha ?? cfg.negative_slope ?? 0.3, w, 'alpha');
        expect(alpha >= 0 && alpha <= 1, w, `alpha ${alpha} outside [0, 1]: EpyNN's lrelu is max(αx, x)`);
        mergeActivation({ name: 'leaky_relu', alpha });
        return;
      }
      case 'ELU':
        mergeActivation({ name: 'elu', alpha: num(cfg.alpha ?? 1, w, 'alpha') });
        return;
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        for (const flag of ['return_state', 'go_backwards', 'stateful'] as const) expect(!cfg[flag], w, `${flag} = true has no EpyNN equivalent`);
        for (const flag of ['dropout', 'recurrent_dropout'] as const) expect(!cfg[flag], w, `${flag} = ${String(cfg[flag])} has no EpyNN equivalent (EpyNN's recurrent layers have no internal dropout)`);
        if (cls === 'GRU') {
          expect(cfg.reset_after !== true, w, "reset_after = true (Keras 2's default) applies the reset gate after the recurrent product: EpyNN's GRU applies it before (reset_after = false), and no EpyNN setting reproduces the other");
        }
        const rec = (a: unknown, option: string): PortableActivation => {
          const p = activationFromKeras(a, w, option);
          expect(['tanh', 'sigmoid', 'relu'].includes(p.name), w, `${option} '${p.name}' is not read in a recurrent layer (tanh, sigmoid or relu)`);
          return p;
        };
        const units = int(cfg.units, w, 'units');
        const U = weight(lname, 'kernel', w);
        const V = weight(lname, 'recurrent_kernel', w);
        const gates = cls === 'SimpleRNN' ? 1 : cls === 'LSTM' ? 4 : 3;
        const b = cfg.use_bias === false ? new NDArray(new Float64Array(gates * units), [gates * units]) : weight(lname, 'bias', w);
        expect(U.shape[1] === gates * units && V.shape[0] === units && V.shape[1] === gates * units && b.size === gates * units, w,
          `weights ${fmt(U.shape)}, ${fmt(V.shape)}, ${fmt(b.shape)} do not fit ${units} units`);
        const sequences = cfg.return_sequences === true;
        const activation = rec(cfg.activation ?? 'tanh', 'activation');
        if (cls === 'SimpleRNN') {
          layers.push({ kind: 'SimpleRNN', units, sequences, activation, p: { U, V, b } });
        } else if (cls === 'LSTM') {
          const [Ui, Uf, Ug, Uo] = splitColumns(U, 4);
          const [Vi, Vf, Vg, Vo] = splitColumns(V, 4);
          const [bi, bf, bg, bo] = splitColumns(b, 4);
          layers.push({ kind: 'LSTM', units, sequences, activation, recurrentActivation: rec(cfg.recurrent_activation ?? 'hard_sigmoid', 'recurrent_activation'), p: { Ui, Uf, Ug, Uo, Vi, Vf, Vg, Vo, bi, bf, bg, bo } });
        } else {
          const [Uz, Ur, Uhh] = splitColumns(U, 3);
          const [Vz, Vr, Vhh] = splitColumns(V, 3);
          const [bz, br, bhh] = splitColumns(b, 3);
          layers.push({ kind: 'GRU', units, sequences, activation, recurrentActivation: rec(cfg.recurrent_activation ?? 'hard_sigmoid', 'recurrent_activation'), p: { Uz, Ur, Uhh, Vz, Vr, Vhh, bz, br, bhh } });
        }
        return;
      }
      case 'BatchNormalization': {
        expect(trailingAxes(cfg.axis ?? -1, rank()) === 1, w, `axis ${JSON.stringify(cfg.axis)}: EpyNN's BatchNormalization normalizes over the last axis (the channels) only`);
        const center = cfg.center !== false;
        const scale = cfg.scale !== false;
        const keras = cfg.momentum === undefined ? 0.99 : Number(cfg.momentum);
        const epsilon = cfg.epsilon === undefined ? 1e-3 : Number(cfg.epsilon);
        expect(keras >= 0 && keras <= 1 && epsilon > 0, w, `momentum ${String(cfg.momentum)} or epsilon ${String(cfg.epsilon)} out of range`);
        layers.push({
          kind: 'BatchNorm', momentum: complement(keras), epsilon,
          p: { gamma: scale ? weight(lname, 'gamma', w) : null, beta: center ? weight(lname, 'beta', w) : null, mean: weight(lname, 'moving_mean', w), var: weight(lname, 'moving_variance', w) },
        });
        return;
      }
      case 'LayerNormalization': {
        const axes = trailingAxes(cfg.axis ?? -1, rank());
        expect(axes === 1 || axes === 3, w, `axis ${JSON.stringify(cfg.axis)}: EpyNN's LayerNormalization normalizes the last axis or the last three`);
        const epsilon = cfg.epsilon === undefined ? 1e-3 : Number(cfg.epsilon);
        expect(epsilon > 0, w, `epsilon ${String(cfg.epsilon)} must be > 0`);
        layers.push({
          kind: 'LayerNorm', axes: axes as 1 | 3, epsilon,
          p: { gamma: cfg.scale !== false ? weight(lname, 'gamma', w) : null, beta: cfg.center !== false ? weight(lname, 'beta', w) : null },
        });
        return;
      }
      default:
        throw new EpyNNError(`${w}: layer class ${JSON.stringify(cls)} has no EpyNN equivalent (readable: InputLayer, ZeroPadding2D, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dense, Dropout, Activation, LeakyReLU, ELU, SimpleRNN, LSTM, GRU, BatchNormalization, LayerNormalization)`);
    }
  });
  if (pendingPad > 0) throw new EpyNNError(`${FN}: the model ends with a ZeroPadding2D (EpyNN pads inside a Convolution)`);
  if (inputShape === undefined || !inputShape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new EpyNNError(`${FN}: the first layer must give the input shape (batch_input_shape [null, ...]) with every size known, got ${show(inputShape)}`);
  }
  if (inputShape.length > 8 || size(inputShape) > MAX_SAMPLE_VALUES) {
    throw new ModelFileError(`${FN}: the input shape ${fmt(inputShape)} has ${size(inputShape)} values per sample (at most ${MAX_SAMPLE_VALUES} in at most 8 dimensions)`);
  }
  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length > 0) throw new EpyNNError(`${FN}: weights ${unused.join(', ')} belong to no layer read`);
  const meta = modelJSON.userDefinedMetadata?.epynn;
  const lastLayer = layers[layers.length - 1];
  const outUnits = lastLayer !== undefined && 'units' in lastLayer ? lastLayer.units : 1;
  const preprocessing: Preprocessing = meta !== undefined
    ? checkPreprocessing(meta, FN)
    : { format: 'epynn-ts/preprocess', version: 1, inputShape, elements: null, XScale: false, XScaleRange: null, labelColumns: outUnits, YEncode: false };
  return { name, inputShape, layers, preprocessing };
}

/**
 * An EpyNN model (float64) from a TF.js Layers model: `modelJSON` is the parsed model.json,
 * `weightData` its weights (all shards concatenated in manifest order). The model predicts at
 * once and continues training with new data (docs/OUTGROW.md). Anything without an EpyNN
 * equivalent is refused with an EpyNNError naming the layer. `loss` sets the training loss;
 * `maxParameters` bounds the values the model may hold (MAX_PARAMETERS by default), checked before allocating.
 */
export function fromTFJS(modelJSON: TFJSModelJSON | string, weightData: ArrayBuffer | Uint8Array, options?: { loss?: string } & ReadLimits): EpyNN {
  const { loss = 'MSE', maxParameters } = checkOptions('fromTFJS', options, ['loss', 'maxParameters'], { call: 'fromTFJS', lead: 'modelJSON, weightData, ', primary: 'loss', example: "'MSE'" });
  const max = maxParametersOf({ maxParameters }, FN);
  let json: TFJSModelJSON;
  if (typeof modelJSON === 'string') {
    try {
      json = JSON.parse(modelJSON) as TFJSModelJSON;
    } catch (err) {
      throw new EpyNNError(`${FN}: model.json is not JSON: ${(err as Error).message}`);
    }
  } else json = modelJSON;
  if (!(weightData instanceof ArrayBuffer || weightData instanceof Uint8Array)) throw new EpyNNError(`${FN}: weightData must be an ArrayBuffer or Uint8Array, got ${typeof weightData}`);
  return buildModel(tfjsToPortable(json, weightData), FN, loss, max);
}
