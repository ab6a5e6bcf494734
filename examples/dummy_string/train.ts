// One-hot string sequences: Flatten, RNN and LSTM networks (EpyNN epynnlive/dummy_string/train.py).
import { Dense, EpyNN, Embedding, Flatten, LSTM, RNN, relu, seHPars, softmax, type Layer } from '../../src/node/index.js';
import { type Example, type ExampleOptions, checkExampleOptions, EPYNNLIVE_OPTIONS, unknownVariant } from '../types.js';
import { trainScript } from './epynnlive.js';
import { prepareDataset } from './prepare_dataset.js';

// "First letter = last letter" is not linearly separable (it compares two one-hot letters), so every
// variant ends in a hidden relu layer; the recurrent ones return every step (sequences), so the head
// sees the first and the last steps. Measured in examples/dummy_string/README.md. (A GRU(8) variant
// stayed at the majority class here at every learning rate tried, 0.05-0.2, and was removed.)
const variants = {
  flatten: 'Flatten -> Dense(16, relu) -> Dense(2, softmax), BCE, lr 0.05',
  rnn: 'RNN(8, sequences) -> Flatten -> Dense(16, relu) -> Dense(2, softmax), BCE, lr 0.05',
  lstm: 'LSTM(8, sequences) -> Flatten -> Dense(16, relu) -> Dense(2, softmax), BCE, lr 0.05',
  epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): Flatten, RNN(1), LSTM(1), GRU(1) models, 50 epochs each; writes models/ (--data FILE.json: prepared data)",
};

export function run(options: ExampleOptions = {}): EpyNN {
  checkExampleOptions('dummy_string', options, EPYNNLIVE_OPTIONS);
  const { epochs = 50, seed = 1, quiet = false, variant = 'flatten', samples = 480 } = options;
  if (typeof variant !== 'string' || !Object.hasOwn(variants, variant)) throw unknownVariant('dummy_string', variant, Object.keys(variants));
  if (variant === 'epynnlive') return trainScript(options).model; // options may carry modelPath, dataFile
  const { X, Y } = prepareDataset(samples, seed);
  const embedding = new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });

  const head = (): Layer[] => [new Flatten(), new Dense({ units: 16, activate: relu }), new Dense({ units: 2, activate: softmax })];
  let layers: Layer[];
  let name: string;
  switch (variant) {
    case 'flatten': layers = head(); name = 'Flatten_Dense-16-relu_Dense-2-softmax'; break;
    case 'rnn': layers = [new RNN({ unitCells: 8, sequences: true }), ...head()]; name = 'RNN-8-Seq_Flatten_Dense-16-relu_Dense-2-softmax'; break;
    case 'lstm': layers = [new LSTM({ unitCells: 8, sequences: true }), ...head()]; name = 'LSTM-8-Seq_Flatten_Dense-16-relu_Dense-2-softmax'; break;
    default: throw unknownVariant('dummy_string', variant, Object.keys(variants));
  }
  const lr = 0.05;

  const model = new EpyNN([embedding, ...layers], name);
  model.initialize({ loss: 'BCE', seed, seHPars: { ...seHPars, learning_rate: lr }, quiet });
  model.train({ epochs, initLogs: !quiet, quiet });

  const fresh = prepareDataset(10, seed + 1000);
  const dset = model.predict(fresh.X, { XEncode: true });
  if (!quiet) {
    model.logger.line('\nid prediction label sequence');
    dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${fresh.Y[n]} ${fresh.X[n].join('')}`));
  }
  return model;
}

export const example: Example = {
  name: 'dummy_string',
  description: 'Are the first and last letters of a 12-letter A/T/G/C string equal? Flatten, RNN and LSTM variants',
  variants,
  data: { epynnlive: 'a prepared-data .json file' },
  run,
};
