// Recurrent layer (EpyNN rnn/models.py): h_t = f(X_t · U + h_{t-1} · V + b).
import { type Activation, nameOf, tanh } from '../activation/functions.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions, checkSizes, checkLayerInput } from '../commons/checks.js';
import { clipGradient } from '../commons/maths.js';
import { Layer, INDEPENDENT_TRAITS, CLIPPING_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type Initializer, initializerName, xavier } from '../initialization/functions.js';
import type { HPars } from '../settings.js';
import { rnnBackward } from './backward.js';
import { rnnForward } from './forward.js';
import { rnnComputeGradients, rnnComputeShapes, rnnInitializeParameters, rnnUpdateParameters } from './parameters.js';

/** Options of `new RNN(...)` (EpyNN's `RNN(unit_cells, activate, ...)`). */
export interface RNNOptions {
  /** Number of unit cells (u), EpyNN's `unit_cells`. @default 1 */
  unitCells?: number;
  /** Non-linear activation of the hidden state. @default tanh */
  activate?: Activation;
  /** Weight initialization for U and V (b starts at zero). @default xavier */
  initialization?: Initializer;
  /** Rescale the gradients when their global norm exceeds 0.25 (EpyNN's clip_gradient). @default true */
  clipGradients?: boolean;
  /** Return the full sequence of hidden states (m, s, u) instead of the last one (m, u). @default false */
  sequences?: boolean;
  /** Layer hyper-parameters; inherits from the model when undefined. @default undefined */
  seHPars?: HPars;
}

/** The option names `new RNN` accepts. */
export const RNN_OPTIONS = ['unitCells', 'activate', 'initialization', 'clipGradients', 'sequences', 'seHPars'] as const;

/** JSON form of the options (activations and initialization by registered name). */
export type RNNConfig = {
  unitCells: number;
  activate: string;
  initialization: string;
  clipGradients: boolean;
  sequences: boolean;
};

/**
 * Simple recurrent layer over X (m, s, e): for each step t,
 * h_t = f(X_t · U + h_{t-1} · V + b) with U (e, u), V (u, u), b (1, u) and h_{-1} = 0.
 * Output: the last hidden state (m, u), or every hidden state (m, s, u) with `sequences`.
 */
export class RNN extends Layer {
  activate: Activation;
  initialization: Initializer;
  clipGradients: boolean;
  sequences: boolean;

  constructor(options?: RNNOptions) {
    const opts = checkOptions('RNN', options, RNN_OPTIONS, { call: 'new RNN', primary: 'unitCells', example: '10' });
    super('RNN', opts.seHPars);
    const { unitCells = 1, activate = tanh, initialization = xavier, clipGradients = true, sequences = false } = opts;
    checkInteger('RNN', 'unitCells', unitCells);
    checkFunction('RNN', 'activate', activate, 'an activation function');
    checkFunction('RNN', 'initialization', initialization, 'an initializer function');
    checkBoolean('RNN', 'clipGradients', clipGradients);
    checkBoolean('RNN', 'sequences', sequences);
    this.d.u = unitCells;
    this.activate = activate;
    this.initialization = initialization;
    this.clipGradients = clipGradients;
    this.sequences = sequences;
    this.activation = { activate: nameOf(activate) };
    this.trainable = true;
  }

  /** Samples independent; computeGradients clips by the norm when `clipGradients` (the engine clips the summed shards). */
  override get traits(): LayerTraits {
    return this.clipGradients ? CLIPPING_TRAITS : INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    rnnComputeShapes(this, A);
    checkSizes(this.name, this.fs); // parameters and hidden states within the array size limit
  }

  initializeParameters(): void {
    rnnInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    // As EpyNN: shapes are recomputed from every input (m and s may change between calls)
    this.computeShapes(A);
    const out = rnnForward(this, A); // replaces this.fc: assign fc.A after the call
    this.fc.A = out;
    this.updateShapes(this.fc, this.fs);
    return out;
  }

  backward(dX: NDArray): NDArray {
    dX = rnnBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    rnnComputeGradients(this);
    // In shard mode (src/parallel) the engine clips the summed gradients of the batch instead
    if (this.clipGradients && !this.mode.shard) clipGradient(this);
  }

  updateParameters(): void {
    if (this.trainable) rnnUpdateParameters(this);
  }

  toConfig(): RNNConfig {
    return {
      unitCells: this.d.u,
      activate: nameOf(this.activate),
      initialization: initializerName(this.initialization),
      clipGradients: this.clipGradients,
      sequences: this.sequences,
    };
  }
}
