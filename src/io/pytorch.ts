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
//   weights.npz   the parameters under EpyNN's names, key `layer<i>.<name>` (= the module's state_dict),
//                 float64, EpyNN's shapes
//   train.py      continues training with EpyNN's loss derivative, learning-rate schedules, gradient
//                 clipping and SGD update; `--ddp` under torchrun
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

/** The `format` field of the sidecar epynn.json. */
export const PYTORCH_FORMAT = 'epynn-ts/pytorch';
/** The sidecar version this code writes and reads. */
export const PYTORCH_VERSION = 1;
/** File names of the exported folder. */
export const PYTORCH_FILES = { model: 'model.py', train: 'train.py', readme: 'README.md', sidecar: 'epynn.json', weights: 'weights.npz', data: 'data.npz' } as const;

/** The learning-rate settings of a layer that train.py's schedule reads (EpyNN's names). */
export type PyTorchHPars = Pick<HPars, 'learning_rate' | 'schedule' | 'decay_k' | 'cycle_epochs' | 'cycle_descent'> & { epochs?: number; cycle_number?: number };

/** What train.py needs about a layer. */
export interface PyTorchTrainLayer {
  /** Position in the EpyNN model (0 = the Embedding); the module attribute is `layer<index>`. */
  index: number;
  /** EpyNN's layer name. */
  name: string;
  /** Parameters trained by SGD (EpyNN's names; the state_dict key is `layer<index>.<name>`). */
  params: string[];
  trainable: boolean;
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
    optimizer: 'sgd';
    layers: PyTorchTrainLayer[];
    /** Runs of train.py that led here (written by train.py). */
    history: Record<string, unknown>[];
  };
  /** The epynn-ts model document (library.ts) with empty `params`: the weights are in weights.npz. */
  epynn: ModelJSON;
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
  throw new EpyNNError(`${w}: layer type '${layer.name}' has no PyTorch mapping (exportable: Convolution, Pooling, Flatten, Dense, Dropout, RNN, LSTM, GRU)`);
}

/** The parameters a layer trains and stores (a Convolution without bias keeps b as zeros, not trained). */
function trainedParams(layer: Layer): string[] {
  return Object.keys(layer.p).filter((k) => !(layer instanceof Convolution && k === 'b' && !layer.useBias));
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
  // train.py applies EpyNN's SGD: a model trained with another optimizer (or global clipping), once
  // epynn-ts has them, would continue differently; refused until train.py carries them
  const clip = model as unknown as { clipNorm?: number; clipValue?: number };
  for (const k of ['clipNorm', 'clipValue'] as const) {
    if (clip[k] !== undefined && clip[k] !== null) throw new EpyNNError(`${fn}: the model clips its gradients with ${k} = ${clip[k]}; train.py applies EpyNN's SGD without it (only the layers' clipGradients)`);
  }
  model.layers.forEach((layer, i) => {
    const opt = (layer as unknown as { optimizer?: { name?: unknown; epynn?: unknown } }).optimizer;
    if (opt !== undefined && opt !== null && opt.epynn !== true && Object.keys(layer.p).length > 0) {
      throw new EpyNNError(`${fn}: layer ${i} (${layer.name}): optimizer '${String(opt.name)}': train.py continues with EpyNN's SGD only (p -= lrate · g)`);
    }
  });
  const inputShape = emb.fs.X.slice(1);
  const layers = model.layers.slice(1).map((l, j) => pyLayer(l, j + 1, compat));

  // weights.npz: every parameter as EpyNN stores it
  const weights: Record<string, NDArray> = {};
  model.layers.forEach((layer, i) => {
    for (const [k, v] of Object.entries(layer.p)) weights[`layer${i}.${k}`] = new NDArray(Float64Array.from(v.data), [...v.shape]);
  });

  // epynn.json: our own document without parameters, and what train.py needs
  const doc = modelToJSON(model);
  for (const l of doc.layers) l.params = {};
  const sidecar: PyTorchSidecar = {
    format: PYTORCH_FORMAT,
    version: PYTORCH_VERSION,
    preprocessing: preprocessingOf(model),
    training: {
      loss: model.loss,
      batchSize: emb.batchSize ?? null,
      epochsDone: model.epochsDone,
      optimizer: 'sgd',
      layers: model.layers.slice(1).map((layer, j) => {
        const hp = layer.hPars;
        const h: PyTorchHPars = { learning_rate: hp.learning_rate, schedule: hp.schedule, decay_k: hp.decay_k, cycle_epochs: hp.cycle_epochs, cycle_descent: hp.cycle_descent };
        if (!['steady', 'exp_decay', 'lin_decay'].includes(h.schedule)) throw new EpyNNError(`toPyTorch: layer ${j + 1} (${layer.name}): schedule '${h.schedule}' is not one of steady, exp_decay, lin_decay`);
        return { index: j + 1, name: layer.name, params: trainedParams(layer), trainable: layer.trainable, clipGradients: layers[j].clip, hPars: h };
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
  if (s.version !== PYTORCH_VERSION) throw new ModelFileError(`${where}: unsupported sidecar version ${show(s.version)}; this epynn-ts reads version ${PYTORCH_VERSION}`);
  const t = s.training;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.layers) || !Number.isInteger(t.epochsDone) || t.epochsDone < 0) {
    throw new ModelFileError(`${where}: the "training" field must hold layers and a non-negative integer epochsDone`);
  }
  if (s.epynn === null || typeof s.epynn !== 'object' || !Array.isArray(s.epynn.layers)) throw new ModelFileError(`${where}: the "epynn" field must hold the model document`);
  return s as PyTorchSidecar;
}

/**
 * An epynn-ts model from a PyTorch folder's sidecar (epynn.json, parsed or as text) and weights
 * (weights.npz bytes): the architecture and state of the exported model with the weights of the
 * folder, and the epochs and learning-rate settings train.py recorded. Throws a ModelFileError
 * naming what does not fit.
 */
export function fromPyTorch(sidecar: PyTorchSidecar | string, weights: Uint8Array, where = 'fromPyTorch'): EpyNN {
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
