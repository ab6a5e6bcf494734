// A custom layer (Scale, written outside the library in scale.ts) in a network: trained, then
// written to JSON and read back with identical predictions. Data: dummy_boolean's.
import { Dense, EpyNN, Embedding } from '../../src/node/index.js';
import { type Example, type ExampleOptions, checkExampleOptions } from '../types.js';
import { prepareDataset } from '../dummy_boolean/prepare_dataset.js';
import { Scale } from './scale.js';

export function run(options: ExampleOptions = {}): EpyNN {
  checkExampleOptions('custom_layer', options);
  const { epochs = 100, seed = 1, quiet = false, samples = 200 } = options;
  const { X, Y } = prepareDataset(samples, seed);

  const embedding = new Embedding({ XData: X, YData: Y, relativeSize: [2, 1, 0], batchSize: 32 });
  const model = new EpyNN([embedding, new Scale(), new Dense()], 'Scale_Dense-1-sigmoid');

  model.initialize({ loss: 'MSE', seed, metrics: ['accuracy'], quiet });
  model.train({ epochs, initLogs: !quiet, quiet });

  // Written and read back: the registered Scale layer is rebuilt from the file with its parameters
  const back = EpyNN.fromJSON(JSON.stringify(model.toJSON()));
  const fresh = prepareDataset(10, seed + 1000);
  const dset = model.predict(fresh.X);
  const again = back.predict(fresh.X);
  const same = dset.A.data.every((v, i) => v === again.A.data[i]);
  if (!quiet) {
    const scale = model.layers[1];
    model.logger.line(`\nScale g after training: [${Array.from(scale.p.g.data, (v) => v.toFixed(3)).join(', ')}]`);
    model.logger.line(`Model read back from JSON predicts ${same ? 'identically' : 'DIFFERENTLY'}`);
    model.logger.line('\nid prediction probability features');
    dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${dset.A.data[n].toFixed(4)} ${fresh.X[n].join('')}`));
  }
  return model;
}

export const example: Example = {
  name: 'custom_layer',
  description: 'A layer written outside the library (Scale: A = X ⊙ g + b) trained, written and read back',
  variants: { scale: 'Embedding -> Scale -> Dense(1, sigmoid), MSE' },
  run,
};
