// Handwritten digits: feed-forward and convolutional networks (EpyNN epynnlive/captcha_mnist/train.py).
// The CNN is the flagship example: real data, the Convolution layer, >= 97% on held-out digits.
import {
  BatchNormalization, Convolution, Dense, Dropout, EpyNN, Embedding, Flatten, NDArray, Pooling, adam, epynnSGD, relu, seHPars, softmax, type Layer,
} from '../../src/node/index.js';
import type { Fetcher } from '../download.js';
import { type Example, type ExampleOptions, checkExampleOptions, EPYNNLIVE_OPTIONS, unknownVariant } from '../types.js';
import { trainScript } from './epynnlive.js';
import { type Digits, downloadMnist, loadDigits, prepareDataset } from './prepare_dataset.js';

/** Options of the real-data examples: the common ones plus the download switch. */
export interface CaptchaMnistOptions extends ExampleOptions {
  /** Download EpyNN's MNIST archive into `cacheDir` first (network!). @default false */
  download?: boolean;
  /** @default datasets/captcha_mnist */
  cacheDir?: string;
  /** Replaces fetch for the download (tests). */
  fetcher?: Fetcher;
  /** Ready digits (skips loading; tests). */
  digits?: Digits;
}

const variants = {
  conv: 'Convolution(32, 5x5, stride 1, relu) -> Pooling(2x2 max) -> Flatten -> Dense(10, softmax), CCE, lr 0.01, batch 32',
  batchnorm: 'Convolution(32, 5x5, stride 1, relu) -> BatchNormalization -> Pooling(2x2 max) -> Flatten -> Dense(10, softmax), CCE, lr 0.002, batch 32 (beyond EpyNN)',
  dropout: 'Flatten -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.5) -> Dense(10, softmax), CCE, lr 0.005, batch 32',
  adam: "the conv network trained with Adam (beyond EpyNN: torch.optim's Adam, lr 0.001) instead of EpyNN's SGD",
  epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): its Dropout and Convolution(32, 4x4) models on 750 digits, 100 epochs each; writes models/ (--data FILE.json: prepared data)",
};

/** Default epochs per variant (measured in examples/captcha_mnist/README.md). */
const EPOCHS: Record<string, number> = { conv: 8, batchnorm: 8, dropout: 20, adam: 8 };

/** The held-out accuracy the README's table counts epochs to. */
const TARGET = 0.98;

export async function run(options: CaptchaMnistOptions = {}): Promise<EpyNN> {
  checkExampleOptions('captcha_mnist', options, ['cacheDir', 'fetcher', ...EPYNNLIVE_OPTIONS], { readsData: true });
  let {
    epochs, seed = 1, quiet = false, variant = 'conv', samples = 10000, dataDir, download = false, cacheDir, fetcher, digits,
  } = options;
  if (typeof variant !== 'string' || !Object.hasOwn(variants, variant)) throw unknownVariant('captcha_mnist', variant, Object.keys(variants));
  if (download && dataDir === undefined) cacheDir = await downloadMnist(cacheDir, fetcher);
  if (variant === 'epynnlive') return trainScript({ ...options, cacheDir, digits }).model;
  const { X, Y, source } = prepareDataset(samples, seed, digits ?? loadDigits({ dataDir, cacheDir }));

  // dtrain 4/5, dval 1/5: with the default 10,000 digits, 2,000 digits are never trained on
  const embedding = new Embedding({ XData: X, YData: Y, XScale: true, YEncode: true, batchSize: 32, relativeSize: [4, 1, 0] });

  let layers: Layer[];
  let name: string;
  let learningRate: number;
  if (variant === 'conv' || variant === 'adam') {
    name = 'Convolution-32-5-1_Pooling-2-2-Max_Flatten_Dense-10-softmax';
    layers = [
      new Convolution({ unitFilters: 32, filterSize: [5, 5], strides: [1, 1], activate: relu }),
      new Pooling({ poolSize: [2, 2] }),
      new Flatten(),
      new Dense({ units: 10, activate: softmax }),
    ];
    learningRate = variant === 'adam' ? 0.001 : 0.01;
  } else if (variant === 'batchnorm') {
    // The conv variant with the channels of the convolution normalized over each batch (docs/BatchNormalization.md)
    name = 'Convolution-32-5-1_BatchNormalization_Pooling-2-2-Max_Flatten_Dense-10-softmax';
    layers = [
      new Convolution({ unitFilters: 32, filterSize: [5, 5], strides: [1, 1], activate: relu }),
      new BatchNormalization(),
      new Pooling({ poolSize: [2, 2] }),
      new Flatten(),
      new Dense({ units: 10, activate: softmax }),
    ];
    // EpyNN's gradients are sums over the batch: γ and β sum over every position of the batch (32·24·24
    // values per channel) and the Dense after it sees unit-scale features; lr 0.01 diverges, 0.002 does not
    learningRate = 0.002;
  } else {
    name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-10-softmax';
    layers = [
      new Flatten(), new Dropout({ dropProb: 0.2 }), new Dense({ units: 64, activate: relu }),
      new Dropout({ dropProb: 0.5 }), new Dense({ units: 10, activate: softmax }),
    ];
    learningRate = 0.005;
  }

  const model = new EpyNN([embedding, ...layers], name);
  if (!quiet) model.logger.line(`captcha_mnist: ${X.shape[0]} digits from ${source}`);
  // The same network and seed for conv and adam: only the optimizer differs (EpyNN's SGD, or Adam)
  const optimizer = variant === 'adam' ? adam() : epynnSGD;
  model.initialize({ loss: 'CCE', seed, metrics: ['accuracy'], seHPars: { ...seHPars, learning_rate: learningRate }, quiet, optimizer });
  const t0 = Date.now();
  // The first epoch whose held-out accuracy reaches TARGET, and the training time up to it
  let reached: { epoch: number; seconds: number } | undefined;
  const watch = { onEpochEnd: (e: { epoch: number; logs: Readonly<Record<string, number>> }) => {
    if (reached === undefined && (e.logs['dval.accuracy'] ?? 0) >= TARGET) reached = { epoch: e.epoch + 1, seconds: (Date.now() - t0) / 1000 };
  } };
  model.train({ epochs: epochs ?? EPOCHS[variant], initLogs: !quiet, quiet, callbacks: [watch] });
  const seconds = (Date.now() - t0) / 1000;

  if (!quiet) {
    const val = model.metrics.accuracy[1];
    const nval = embedding.dval.active ? embedding.dval.X.shape[0] : 0;
    if (nval > 0) model.logger.line(`\nHeld-out accuracy (dval, ${nval} digits never trained on): ${val[val.length - 1].toFixed(4)} after ${model.epochsDone} epoch${model.epochsDone === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`);
    if (nval > 0) model.logger.line(reached === undefined ? `Held-out accuracy ${TARGET} not reached in ${model.epochsDone} epochs` : `Held-out accuracy ${TARGET} first reached after epoch ${reached.epoch} (${reached.seconds.toFixed(1)} s)`);

    // Predict ten held-out digits (the first ones of dval) from the raw pixels: predict scales them
    // with the training data's range, as the Embedding's XScale scaled the training digits
    const k = Math.min(10, nval);
    if (k > 0) {
      const size = 28 * 28;
      const ntrain = embedding.dtrain.X.shape[0];
      const fresh = new NDArray(X.data.slice(ntrain * size, (ntrain + k) * size), [k, 28, 28, 1]);
      const dset = model.predict(fresh);
      model.logger.line('\nid prediction label probability');
      dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${Y[ntrain + n]} ${dset.A.data[n * 10 + dset.P.data[n]].toFixed(4)}`));
    }
  }
  return model;
}

export const example: Example = {
  name: 'captcha_mnist',
  description: 'Real MNIST handwritten digits (offline from the mnist package, or IDX files): feed-forward and CNN',
  variants,
  data: "MNIST's IDX files train-images-idx3-ubyte and train-labels-idx1-ubyte (plain or .gz)",
  run,
};
