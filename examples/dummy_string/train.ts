// One-hot string sequences: Flatten, RNN, LSTM and GRU networks (EpyNN epynnlive/dummy_string/train.py).
import { Dense, EpyNN, Embedding, Flatten, GRU, LSTM, RNN, seHPars, softmax, type Layer } from '../../src/node/index.js';
import type { Example, ExampleOptions } from '../types.js';
import { trainScript } from './epynnlive.js';
import { prepareDataset } from './prepare_dataset.js';

const variants = {
  flatten: 'Flatten -> Dense(2, softmax), BCE, lr 0.01',
  rnn: 'RNN(8) -> Dense(2, softmax), BCE, lr 0.01',
  lstm: 'LSTM(8) -> Dense(2, softmax), BCE, lr 0.05',
  gru: 'GRU(8) -> Dense(2, softmax), BCE, lr 0.05',
  epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): Flatten, RNN(1), LSTM(1), GRU(1) models, 50 epochs each; writes models/ (--data FILE.json: prepared data)",
};

export function run(options: ExampleOptions = {}): EpyNN {
  const { epochs = 50, seed = 1, quiet = false, variant = 'flatten', samples = 480 } = options;
  if (!(variant in variants)) throw new Error(`dummy_string: unknown variant '${variant}' (known: ${Object.keys(variants).join(', ')})`);
  if (variant === 'epynnlive') return trainScript(options).model; // options may carry modelPath, dataFile
  const { X, Y } = prepareDataset(samples, seed);
  const embedding = new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });

  let layers: Layer[];
  let lr: number;
  switch (variant) {
    case 'flatten': layers = [new Flatten()]; lr = 0.01; break;
    case 'rnn': layers = [new RNN({ unitCells: 8 })]; lr = 0.01; break;
    case 'lstm': layers = [new LSTM({ unitCells: 8 })]; lr = 0.05; break;
    case 'gru': layers = [new GRU({ unitCells: 8 })]; lr = 0.05; break;
    default: throw new Error(`dummy_string: unknown variant '${variant}' (known: ${Object.keys(variants).join(', ')})`);
  }
  layers.push(new Dense({ units: 2, activate: softmax }));
  const name = `${layers[0].name === 'Flatten' ? 'Flatten' : `${layers[0].name}-8`}_Dense-2-softmax`;

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
  description: 'Are the first and last letters of a 12-letter A/T/G/C string equal? Flatten, RNN, LSTM and GRU variants',
  variants,
  run,
};
