// Dense (fully connected) layer (EpyNN dense/models.py). Math: docs/Dense.md
import { type Activation, nameOf, sigmoid } from '../activation/functions.js';
import { checkFunction, checkInteger, checkOptions, checkLayerInput } from '../commons/checks.js';
import { Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type Initializer, initializerName, xavier } from '../initialization/functions.js';
import type { HPars } from '../settings.js';
import { denseBackward } from './backward.js';
import { denseForward } from './forward.js';
import {
  denseComputeGradients,
  denseComputeShapes,
  denseInitializeParameters,
  denseUpdateParameters,
} from './parameters.js';

/** Options of `new Dense(...)` (EpyNN's `Dense(units, activate, initialization, se_hPars)`). */
export interface DenseOptions {
  /** Number of units in the layer (u). @default 1 */
  units?: number;
  /** Non-linear activation of units. @default sigmoid */
  activate?: Activation;
  /** Weight initialization function. @default xavier */
  initialization?: Initializer;
  /** Layer hyper-parameters; inherits from the model when undefined. @default undefined */
  seHPars?: HPars;
}

/** The option names `new Dense` accepts. */
export const DENSE_OPTIONS = ['units', 'activate', 'initialization', 'seHPars'] as const;

/** Dense's traits: INDEPENDENT_TRAITS, and softmax allowed as its activation. */
const DENSE_TRAITS: LayerTraits = Object.freeze({ ...INDEPENDENT_TRAITS, softmaxJacobian: true });

/**
 * Fully connected layer: Z = X · W + b, A = f(Z), with X (m, n), W (n, u), b (1, u).
 * Softmax is supported through its Jacobian (exact gradient, temperature included).
 */
export class Dense extends Layer {
  activate: Activation;
  initialization: Initializer;

  constructor(options?: DenseOptions) {
    const opts = checkOptions('Dense', options, DENSE_OPTIONS, { call: 'new Dense', primary: 'units', example: '4' });
    super('Dense', opts.seHPars);
    const { units = 1, activate = sigmoid, initialization = xavier } = opts;
    checkInteger('Dense', 'units', units);
    checkFunction('Dense', 'activate', activate, 'an activation function');
    checkFunction('Dense', 'initialization', initialization, 'an initializer function');
    this.d.u = units;
    this.activate = activate;
    this.initialization = initialization;
    this.activation = { activate: nameOf(activate) };
    this.trainable = true;
  }

  /** Samples independent in every mode; draws nothing; no batch statistics; no clipping; softmax's full Jacobian in backward. */
  override get traits(): LayerTraits {
    return DENSE_TRAITS;
  }

  computeShapes(A: NDArray): void {
    denseComputeShapes(this, A);
  }

  initializeParameters(): void {
    denseInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    A = denseForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = denseBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    denseComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) denseUpdateParameters(this);
  }

  toConfig(): { units: number; activate: string; initialization: string } {
    return { units: this.d.u, activate: nameOf(this.activate), initialization: initializerName(this.initialization) };
  }
}
