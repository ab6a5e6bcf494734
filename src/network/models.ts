// The EpyNN network: a list of layers starting with an Embedding (EpyNN network/models.py).
import { MAX_TRAIN_EPOCHS, checkBoolean, checkHPars, checkInteger, checkKey, checkNumber, checkOptions, checkThreadCount, show, checkFinite } from '../commons/checks.js';
import { EpyNNError, ShapeError, StateError } from '../errors.js';
import { type Output, defaultOutput, silentOutput } from '../commons/logs.js';
import { type Loss, lossFunctions } from '../commons/loss.js';
import { metricsFunctions } from '../commons/metrics.js';
import { DataSet, Layer, checkLayer } from '../commons/models.js';
import { type NDArray, fmt } from '../commons/ndarray.js';
import { type Shape } from '../commons/ndarray.js';
import { Embedding } from '../embedding/models.js';
import { BatchNormalization } from '../batchnorm/models.js';
import { LayerNormalization } from '../layernorm/models.js';
import { type XInput, type YInput, encodeDataset, scaleFeatures, toArray, toSequences } from '../embedding/dataset.js';
import { type HPars, defaultHPars } from '../settings.js';
import { modelBackward } from './backward.js';
import { modelForward, modelForwardBatched } from './forward.js';
import { modelEvaluate } from './evaluate.js';
import { modelHyperparameters, modelLearningRate } from './hyperparameters.js';
import { modelAssignSeeds, modelInitialize } from './initialize.js';
import { decide } from './predict.js';
import { initializeModelReport, modelReport, singleBatchReport } from './report.js';
import { modelTraining } from './training.js';
import { modelSummary } from './summary.js';
import { clearMode, setMode, withMode } from './mode.js';
import type { Callback, History } from '../callbacks/callback.js';
import { type Optimizer, checkOptimizer, epynnSGD } from '../commons/optimizer.js';
import { PLOT_OPTIONS, type PlotOptions, modelTerminalChart } from '../commons/plot.js';
import type { ModelJSON, ToJSONOptions } from '../io/library.js';
import { type WriteOptions, modelFormat, nodeIO } from './hooks.js';

/** Options of `EpyNN.initialize` (EpyNN's `model.initialize(loss, seed, se_hPars, metrics, ...)`). */
export interface InitializeOptions {
  /** Loss function name: 'MSE', 'MAE', 'MSLE', 'CCE', 'BCE'. @default 'MSE' */
  loss?: string;
  /** Global hyperparameters (copied); layers with their own seHPars keep theirs. @default seHPars */
  seHPars?: Partial<HPars>;
  /** Metrics to evaluate each epoch (any loss name works too). @default ['accuracy'] */
  metrics?: string[];
  /** Seed for the embedding's batches and every layer's initialization; undefined = random. */
  seed?: number;
  /** Initialize the layers' parameters. @default true */
  params?: boolean;
  /** Print nothing. @default false */
  quiet?: boolean;
  /**
   * 'epynn': reproduce EpyNN's numbers from the seed alone (docs/PORTING.md): NumPy's generator with
   * EpyNN's seeds and order of draws, Dropout masks in every forward (evaluation and predict too),
   * EpyNN's softmax gradient without 1/T. @default undefined (the port's own behaviour)
   */
  compat?: 'epynn';
  /**
   * What ends a progress line (EpyNN's `initialize(end='\r')`): '\r' (the default) redraws it in place on a
   * terminal, '\n' prints every progress line on its own line.
   */
  end?: '\r' | '\n';
  /**
   * Threads for training, evaluation and predict: this one plus workers (Node worker_threads, Web
   * Workers). Batches are cut into shards by their size alone, so any thread count gives the same
   * numbers. @default setThreads(), else EPYNN_THREADS, else the available cores (at most 8)
   */
  threads?: number;
  /**
   * How every layer's parameters move from their gradients (src/optimizers): an object such as the
   * default `epynnSGD` (EpyNN's p -= lrate · g). A layer given its own (`layer.optimizer = ...`) keeps
   * it. `compat: 'epynn'` accepts EpyNN's SGD only. Re-initializing clears the optimizer state.
   * @default epynnSGD
   */
  optimizer?: Optimizer;
  /**
   * Before each update, scale all gradients together so that their 2-norm is at most this
   * (torch.nn.utils.clip_grad_norm_; Keras' global_clipnorm). Not in `compat: 'epynn'`. @default undefined (none)
   */
  clipNorm?: number;
  /** Before each update (and before clipNorm), clamp every gradient value to [−clipValue, clipValue] (torch's clip_grad_value_). @default undefined (none) */
  clipValue?: number;
}

/** Options of `EpyNN.train` (EpyNN's `model.train(epochs, verbose, init_logs)`). */
export interface TrainOptions {
  /** Number of epochs to train (a second call continues for this many more). */
  epochs: number;
  /** Print the metrics row every `verbose` epochs. @default epochs / 10 (at least 1) */
  verbose?: number;
  /** Print the data, architecture and hyperparameter summaries first. @default true */
  initLogs?: boolean;
  /** Print nothing. @default false */
  quiet?: boolean;
  /** Print a text chart of the metrics per epoch at the end. @default false */
  chart?: boolean;
  /** New data to train on (see `setData`), e.g. for a model read from a file written without data. */
  data?: TrainData;
  /** Threads from now on (as `initialize({ threads })`); the numbers do not depend on it. */
  threads?: number;
  /**
   * Objects with any of the hooks onTrainBegin/End, onEpochBegin/End, onBatchBegin/End (src/callbacks),
   * called in this order; a hook may stop training cleanly with `event.stop()`. @default []
   */
  callbacks?: readonly Callback[];
  /**
   * The compatibility mode of the implicit `initialize()` when the model was not initialized yet (EpyNN's
   * `model.train(epochs)` initializes with its defaults): `model.train({ epochs, compat: 'epynn' })`.
   */
  compat?: 'epynn';
}

/** `new EpyNN({ layers, name })`: EpyNN's keyword form of the constructor. */
export interface EpyNNOptions {
  /** The layers, the Embedding first. */
  layers: Layer[];
  /** The model's name (its uname is `<timestamp>_<name>`). @default 'EpyNN' */
  name?: string;
}

/** Labeled data for `EpyNN.setData` and `train({ data })`: raw features and labels, as given to the Embedding. */
export interface TrainData {
  /** Sample features, untransformed (the embedding applies its XEncode/XScale as for the training data). */
  XData: XInput;
  /** Sample labels (labels 0..k−1 with YEncode, or one-hot). */
  YData?: YInput;
}

/**
 * How `predict` transforms X. By default it applies the training embedding's transformation (one-hot
 * with the training element map if the Embedding had XEncode, scaling with the training data's
 * min/max if it had XScale), so raw data goes in as raw training data did. In `compat: 'epynn'` mode
 * both default to false and XScale scales over the new X itself, as EpyNN's predict does.
 */
export interface PredictOptions {
  /** One-hot encode X with the training data's element map. @default the Embedding's XEncode (false in compat: 'epynn') */
  XEncode?: boolean;
  /**
   * Scale X with the training data's [min, max] (`Embedding.XScaleRange`); false = X is already scaled.
   * In compat: 'epynn' mode (or if the range is unknown and XScale is passed explicitly): over this X.
   * @default the Embedding's XScale (false in compat: 'epynn')
   */
  XScale?: boolean;
}

/** The option names of `initialize`, `train`, `predict`, `write` and `toJSON` (strictly checked). */
export const INITIALIZE_OPTIONS = ['loss', 'seHPars', 'metrics', 'seed', 'params', 'quiet', 'compat', 'end', 'threads', 'optimizer', 'clipNorm', 'clipValue'] as const;
export const TRAIN_OPTIONS = ['epochs', 'verbose', 'initLogs', 'quiet', 'chart', 'data', 'threads', 'compat', 'callbacks'] as const;
export const PREDICT_OPTIONS = ['XEncode', 'XScale'] as const;
export const WRITE_OPTIONS = ['includeData'] as const;

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/** Throws unless `callbacks` is an array of objects whose known keys are functions and that have at least one hook. */
function checkCallbacks(where: string, callbacks: unknown): asserts callbacks is readonly Callback[] {
  if (!Array.isArray(callbacks)) throw new EpyNNError(`${where}: callbacks must be an array of callback objects, got ${show(callbacks)}`);
  callbacks.forEach((cb: unknown, i) => {
    if (cb === null || typeof cb !== 'object') throw new EpyNNError(`${where}: callbacks[${i}] must be an object with hooks (${HOOKS.join(', ')}), got ${show(cb)}`);
    const hooks = HOOKS.filter((h) => (cb as Record<string, unknown>)[h] !== undefined);
    if (hooks.length === 0) throw new EpyNNError(`${where}: callbacks[${i}] has none of the hooks ${HOOKS.join(', ')}`);
    for (const h of hooks) {
      const f = (cb as Record<string, unknown>)[h];
      if (typeof f !== 'function') throw new EpyNNError(`${where}: callbacks[${i}].${h} must be a function, got ${show(f)}`);
    }
  });
}

/** Summary of one layer after the check pass (EpyNN model.network). */
export interface LayerSummary {
  Layer: string;
  Activation: Record<string, string>;
  Dimensions: Record<string, number>;
  FW_Shapes?: Record<string, Shape>;
  BW_Shapes?: Record<string, Shape>;
}

/** A neural network in EpyNN's scheme: `new EpyNN([embedding, ...layers], name)`. */
export class EpyNN {
  layers: Layer[];
  embedding: Embedding;
  /** Timestamp (seconds) and unique name `<ts>_<name>`. */
  ts: number;
  name: string;
  uname: string;
  initialized = false;
  /** Per layer: name, activations, dimensions, forward and backward shapes. */
  network = new Map<Layer, LayerSummary>();
  /** metrics[name] = [dtrain values, dval values, dtest values], one value per epoch. */
  metrics: Record<string, number[][]> = {};
  loss = 'MSE';
  trainingLoss!: Loss;
  seHPars: HPars = defaultHPars();
  seed: number | undefined;
  /** The optimizer of the layers without their own (InitializeOptions.optimizer). */
  optimizer: Optimizer = epynnSGD;
  /**
   * Factor on every layer's scheduled learning rate (1; lowered by the reduceLROnPlateau callback), kept
   * across train() calls and in the model file. See modelLearningRate.
   */
  lrScale = 1;
  /** The rate a reduction of lrScale does not go below (reduceLROnPlateau's minLr). */
  lrFloor = 0;
  /** InitializeOptions.clipNorm: the largest 2-norm of all gradients together, or undefined. */
  clipNorm: number | undefined;
  /** InitializeOptions.clipValue: the largest absolute gradient value, or undefined. */
  clipValue: number | undefined;
  /** 'epynn' after `initialize({ compat: 'epynn' })` (see InitializeOptions.compat). */
  compat: 'epynn' | undefined;
  /** Threads for training, evaluation and predict (InitializeOptions.threads); undefined: the default (setThreads). */
  threads: number | undefined;
  /** Current epoch. */
  e = 0;
  /** Total epochs of the current training run (including earlier runs). */
  epochs = 0;
  /** Epochs completed so far. */
  epochsDone = 0;
  verbose = 1;
  /** Where reports and messages go (a line sink; `silentOutput` in quiet mode). EpyNN has no such
   * attribute; its `model.output` is the output activation, which here is `layers[layers.length - 1].activation.activate`. */
  logger: Output = defaultOutput();
  /** What the last train() call went through: its epochs and their logs (Keras' History). */
  history: History = { epoch: [], logs: {} };
  /** What ends a progress line: '\r' redraws it in place on a terminal, '\n' prints each on its own line (`initialize({ end })`). */
  end: '\r' | '\n' = '\r';
  /** Warnings of training (finite divergence: the loss growing or frozen for several epochs), also printed to `logger`. */
  trainingWarnings: string[] = [];
  /** @internal */
  inheritedHPars = new Set<Layer>();
  /** @internal report state */
  currentLogs: string[][] = [];
  /** @internal */
  startTime = 0;
  /** @internal */
  startEpoch = 0;
  /** @internal */
  lastReport = 0;
  /** @internal Milliseconds spent evaluating in the current train() call, and how many evaluations. */
  evalTime = 0;
  /** @internal */
  evalCount = 0;

  constructor(layers: Layer[] | EpyNNOptions, name?: string) {
    if (layers !== null && typeof layers === 'object' && !Array.isArray(layers)) {
      if (name !== undefined) throw new EpyNNError("EpyNN: give the name once: new EpyNN({ layers, name }) or new EpyNN(layers, name)");
      const o = checkOptions('EpyNN', layers, ['layers', 'name'] as const, { call: 'new EpyNN', primary: 'layers', example: '[embedding, dense]' });
      ({ layers, name } = o as EpyNNOptions);
    }
    if (name === undefined) name = 'EpyNN';
    if (typeof name !== 'string') throw new EpyNNError(`EpyNN: name must be a string, got ${show(name)}`);
    if (!Array.isArray(layers) || layers.length === 0) throw new EpyNNError('EpyNN: layers must be a non-empty array of layers');
    layers.forEach((l, i) => checkLayer('EpyNN', l, `layers[${i}]`));
    if (!(layers[0] instanceof Embedding)) {
      throw new EpyNNError(`EpyNN: the first layer must be an Embedding (the data layer), got ${layers[0].name}`);
    }
    if (new Set(layers).size !== layers.length) throw new EpyNNError('EpyNN: the same layer object appears twice in layers');
    this.layers = layers;
    this.embedding = layers[0];
    this.name = name;
    this.ts = Math.floor(Date.now() / 1000);
    this.uname = `${this.ts}_${name}`;
  }

  /** Indices (0 dtrain, 1 dval, 2 dtest) of the sets with labeled samples. */
  get activeSlots(): number[] {
    const e = this.embedding;
    return [e.dtrain, e.dval, e.dtest].flatMap((s, k) => (s.active && s.Y !== undefined ? [k] : []));
  }

  /** Forward pass through every layer (no dropout unless training). */
  forward(X: NDArray): NDArray {
    return modelForward(this, X);
  }

  /** Backward pass; each layer computes its gradients and updates its parameters. */
  backward(dA: NDArray): NDArray {
    return modelBackward(this, dA);
  }

  /**
   * Sets loss, metrics, hyperparameters and seeds, then runs EpyNN's check: one dry training step
   * on the first batch (no update). A failure throws an EpyNNError naming the layer and the stage.
   */
  initialize(options?: InitializeOptions): this {
    const where = 'EpyNN.initialize';
    const opts = checkOptions(where, options, INITIALIZE_OPTIONS, { call: 'model.initialize', primary: 'loss', example: "'MSE'" });
    const { loss = 'MSE', seHPars, metrics = ['accuracy'], seed, params = true, quiet = false, compat, end, threads, optimizer = epynnSGD, clipNorm, clipValue } = opts;
    checkOptimizer(where, 'optimizer', optimizer);
    if (clipNorm !== undefined) checkNumber(where, 'clipNorm', clipNorm, { min: 0, exclusiveMin: true });
    if (clipValue !== undefined) checkNumber(where, 'clipValue', clipValue, { min: 0, exclusiveMin: true });
    checkBoolean(where, 'quiet', quiet);
    if (end !== undefined && end !== '\r' && end !== '\n') throw new EpyNNError(`${where}: end must be '\\r' or '\\n', got ${typeof end === 'string' ? JSON.stringify(end) : show(end)}`);
    if (threads !== undefined) checkThreadCount(where, threads);
    checkBoolean(where, 'params', params);
    if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed))) {
      throw new EpyNNError(`${where}: seed must be an integer (or undefined for a random seed), got ${show(seed)}`);
    }
    if (compat !== undefined && compat !== 'epynn') {
      throw new EpyNNError(`${where}: compat must be 'epynn' or undefined, got ${show(compat)}`);
    }
    if (compat === 'epynn') {
      this.refuseBeyondEpyNN(where);
      const own = this.layers.find((l) => !l.optimizer.epynn && l.ownOptimizer !== undefined);
      if (!optimizer.epynn || own !== undefined) {
        const what = !optimizer.epynn ? `optimizer '${optimizer.name}'` : `layer ${own!.name}'s optimizer '${own!.optimizer.name}'`;
        throw new EpyNNError(`${where}: compat: 'epynn' trains with EpyNN's SGD only (p -= lrate · g: the default optimizer), got ${what}`);
      }
      if (clipNorm !== undefined || clipValue !== undefined) {
        throw new EpyNNError(`${where}: compat: 'epynn' has no global gradient clipping (EpyNN clips per layer, with clipGradients), got ${clipNorm !== undefined ? `clipNorm ${clipNorm}` : `clipValue ${clipValue}`}`);
      }
    }
    if (compat === 'epynn' && seed !== undefined && seed < 0) throw new EpyNNError(`${where}: with compat 'epynn' the seed must be non-negative (NumPy's), got ${seed}`);
    if (typeof loss !== 'string') throw new EpyNNError(`${where}: loss must be a loss name such as 'MSE', got ${show(loss)}`);
    if (!Array.isArray(metrics)) throw new EpyNNError(`${where}: metrics must be an array of names, got ${show(metrics)}`);
    const hPars = seHPars === undefined ? {} : checkHPars(where, seHPars);
    if (quiet) this.logger = silentOutput;
    if (end !== undefined) this.end = end;
    // Check consistency of output activation and loss
    const outputActivation = this.layers[this.layers.length - 1].activation.activate;
    this.trainingLoss = lossFunctions(loss, outputActivation);
    this.loss = loss;
    const known = { ...metricsFunctions(), ...lossFunctions() };
    for (const m of metrics) {
      if (typeof m !== 'string') throw new EpyNNError(`${where}: metrics must be an array of names, got ${show(m)} in ${show(metrics)}`);
      checkKey(where, m, 'metric name');
      if (!Object.hasOwn(known, m)) throw new EpyNNError(`${where}: unknown metric '${m}'; known: ${Object.keys(known).join(', ')}`);
    }
    this.metrics = {};
    for (const m of [...metrics, loss]) this.metrics[m] = [[], [], []];

    // Assign model and layers hyperparameters (a copy: the caller's object is never mutated)
    this.seHPars = defaultHPars(hPars as Partial<HPars>);
    modelHyperparameters(this);

    // The optimizer of every layer without its own; a fresh optimizer state (new parameters, or the same
    // ones from here on: the moments of another run do not belong to them)
    this.optimizer = optimizer;
    this.lrScale = 1;
    this.lrFloor = 0;
    this.clipNorm = clipNorm;
    this.clipValue = clipValue;
    for (const layer of this.layers) {
      layer.modelOptimizer = optimizer;
      layer.s = {};
      layer.steps = 0;
    }

    // Seed model and layers
    this.seed = seed;
    if (threads !== undefined) this.threads = threads;
    this.setCompat(compat);
    modelAssignSeeds(this);

    this.network = new Map();
    // The check pass: a training step (Dropout drops) with fresh outputs and every gradient, no update
    withMode(this, 'training', {}, () => modelInitialize(this, params));
    this.e = 0;
    this.epochs = 0;
    this.epochsDone = 0;
    this.initialized = true;
    return this;
  }

  /**
   * Trains for `epochs` epochs (initializing with defaults first if needed). A second call
   * continues for exactly `epochs` more. Returns the model, whose `history` holds this call's epochs
   * and their metrics (`const { history } = model.train({ epochs: 5 })`).
   */
  train(options: TrainOptions): this {
    const where = 'EpyNN.train';
    const opts = checkOptions(where, options, TRAIN_OPTIONS, { call: 'model.train', primary: 'epochs', example: '10' });
    const { epochs, verbose, initLogs = true, quiet = false, chart = false, data, threads, compat, callbacks = [] } = opts;
    checkCallbacks(where, callbacks);
    if (compat !== undefined && this.initialized && compat !== this.compat) {
      throw new EpyNNError(`${where}: compat applies to the implicit initialize() of a model not initialized yet; this model was initialized with compat ${show(this.compat)}`);
    }
    if (epochs === undefined) throw new EpyNNError(`${where}: epochs is required, e.g. model.train({ epochs: 10 })`);
    checkInteger(where, 'epochs', epochs);
    if (epochs > MAX_TRAIN_EPOCHS) throw new EpyNNError(`${where}: epochs must be at most ${MAX_TRAIN_EPOCHS} per call (what a model file records), got ${show(epochs)}`);
    if (verbose !== undefined) checkInteger(where, 'verbose', verbose);
    checkBoolean(where, 'initLogs', initLogs);
    checkBoolean(where, 'quiet', quiet);
    checkBoolean(where, 'chart', chart);
    if (threads !== undefined) this.threads = checkThreadCount(where, threads);
    if (data !== undefined) this.setData(data, 'EpyNN.train: data');
    if (quiet) this.logger = silentOutput;
    if (!this.initialized) this.initialize({ quiet, compat });

    this.startEpoch = this.epochsDone;
    this.epochs = this.epochsDone + epochs;
    // Compute learning rate schedule for layers in model
    modelLearningRate(this);
    if (initLogs) initializeModelReport(this);
    this.verbose = verbose ?? Math.max(1, Math.floor(epochs / 10));
    this.startTime = Date.now();
    this.lastReport = 0;
    this.evalTime = 0;
    this.evalCount = 0;
    this.currentLogs = [];
    this.history = { epoch: [], logs: {} };
    modelTraining(this, callbacks);
    if (chart) this.logger.line('\n' + modelTerminalChart(this));
    return this;
  }

  /**
   * A table of the layers like Keras' model.summary(): output shape (sample axis m), EpyNN's dimensions
   * `d`, parameter count, trainable (and the optimizer); then the totals and the memory of the parameters
   * and of the optimizer state. Printed to `logger` (nothing in quiet mode) and returned as text; after
   * initialize() or after reading a model.
   */
  summary(): string {
    const { text } = modelSummary(this);
    this.logger.line(text);
    return text;
  }

  /** Appends this epoch's metrics for dtrain, dval and dtest to `metrics`. */
  evaluate(): void {
    modelEvaluate(this);
  }

  /** Prints the metrics table (every `verbose` epochs and at the last). */
  report(): void {
    modelReport(this);
  }

  /** Throws if a layer is one EpyNN does not have: compat: 'epynn' reproduces EpyNN's numbers, which do not exist for it. */
  private refuseBeyondEpyNN(where: string): void {
    const i = this.layers.findIndex((l) => l instanceof BatchNormalization || l instanceof LayerNormalization);
    if (i >= 0) {
      throw new EpyNNError(`${where}: compat 'epynn' reproduces EpyNN, which has no ${this.layers[i].name} (layer ${i}); remove the layer or initialize without compat`);
    }
  }

  /** @internal Sets the compatibility mode on the model and every layer. */
  setCompat(compat: 'epynn' | undefined, where = 'EpyNN.initialize'): void {
    if (compat === 'epynn') this.refuseBeyondEpyNN(where);
    this.compat = compat;
    for (const layer of this.layers) layer.epynnCompat = compat === 'epynn';
  }

  /**
   * @internal Puts every layer in the mode of a training step without reuse (on: Dropout drops, a
   * backward may follow) or back to BARE_MODE (off), for passes run by hand (tests, bench tools).
   * The model's own passes set their modes themselves (network/mode.ts).
   */
  setTraining(on: boolean): void {
    if (on) setMode(this.layers, 'training');
    else clearMode(this.layers);
  }

  /**
   * Gives the model new labeled data: dtrain, dval and dtest are replaced by `XData`/`YData`,
   * transformed as the training data was (the embedding's element map and scaling range) and split
   * with the embedding's relativeSize. A model read from a file written without data can then train.
   */
  setData(data: TrainData, where = 'EpyNN.setData'): this {
    if (data === null || typeof data !== 'object' || !('XData' in data)) {
      throw new EpyNNError(`${where}: expected { XData, YData }, got ${show(data)}`);
    }
    checkOptions(where, data, ['XData', 'YData'], { call: 'model.setData', primary: 'XData', example: 'X' });
    const emb = this.embedding;
    const before = { columns: emb.labelColumns, sample: emb.fs.X?.slice(1) };
    const kept = { dtrain: emb.dtrain, dval: emb.dval, dtest: emb.dtest, dsets: emb.dsets, labelColumns: emb.labelColumns };
    try {
      emb.setData(data.XData, data.YData, where);
      if (this.initialized && before.sample !== undefined) {
        const sample = emb.dsets[0]?.X.shape.slice(1);
        if (sample !== undefined && fmt(sample) !== fmt(before.sample)) {
          throw new EpyNNError(`${where}: XData samples have shape ${fmt(sample)} but the model was built for ${fmt(before.sample)}`);
        }
        if (emb.dtrain.Y !== undefined && emb.labelColumns !== before.columns) {
          throw new EpyNNError(`${where}: YData has ${emb.labelColumns} label column(s) but the model outputs ${before.columns}`);
        }
      }
    } catch (err) {
      Object.assign(emb, kept); // the model keeps its data when the new data is refused
      emb.batchDtrain = [];
      throw err;
    }
    return this;
  }

  /**
   * Predicts unlabeled samples: returns a DataSet with outputs A and decisions P. Raw X goes in as
   * the raw training data did: the embedding's XEncode/XScale are applied (see PredictOptions).
   */
  predict(XData: XInput, predictOptions?: PredictOptions): DataSet {
    const options = checkOptions('EpyNN.predict', predictOptions, PREDICT_OPTIONS, { call: 'model.predict', lead: 'X, ', primary: 'XEncode', example: 'true' });
    if (options.XEncode !== undefined) checkBoolean('EpyNN.predict', 'XEncode', options.XEncode);
    if (options.XScale !== undefined) checkBoolean('EpyNN.predict', 'XScale', options.XScale);
    if (!this.initialized) throw new StateError('EpyNN.predict: the model is not initialized (call initialize or train first, or read a model)');
    const emb = this.embedding;
    const epynn = this.compat === 'epynn';
    const XEncode = options.XEncode ?? (epynn ? false : emb.XEncode);
    const XScale = options.XScale ?? (epynn ? false : emb.XScale);
    let X: NDArray;
    if (XEncode) {
      if (emb.e2i.size === 0) throw new EpyNNError('EpyNN.predict: XEncode needs the element map of an Embedding built with XEncode: true');
      X = encodeDataset(toSequences(XData, 'EpyNN.predict'), emb.e2i, 'EpyNN.predict');
    } else X = toArray(XData, 'EpyNN.predict', 'XData');
    checkFinite('EpyNN.predict', 'XData', X); // a NaN or an infinity would come out as NaN outputs
    if (XScale) {
      if (!epynn && emb.XScaleRange !== undefined) X = scaleFeatures(X, 'EpyNN.predict', emb.XScaleRange);
      else if (options.XScale === true) X = scaleFeatures(X, 'EpyNN.predict'); // over this X (EpyNN)
      else {
        throw new EpyNNError(
          "EpyNN.predict: the model's Embedding has XScale but the training data's range is unknown (a model file without it): " +
            'pass { XScale: false } with X scaled as the training data was, or { XScale: true } to scale over this X as EpyNN does',
        );
      }
    }
    const dset = new DataSet(X);
    if (!dset.active) throw new EpyNNError(`EpyNN.predict: XData is empty (shape ${fmt(X.shape)})`);
    // compat: 'epynn': one forward over all samples, as EpyNN (Dropout draws its masks here too)
    const sample = emb.fs.X?.slice(1); // one sample's shape in the check pass and training
    try {
      dset.A = this.compat === 'epynn' ? withMode(this, 'prediction', {}, () => modelForward(this, dset.X)) : modelForwardBatched(this, dset.X, undefined, 'prediction');
    } catch (err) {
      if (!(err instanceof ShapeError) || sample === undefined) throw err;
      // Name the input and the shape the model was built for, not only the layer that noticed
      throw new ShapeError(
        `EpyNN.predict: XData of shape ${fmt(X.shape)} has samples of shape ${fmt(X.shape.slice(1))}, but the model was built for samples of shape ${fmt(sample)} (${err.message})`,
        { cause: err },
      );
    }
    dset.P = decide(dset.A, emb.labelColumns > 1);
    return dset;
  }

  /**
   * The model as plain JSON (docs/FORMAT.md): architecture, hyperparameters, bit-exact parameters,
   * metrics, random states; the datasets only with `includeData`. `JSON.stringify(model)` uses it.
   */
  toJSON(options?: ToJSONOptions | string): ModelJSON {
    // JSON.stringify(model) calls toJSON(key) with a string key: no options then
    const opts = typeof options === 'string' ? {} : checkOptions('EpyNN.toJSON', options, WRITE_OPTIONS, { call: 'model.toJSON' });
    return modelFormat('EpyNN.toJSON').toJSON(this, opts);
  }

  /** Rebuilds a model from `toJSON()` output (the object or its JSON text). */
  static fromJSON(json: ModelJSON | string): EpyNN {
    return modelFormat('EpyNN.fromJSON').fromJSON(json);
  }

  /**
   * Writes the model to a JSON file (default `models/<uname>.json`, atomically) and returns the path.
   * Node only: in a browser use `toJSON()`.
   */
  write(path?: string, options?: WriteOptions): string {
    if (path !== undefined && typeof path !== 'string') {
      throw new EpyNNError(`EpyNN.write: path must be a file path string (or undefined for models/<uname>.json), got ${show(path)}`);
    }
    const opts = checkOptions('EpyNN.write', options, WRITE_OPTIONS, { call: 'model.write', lead: 'path, ', primary: 'includeData', example: 'true' });
    return nodeIO('EpyNN.write', 'model.toJSON()').writeModel(this, path, opts);
  }

  /**
   * Reports one training batch (EpyNN's `batch_report(batch, A)`): the progress line with epoch, batch,
   * accuracy and cost of A against batch.Y, elapsed time and rate. For a training loop of your own over
   * `model.embedding.trainingBatches()`; `train()` reports its batches itself.
   */
  batchReport(batch: DataSet, A: NDArray): void {
    const batches = this.embedding?.batchDtrain ?? [];
    const i = batches.indexOf(batch);
    if (i < 0) throw new EpyNNError('EpyNN.batchReport: batch must be one of model.embedding.batchDtrain (from model.embedding.trainingBatches())');
    if (batch.Y === undefined) throw new EpyNNError(`EpyNN.batchReport: batch ${batch.name} has no labels Y`);
    if (this.startTime === 0) this.startTime = Date.now();
    singleBatchReport(this, batch, A, i, batches.length);
  }

  /**
   * Writes an SVG chart of every metric and the loss per epoch (default `plots/<uname>.svg`) and
   * returns the path. Node only: in a browser use `plotSVG(model)`. With `path: false` (EpyNN's
   * `plot(path=False)`), writes nothing: prints the terminal chart to `logger` and returns its text
   * (in the browser too).
   */
  plot(plotOptions?: Omit<PlotOptions, 'path'> & { path?: string | false }): string {
    const options = checkOptions('EpyNN.plot', plotOptions, PLOT_OPTIONS, { call: 'model.plot', primary: 'path', example: "'plots/model.svg'" });
    if (options.path === false) {
      const chart = modelTerminalChart(this);
      this.logger.line(chart);
      return chart;
    }
    return nodeIO('EpyNN.plot', 'plotSVG(model)').writePlot(this, options as PlotOptions);
  }
}
