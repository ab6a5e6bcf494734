// Gated recurrent unit layer (EpyNN gru/models.py).
import { type Activation, nameOf, sigmoid, tanh } from '../activation/functions.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions, checkSizes, checkLayerInput } from '../commons/checks.js';
import { clipGradient } from '../commons/maths.js';
import { Layer, INDEPENDENT_TRAITS, CLIPPING_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type Initializer, initializerName, orthogonal } from '../initialization/functions.js';
import type { HPars } from '../settings.js';
import { gruBackward } from './backward.js';
import { gruForward } from './forward.js';
import { gruComputeGradients, gruComputeShapes, gruInitializeParameters, gruUpdateParameters } from './parameters.js';

/** Options of `new GRU(...)` (EpyNN's `GRU(unit_cells, activate, ...)`). */
export interface GRUOptions {
  /** Number of unit cells (u), EpyNN's `unit_cells`. @default 1 */
  unitCells?: number;
  /** Non-linear activation of the hidden hat hh. @default tanh */
  activate?: Activation;
  /** Non-linear activation of the update gate z. @default sigmoid */
  activateUpdate?: Activation;
  /** Non-linear activation of the reset gate r. @default sigmoid */
  activateReset?: Activation;
  /** Weight initialization for every U and V (biases start at zero). @default orthogonal */
  initialization?: Initializer;
  /** Rescale the gradients when their global norm exceeds 0.25 (EpyNN's clip_gradient). @default false */
  clipGradients?: boolean;
  /** Return the full sequence of hidden states (m, s, u) instead of the last one (m, u). @default false */
  sequences?: boolean;
  /** Layer hyper-parameters; inherits from the model when undefined. @default undefined */
  seHPars?: HPars;
}

/** The option names `new GRU` accepts. */
export const GRU_OPTIONS = [
  'unitCells', 'activate', 'activateUpdate', 'activateReset', 'initialization', 'clipGradients', 'sequences', 'seHPars',
] as const;

/** JSON form of the options (activations and initialization by registered name). */
export type GRUConfig = {
  unitCells: number;
  activate: string;
  activateUpdate: string;
  activateReset: string;
  initialization: string;
  clipGradients: boolean;
  sequences: boolean;
};

/**
 * GRU over X (m, s, e). For each step t, with h_{-1} = 0 and U (e, u), V (u, u), b (1, u):
 *   r = σr(X_t·Ur + h_{t-1}·Vr + br),  z = σz(X_t·Uz + h_{t-1}·Vz + bz),
 *   hh = φ(X_t·Uhh + (r ⊙ h_{t-1})·Vhh + bhh),  h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh.
 * Output: the last hidden state (m, u), or every hidden state (m, s, u) with `sequences`.
 */
export class GRU extends Layer {
  activate: Activation;
  activateUpdate: Activation;
  activateReset: Activation;
  initialization: Initializer;
  clipGradients: boolean;
  sequences: boolean;

  constructor(options?: GRUOptions) {
    const opts = checkOptions('GRU', options, GRU_OPTIONS, { call: 'new GRU', primary: 'unitCells', example: '10' });
    super('GRU', opts.seHPars);
    const {
      unitCells = 1,
      activate = tanh,
      activateUpdate = sigmoid,
      activateReset = sigmoid,
      initialization = orthogonal,
      clipGradients = false,
      sequences = false,
    } = opts;
    checkInteger('GRU', 'unitCells', unitCells);
    for (const [k, v] of Object.entries({ activate, activateUpdate, activateReset })) checkFunction('GRU', k, v, 'an activation function');
    checkFunction('GRU', 'initialization', initialization, 'an initializer function');
    checkBoolean('GRU', 'clipGradients', clipGradients);
    checkBoolean('GRU', 'sequences', sequences);
    this.d.u = unitCells;
    this.activate = activate;
    this.activateUpdate = activateUpdate;
    this.activateReset = activateReset;
    this.initialization = initialization;
    this.clipGradients = clipGradients;
    this.sequences = sequences;
    this.activation = {
      activate: nameOf(activate),
      activate_update: nameOf(activateUpdate),
      activate_reset: nameOf(activateReset),
    };
    this.trainable = true;
  }

  /** Samples independent; computeGradients clips by the norm when `clipGradients` (the engine clips the summed shards). */
  override get traits(): LayerTraits {
    return this.clipGradients ? CLIPPING_TRAITS : INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    gruComputeShapes(this, A);
    checkSizes(this.name, this.fs); // parameters and hidden states within the array size limit
  }

  initializeParameters(): void {
    gruInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    // As EpyNN: shapes are recomputed from every input (m and s may change between calls)
    this.computeShapes(A);
    const out = gruForward(this, A); // replaces this.fc: assign fc.A after the call
    this.fc.A = out;
    this.updateShapes(this.fc, this.fs);
    return out;
  }

  backward(dX: NDArray): NDArray {
    dX = gruBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    gruComputeGradients(this);
    // In shard mode (src/parallel) the engine clips the summed gradients of the batch instead
    if (this.clipGradients && !this.mode.shard) clipGradient(this);
  }

  updateParameters(): void {
    if (this.trainable) gruUpdateParameters(this);
  }

  toConfig(): GRUConfig {
    return {
      unitCells: this.d.u,
      activate: nameOf(this.activate),
      activateUpdate: nameOf(this.activateUpdate),
      activateReset: nameOf(this.activateReset),
      initialization: initializerName(this.initialization),
      clipGradients: this.clipGradients,
      sequences: this.sequences,
    };
  }
}
