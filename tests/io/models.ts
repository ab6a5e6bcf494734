// Small models for the io tests: together they hold every layer type.
import { relu, softmax, tanh } from '../../src/activation/functions.js';
import { seededRng } from '../../src/commons/rng.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { GRU } from '../../src/gru/models.js';
import { LSTM } from '../../src/lstm/models.js';
import { EpyNN } from '../../src/network/models.js';
import { Pooling } from '../../src/pooling/models.js';
import { RNN } from '../../src/rnn/models.js';
import { defaultHPars } from '../../src/settings.js';

/** 6x6x2 images; label 1 when the left half is brighter. */
export function imageData(n: number, seed: number): { X: number[][][][]; Y: number[] } {
  const rng = seededRng(`images:${seed}`);
  const X = Array.from({ length: n }, () =>
    Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => [rng.uniform(), rng.uniform()])),
  );
  const Y = X.map((img) => (img.reduce((s, row) => s + row[0][0] + row[1][1] - row[4][0] - row[5][1], 0) > 0 ? 1 : 0));
  return { X, Y };
}

/** Convolution, Pooling, Dropout, Flatten, Dense (CCE, mini-batches). */
export function imageModel(seed = 1): EpyNN {
  const { X, Y } = imageData(30, seed);
  const model = new EpyNN([
    new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8, relativeSize: [2, 1, 1] }),
    new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: relu }),
    new Pooling({ poolSize: 2, pool: 'max' }),
    new Dropout({ dropProb: 0.25 }),
    new Flatten(),
    new Dense({ units: 2, activate: softmax }),
  ], 'io_image');
  model.initialize({ loss: 'CCE', seed, metrics: ['accuracy', 'precision'], quiet: true });
  return model;
}

/** Sequences of A/C/G/T; label 1 when the first and last letters are equal. */
export function sequenceData(n: number, seed: number): { X: string[][]; Y: number[] } {
  const rng = seededRng(`sequences:${seed}`);
  const X = Array.from({ length: n }, () => Array.from({ length: 5 }, () => 'ACGT'[Math.floor(rng.uniform() * 4)]));
  const Y = X.map((s) => (s[0] === s[4] ? 1 : 0));
  return { X, Y };
}

/** RNN, LSTM (own seHPars), GRU, Dropout, Dense on one-hot encoded sequences. */
export function sequenceModel(seed = 1): EpyNN {
  const { X, Y } = sequenceData(24, seed);
  const model = new EpyNN([
    new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 6 }),
    new RNN({ unitCells: 3, sequences: true }),
    new LSTM({ unitCells: 3, sequences: true, seHPars: defaultHPars({ learning_rate: 0.05 }) }),
    new GRU({ unitCells: 3, activate: tanh }),
    new Dropout({ dropProb: 0.2 }),
    new Dense({ units: 2, activate: softmax }),
  ], 'io_sequence');
  model.initialize({ loss: 'MSE', seed, seHPars: { learning_rate: 0.2 }, metrics: ['accuracy'], quiet: true });
  return model;
}
