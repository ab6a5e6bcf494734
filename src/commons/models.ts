// The abstract Layer (EpyNN commons/models.py): every layer keeps its state in the same dictionaries.
import type { HPars } from '../settings.js';
import { seHPars } from '../settings.js';
import { checkHPars } from './checks.js';
import { NDArray, type Shape, size } from './ndarray.js';
import { type Rng, seededRng } from './rng.js';
import { EpyNNError } from '../errors.js';
import { kernelBuffer, releaseKernelBuffer } from '../kernels/buffer.js';

/**
 * Output buffers a layer keeps per key while reuseOutputs is on: one per size in use (the training
 * shards' two sizes, evaluation chunks, a last partial batch), the least recent dropped beyond this.
 */
const OUTPUT_SIZES = 6;
import { type Optimizer, checkOptimizer, epynnSGD } from './optimizer.js';

/** What a pass through the layers is for (see Mode). */
export type Phase = 'training' | 'evaluation' | 'prediction';

/**
 * The mode of a pass through the layers: one object, set on every layer of a model by one function
 * (`withMode` in src/network/mode.ts) and restored after the pass. Layers read it (`layer.mode`); the
 * forward(A) / backward(dX) signatures stay as EpyNN's. A layer called on its own (no model pass) has
 * BARE_MODE: evaluation, fresh outputs, full caches, every gradient computed.
 */
export interface Mode {
  /** training: a step of train() or the check pass (Dropout drops); evaluation: metrics after an epoch; prediction: predict(). */
  readonly phase: Phase;
  /**
   * Every output of the pass is consumed within it (the caller copies what it keeps): a layer may hand
   * out the same buffers again on the next call (Layer.outputArray).
   */
  readonly reuseOutputs: boolean;
  /** No backward follows: a layer may keep less in its forward cache (Convolution with relu keeps A, not Z). */
  readonly forwardOnly: boolean;
  /**
   * The gradient with respect to this layer's input is not needed (the layer right after the Embedding
   * in train()): backward may skip dX, leave `bc.dX` unset and return an empty array.
   */
  readonly skipDX: boolean;
  /**
   * The pass computes one shard of a batch (src/parallel): gradients are partial sums, so what needs the
   * whole batch is left to the engine, which reads the layer's traits (clipping by the norm is applied
   * to the summed gradients; a layer with batch statistics takes the whole batch's statistics from the engine: BatchReduction).
   */
  readonly shard: boolean;
}

/** The mode of a layer called on its own: evaluation, fresh outputs, full caches, dX computed. */
export const BARE_MODE: Mode = Object.freeze({ phase: 'evaluation', reuseOutputs: false, forwardOnly: false, skipDX: false, shard: false });

/**
 * What a layer declares about itself (`layer.traits`); the parallel engine, compat mode and the
 * exporters read it instead of guessing from the class or the name. A layer of your own inherits
 * the base class's conservative answer (its samples may mix: each batch trains whole) and may
 * declare more (docs/CUSTOM_LAYER.md).
 */
export interface LayerTraits {
  /**
   * Each sample's output, and its contribution to the gradients, depend on that sample alone, in every
   * mode: a batch may be cut into shards whose gradients add up to the batch's.
   */
  readonly samplesIndependent: boolean;
  /**
   * Forward draws random numbers from `layer.rng` while training (Dropout). The layer then implements
   * `randomShape(m, sample)` and reads `presetUniforms` when set: the engine draws the whole batch's
   * numbers beforehand, in the usual order, and hands each shard its rows.
   */
  readonly drawsRandom: boolean;
  /**
   * Forward computes statistics over the batch while training (batch normalization): the samples of a
   * training batch are not independent. A layer that also implements `batchReduction()` (BatchNormalization)
   * trains in shards with a cross-shard reduction of its statistics in the forward and the backward
   * (src/parallel, docs/PERFORMANCE.md); one that does not keeps its model's training batches whole, on
   * this thread. Evaluation and prediction, which use running statistics, are spread either way.
   */
  readonly batchStatistics: boolean;
  /**
   * computeGradients ends by clipping the layer's gradients by their norm (`clipGradient`, EpyNN's
   * clip_gradient). In shard mode the layer does not clip; the engine clips the summed gradients once.
   */
  readonly clipsGradients: boolean;
  /**
   * Backward applies the full Jacobian of softmax when softmax is the layer's activation (Dense): the
   * check pass refuses softmax in any layer that does not declare it.
   */
  readonly softmaxJacobian: boolean;
}

/**
 * @internal How a layer with traits.batchStatistics takes part in a sharded training step (src/parallel):
 * per channel (the last axis of its input), partial sums over a shard's rows, which the engine adds up in
 * shard order, and the whole batch's results handed back to every shard's forward and backward.
 */
export interface BatchReduction {
  /** Channels: the length of every statistic and sum. */
  readonly channels: number;
  /** Writes Σ_r X[r, c] (mean undefined) or Σ_r (X[r, c] − mean[c])² over the rows of X (a shard's input to the layer) into out. */
  inputSums(X: NDArray, mean: Float64Array | undefined, out: Float64Array): void;
  /** After this shard's forward through the layer: writes Σ_r dX̂[r, c] and Σ_r dX̂[r, c] · X̂[r, c] for the gradient dA of its output into s1, s2. */
  gradientSums(dA: NDArray, s1: Float64Array, s2: Float64Array): void;
  /** The whole batch's mean and (biased) variance over `rows` values per channel, for the training forwards that follow (undefined: none). */
  presetStatistics(stats: { mean: Float64Array; variance: Float64Array; rows: number } | undefined): void;
  /** The whole batch's gradient sums (of gradientSums, added over the shards), for the training backwards that follow (undefined: none). */
  presetGradientSums(sums: { s1: Float64Array; s2: Float64Array; rows: number } | undefined): void;
  /** On the model itself (not a replica): the batch's statistics of a sharded step, as if its own forward had computed them (the running statistics move in the update). */
  acceptStatistics(mean: Float64Array, variance: Float64Array, rows: number): void;
}

/** The traits of a layer that declares nothing (a layer of your own): nothing assumed. */
export const DEFAULT_TRAITS: LayerTraits = Object.freeze({ samplesIndependent: false, drawsRandom: false, batchStatistics: false, clipsGradients: false, softmaxJacobian: false });

/** The traits of a built-in layer whose samples are independent and that draws nothing. */
export const INDEPENDENT_TRAITS: LayerTraits = Object.freeze({ ...DEFAULT_TRAITS, samplesIndependent: true });
/** INDEPENDENT_TRAITS of a layer that clips its gradients (RNN, LSTM, GRU with clipGradients). */
export const CLIPPING_TRAITS: LayerTraits = Object.freeze({ ...INDEPENDENT_TRAITS, clipsGradients: true });

/**
 * Base class of every layer. State lives in EpyNN's dictionaries, with EpyNN's keys:
 *
 * - `d`  dimensions (`m`, `h`, `w`, `d`, `u`, `fh`, ...)
 * - `fs` forward shapes, `bs` backward shapes (filled from the caches after each pass)
 * - `p`  parameters (`W`, `b`, `U`, `V`, ...), `g` their gradients (`dW`, `db`, ...)
 * - `fc` forward cache (`X`, `Z`, `A`, ...), `bc` backward cache (`dA`, `dZ`, `dX`, ...)
 * - `o`  other scalars (the seed)
 *
 * Code comments carry EpyNN's step labels: `(1)`, `(5.1)`; an `s` suffix (`(2s)`) means
 * "inside the loop over sequence steps" and `hw` (`(5hw)`) "inside the loop over output positions".
 */
export abstract class Layer {
  /** Dimensions (scalars). */
  d: Record<string, number> = {};
  /** Forward shapes. */
  fs: Record<string, Shape> = {};
  /** Backward shapes. */
  bs: Record<string, Shape> = {};
  /** Trainable parameters. */
  p: Record<string, NDArray> = {};
  /** Gradients of the loss with respect to `p` (`g['d' + key]`). */
  g: Record<string, NDArray> = {};
  /** Forward cache. */
  fc: Record<string, NDArray> = {};
  /** Backward cache. */
  bc: Record<string, NDArray> = {};
  /** Other quantities (EpyNN keeps the seed here). */
  o: Record<string, unknown> = {};
  /** Names of the activation functions, by gate (`{ activate: 'relu' }`). */
  activation: Record<string, string> = {};
  /** Layer hyper-parameters; undefined until given or inherited from the model. */
  seHPars: HPars | undefined;
  /** Whether updateParameters changes `p`. */
  trainable = false;
  /**
   * Keys of `p` that no gradient moves (BatchNormalization's running statistics `mean` and `var`): they
   * get no `g` entry, so optimizers keep no state for them, and summary() counts them as non-trainable.
   */
  nonTrainableKeys: readonly string[] = [];
  /** Layer name (EpyNN: the class name). */
  name: string;
  /** Seeded random source (EpyNN `np_rng`); the model assigns seed + layer index. */
  rng: Rng;
  /** Learning rate per epoch, from the schedule. */
  lrate: number[] = [];
  /** Current epoch (set by the model before each forward). */
  e = 0;
  /** The mode of the current pass (see Mode); BARE_MODE outside the model's passes. */
  mode: Mode = BARE_MODE;
  /**
   * Set by `model.initialize({ compat: 'epynn' })`: the layer does what EpyNN does where the port
   * otherwise differs (Dropout drops outside training too; Dense's softmax gradient omits 1/T).
   */
  epynnCompat = false;
  /**
   * The layer's own optimizer (`new Dense({ optimizer })` or assigned before initialize); undefined:
   * the model's (`initialize({ optimizer })`), which `optimizer` returns then. EpyNN's SGD by default.
   */
  ownOptimizer: Optimizer | undefined;
  /** @internal The model's optimizer, assigned by initialize to the layers without their own. */
  modelOptimizer: Optimizer = epynnSGD;
  /** Optimizer state by parameter key: `slots` vectors of the parameter's size, one flat array (see Optimizer). */
  s: Record<string, Float64Array> = {};
  /** Updates applied by the optimizer so far (Adam's bias correction counts them). */
  steps = 0;
  /**
   * @internal Uniforms for the next forward, drawn beforehand (traits.drawsRandom: src/parallel draws a
   * whole batch's numbers from `rng` in the usual order and hands each shard its rows); undefined: drawn in forward.
   */
  presetUniforms: Float64Array | undefined;
  /**
   * When forward is called directly (not by a network or a replica, which set reuseOutputs or
   * forwardOnly and check their input once), NaN or ±Infinity in its input is a NonFiniteError. Set
   * false to pass IEEE special values through on purpose (the kernels propagate them as NumPy does).
   */
  checkInput = true;
  /**
   * Buffers handed out by outputArray while reuseOutputs is on, by key: the last few sizes (training
   * batches, evaluation chunks, a last partial batch; at most OUTPUT_SIZES), most recent first.
   */
  private readonly outputBuffers = new Map<string, Float64Array[]>();

  constructor(name: string, seHPars?: HPars) {
    this.name = name;
    // Checked (known keys, finite values) and copied: the caller's object is never mutated
    this.seHPars = seHPars === undefined ? undefined : (checkHPars(name, seHPars) as unknown as HPars);
    this.rng = seededRng(0);
  }

  /** What the layer declares about itself (see LayerTraits); the base class assumes nothing. */
  get traits(): LayerTraits {
    return DEFAULT_TRAITS;
  }

  /** The optimizer in effect: the layer's own, else the model's (EpyNN's SGD by default). */
  get optimizer(): Optimizer {
    return this.ownOptimizer ?? this.modelOptimizer;
  }
  /** Gives the layer its own optimizer (over the model's); undefined goes back to the model's. */
  set optimizer(opt: Optimizer | undefined) {
    if (opt !== undefined) checkOptimizer(this.name, 'optimizer', opt);
    this.ownOptimizer = opt;
  }

  /** True while training (`mode.phase`): Dropout drops only then. Setting it sets the phase (bare layer calls, tests). */
  get training(): boolean {
    return this.mode.phase === 'training';
  }
  /** Sets `mode.phase` to training (true) or evaluation (false), the rest of the mode kept. */
  set training(on: boolean) {
    this.mode = Object.freeze({ ...this.mode, phase: on ? 'training' : 'evaluation' });
  }

  /** `mode.reuseOutputs` (see Mode); setting it changes the layer's mode (bare layer calls, tests). */
  get reuseOutputs(): boolean {
    return this.mode.reuseOutputs;
  }
  /** Sets `mode.reuseOutputs`, the rest of the mode kept. */
  set reuseOutputs(on: boolean) {
    this.mode = Object.freeze({ ...this.mode, reuseOutputs: on });
  }

  /** `mode.forwardOnly` (see Mode); setting it changes the layer's mode (bare layer calls, tests). */
  get forwardOnly(): boolean {
    return this.mode.forwardOnly;
  }
  /** Sets `mode.forwardOnly`, the rest of the mode kept. */
  set forwardOnly(on: boolean) {
    this.mode = Object.freeze({ ...this.mode, forwardOnly: on });
  }

  /** `mode.skipDX` (see Mode); setting it changes the layer's mode (bare layer calls, tests). */
  get skipDX(): boolean {
    return this.mode.skipDX;
  }
  /** Sets `mode.skipDX`, the rest of the mode kept. */
  set skipDX(on: boolean) {
    this.mode = Object.freeze({ ...this.mode, skipDX: on });
  }

  /**
   * For traits.drawsRandom: the shape of the uniforms one training forward of `m` samples (each of
   * input shape `sample`) draws from `rng`, row-major; its first axis is m (one row per sample) or 1
   * (shared by every sample). Undefined for a layer that draws nothing.
   */
  randomShape?(m: number, sample: readonly number[]): number[];

  /**
   * @internal For traits.batchStatistics: the cross-shard reduction of the layer's statistics (see
   * BatchReduction); undefined (a layer that does not implement it) keeps each training batch whole.
   */
  batchReduction?(): BatchReduction;

  /** The hyper-parameters in effect: the layer's own, or EpyNN's (frozen) defaults before a model assigns them. */
  get hPars(): Readonly<HPars> {
    return this.seHPars ?? seHPars;
  }

  /** Sets `shapes[k]` to the shape of every array in `cache`. */
  updateShapes(cache: Record<string, NDArray>, shapes: Record<string, Shape>): void {
    for (const [k, v] of Object.entries(cache)) shapes[k] = v.shape;
  }

  /**
   * A zero-filled array for one of this call's results (e.g. 'Z', 'A', 'dZ', 'dX'). Normally a fresh
   * array: callers keep what forward and backward return (model.predict() hands A to the user). During
   * training batches (reuseOutputs) the buffer of the previous batch is zeroed and handed out again:
   * a fresh 5 MB array costs its page faults every step, a reused one does not. With `zero = false`
   * the caller promises to write every element, and a reused buffer is handed out as it is.
   */
  outputArray(key: string, shape: Shape, zero = true): NDArray {
    const n = size(shape);
    if (!this.reuseOutputs) return new NDArray(new Float64Array(n), shape);
    let bufs = this.outputBuffers.get(key);
    if (bufs === undefined) this.outputBuffers.set(key, (bufs = []));
    const i = bufs.findIndex((b) => b.length === n);
    let buf: Float64Array;
    if (i < 0) {
      buf = kernelBuffer(n); // from the kernels' backend, which may work on it in place
      bufs.unshift(buf);
      // The oldest size goes, its memory given back to the backend now: left to the garbage collector,
      // a worker thread (whose heap is rarely collected) cycling through more sizes grows without end
      if (bufs.length > OUTPUT_SIZES) releaseKernelBuffer(bufs.pop()!);
    } else {
      buf = bufs[i];
      if (i > 0) bufs.unshift(...bufs.splice(i, 1));
      if (zero) buf.fill(0);
    }
    return new NDArray(buf, shape);
  }

  /** Seeds the layer's random source. */
  seed(seed: number | undefined): void {
    this.o.seed = seed;
    this.rng = seededRng(seed);
  }

  /**
   * The layer's constructor options as plain JSON (camelCase keys, activations and
   * initializations by registered name), such that `new Layer(config)` rebuilds it.
   */
  abstract toConfig(): Record<string, unknown>;

  /** Fills `d` (dimensions) and `fs` (forward shapes) from the layer input A (EpyNN compute_shapes). */
  abstract computeShapes(A: NDArray): void;
  /** Creates the parameters `p` with the layer's initializer and seeded generator (EpyNN initialize_parameters). */
  abstract initializeParameters(): void;
  /** Forward pass: caches inputs and outputs in `fc` and returns the layer output A. */
  abstract forward(A: NDArray): NDArray;
  /** Backward pass: from the gradient of the loss w.r.t. the output, caches in `bc` and returns the gradient w.r.t. the input. */
  abstract backward(dX: NDArray): NDArray;
  /** Fills `g` with the gradients of the parameters (dW, db, ...) from the caches. */
  abstract computeGradients(): void;
  /** Applies the gradients `g` to the parameters `p` at the current learning rate. */
  abstract updateParameters(): void;
}

/**
 * The methods every Layer subclass implements, with their arguments (EpyNN's template layer;
 * docs/CUSTOM_LAYER.md). TypeScript checks them at compile time; `checkLayer` at run time.
 */
export const LAYER_METHODS = {
  computeShapes: 'computeShapes(A)',
  initializeParameters: 'initializeParameters()',
  forward: 'forward(A)',
  backward: 'backward(dX)',
  computeGradients: 'computeGradients()',
  updateParameters: 'updateParameters()',
  toConfig: 'toConfig()',
} as const;

const layerMethodsList = (): string => Object.values(LAYER_METHODS).join(', ');

/**
 * Throws unless `proto` (a layer or a layer class's prototype) has every method of LAYER_METHODS.
 * `what` names it in the message (e.g. "layers[2] (Scale)").
 */
function checkMethods(where: string, what: string, proto: object): void {
  const missing = Object.keys(LAYER_METHODS).filter((k) => typeof (proto as Record<string, unknown>)[k] !== 'function');
  if (missing.length > 0) {
    throw new EpyNNError(
      `${where}: ${what} does not implement ${missing.map((k) => LAYER_METHODS[k as keyof typeof LAYER_METHODS]).join(', ')}; ` +
        `a Layer subclass implements ${layerMethodsList()} (docs/CUSTOM_LAYER.md)`,
    );
  }
}

/** Throws unless `layer` is a Layer instance with a name and every method a layer needs (for layers written outside the library). */
export function checkLayer(where: string, layer: unknown, what = 'the layer'): asserts layer is Layer {
  if (!(layer instanceof Layer)) {
    const got = layer === null ? 'null' : typeof layer === 'object' ? ((layer as object).constructor?.name ?? 'an object') : typeof layer;
    throw new EpyNNError(`${where}: ${what} is not a Layer (got ${got}); a custom layer extends Layer (docs/CUSTOM_LAYER.md)`);
  }
  if (typeof layer.name !== 'string' || layer.name === '') {
    throw new EpyNNError(`${where}: ${what} (class ${layer.constructor.name}) has no name; call super('${layer.constructor.name}') in its constructor`);
  }
  checkMethods(where, `${what} (${layer.name})`, layer);
}

/** Throws unless `cls` is a class extending Layer whose prototype has every method a layer needs. */
export function checkLayerClass(where: string, cls: unknown, what: string): void {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Layer)) {
    throw new EpyNNError(`${where}: ${what} must be a class that extends Layer, got ${typeof cls === 'function' ? `class ${cls.name}` : typeof cls}`);
  }
  checkMethods(where, `class ${cls.name}`, cls.prototype as object);
}

/** Returns `out` if it is an NDArray, else throws naming the layer and the method that returned it. */
export function checkLayerOutput(layer: Layer, method: 'forward' | 'backward', out: unknown): NDArray {
  if (out instanceof NDArray) return out;
  const got = out === null ? 'null' : typeof out === 'object' ? ((out as object).constructor?.name ?? 'an object') : typeof out;
  throw new EpyNNError(`${layer.name}.${method}() returned ${got}; it must return an NDArray (${method === 'forward' ? 'its output A' : 'the gradient dX for the previous layer'})`);
}

/**
 * Applies the gradients `g` to the parameters `p` with the layer's optimizer, at the learning rate of
 * the current epoch, lrate[e] (EpyNN's schedule). With the default optimizer this is EpyNN's
 * update_parameters loop, p[k] -= lrate[e] · g['d' + k], with the same bits. Every layer's
 * updateParameters calls it; a layer of your own does too, and so gets the model's optimizer.
 */
export function optimizerUpdate(layer: Layer): void {
  const lr = layer.lrate[layer.e] ?? layer.hPars.learning_rate;
  const opt = layer.optimizer;
  const step = layer.steps + 1;
  for (const [gradient, dP] of Object.entries(layer.g)) {
    const key = gradient.slice(1); // 'dW' -> 'W'
    const P = layer.p[key];
    if (P === undefined) continue;
    const n = P.data.length;
    let s = layer.s[key];
    if (s === undefined || s.length !== opt.slots * n) s = layer.s[key] = new Float64Array(opt.slots * n);
    opt.update({ p: P.data, g: dP.data, s, lr, step });
  }
  layer.steps = step;
}

/**
 * EpyNN's name for the update (its layers' update_parameters): the same as `optimizerUpdate`, so a
 * layer of your own that calls it gets the model's optimizer too (EpyNN's SGD by default).
 */
export const sgdUpdate: (layer: Layer) => void = optimizerUpdate;

/** Label balance of a dataset: label -> number of samples. */
export type Balance = Map<number, number>;

/**
 * A set of samples (EpyNN's dataSet): features X, labels Y (2-D: one-hot (m, k) or single column
 * (m, 1)), single-digit labels y, label balance b, sample ids, and after a forward pass the
 * outputs A and decisions P. `active` is false for an empty set.
 */
export class DataSet {
  name: string;
  active: boolean;
  X: NDArray;
  Y: NDArray | undefined;
  y: NDArray | undefined;
  b: Balance = new Map();
  ids: number[];
  A: NDArray = new NDArray(new Float64Array(0), [0]);
  P: NDArray = new NDArray(new Float64Array(0), [0]);

  constructor(X: NDArray, Y?: NDArray, name = 'dummy') {
    this.name = name;
    this.X = X;
    this.active = X.shape.length > 0 && X.shape[0] > 0;
    this.ids = Array.from({ length: this.active ? X.shape[0] : 0 }, (_, i) => i);
    if (Y !== undefined && this.active) this.setLabels(Y);
  }

  /** Sets Y (1-D labels become a column), y and the label balance b. */
  setLabels(Y: NDArray): void {
    const encoded = Y.ndim === 2 && Y.shape[1] > 1;
    this.Y = Y.ndim === 1 ? Y.reshape([Y.shape[0], 1]) : Y;
    const m = this.Y.shape[0];
    const k = this.Y.shape[1];
    const y = new Float64Array(m);
    const Yd = this.Y.data;
    for (let i = 0; i < m; i++) {
      if (encoded) {
        let best = 0;
        for (let j = 1; j < k; j++) if (Yd[i * k + j] > Yd[i * k + best]) best = j;
        y[i] = best;
      } else y[i] = Yd[i * k];
    }
    this.y = new NDArray(y, [m]);
    this.b = new Map();
    for (const v of y) this.b.set(v, (this.b.get(v) ?? 0) + 1);
  }
}
