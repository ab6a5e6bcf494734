// Models for the export tests (tests/io/tfjs.test.ts, onnx.test.ts and interop/): every exportable
// layer kind and activation, with every parameter set to seeded random values (biases and all gates
// included, so a layout mistake changes the outputs).
import { elu, identity, lrelu, relu, sigmoid, softmax, tanh } from '../../src/activation/functions.js';
import type { Layer } from '../../src/commons/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { BatchNormalization } from '../../src/batchnorm/models.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { GRU } from '../../src/gru/models.js';
import { LayerNormalization } from '../../src/layernorm/models.js';
import { LSTM } from '../../src/lstm/models.js';
import { EpyNN } from '../../src/network/models.js';
import { Pooling } from '../../src/pooling/models.js';
import { RNN } from '../../src/rnn/models.js';
import { type HPars, defaultHPars } from '../../src/settings.js';

/** n samples of the given shape, uniform in [0, 1), seeded. */
export function samples(n: number, shape: number[], seed: number): NDArray {
  const rng = seededRng(`export-samples:${seed}`);
  const size = n * shape.reduce((a, b) => a * b, 1);
  return new NDArray(Float64Array.from({ length: size }, () => rng.uniform()), [n, ...shape]);
}

/** Every parameter of every layer set to uniform values in [-scale, scale) (seeded). */
export function randomizeParameters(model: EpyNN, seed: number, scale = 0.5): EpyNN {
  const rng = seededRng(`export-params:${seed}`);
  for (const layer of model.layers) {
    for (const [k, v] of Object.entries(layer.p)) {
      if (layer instanceof Convolution && k === 'b' && !layer.useBias) continue;
      // a running variance is positive: in [0.5, 1.5)
      layer.p[k] = new NDArray(Float64Array.from(v.data, () => (k === 'var' && layer instanceof BatchNormalization ? 0.5 + rng.uniform() : (rng.uniform() * 2 - 1) * scale)), v.shape);
    }
  }
  return model;
}

/** A model on `inputShape` samples with two classes, initialized (seeded) and randomized. */
export function build(name: string, inputShape: number[], layers: Layer[], { seed = 1, hPars = {}, labels = 2 }: { seed?: number; hPars?: Partial<HPars>; labels?: number } = {}): EpyNN {
  const X = samples(24, inputShape, seed);
  const Y = Array.from({ length: 24 }, (_, i) => i % labels);
  const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8 }), ...layers], name);
  model.initialize({ loss: 'MSE', seed, seHPars: defaultHPars(hPars), quiet: true });
  return randomizeParameters(model, seed);
}

/** One small model per exportable layer kind / setting. */
export const zoo: Record<string, () => EpyNN> = {
  conv_relu_valid: () => build('conv_relu_valid', [6, 5, 2], [new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: relu }), new Flatten(), new Dense({ units: 2, activate: softmax })]),
  conv_pad_strides_elu: () =>
    build('conv_pad_strides_elu', [7, 6, 3], [new Convolution({ unitFilters: 4, filterSize: [3, 2], strides: [2, 1], padding: 1, activate: elu }), new Pooling({ poolSize: 2, pool: 'mean' }), new Flatten(), new Dense({ units: 2, activate: sigmoid })]),
  conv_default_strides_nobias_lrelu: () =>
    build('conv_default_strides_nobias_lrelu', [8, 8, 1], [new Convolution({ unitFilters: 2, filterSize: 2, useBias: false, activate: lrelu }), new Pooling({ poolSize: [2, 2], strides: 1, pool: 'max' }), new Flatten(), new Dense({ units: 2, activate: tanh })], { hPars: { LRELU_alpha: 0.2 } }),
  conv_tanh_sigmoid_identity: () =>
    build('conv_tanh_sigmoid_identity', [5, 5, 2], [new Convolution({ unitFilters: 2, filterSize: 2, strides: 1, activate: tanh }), new Convolution({ unitFilters: 2, filterSize: 2, strides: 1, activate: sigmoid }), new Convolution({ unitFilters: 2, filterSize: 2, strides: 1, activate: identity }), new Flatten(), new Dense({ units: 2, activate: softmax })]),
  dense_stack_softmax_T: () =>
    build('dense_stack_softmax_T', [7], [new Dense({ units: 5, activate: tanh }), new Dropout({ dropProb: 0.3 }), new Dense({ units: 4, activate: lrelu }), new Dense({ units: 4, activate: elu }), new Dense({ units: 3, activate: softmax })], { hPars: { softmax_temperature: 2.5, LRELU_alpha: 0.1 }, labels: 3 }),
  dense_identity_relu: () => build('dense_identity_relu', [4], [new Dense({ units: 3, activate: relu }), new Dense({ units: 2, activate: identity })]),
  rnn_stack: () =>
    build('rnn_stack', [5, 3], [new RNN({ unitCells: 4, sequences: true }), new RNN({ unitCells: 3, activate: relu, sequences: true }), new RNN({ unitCells: 3, activate: sigmoid }), new Dense({ units: 2, activate: softmax })]),
  lstm_stack: () =>
    build('lstm_stack', [6, 3], [new LSTM({ unitCells: 4, sequences: true }), new LSTM({ unitCells: 3 }), new Dense({ units: 2, activate: softmax })]),
  gru_stack: () =>
    build('gru_stack', [6, 3], [new GRU({ unitCells: 4, sequences: true }), new GRU({ unitCells: 3 }), new Dense({ units: 2, activate: softmax })]),
  rnn_sequences_flatten: () =>
    build('rnn_sequences_flatten', [4, 2], [new GRU({ unitCells: 3, sequences: true }), new Flatten(), new Dense({ units: 2, activate: sigmoid })]),
  conv_batchnorm: () =>
    build('conv_batchnorm', [6, 6, 2], [
      new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: relu }), new BatchNormalization({ momentum: 0.2, epsilon: 1e-3 }), new Pooling({ poolSize: 2 }), new Flatten(),
      new Dense({ units: 4, activate: tanh }), new BatchNormalization({ center: false }), new BatchNormalization({ scale: false }), new Dense({ units: 2, activate: softmax }),
    ]),
  conv_layernorm: () =>
    build('conv_layernorm', [5, 5, 2], [
      new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: tanh }), new LayerNormalization({ axis: [-3, -2, -1] }), new LayerNormalization({ center: false }), new Flatten(),
      new Dense({ units: 4, activate: relu }), new LayerNormalization({ scale: false, epsilon: 1e-3 }), new Dense({ units: 2, activate: softmax }),
    ]),
  rnn_sequences_norm: () =>
    build('rnn_sequences_norm', [4, 3], [new GRU({ unitCells: 3, sequences: true }), new LayerNormalization(), new BatchNormalization(), new Flatten(), new Dense({ units: 2, activate: sigmoid })]),
  mnist_cnn: () =>
    // The architecture of examples/captcha_mnist (variant conv) on 28x28x1 images
    build('mnist_cnn', [28, 28, 1], [new Convolution({ unitFilters: 32, filterSize: [5, 5], strides: [1, 1], activate: relu }), new Pooling({ poolSize: [2, 2] }), new Flatten(), new Dense({ units: 10, activate: softmax })], { labels: 10 }),
};

/** Models ONNX can express but TF.js cannot load (tfjs-layers's ELU takes alpha = 1 only). */
export const onnxOnlyZoo: Record<string, () => EpyNN> = {
  dense_elu_alpha: () => build('dense_elu_alpha', [5], [new Dense({ units: 4, activate: elu }), new Dense({ units: 2, activate: softmax })], { hPars: { ELU_alpha: 0.7 } }),
  conv_elu_alpha: () => build('conv_elu_alpha', [5, 5, 2], [new Convolution({ unitFilters: 2, filterSize: 2, strides: 1, activate: elu }), new Flatten(), new Dense({ units: 2, activate: softmax })], { hPars: { ELU_alpha: 1.5 } }),
};
