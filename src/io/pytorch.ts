// PyTorch export and import: a self-contained folder a PyTorch user runs, trains (also data-parallel
// under torchrun) and hands back. Browser-safe: the folder is returned as file name -> contents;
// src/node/pytorch.ts writes it (atomically, as one unit) and reads it back.
//
//   model.py      a torch.nn.Module mirroring the layers one by one (pytorch_python.ts), EpyNN's
//                 equations written out where a PyTorch built-in computes something else:
//                   Convolution  conv2d on NCHW views of EpyNN's NHWC tensors; W (fh, fw, d, u) kept as
//                                EpyNN's, viewed as (u, d, fh, fw); zero padding p on both sides, strides
//                   Pooling      max_pool2d / avg_pool2d (no padding, strides as the layer's: the pool size
//                                by default); min pooling as −max_pool2d(−X); max/min in an autograd
//                                Function with EpyNN's gradient (every tied extremum gets the window's dZ)
//                   Flatten      reshape (m, −1) of the NHWC tensor: EpyNN's (h, w, d) order
//                   Dense        X·W + b; softmax with temperature T as softmax(Z / T) (not folded: the
//                                gradients of W and b stay EpyNN's)
//                   Dropout      F.dropout (identity in eval mode, as predict)
//                   RNN / LSTM / GRU  the step loops of EpyNN (its gate order, its activations per gate, the
//                                reset gate applied before Vhh), not nn.RNN/nn.LSTM/nn.GRU
//                   lrelu        where(x > 0, x, αx) = max(αx, x) for 0 ≤ α ≤ 1 (refused otherwise)
//                   BatchNormalization  EpyNN's equations by hand over the last axis of (m, n) or NHWC
//                                (m, h, w, d): biased batch variance to normalize, the unbiased one in
//                                the running variance, PyTorch's momentum; running statistics as buffers;
//                                under --ddp the batch statistics of the global batch (an all_reduce
//                                with autograd)
//                   LayerNormalization  per sample over the last axis or the last three
//   weights.npz   the parameters under EpyNN's names, key `layer<i>.<name>` (= the module's state_dict,
//                 BatchNormalization's running mean and var included), float64, EpyNN's shapes
//   optimizer.npz the optimizer state: `layer<i>.<name>.<slot>` (torch.optim's slot names: exp_avg,
//                 exp_avg_sq, max_exp_avg_sq, square_avg, momentum_buffer, grad_avg, sum), the
//                 parameter's shape; the layers' update counts are in epynn.json
//   train.py      continues training with EpyNN's loss derivative, learning-rate schedules, gradient
//                 clipping (the layers' and the model's clipValue / clipNorm) and each layer's optimizer
//                 with its state (the update written out as src/optimizers does); `--ddp` under torchrun
//   epynn.json    the sidecar: the epynn-ts model document without its parameters (our own format,
//                 library.ts) and what train.py needs; readPyTorch/fromPyTorch rebuild the model from it
//   README.md     the commands
//   data.npz      with { data: true }: the Embedding's dtrain as X and Y (Y as the loss sees it)
import { checkOptions, show } from '../commons/checks.js';
import { elu, identity, lrelu, nameOf, relu, sigmoid, softmax, tanh, type Activation } from '../activation/functions.js';
import { EpyNNError, ModelFileError } from '../errors.js';
import type { Layer } from '../commons/models.js';
import { NDArray } from '../commons/ndarray.js';
import { Convolution } from '../convolution/models.js';
import { Dense } from '../dense/models.js';
import { Dropout } from '../dropout/models.js';
import { Flatten } from '../flatten/models.js';
import { GRU } from '../gru/models.js';
import { LSTM } from '../lstm/models.js';
import { EpyNN } from '../network/models.js';
import { Pooling } from '../pooling/models.js';
import { RNN } from '../rnn/models.js';
import type { HPars } from '../settings.js';
import { type ModelJSON, encodeArray, modelChecksum, modelFromJSON, modelToJSON } from './library.js';
import { decodeNpz, encodeNpz } from './npy.js';
import { type Preprocessing, preprocessingOf } from './portable.js';
import { MODEL_PY_LIBRARY, README_MD, TRAIN_PY } from './pytorch_python.js';
import { BatchNormalization } from '../batchnorm/models.js';
import { LayerNormalization } from '../layernorm/models.js';
import type { Optimizer } from '../commons/optimizer.js';

/** The `format` field of the sidecar epynn.json. */
export const PYTORCH_FORMAT = 'epynn-ts/pytorch';
/** The sidecar version this code writes (it reads 1 and 2). 2: the optimizers, their state (optimizer.npz) and the model's clipping. */
export const PYTORCH_VERSION = 2;
/** File names of the exported folder. */
export const PYTORCH_FILES = { model: 'model.py', train: 'train.py', readme: 'README.md', sidecar: 'epynn.json', weights: 'weights.npz', state: 'optimizer.npz', data: 'data.npz' } as const;

/** The learning-rate settings of a layer that train.py's schedule reads (EpyNN's names). */
export type PyTorchHPars = Pick<HPars, 'learning_rate' | 'schedule' | 'decay_k' | 'cycle_epochs' | 'cycle_descent'> & { epochs?: number; cycle_number?: number };

/** What train.py needs about a layer. */
export interface PyTorchTrainLayer {
  /** Position in the EpyNN model (0 = the Embedding); the module attribute is `layer<index>`. */
  index: number;
  /** EpyNN's layer name. */
  name: string;
  /** Parameters with a gradient (EpyNN's names; the state_dict key is `layer<index>.<name>`). */
  params: string[];
  /**
   * Arrays the optimizer updates: `params`, and a Convolution's b without bias (a zero gradient, as
   * epynn-ts's optimizer sees it; its state may move, e.g. Adagrad's sum starts at its initial value).
   */
  optimized: string[];
  trainable: boolean;
  /** The layer's optimizer (its own, else the model's) as the model file names it, and its state slots (optimizer.npz). */
  optimizer: PyTorchOptimizer;
  /** Updates the optimizer applied so far (layer.steps; Adam's bias correction counts them). */
  steps: number;
  /** EpyNN's clip_gradient after each backward (global norm of the layer's gradients at most 0.25). */
  clipGradients: boolean;
  hPars: PyTorchHPars;
}

/** The sidecar epynn.json: the epynn-ts model (without parameters) and the training settings. */
export interface PyTorchSidecar {
  format: typeof PYTORCH_FORMAT;
  version: number;
  /** The preprocessing the model's input needs (what `preprocess` applies), as in the TF.js / ONNX exports. */
  preprocessing: Preprocessing;
  training: {
    loss: string;
    /** Samples per (global) batch; null = all of the training data in one batch (EpyNN's default). */
    batchSize: number | null;
    /** Epochs trained so far (epynn-ts, then every train.py run). */
    epochsDone: number;
    /** Version 1: 'sgd' (EpyNN's); version 2: 'per-layer' (each layer's `optimizer`). */
    optimizer: 'sgd' | 'per-layer';
    /** The model's clipping of all gradients together (clipValue first, then clipNorm); null: none. */
    clipValue?: number | null;
    clipNorm?: number | null;
    layers: PyTorchTrainLayer[];
    /** Runs of train.py that led here (written by train.py). */
    history: Record<string, unknown>[];
  };
  /** The epynn-ts model document (library.ts) with empty `params`: the weights are in weights.npz. */
  epynn: ModelJSON;
}

/** A layer's optimizer in the sidecar: registered name, options, and the names of its state slots in optimizer.npz. */
export interface PyTorchOptimizer {
  name: 'epynn_sgd' | 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
  config: Record<string, number | boolean>;
  /** torch.optim's names of the state tensors, in the order of epynn-ts's slots. */
  slots: string[];
}

/**
 * The state slots of a library optimizer with torch.optim's names (in epynn-ts's slot order,
 * src/optimizers/index.ts), or an EpyNNError for an optimizer train.py does not implement.
 */
export function optimizerSlots(opt: Optimizer, w: string): PyTorchOptimizer {
  const c = opt.config;
  let slots: string[] | undefined;
  if (opt.name === 'epynn_sgd' && opt.epynn) slots = [];
  else if (opt.name === 'sgd') slots = (c.momentum as number) > 0 ? ['momentum_buffer'] : [];
  else if (opt.name === 'adam' || opt.name === 'adamw') slots = ['exp_avg', 'exp_avg_sq', ...(c.amsgrad === true ? ['max_exp_avg_sq'] : [])];
  else if (opt.name === 'rmsprop') slots = ['square_avg', ...((c.momentum as number) > 0 ? ['momentum_buffer'] : []), ...(c.centered === true ? ['grad_avg'] : [])];
  else if (opt.name === 'adagrad') slots = ['sum'];
  if (slots === undefined || slots.length !== opt.slots) {
    throw new EpyNNError(`${w}: optimizer '${opt.name}' has no update in train.py (exportable: epynn_sgd, sgd, adam, adamw, rmsprop, adagrad)`);
  }
  return { name: opt.name as PyTorchOptimizer['name'], config: { ...c }, slots };
}

/** Options of toPyTorch / writePyTorch. */
export interface PyTorchOptions {
  /** Also write data.npz: the Embedding's dtrain as X (as the network takes it) and Y (as the loss sees it). @default false */
  data?: boolean;
}

const PY_ACTIVATIONS = new Map<Activation, string>([[identity, 'identity'], [relu, 'relu'], [sigmoid, 'sigmoid'], [tanh, 'tanh'], [lrelu, 'lrelu'], [elu, 'elu'], [softmax, 'softmax']]);

const py = (v: unknown): string => {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new EpyNNError(`toPyTorch: cannot write ${show(v)} as Python`);
};

/** The Python expression of an activation, or an EpyNNError naming the layer and option. */
function pyActivation(fn: Activation, hp: Readonly<HPars>, w: string, option: string, { gate = false, output = false } = {}): string {
  const name = PY_ACTIVATIONS.get(fn);
  if (name === undefined) {
    throw new EpyNNError(`${w}: ${option} '${nameOf(fn)}' is a custom activation with no PyTorch form; exportable: identity, relu, sigmoid, tanh, softmax, elu, lrelu`);
  }
  if (name === 'softmax' && (gate || !output)) throw new EpyNNError(`${w}: ${option} softmax is exported only as a Dense layer's activation`);
  if (name === 'lrelu') {
    const a = hp.LRELU_alpha;
    // EpyNN's lrelu is max(αx, x) with the derivative 1 (x > 0) else α: the derivative of max(αx, x) only for 0 ≤ α ≤ 1
    if (!(a >= 0 && a <= 1)) throw new EpyNNError(`${w}: ${option} lrelu with LRELU_alpha = ${a}: EpyNN's derivative (1 if x > 0 else α) is the derivative of max(αx, x) only for 0 ≤ α ≤ 1`);
    return `activation('lrelu', alpha=${a})`;
  }
  if (name === 'elu') return `activation('elu', alpha=${hp.ELU_alpha})`;
  if (name === 'softmax') return `activation('softmax', temperature=${hp.softmax_temperature})`;
  return `activation('${name}')`;
}

interface PyLayer {
  /** The constructor call, e.g. `Dense(n=784, u=10, activate=...)`. */
  ctor: string;
  /** EpyNN's layer as a comment. */
  comment: string;
  clip: boolean;
}

/** The Python module of a layer, or an EpyNNError naming it when it has no exact PyTorch form. */
function pyLayer(layer: Layer, i: number, compat: boolean): PyLayer {
  const w = `toPyTorch: layer ${i} (${layer.name})`;
  const hp = layer.hPars;
  const comment = `EpyNN layer ${i}: ${layer.name}(${Object.entries(layer.toConfig()).filter(([k]) => k !== 'seHPars').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`;
  const act = (fn: Activation, option: string, gate = false): string => pyActivation(fn, hp, w, option, { gate, output: layer instanceof Dense });
  if (layer instanceof Convolution) {
    const d = layer.d;
    return { ctor: `Convolution(fh=${d.fh}, fw=${d.fw}, d=${d.d}, u=${d.u}, strides=${py([d.sh, d.sw])}, padding=${d.p}, use_bias=${py(layer.useBias)}, activate=${act(layer.activate, 'activate')})`, comment, clip: false };
  }
  if (layer instanceof Pooling) {
    const d = layer.d;
    return { ctor: `Pooling(pool_size=${py([d.ph, d.pw])}, strides=${py([d.sh, d.sw])}, pool=${py(layer.pool)})`, comment, clip: false };
  }
  if (layer instanceof Flatten) return { ctor: 'Flatten()', comment, clip: false };
  if (layer instanceof Dense) {
    if (compat && layer.activate === softmax && hp.softmax_temperature !== 1) {
      throw new EpyNNError(`${w}: softmax with temperature ${hp.softmax_temperature} in compat: 'epynn' mode, whose gradient omits EpyNN's missing 1/T; PyTorch's autograd computes the exact one (export a model without compat)`);
    }
    return { ctor: `Dense(n=${layer.d.n}, u=${layer.d.u}, activate=${act(layer.activate, 'activate')})`, comment, clip: false };
  }
  if (layer instanceof Dropout) {
    if (compat) throw new EpyNNError(`${w}: in compat: 'epynn' mode Dropout stays active at predict (EpyNN's behaviour), which eval-mode PyTorch does not do; export a model without compat`);
    if (layer.axis.length > 0) throw new EpyNNError(`${w}: Dropout with axis ${JSON.stringify(layer.axis)} (masks shared along axes) is not exported; only the default per-entry dropout is`);
    return { ctor: `Dropout(drop_prob=${layer.dropProb})`, comment, clip: false };
  }
  const seq = (l: { sequences: boolean }): string => py(l.sequences);
  if (layer instanceof RNN) {
    return { ctor: `RNN(e=${layer.d.e}, u=${layer.d.u}, activate=${act(layer.activate, 'activate', true)}, sequences=${seq(layer)})`, comment, clip: layer.clipGradients };
  }
  if (layer instanceof LSTM) {
    return {
      ctor: `LSTM(e=${layer.d.e}, u=${layer.d.u}, activate=${act(layer.activate, 'activate', true)}, activate_output=${act(layer.activateOutput, 'activateOutput', true)}, ` +
        `activate_candidate=${act(layer.activateCandidate, 'activateCandidate', true)}, activate_input=${act(layer.activateInput, 'activateInput', true)}, ` +
        `activate_forget=${act(layer.activateForget, 'activateForget', true)}, sequences=${seq(layer)})`,
      comment, clip: layer.clipGradients,
    };
  }
  if (layer instanceof GRU) {
    return {
      ctor: `GRU(e=${layer.d.e}, u=${layer.d.u}, activate=${act(layer.activate, 'activate', true)}, activate_update=${act(layer.activateUpdate, 'activateUpdate', true)}, ` +
        `activate_reset=${act(layer.activateReset, 'activateReset', true)}, sequences=${seq(layer)})`,
      comment, clip: layer.clipGradients,
    };
  }
  if (layer instanceof BatchNormalization) {
    return { ctor: `BatchNormalization(n=${layer.d.n}, momentum=${py(layer.momentum)}, epsilon=${py(layer.epsilon)}, center=${py(layer.center)}, scale=${py(layer.scale)})`, comment, clip: false };
  }
  if (layer instanceof LayerNormalization) {
    const G = layer.fs.X?.slice(layer.fs.X.length - layer.axes);
    if (G === undefined) throw new EpyNNError(`${w}: the layer has no input shape yet`);
    return { ctor: `LayerNormalization(shape=${py(G)}, epsilon=${py(layer.epsilon)}, center=${py(layer.center)}, scale=${py(layer.scale)})`, comment, clip: false };
  }
  throw new EpyNNError(`${w}: layer type '${layer.name}' has no PyTorch mapping (exportable: Convolution, Pooling, Flatten, Dense, Dropout, RNN, LSTM, GRU, BatchNormalization, LayerNormalization)`);
}

/** The arrays the layer's optimizer updates: every parameter but the running statistics (nonTrainableKeys). */
function optimizedParams(layer: Layer): string[] {
  return Object.keys(layer.p).filter((k) => !layer.nonTrainableKeys.includes(k));
}

/** The parameters with a gradient in PyTorch (a Convolution without bias keeps b as zeros: a buffer). */
function trainedParams(layer: Layer): string[] {
  return optimizedParams(layer).filter((k) => !(layer instanceof Convolution && k === 'b' && !layer.useBias));
}

/**
 * The model as a PyTorch folder: file name -> contents (text or bytes), see the file's header and
 * docs/OUTGROW.md. `{ data: true }` adds data.npz (the Embedding's dtrain). Throws an EpyNNError
 * naming the layer for what PyTorch cannot compute exactly as EpyNN does.
 */
export function toPyTorch(model: EpyNN, options?: PyTorchOptions): Record<string, string | Uint8Array> {
  const fn = 'toPyTorch';
  const { data = false } = checkOptions(fn, options, ['data'], { call: 'toPyTorch', lead: 'model, ', primary: 'data', example: 'true' });
  if (typeof data !== 'boolean') throw new EpyNNError(`${fn}: data must be a boolean, got ${show(data)}`);
  if (!(model instanceof EpyNN)) throw new EpyNNError(`${fn}: expected an EpyNN model, got ${model === null ? 'null' : typeof model}`);
  const emb = model.embedding;
  if (!model.initialized || emb.fs.X === undefined) {
    throw new EpyNNError(`${fn}: the model '${model.name}' is not initialized (no parameters or input shape yet): call initialize() or train() first`);
  }
  const compat = model.compat === 'epynn';
  // train.py implements the library's optimizers (each layer's own, else the model's) and the
  // model's clipping; a registered optimizer of your own has no Python update: refused by name
  const optimizers = model.layers.map((layer, i): PyTorchOptimizer => optimizedParams(layer).length > 0
    ? optimizerSlots(layer.optimizer, `${fn}: layer ${i} (${layer.name})`)
    : { name: layer.optimizer.name as PyTorchOptimizer['name'], config: { ...layer.optimizer.config }, slots: [] }); // nothing to update
  const inputShape = emb.fs.X.slice(1);
  const layers = model.layers.slice(1).map((l, j) => pyLayer(l, j + 1, compat));

  // weights.npz: every parameter as EpyNN stores it
  const weights: Record<string, NDArray> = {};
  model.layers.forEach((layer, i) => {
    for (const [k, v] of Object.entries(layer.p)) weights[`layer${i}.${k}`] = new NDArray(Float64Array.from(v.data), [...v.shape]);
  });
  // optimizer.npz: the state slots of every optimized array, each in the parameter's shape (zeros before the first update)
  const state: Record<string, NDArray> = {};
  model.layers.forEach((layer, i) => {
    const slots = optimizers[i].slots;
    if (slots.length === 0) return;
    for (const k of optimizedParams(layer)) {
      const P = layer.p[k];
      const n = P.data.length;
      const s = layer.s[k];
      slots.forEach((slot, j) => {
        state[`layer${i}.${k}.${slot}`] = new NDArray(s !== undefined && s.length === slots.length * n ? s.slice(j * n, (j + 1) * n) : new Float64Array(n), [...P.shape]);
      });
    }
  });

  // epynn.json: our own document without parameters and optimizer state, and what train.py needs
  const doc = modelToJSON(model);
  doc.layers.forEach((l, i) => {
    l.params = {};
    if (i > 0) l.optimizerState = null; // in optimizer.npz and training.layers[].steps
  });
  const sidecar: PyTorchSidecar = {
    format: PYTORCH_FORMAT,
    version: PYTORCH_VERSION,
    preprocessing: preprocessingOf(model),
    training: {
      loss: model.loss,
      batchSize: emb.batchSize ?? null,
      epochsDone: model.epochsDone,
      optimizer: 'per-layer',
      clipValue: model.clipValue ?? null,
      clipNorm: model.clipNorm ?? null,
      layers: model.layers.slice(1).map((layer, j) => {
        const hp = layer.hPars;
        const h: PyTorchHPars = { learning_rate: hp.learning_rate, schedule: hp.schedule, decay_k: hp.decay_k, cycle_epochs: hp.cycle_epochs, cycle_descent: hp.cycle_descent };
        if (!['steady', 'exp_decay', 'lin_decay'].includes(h.schedule)) throw new EpyNNError(`toPyTorch: layer ${j + 1} (${layer.name}): schedule '${h.schedule}' is not one of steady, exp_decay, lin_decay`);
        return {
          index: j + 1, name: layer.name, params: trainedParams(layer), optimized: optimizedParams(layer), trainable: layer.trainable,
          optimizer: optimizers[j + 1], steps: layer.steps, clipGradients: layers[j].clip, hPars: h,
        };
      }),
      history: [],
    },
    epynn: doc,
  };

  const files: Record<string, string | Uint8Array> = {
    [PYTORCH_FILES.model]: modelPy(model, inputShape, layers),
    [PYTORCH_FILES.train]: TRAIN_PY,
    [PYTORCH_FILES.readme]: README_MD.replaceAll('{{name}}', model.name).replaceAll('{{shape}}', `(m, ${inputShape.join(', ')})`),
    [PYTORCH_FILES.sidecar]: JSON.stringify(sidecar, null, 1) + '\n',
    [PYTORCH_FILES.weights]: encodeNpz(weights),
    [PYTORCH_FILES.state]: encodeNpz(state),
  };
  if (data) {
    const dtrain = emb.dtrain;
    if (dtrain === undefined || !dtrain.active || dtrain.Y === undefined) {
      throw new EpyNNError(`${fn}: { data: true } needs the Embedding's training set, but the model '${model.name}' holds none (read without its data?); set it with model.setData(...)`);
    }
    files[PYTORCH_FILES.data] = encodeNpz({ X: dtrain.X, Y: dtrain.Y });
  }
  return files;
}

function modelPy(model: EpyNN, inputShape: number[], layers: PyLayer[]): string {
  const init = layers.map((l, j) => `        # ${l.comment}\n        self.layer${j + 1} = ${l.ctor}`).join('\n');
  const shape = (j: number): string => {
    const A = model.layers[j + 1].fs.A;
    return A === undefined ? '' : `  # (m, ${A.slice(1).join(', ')})`;
  };
  const forward = layers.map((_, j) => `        A = self.layer${j + 1}(A)${shape(j)}`).join('\n');
  return `# model.py: the epynn-ts model '${model.name}' as a torch.nn.Module, written by toPyTorch (epynn-ts).
# Input: float tensors of shape (m, ${inputShape.join(', ')}) in EpyNN's layout (images (m, h, w, d),
# sequences (m, s, e)), already encoded/scaled as the Embedding does (see epynn.json "preprocessing").
# Output: what epynn-ts's model.predict(X).A returns.
#
#     import sys; sys.path.insert(0, '/path/to/this/folder')
#     import model
#     net = model.load()               # float64; model.load(dtype=torch.float32) for float32
#     A = net(torch.from_numpy(X))
${MODEL_PY_LIBRARY}

class Model(nn.Module):
    """EpyNN model '${model.name}': input (m, ${inputShape.join(', ')}), ${layers.length} layers after the Embedding."""

    def __init__(self):
        super().__init__()
${init}

    def forward(self, X):
        A = X  # (m, ${inputShape.join(', ')})
${forward}
        return A


def load(dtype=torch.float64, weights=None):
    """The model with the weights of this folder (or of the .npz file \`weights\`), in eval mode."""
    net = Model()
    path = weights if weights is not None else os.path.join(HERE, 'weights.npz')
    with np.load(path) as z:
        state = {k: torch.from_numpy(np.array(z[k], dtype=np.float64)) for k in z.files}
    net.load_state_dict(state)
    return net.to(dtype).eval()
`;
}

// ---------------------------------------------------------------------------------------------
// Back again

/** Checks a parsed epynn.json; `where` names the caller in errors. */
export function checkPyTorchSidecar(json: unknown, where: string): PyTorchSidecar {
  const s = json as Partial<PyTorchSidecar> | null;
  if (s === null || typeof s !== 'object' || s.format !== PYTORCH_FORMAT) {
    throw new ModelFileError(`${where}: not an epynn-ts PyTorch sidecar (the "format" field must be "${PYTORCH_FORMAT}")`);
  }
  if (s.version !== 1 && s.version !== PYTORCH_VERSION) throw new ModelFileError(`${where}: unsupported sidecar version ${show(s.version)}; this epynn-ts reads versions 1 to ${PYTORCH_VERSION}`);
  const t = s.training;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.layers) || !Number.isInteger(t.epochsDone) || t.epochsDone < 0) {
    throw new ModelFileError(`${where}: the "training" field must hold layers and a non-negative integer epochsDone`);
  }
  if (s.epynn === null || typeof s.epynn !== 'object' || !Array.isArray(s.epynn.layers)) throw new ModelFileError(`${where}: the "epynn" field must hold the model document`);
  return s as PyTorchSidecar;
}

/**
 * An epynn-ts model from a PyTorch folder's sidecar (epynn.json, parsed or as text), weights
 * (weights.npz bytes) and optimizer state (optimizer.npz bytes; needed when a layer's optimizer keeps
 * state, absent in version-1 folders): the architecture and state of the exported model with the
 * weights, running statistics and optimizer state of the folder, and the epochs, update counts and
 * learning-rate settings train.py recorded. Throws a ModelFileError naming what does not fit.
 */
export function fromPyTorch(sidecar: PyTorchSidecar | string, weights: Uint8Array, where = 'fromPyTorch', state?: Uint8Array): EpyNN {
  let json: unknown = sidecar;
  if (typeof sidecar === 'string') {
    try {
      json = JSON.parse(sidecar);
    } catch (err) {
      throw new ModelFileError(`${where}: ${PYTORCH_FILES.sidecar} is not JSON (${(err as Error).message})`);
    }
  }
  const s = checkPyTorchSidecar(json, where);
  if (!(weights instanceof Uint8Array)) throw new ModelFileError(`${where}: weights must be the bytes of ${PYTORCH_FILES.weights}, got ${show(weights)}`);
  if (state !== undefined && !(state instanceof Uint8Array)) throw new ModelFileError(`${where}: state must be the bytes of ${PYTORCH_FILES.state}, got ${show(state)}`);
  const arrays = decodeNpz(weights, `${where}: ${PYTORCH_FILES.weights}`);
  const doc = structuredClone(s.epynn) as ModelJSON;
  const used = new Set<string>();
  doc.layers.forEach((l, i) => {
    for (const [key, a] of Object.entries(arrays)) {
      const m = /^layer(\d+)\.(\w+)$/.exec(key);
      if (m === null) throw new ModelFileError(`${where}: ${PYTORCH_FILES.weights} holds '${key}', not a layer<i>.<parameter> array`);
      if (Number(m[1]) !== i) continue;
      if (!l.params || Object.hasOwn(l.params, m[2])) throw new ModelFileError(`${where}: duplicate parameter ${key}`);
      const stored = s.training.layers.find((t) => t.index === i);
      if (stored === undefined && i > 0) throw new ModelFileError(`${where}: ${key} names layer ${i}, which the sidecar does not have`);
      l.params[m[2]] = encodeArray(a);
      used.add(key);
    }
  });
  if (s.version >= 2) restoreState(s, doc, arrays, state, where);
  const unused = Object.keys(arrays).filter((k) => !used.has(k));
  if (unused.length > 0) throw new ModelFileError(`${where}: ${PYTORCH_FILES.weights} holds arrays for no layer of the model: ${unused.join(', ')}`);
  doc.checksum = modelChecksum(doc);
  const model = modelFromJSON(doc, where);
  model.epochsDone = s.training.epochsDone;
  model.e = Math.max(0, s.training.epochsDone - 1);
  model.epochs = s.training.epochsDone;
  // What train.py's schedule wrote into the hyperparameters (decay_k when it was 0, epochs, cycle_number)
  for (const t of s.training.layers) {
    const layer = model.layers[t.index];
    if (layer === undefined || layer.name !== t.name) throw new ModelFileError(`${where}: training.layers names layer ${t.index} '${t.name}', the model has ${layer?.name ?? 'none'} there`);
    const hp = layer.seHPars;
    if (hp !== undefined && !Object.isFrozen(hp)) Object.assign(hp, t.hPars);
  }
  for (const layer of model.layers) {
    for (const [k, v] of Object.entries(layer.p)) {
      if (!v.data.every(Number.isFinite)) throw new ModelFileError(`${where}: parameter ${k} of layer ${layer.name} holds NaN or infinite values`);
    }
  }
  return model;
}

/**
 * Version 2: each layer's optimizer state from optimizer.npz (`layer<i>.<name>.<slot>`, the
 * parameter's shape) and its update count from the sidecar, into the model document's
 * optimizerState (the slots one after another, as layer.s keeps them).
 */
function restoreState(s: PyTorchSidecar, doc: ModelJSON, weights: Record<string, NDArray>, bytes: Uint8Array | undefined, where: string): void {
  const file = PYTORCH_FILES.state;
  const needed = s.training.layers.some((t) => t.optimizer?.slots?.length > 0);
  if (bytes === undefined && needed) throw new ModelFileError(`${where}: the folder's optimizers keep state, but ${file} is missing`);
  const arrays = bytes === undefined ? {} : decodeNpz(bytes, `${where}: ${file}`);
  const used = new Set<string>();
  for (const t of s.training.layers) {
    const w = `${where}: training.layers[${t.index}] (${t.name})`;
    const entry = doc.layers[t.index];
    if (entry === undefined) throw new ModelFileError(`${w}: the model has no layer ${t.index}`);
    const opt = t.optimizer;
    if (opt === null || typeof opt !== 'object' || !Array.isArray(opt.slots) || !Number.isInteger(t.steps) || t.steps < 0 || !Array.isArray(t.optimized)) {
      throw new ModelFileError(`${w}: version ${s.version} needs optimizer { name, config, slots }, optimized and a non-negative integer steps`);
    }
    const own = entry.optimizer ?? doc.model.optimizer;
    const ownName = own?.name ?? 'epynn_sgd';
    if (ownName !== opt.name) throw new ModelFileError(`${w}: the sidecar's optimizer '${opt.name}' is not the model's '${ownName}'`);
    const st: Record<string, ReturnType<typeof encodeArray>> = {};
    if (opt.slots.length > 0) {
      for (const k of t.optimized) {
        const P = weights[`layer${t.index}.${k}`];
        if (P === undefined) throw new ModelFileError(`${w}: optimized array ${k} is not in ${PYTORCH_FILES.weights}`);
        const n = P.data.length;
        const flat = new Float64Array(opt.slots.length * n);
        opt.slots.forEach((slot: string, j: number) => {
          const key = `layer${t.index}.${k}.${slot}`;
          const a = arrays[key];
          if (a === undefined) throw new ModelFileError(`${where}: ${file} has no ${key} (the '${opt.name}' state of ${k})`);
          if (a.data.length !== n || a.shape.length !== P.shape.length || a.shape.some((d, q) => d !== P.shape[q])) {
            throw new ModelFileError(`${where}: ${file}: ${key} has shape (${a.shape.join(', ')}), the parameter (${P.shape.join(', ')})`);
          }
          if (!a.data.every(Number.isFinite)) throw new ModelFileError(`${where}: ${file}: ${key} holds NaN or infinite values`);
          flat.set(a.data, j * n);
          used.add(key);
        });
        st[k] = encodeArray(new NDArray(flat, [flat.length]));
      }
    }
    entry.optimizerState = t.steps === 0 && Object.keys(st).length === 0 ? null : { steps: t.steps, s: st };
  }
  const unused = Object.keys(arrays).filter((k) => !used.has(k));
  if (unused.length > 0) throw new ModelFileError(`${where}: ${file} holds arrays for no optimizer state of the model: ${unused.join(', ')}`);
}
