// Dummy time series: Dense, Dropout and RNN networks (EpyNN epynnlive/dummy_time/train.py).
import { Dense, Dropout, EpyNN, Embedding, Flatten, RNN, relu, seHPars, softmax, type HPars, type Layer } from '../../src/node/index.js';
import { type Example, type ExampleOptions, checkExampleOptions, EPYNNLIVE_OPTIONS, unknownVariant } from '../types.js';
import { trainScript } from './epynnlive.js';
import { prepareDataset } from './prepare_dataset.js';

const variants = {
  dense: 'Flatten -> Dense(64, relu) -> Dense(2, softmax), MSE, lr 0.005',
  dropout: 'Flatten -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.5) -> Dense(2, softmax), MSE, lr 0.005',
  rnn: 'RNN(10) -> Dense(2, softmax) with softmax_temperature 5, MSE, lr 0.01',
  epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): Dense, Dropout, RNN(10) and RNN(10) with batches of 32, 100 epochs each; writes models/ (--data FILE.json: prepared data)",
};

export function run(options: ExampleOptions = {}): EpyNN {
  checkExampleOptions('dummy_time', options, EPYNNLIVE_OPTIONS);
  const { epochs = 50, seed = 1, quiet = false, variant = 'dense', samples = 1024 } = options;
  if (typeof variant !== 'string' || !Object.hasOwn(variants, variant)) throw unknownVariant('dummy_time', variant, Object.keys(variants));
  if (variant === 'epynnlive') return trainScript(options).model; // options may carry modelPath, dataFile
  const { X, Y } = prepareDataset(samples, seed);
  const embedding = new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });

  let layers: Layer[];
  let name: string;
  let hPars: HPars = { ...seHPars, learning_rate: 0.005 };
  switch (variant) {
    case 'dense':
      name = 'Flatten_Dense-64-relu_Dense-2-softmax';
      layers = [new Flatten(), new Dense({ units: 64, activate: relu }), new Dense({ units: 2, activate: softmax })];
      break;
    case 'dropout':
      name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax';
      layers = [new Flatten(), new Dropout({ dropProb: 0.2 }), new Dense({ units: 64, activate: relu }),
        new Dropout({ dropProb: 0.5 }), new Dense({ units: 2, activate: softmax })];
      break;
    case 'rnn':
      name = 'RNN-10_Dense-2-softmax';
      layers = [new RNN({ unitCells: 10 }), new Dense({ units: 2, activate: softmax })];
      hPars = { ...seHPars, learning_rate: 0.01, softmax_temperature: 5 };
      break;
    default:
      throw unknownVariant('dummy_time', variant, Object.keys(variants));
  }

  const model = new EpyNN([embedding, ...layers], name);
  model.initialize({ loss: 'MSE', seed, seHPars: hPars, quiet });
  model.train({ epochs, initLogs: !quiet, quiet });

  const fresh = prepareDataset(10, seed + 1000);
  const dset = model.predict(fresh.X);
  if (!quiet) {
    model.logger.line('\nid prediction (0 = signal) label probabilities');
    dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${fresh.Y[n]} [${dset.A.data[2 * n].toFixed(4)}, ${dset.A.data[2 * n + 1].toFixed(4)}]`));
  }
  return model;
}

export const example: Example = {
  name: 'dummy_time',
  description: 'Is there a sine wave in a noisy 128-sample time series? Dense, Dropout and RNN variants',
  variants,
  data: { epynnlive: 'a prepared-data .json file' },
  run,
};
