// Long short-term memory layer (EpyNN lstm/models.py).
import { type Activation, nameOf, sigmoid, tanh } from '../activation/functions.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions, checkSizes, checkLayerInput } from '../commons/checks.js';
import { clipGradient } from '../commons/maths.js';
import { Layer, INDEPENDENT_TRAITS, CLIPPING_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type Initializer, initializerName, orthogonal } from '../initialization/functions.js';
import type { HPars } from '../settings.js';
import { lstmBackward } from './backward.js';
import { lstmForward } from './forward.js';
import { lstmComputeGradients, lstmComputeShapes, lstmInitializeParameters, lstmUpdateParameters } from './parameters.js';

/** Options of `new LSTM(...)` (EpyNN's `LSTM(unit_cells, activate, ...)`). */
export interface LSTMOptions {
  /** Number of unit cells (u), EpyNN's `unit_cells`. @default 1 */
  unitCells?: number;
  /** Non-linear activation of the memory state C_ (gives C, and h = o ⊙ C). @default tanh */
  activate?: Activation;
  /** Non-linear activation of the output gate. @default sigmoid */
  activateOutput?: Activation;
  /** Non-linear activation of the candidate. @default tanh */
  activateCandidate?: Activation;
  /** Non-linear activation of the input gate. @default sigmoid */
  activateInput?: Activation;
  /** Non-linear activation of the forget gate. @default sigmoid */
  activateForget?: Activation;
  /** Weight initialization for every U and V (biases start at zero). @default orthogonal */
  initialization?: Initializer;
  /** Rescale the gradients when their global norm exceeds 0.25 (EpyNN's clip_gradient). @default false */
  clipGradients?: boolean;
  /** Return the full sequence of hidden states (m, s, u) instead of the last one (m, u). @default false */
  sequences?: boolean;
  /** Layer hyper-parameters; inherits from the model when undefined. @default undefined */
  seHPars?: HPars;
}

/** The option names `new LSTM` accepts. */
export const LSTM_OPTIONS = [
  'unitCells', 'activate', 'activateOutput', 'activateCandidate', 'activateInput', 'activateForget',
  'initialization', 'clipGradients', 'sequences', 'seHPars',
] as const;

/** JSON form of the options (activations and initialization by registered name). */
export type LSTMConfig = {
  unitCells: number;
  activate: string;
  activateOutput: string;
  activateCandidate: string;
  activateInput: string;
  activateForget: string;
  initialization: string;
  clipGradients: boolean;
  sequences: boolean;
};

/**
 * LSTM over X (m, s, e). For each step t, with h_{-1} = C_{-1} = 0 and U (e, u), V (u, u), b (1, u):
 *   f = σf(X_t·Uf + h_{t-1}·Vf + bf), i = σi(X_t·Ui + h_{t-1}·Vi + bi),
 *   g = φg(X_t·Ug + h_{t-1}·Vg + bg), o = σo(X_t·Uo + h_{t-1}·Vo + bo),
 *   C__t = C__{t-1} ⊙ f + i ⊙ g,  C_t = φ(C__t),  h_t = o ⊙ C_t.
 * Output: the last hidden state (m, u), or every hidden state (m, s, u) with `sequences`.
 */
export class LSTM extends Layer {
  activate: Activation;
  activateOutput: Activation;
  activateCandidate: Activation;
  activateInput: Activation;
  activateForget: Activation;
  initialization: Initializer;
  clipGradients: boolean;
  sequences: boolean;

  constructor(options?: LSTMOptions) {
    const opts = checkOptions('LSTM', options, LSTM_OPTIONS, { call: 'new LSTM', primary: 'unitCells', example: '10' });
    super('LSTM', opts.seHPars);
    const {
      unitCells = 1,
      activate = tanh,
      activateOutput = sigmoid,
      activateCandidate = tanh,
      activateInput = sigmoid,
      activateForget = sigmoid,
      initialization = orthogonal,
      clipGradients = false,
      sequences = false,
    } = opts;
    checkInteger('LSTM', 'unitCells', unitCells);
    for (const [k, v] of Object.entries({ activate, activateOutput, activateCandidate, activateInput, activateForget })) checkFunction('LSTM', k, v, 'an activation function');
    checkFunction('LSTM', 'initialization', initialization, 'an initializer function');
    checkBoolean('LSTM', 'clipGradients', clipGradients);
    checkBoolean('LSTM', 'sequences', sequences);
    this.d.u = unitCells;
    this.activate = activate;
    this.activateOutput = activateOutput;
    this.activateCandidate = activateCandidate;
    this.activateInput = activateInput;
    this.activateForget = activateForget;
    this.initialization = initialization;
    this.clipGradients = clipGradients;
    this.sequences = sequences;
    this.activation = {
      activate: nameOf(activate),
      activate_output: nameOf(activateOutput),
      activate_candidate: nameOf(activateCandidate),
      activate_input: nameOf(activateInput),
      activate_forget: nameOf(activateForget),
    };
    this.trainable = true;
  }

  /** Samples independent; computeGradients clips by the norm when `clipGradients` (the engine clips the summed shards). */
  override get traits(): LayerTraits {
    return this.clipGradients ? CLIPPING_TRAITS : INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    lstmComputeShapes(this, A);
    checkSizes(this.name, this.fs); // parameters and hidden states within the array size limit
  }

  initializeParameters(): void {
    lstmInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    // As EpyNN: shapes are recomputed from every input (m and s may change between calls)
    this.computeShapes(A);
    const out = lstmForward(this, A); // replaces this.fc: assign fc.A after the call
    this.fc.A = out;
    this.updateShapes(this.fc, this.fs);
    return out;
  }

  backward(dX: NDArray): NDArray {
    dX = lstmBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    lstmComputeGradients(this);
    // In shard mode (src/parallel) the engine clips the summed gradients of the batch instead
    if (this.clipGradients && !this.mode.shard) clipGradient(this);
  }

  updateParameters(): void {
    if (this.trainable) lstmUpdateParameters(this);
  }

  toConfig(): LSTMConfig {
    return {
      unitCells: this.d.u,
      activate: nameOf(this.activate),
      activateOutput: nameOf(this.activateOutput),
      activateCandidate: nameOf(this.activateCandidate),
      activateInput: nameOf(this.activateInput),
      activateForget: nameOf(this.activateForget),
      initialization: initializerName(this.initialization),
      clipGradients: this.clipGradients,
      sequences: this.sequences,
    };
  }
}
