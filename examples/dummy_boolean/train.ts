// Perceptron on dummy booleans (EpyNN epynnlive/dummy_boolean/train.py).
import { Dense, EpyNN, Embedding } from '../../src/node/index.js';
import { type Example, type ExampleOptions, checkExampleOptions, EPYNNLIVE_OPTIONS, unknownVariant } from '../types.js';
import { trainScript } from './epynnlive.js';
import { prepareDataset } from './prepare_dataset.js';

export function run(options: ExampleOptions = {}): EpyNN {
  checkExampleOptions('dummy_boolean', options, EPYNNLIVE_OPTIONS);
  const { epochs = 100, seed = 1, quiet = false, samples = 200, variant = 'perceptron' } = options;
  if (variant === 'epynnlive') return trainScript(options).model; // options may carry modelPath, dataFile
  if (variant !== 'perceptron') throw unknownVariant('dummy_boolean', variant, ['perceptron', 'epynnlive']);
  const { X, Y } = prepareDataset(samples, seed);

  const embedding = new Embedding({ XData: X, YData: Y, relativeSize: [2, 1, 0] });
  const dense = new Dense(); // one sigmoid unit
  const model = new EpyNN([embedding, dense], 'Perceptron_Dense-1-sigmoid');

  model.initialize({ loss: 'MSE', seed, metrics: ['accuracy', 'recall', 'precision'], quiet });
  model.train({ epochs, initLogs: !quiet, quiet });

  // Predict new samples
  const fresh = prepareDataset(10, seed + 1000);
  const dset = model.predict(fresh.X);
  if (!quiet) {
    model.logger.line('\nid prediction probability features');
    dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${dset.A.data[n].toFixed(4)} ${fresh.X[n].join('')}`));
  }
  return model;
}

export const example: Example = {
  name: 'dummy_boolean',
  description: 'Perceptron (Dense 1 sigmoid) on random booleans: is True the majority?',
  variants: {
    perceptron: 'Embedding -> Dense(1, sigmoid), MSE',
    epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): the perceptron, 100 epochs; writes models/ (--data FILE.json: prepared data)",
  },
  data: { epynnlive: 'a prepared-data .json file' },
  run,
};
