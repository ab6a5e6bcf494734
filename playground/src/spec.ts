// The network as plain data (what the page edits, saves in local storage and sends to the worker), and
// how it becomes EpyNN layers. Each option maps one-to-one to the layer's constructor option.
import {
  BatchNormalization, Convolution, Dense, Dropout, Flatten, GRU, LSTM, LayerNormalization, Pooling, RNN, getActivation, getInitializer, type Layer,
} from '../../src/index.js';

export type LayerType = 'Convolution' | 'Pooling' | 'Flatten' | 'Dense' | 'Dropout' | 'RNN' | 'LSTM' | 'GRU' | 'BatchNormalization' | 'LayerNormalization';

/** One layer as the page shows it: its type and its options (numbers, names, booleans). */
export interface LayerSpec {
  type: LayerType;
  opts: Record<string, number | string | boolean>;
}

/** How an option is edited. */
export interface OptionDef {
  key: string;
  label: string;
  kind: 'int' | 'number' | 'select' | 'bool';
  choices?: string[];
  min?: number;
  max?: number;
  step?: number;
  help: string;
}

const ACTIVATIONS = ['relu', 'lrelu', 'elu', 'sigmoid', 'tanh', 'softmax', 'identity'];
const INITS = ['xavier', 'orthogonal'];
const act = (key: string, label: string, help: string): OptionDef => ({ key, label, kind: 'select', choices: ACTIVATIONS, help });
const init: OptionDef = { key: 'initialization', label: 'init', kind: 'select', choices: INITS, help: 'weight initialization' };
const recurrent = (gates: OptionDef[]): OptionDef[] => [
  { key: 'unitCells', label: 'cells', kind: 'int', min: 1, max: 256, help: 'number of hidden units (cells)' },
  act('activate', 'activation', 'activation of the hidden state'),
  ...gates,
  init,
  { key: 'sequences', label: 'sequences', kind: 'bool', help: 'output the hidden state of every step (not only the last)' },
  { key: 'clipGradients', label: 'clip', kind: 'bool', help: 'clip gradients to [-1, 1]' },
];

/** Every layer the page offers, with its options, defaults and a one-line description. */
export const CATALOG: Record<LayerType, { options: OptionDef[]; defaults: LayerSpec['opts']; about: string }> = {
  Convolution: {
    about: 'filters slide over the image: Z = X * W + b, A = f(Z)',
    options: [
      { key: 'unitFilters', label: 'filters', kind: 'int', min: 1, max: 64, help: 'number of filters (output channels)' },
      { key: 'filterSize', label: 'size', kind: 'int', min: 1, max: 12, help: 'filter height = width' },
      { key: 'strides', label: 'stride', kind: 'int', min: 1, max: 8, help: 'step between windows (EpyNN\'s default is the filter size: windows side by side)' },
      { key: 'padding', label: 'padding', kind: 'int', min: 0, max: 8, help: 'zeros added around the image' },
      act('activate', 'activation', 'activation f'),
      init,
      { key: 'useBias', label: 'bias', kind: 'bool', help: 'add a bias per filter' },
    ],
    defaults: { unitFilters: 8, filterSize: 5, strides: 1, padding: 0, activate: 'relu', initialization: 'xavier', useBias: true },
  },
  Pooling: {
    about: 'keeps the max (or min, mean) of each window',
    options: [
      { key: 'poolSize', label: 'size', kind: 'int', min: 1, max: 8, help: 'window height = width' },
      { key: 'strides', label: 'stride', kind: 'int', min: 0, max: 8, help: 'step between windows (0 = window size)' },
      { key: 'pool', label: 'pool', kind: 'select', choices: ['max', 'min', 'mean'], help: 'what each window keeps' },
    ],
    defaults: { poolSize: 2, strides: 0, pool: 'max' },
  },
  Flatten: { about: 'reshapes each sample into one vector', options: [], defaults: {} },
  Dense: {
    about: 'fully connected: Z = X·W + b, A = f(Z)',
    options: [
      { key: 'units', label: 'units', kind: 'int', min: 1, max: 1024, help: 'number of output units' },
      act('activate', 'activation', 'activation f'),
      init,
    ],
    defaults: { units: 32, activate: 'relu', initialization: 'xavier' },
  },
  Dropout: {
    about: 'zeroes a random fraction of its inputs while training',
    options: [{ key: 'dropProb', label: 'drop p', kind: 'number', min: 0, max: 0.99, step: 0.05, help: 'probability to drop a unit' }],
    defaults: { dropProb: 0.2 },
  },
  RNN: {
    about: 'a recurrent cell over the steps: h = f(X·U + h·V + b)',
    options: recurrent([]),
    defaults: { unitCells: 8, activate: 'tanh', initialization: 'xavier', sequences: false, clipGradients: true },
  },
  LSTM: {
    about: 'long short-term memory: forget, input, candidate and output gates',
    options: recurrent([act('activateOutput', 'output gate', 'output gate activation'), act('activateCandidate', 'candidate', 'candidate activation'),
      act('activateInput', 'input gate', 'input gate activation'), act('activateForget', 'forget gate', 'forget gate activation')]),
    defaults: { unitCells: 8, activate: 'tanh', activateOutput: 'sigmoid', activateCandidate: 'tanh', activateInput: 'sigmoid', activateForget: 'sigmoid',
      initialization: 'orthogonal', sequences: false, clipGradients: false },
  },
  GRU: {
    about: 'gated recurrent unit: update and reset gates',
    options: recurrent([act('activateUpdate', 'update gate', 'update gate activation'), act('activateReset', 'reset gate', 'reset gate activation')]),
    defaults: { unitCells: 8, activate: 'tanh', activateUpdate: 'sigmoid', activateReset: 'sigmoid', initialization: 'orthogonal', sequences: false, clipGradients: false },
  },
  BatchNormalization: {
    about: 'normalizes each channel over the batch, then γ·x̂ + β (beyond EpyNN)',
    options: [
      { key: 'momentum', label: 'momentum', kind: 'number', min: 0, max: 1, step: 0.05, help: 'weight of each batch in the running mean and variance used to predict' },
      { key: 'center', label: 'β', kind: 'bool', help: 'learn the offset β' },
      { key: 'scale', label: 'γ', kind: 'bool', help: 'learn the scale γ' },
    ],
    defaults: { momentum: 0.1, center: true, scale: true },
  },
  LayerNormalization: {
    about: 'normalizes each sample over its last axis, then γ·x̂ + β (beyond EpyNN)',
    options: [
      { key: 'axis', label: 'axis', kind: 'int', min: -1, max: -1, help: 'the last axis: the units, or the channels of each position' },
      { key: 'center', label: 'β', kind: 'bool', help: 'learn the offset β' },
      { key: 'scale', label: 'γ', kind: 'bool', help: 'learn the scale γ' },
    ],
    defaults: { axis: -1, center: true, scale: true },
  },
};

export const LAYER_TYPES = Object.keys(CATALOG) as LayerType[];

/** Where each layer's maths is explained (the playground's math page; Convolution also has docs/Convolution.md). */
export const mathLink = (type: string): string => `math.html#${type.toLowerCase()}`;

/** A layer spec with every option filled with its default. */
export function layerSpec(type: LayerType, opts: LayerSpec['opts'] = {}): LayerSpec {
  return { type, opts: { ...CATALOG[type].defaults, ...opts } };
}

/** Reads a spec back from storage or a file: unknown types or options are dropped, missing ones get defaults. */
export function cleanSpec(raw: unknown): LayerSpec | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const { type, opts } = raw as { type?: unknown; opts?: unknown };
  if (typeof type !== 'string' || !(type in CATALOG)) return undefined;
  const t = type as LayerType;
  const out = layerSpec(t);
  if (opts !== null && typeof opts === 'object') {
    for (const def of CATALOG[t].options) {
      const v = (opts as Record<string, unknown>)[def.key];
      if (typeof v === typeof out.opts[def.key]) out.opts[def.key] = v as number | string | boolean;
    }
  }
  return out;
}

/**
 * The spec of a built layer, from its `toConfig()` (the same option names): for the editor after a model
 * is loaded. Undefined when the editor cannot show it (an unknown type, a non-square window).
 */
export function specFromConfig(type: string, config: Record<string, unknown>): LayerSpec | undefined {
  if (!(type in CATALOG)) return undefined;
  const spec = layerSpec(type as LayerType);
  for (const def of CATALOG[type as LayerType].options) {
    let v = config[def.key];
    if (Array.isArray(v)) {
      if (v.length !== 2 || v[0] !== v[1]) return undefined;
      v = v[0];
    }
    if (v === null && def.key === 'strides') v = 0; // Pooling: the window size
    if (typeof v !== typeof spec.opts[def.key]) return undefined;
    spec.opts[def.key] = v as number | string | boolean;
  }
  return spec;
}

/** The EpyNN layer for a spec (the library validates the options and names what is wrong). */
export function buildLayer(spec: LayerSpec): Layer {
  const o = spec.opts;
  const num = (k: string): number => Number(o[k]);
  const a = (k: string) => getActivation(String(o[k]));
  const i = () => getInitializer(String(o.initialization));
  const rec = () => ({ unitCells: num('unitCells'), activate: a('activate'), initialization: i(), sequences: Boolean(o.sequences), clipGradients: Boolean(o.clipGradients) });
  switch (spec.type) {
    case 'Convolution':
      return new Convolution({
        unitFilters: num('unitFilters'), filterSize: num('filterSize'), strides: num('strides'), padding: num('padding'),
        activate: a('activate'), initialization: i(), useBias: Boolean(o.useBias),
      });
    case 'Pooling':
      return new Pooling({ poolSize: num('poolSize'), strides: num('strides') > 0 ? num('strides') : null, pool: String(o.pool) as 'max' });
    case 'Flatten':
      return new Flatten();
    case 'Dense':
      return new Dense({ units: num('units'), activate: a('activate'), initialization: i() });
    case 'Dropout':
      return new Dropout({ dropProb: num('dropProb') });
    case 'RNN':
      return new RNN(rec());
    case 'LSTM':
      return new LSTM({ ...rec(), activateOutput: a('activateOutput'), activateCandidate: a('activateCandidate'), activateInput: a('activateInput'), activateForget: a('activateForget') });
    case 'GRU':
      return new GRU({ ...rec(), activateUpdate: a('activateUpdate'), activateReset: a('activateReset') });
    case 'BatchNormalization':
      return new BatchNormalization({ momentum: num('momentum'), center: Boolean(o.center), scale: Boolean(o.scale) });
    case 'LayerNormalization':
      return new LayerNormalization({ axis: num('axis') as -1, center: Boolean(o.center), scale: Boolean(o.scale) });
  }
}

/** Training settings. */
export interface TrainSpec {
  loss: string;
  learningRate: number;
  schedule: string;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Schedule parameters (EpyNN's decay_k, cycle_epochs, cycle_descent; 0 = EpyNN's default). */
  decayK?: number;
  cycleEpochs?: number;
  cycleDescent?: number;
  /** Kernels: 'wasm' (WebAssembly SIMD) or 'js'. */
  backend?: 'wasm' | 'js';
  /** Threads the worker trains on (undefined: the library's default, the cores up to 8); the numbers do not depend on it. */
  threads?: number;
  /** The optimizer's name (src/optimizers: 'epynn_sgd', EpyNN's p -= lr · g, by default; 'adam', 'sgd', ...). */
  optimizer?: string;
}

/** Which data, how much. */
export interface DataSpec {
  kind: DatasetKind;
  samples: number;
}

export type DatasetKind = 'mnist' | 'dummy_image' | 'dummy_time' | 'dummy_string' | 'csv' | 'images';

/** Everything the page needs to rebuild a session. */
export interface Session {
  data: DataSpec;
  layers: LayerSpec[];
  train: TrainSpec;
}

/** A sensible starting point per dataset (the MNIST CNN learns to ≥ 0.9 validation accuracy in one epoch). */
export function defaultSession(kind: DatasetKind = 'mnist', classes = 2, samples = 0): Session {
  // your own data: batches of 16, fewer when dtrain (four fifths) is small, so that an epoch has two batches
  const small = samples > 0 ? Math.max(1, Math.min(16, Math.floor((samples * 4) / 5 / 2))) : 16;
  switch (kind) {
    case 'images':
      // your images, resized like MNIST: the MNIST network with one output per class
      return {
        data: { kind, samples },
        layers: [layerSpec('Convolution'), layerSpec('Pooling'), layerSpec('Flatten'), layerSpec('Dense', { units: 32 }), layerSpec('Dense', { units: classes, activate: 'softmax' })],
        train: { loss: 'CCE', learningRate: 0.01, schedule: 'steady', epochs: 20, batchSize: small, seed: 1 },
      };
    case 'csv':
      // a CSV of numeric features: a small multilayer perceptron
      return {
        data: { kind, samples },
        layers: [layerSpec('Dense', { units: 16 }), layerSpec('Dense', { units: classes, activate: 'softmax' })],
        train: { loss: 'CCE', learningRate: 0.1, schedule: 'steady', epochs: 60, batchSize: small, seed: 1 },
      };
    case 'mnist':
      return {
        data: { kind, samples: 5000 },
        layers: [layerSpec('Convolution'), layerSpec('Pooling'), layerSpec('Flatten'), layerSpec('Dense', { units: 32 }), layerSpec('Dense', { units: 10, activate: 'softmax' })],
        train: { loss: 'CCE', learningRate: 0.01, schedule: 'steady', epochs: 3, batchSize: 32, seed: 1 },
      };
    case 'dummy_image':
      return {
        data: { kind, samples: 750 },
        layers: [layerSpec('Convolution', { unitFilters: 6, filterSize: 4, strides: 4 }), layerSpec('Pooling'), layerSpec('Flatten'), layerSpec('Dense', { units: 2, activate: 'softmax' })],
        train: { loss: 'MSE', learningRate: 0.01, schedule: 'steady', epochs: 40, batchSize: 32, seed: 1 },
      };
    case 'dummy_time':
      return {
        data: { kind, samples: 1024 },
        layers: [layerSpec('Flatten'), layerSpec('Dense', { units: 64 }), layerSpec('Dense', { units: 2, activate: 'softmax' })],
        train: { loss: 'MSE', learningRate: 0.005, schedule: 'steady', epochs: 50, batchSize: 32, seed: 1 },
      };
    case 'dummy_string':
      return {
        data: { kind, samples: 480 },
        // "first letter = last letter" compares two one-hot letters (not linearly separable): the LSTM returns
        // every step (sequences) so the head sees the first and the last, and a hidden relu layer separates
        // them (examples/dummy_string's lstm variant). LSTM(8) → Dense(2) alone stays at the majority class.
        layers: [layerSpec('LSTM', { unitCells: 8, sequences: true }), layerSpec('Flatten'), layerSpec('Dense', { units: 16 }), layerSpec('Dense', { units: 2, activate: 'softmax' })],
        train: { loss: 'BCE', learningRate: 0.05, schedule: 'steady', epochs: 50, batchSize: 32, seed: 1 },
      };
  }
}

/** What learns each dataset, for the message when a network stays at the majority class (as the CLI examples print it). */
export const WHAT_LEARNS: Record<DatasetKind, string> = {
  mnist: 'a convolution before the Dense layers (the Defaults: Convolution(8, 5×5) → Pooling → Flatten → Dense(32) → Dense(10, softmax), CCE, lr 0.01) reaches about 0.95 in 3 epochs.',
  dummy_image: 'a convolution, whose 4×4 filters slide over every place (the Defaults: Convolution(6, 4×4, stride 4) → Pooling → Flatten → Dense(2, softmax)); Dense layers alone see 784 unrelated inputs and fit noise.',
  dummy_time: 'Flatten → Dense(64, relu) → Dense(2, softmax), MSE, lr 0.005 (the Defaults).',
  images: 'more images per class, more epochs, or classes whose shapes differ once resized to 28×28 grey (colour is dropped).',
  csv: 'more epochs or a higher learning rate, a hidden layer with more units, or features that carry the label (check the label column).',
  dummy_string: '"first = last" compares two one-hot letters, which no single layer separates: LSTM(8, sequences) → Flatten → Dense(16, relu) → Dense(2, softmax), BCE, lr 0.05 (the Defaults), or Flatten → Dense(16, relu) → Dense(2, softmax).',
};

/** The seHPars of a training spec (keys in EpyNN's spelling). */
export function trainHPars(t: TrainSpec): { learning_rate: number; schedule: string; decay_k: number; cycle_epochs: number; cycle_descent: number } {
  return { learning_rate: t.learningRate, schedule: t.schedule, decay_k: t.decayK ?? 0, cycle_epochs: t.cycleEpochs ?? 0, cycle_descent: t.cycleDescent ?? 0 };
}
