// Convolution 2D layer (EpyNN convolution/models.py). Math: docs/Convolution.md
import { type Activation, nameOf, relu } from '../activation/functions.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions, checkPair, checkLayerInput } from '../commons/checks.js';
import { Layer, INDEPENDENT_TRAITS, type LayerTraits } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type Initializer, initializerName, xavier } from '../initialization/functions.js';
import { ConvScratch } from '../kernels/conv.js';
import type { HPars } from '../settings.js';
import { convolutionBackward } from './backward.js';
import { convolutionForward } from './forward.js';
import {
  convolutionComputeGradients,
  convolutionComputeShapes,
  convolutionInitializeParameters,
  convolutionUpdateParameters,
} from './parameters.js';

/** Options of `new Convolution(...)` (EpyNN's `Convolution(unit_filters, filter_size, ...)`). */
export interface ConvolutionOptions {
  /** Number of unit filters (u). @default 1 */
  unitFilters?: number;
  /** Height and width (fh, fw) of the convolution window; a number n means [n, n]. @default [3, 3] */
  filterSize?: number | readonly [number, number];
  /**
   * Height and width (sh, sw) to shift the window by; a number n means [n, n].
   * @default filterSize (EpyNN's default: non-overlapping windows, not 1)
   */
  strides?: number | readonly [number, number];
  /** Zeros padded on each side of every feature plane (p). @default 0 */
  padding?: number;
  /** Non-linear activation of unit filters. @default relu */
  activate?: Activation;
  /** Weight initialization function. @default xavier */
  initialization?: Initializer;
  /** Whether the layer adds (and learns) the bias b. @default true */
  useBias?: boolean;
  /** Layer hyper-parameters; inherits from the model when undefined. @default undefined */
  seHPars?: HPars;
}

/** The option names `new Convolution` accepts. */
export const CONVOLUTION_OPTIONS = [
  'unitFilters', 'filterSize', 'strides', 'padding', 'activate', 'initialization', 'useBias', 'seHPars',
] as const;

/**
 * 2-D convolution over inputs X of shape (m, h, w, d) with u filters W (fh, fw, d, u) and bias b (u,):
 * Z = conv(X, W) + b of shape (m, oh, ow, u), A = activate(Z), oh = ⌊(h + 2p − fh)/sh⌋ + 1.
 *
 * Besides EpyNN's caches, the layer keeps the scratch of its kernels in `kernels` (src/kernels/conv.ts).
 * Differences from EpyNN (docs/Convolution.md): an integer `strides` is honoured, `padding` works
 * (output size from the padded input, dX returned unpadded), `seHPars` is kept.
 */
export class Convolution extends Layer {
  activate: Activation;
  initialization: Initializer;
  useBias: boolean;
  /**
   * Scratch of the kernels (window offsets, the padded input, packed W; im2col matrices on the GEMM
   * path), outside fc/bc and never returned: one object owned by src/kernels/conv.ts.
   */
  kernels = new ConvScratch();
  // forwardOnly (Layer): with the built-in relu a forward-only pass keeps only A: fc.Z is not stored
  // (fs.Z still has its shape) and backward() throws a StateError until a forward runs with it off.

  constructor(options?: ConvolutionOptions) {
    const opts = checkOptions('Convolution', options, CONVOLUTION_OPTIONS, { call: 'new Convolution', primary: 'unitFilters', example: '6' });
    super('Convolution', opts.seHPars);
    const {
      unitFilters = 1,
      filterSize = [3, 3],
      strides,
      padding = 0,
      activate = relu,
      initialization = xavier,
      useBias = true,
    } = opts;

    checkInteger('Convolution', 'unitFilters', unitFilters);
    const [fh, fw] = checkPair('Convolution', 'filterSize', filterSize);
    // NOTE: EpyNN replaces any non-tuple strides (an int too) by the filter size; we honour ints.
    const [sh, sw] = strides === undefined || strides === null ? [fh, fw] : checkPair('Convolution', 'strides', strides);
    checkInteger('Convolution', 'padding', padding, 0);
    checkFunction('Convolution', 'activate', activate, 'an activation function');
    checkFunction('Convolution', 'initialization', initialization, 'an initializer function');
    checkBoolean('Convolution', 'useBias', useBias);

    this.d.u = unitFilters;
    this.d.fh = fh;
    this.d.fw = fw;
    this.d.sh = sh;
    this.d.sw = sw;
    this.d.p = padding;
    this.activate = activate;
    this.initialization = initialization;
    this.useBias = useBias;

    this.activation = { activate: nameOf(activate) };
    this.trainable = true;
  }

  /** Samples independent in every mode; draws nothing; no batch statistics; no clipping. */
  override get traits(): LayerTraits {
    return INDEPENDENT_TRAITS;
  }

  computeShapes(A: NDArray): void {
    convolutionComputeShapes(this, A);
  }

  initializeParameters(): void {
    convolutionInitializeParameters(this);
  }

  forward(A: NDArray): NDArray {
    checkLayerInput(this, A);
    A = convolutionForward(this, A);
    this.updateShapes(this.fc, this.fs);
    return A;
  }

  backward(dX: NDArray): NDArray {
    dX = convolutionBackward(this, dX);
    this.updateShapes(this.bc, this.bs);
    return dX;
  }

  computeGradients(): void {
    convolutionComputeGradients(this);
  }

  updateParameters(): void {
    if (this.trainable) convolutionUpdateParameters(this);
  }

  toConfig(): Record<string, unknown> {
    return {
      unitFilters: this.d.u,
      filterSize: [this.d.fh, this.d.fw],
      strides: [this.d.sh, this.d.sw],
      padding: this.d.p,
      activate: nameOf(this.activate),
      initialization: initializerName(this.initialization),
      useBias: this.useBias,
    };
  }
}
