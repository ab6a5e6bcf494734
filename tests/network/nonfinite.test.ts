// A NaN or an infinity during training stops train() with a NonFiniteError naming the epoch, the
// batch, the layer and the array, and the model keeps the parameters of the last good epoch (equal,
// bit for bit, to the same model trained for just those epochs). One case per layer kind: a NaN
// appears in a layer's forward output, or in a trainable layer's gradient, in epoch 2.
import { describe, expect, it } from 'vitest';
import { relu, softmax } from '../../src/activation/functions.js';
import { NonFiniteError } from '../../src/errors.js';
import { memoryOutput } from '../../src/commons/logs.js';
import type { Layer } from '../../src/commons/models.js';
import type { NDArray } from '../../src/commons/ndarray.js';
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
import { throwsWith } from '../helpers/errors.js';
import { imageData, sequenceData } from '../io/models.js';

const BAD_EPOCH = 2;
const BAD_BATCH = 1;
const BATCHES = 3; // 24 training samples in batches of 8

/** Image stack: Embedding, Convolution, Pooling, Dropout, Flatten, Dense. */
function imageStack(seed: number): EpyNN {
  const { X, Y } = imageData(24, seed);
  return new EpyNN([
    new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8, relativeSize: [1, 0, 0] }),
    new Convolution({ unitFilters: 2, filterSize: 2, activate: relu }),
    new Pooling({ poolSize: 2 }),
    new Dropout({ dropProb: 0.2 }),
    new Flatten(),
    new Dense({ units: 2, activate: softmax }),
  ], 'nan_image').initialize({ loss: 'CCE', seed, quiet: true });
}

/** Convolution straight into Flatten and Dense (max pooling skips a NaN in its window, see below). */
function convStack(seed: number): EpyNN {
  const { X, Y } = imageData(24, seed);
  return new EpyNN([
    new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8, relativeSize: [1, 0, 0] }),
    new Convolution({ unitFilters: 2, filterSize: 2, activate: relu }),
    new Flatten(),
    new Dense({ units: 2, activate: softmax }),
  ], 'nan_conv').initialize({ loss: 'CCE', seed, quiet: true });
}

/** Sequence stack: Embedding (one-hot), RNN, LSTM, GRU, Flatten, Dense. */
function sequenceStack(seed: number): EpyNN {
  const { X, Y } = sequenceData(24, seed);
  return new EpyNN([
    new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 8, relativeSize: [1, 0, 0] }),
    new RNN({ unitCells: 3, sequences: true }),
    new LSTM({ unitCells: 3, sequences: true }),
    new GRU({ unitCells: 3, sequences: true }),
    new Flatten(),
    new Dense({ units: 2, activate: softmax }),
  ], 'nan_sequence').initialize({ loss: 'MSE', seed, quiet: true });
}

/** Counts the layer's training calls of `method`; from epoch BAD_EPOCH, batch BAD_BATCH on, `poison` runs after it. */
function poisonFrom(layer: Layer, method: 'forward' | 'computeGradients', poison: (out: NDArray | void) => NDArray | void): void {
  const original = (layer[method] as (...a: unknown[]) => NDArray | void).bind(layer);
  let calls = 0;
  const trigger = BAD_EPOCH * BATCHES + BAD_BATCH;
  (layer as unknown as Record<string, unknown>)[method] = (...args: unknown[]): NDArray | void => {
    const out = original(...args);
    if (!layer.training) return out;
    return calls++ >= trigger ? poison(out) : out;
  };
}

/** Every parameter of `a` equals `b`'s bit for bit. */
function sameParameters(a: EpyNN, b: EpyNN): boolean {
  return a.layers.every((layer, i) =>
    Object.entries(layer.p).every(([k, P]) => P.data.every((v, j) => Object.is(v, b.layers[i].p[k].data[j]))),
  );
}

function expectStopped(model: EpyNN, make: (seed: number) => EpyNN, ...parts: (string | RegExp)[]): void {
  throwsWith(
    () => model.train({ epochs: 6, quiet: true }),
    NonFiniteError,
    `EpyNN.train: at epoch ${BAD_EPOCH}, batch ${BAD_BATCH}/${BATCHES - 1}, `,
    ...parts,
    `training stopped, the model keeps the parameters of epoch ${BAD_EPOCH - 1}, the last good one (epochsDone = ${BAD_EPOCH})`,
  );
  expect(model.epochsDone).toBe(BAD_EPOCH);
  const reference = make(5).train({ epochs: BAD_EPOCH, quiet: true });
  expect(sameParameters(model, reference)).toBe(true);
  for (const sets of Object.values(model.metrics)) expect(sets[0]).toHaveLength(BAD_EPOCH);
  for (const layer of model.layers) for (const P of Object.values(layer.p)) expect(P.data.every(Number.isFinite)).toBe(true);
}

const kinds: [string, (seed: number) => EpyNN, number][] = [
  ['Embedding', sequenceStack, 0],
  ['Convolution', convStack, 1],
  ['Pooling', imageStack, 2],
  ['Dropout', imageStack, 3],
  ['Flatten', imageStack, 4],
  ['Dense', imageStack, 5],
  ['RNN', sequenceStack, 1],
  ['LSTM', sequenceStack, 2],
  ['GRU', sequenceStack, 3],
];

describe('a NaN in a layer output stops training at that layer, with the last good epoch kept', () => {
  for (const [kind, make, index] of kinds) {
    it(kind, () => {
      const model = make(5);
      const layer = model.layers[index];
      expect(layer.name).toBe(kind);
      poisonFrom(layer, 'forward', (out) => {
        const bad = (out as NDArray).copy();
        bad.data[bad.data.length - 1] = NaN;
        return bad;
      });
      expectStopped(model, make, `the forward output of layer ${index} (${kind}) holds 1 NaN of `, '(its input and parameters are finite)');
    });
  }
});

describe('a NaN in a gradient stops training at the parameter it reaches', () => {
  for (const [kind, make, index] of kinds.filter(([k]) => ['Convolution', 'Dense', 'RNN', 'LSTM', 'GRU'].includes(k))) {
    it(kind, () => {
      const model = make(5);
      const layer = model.layers[index];
      poisonFrom(layer, 'computeGradients', () => {
        const g = Object.values(layer.g)[0];
        g.data[0] = Infinity;
      });
      const [gk] = Object.keys(layer.g);
      const pk = gk.slice(1);
      const n = layer.p[pk].data.length;
      expectStopped(
        model,
        make,
        `after the update, layer ${index} (${kind}) p.${pk} holds 1 infinite of ${n} values (its gradient g.${gk} holds 1 infinite of ${n} values) at learning rate 0.1`,
      );
    });
  }
});

describe('other non-finite stops and finite divergence', () => {
  it('a learning rate of 1e308 on the output layer: a NonFiniteError in the first epoch, the initial parameters kept', () => {
    const model = imageStack(5);
    const initial = model.layers.map((l) => Object.values(l.p).map((P) => P.data.slice()));
    model.layers[5].seHPars = { ...model.layers[5].seHPars!, learning_rate: 1e308 };
    let err: unknown;
    try {
      model.train({ epochs: 3, quiet: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toMatch(/^EpyNN\.train: at epoch 0, batch \d\/2, /);
    expect((err as Error).message).toContain('the model keeps the parameters of before training (epochsDone = 0)');
    expect(model.epochsDone).toBe(0);
    model.layers.forEach((l, i) => Object.values(l.p).forEach((P, k) => expect([...P.data]).toEqual([...initial[i][k]])));
  });

  it('a non-finite loss in the evaluation of an epoch: stopped, the metrics of that epoch removed', () => {
    const model = convStack(5);
    const dense = model.layers[3];
    const forward = dense.forward.bind(dense);
    dense.forward = (A: NDArray): NDArray => {
      const out = forward(A);
      if (dense.training || model.e < BAD_EPOCH) return out;
      const bad = out.copy();
      bad.data.fill(NaN);
      return bad;
    };
    throwsWith(
      () => model.train({ epochs: 5, quiet: true }),
      NonFiniteError,
      `EpyNN.train: at epoch ${BAD_EPOCH}, the CCE loss on dtrain is NaN (the parameters are finite but too large?); training stopped, the model keeps the parameters of epoch 1, the last good one (epochsDone = 2)`,
    );
    expect(sameParameters(model, convStack(5).train({ epochs: BAD_EPOCH, quiet: true }))).toBe(true);
    for (const sets of Object.values(model.metrics)) expect(sets[0]).toHaveLength(BAD_EPOCH);
  });

  it('non-finite parameters before training are refused', () => {
    const model = imageStack(5);
    model.layers[1].p.W.data[3] = NaN;
    throwsWith(() => model.train({ epochs: 1, quiet: true }), NonFiniteError, 'EpyNN.train: before training, layer 1 (Convolution) p.W holds 1 NaN of 16 values');
  });

  it('a loss that grows for 5 epochs in a row is one warning in the log, not an error', () => {
    const model = sequenceStack(3);
    const log = memoryOutput();
    model.logger = log;
    model.seHPars.learning_rate = 30; // too high: the loss climbs but stays finite
    model.train({ epochs: 30, initLogs: false });
    const loss = model.metrics.MSE[0];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(model.trainingWarnings).toHaveLength(1);
    expect(model.trainingWarnings[0]).toMatch(/^WARNING epoch \d+: the training loss \(MSE\) (grew for 5 epochs in a row, from [\d.e-]+ to [\d.e-]+|stayed at exactly [\d.e-]+ for 5 epochs \(saturated units, no gradient\)): the training diverges; lower the learning rate\?$/);
    expect(log.lines.filter((l) => l.startsWith('WARNING'))).toEqual(model.trainingWarnings);
  });

  it('a learning rate of 1e6 saturates the units: the frozen loss is one warning', () => {
    const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i * 3), (i % 7) / 7]);
    const Y = X.map((x) => (x[0] + x[1] > 0 ? 1 : 0));
    const model = new EpyNN([new Embedding({ XData: X, YData: Y, relativeSize: [1, 0, 0] }), new Dense()], 'frozen');
    model.initialize({ seed: 1, seHPars: { learning_rate: 1e6 }, quiet: true });
    model.train({ epochs: 20, quiet: true });
    expect(model.epochsDone).toBe(20);
    expect(model.trainingWarnings).toEqual([
      'WARNING epoch 5: the training loss (MSE) stayed at exactly 0.025 for 5 epochs (saturated units, no gradient): the training diverges; lower the learning rate?',
    ]);
  });

  it('after a stop, training continues from the last good epoch once the cause is fixed', () => {
    const model = imageStack(5);
    model.train({ epochs: 2, quiet: true });
    model.layers[5].seHPars = { ...model.layers[5].seHPars!, learning_rate: 1e308 };
    expect(() => model.train({ epochs: 3, quiet: true })).toThrow(NonFiniteError);
    expect(model.epochsDone).toBe(2);
    model.layers[5].seHPars = { ...model.layers[5].seHPars!, learning_rate: 0.1 };
    model.train({ epochs: 2, quiet: true });
    expect(model.epochsDone).toBe(4);
    expect(model.metrics.CCE[0]).toHaveLength(4);
    expect(model.metrics.CCE[0].every(Number.isFinite)).toBe(true);
  });

  it('the random states are put back too: fixing the cause and training on equals an uninterrupted run', () => {
    const model = imageStack(5); // Dropout and shuffled batches draw random numbers every epoch
    const dense = model.layers[5];
    const forward = dense.forward;
    poisonFrom(dense, 'forward', (out) => {
      const bad = (out as NDArray).copy();
      bad.data[0] = NaN;
      return bad;
    });
    expect(() => model.train({ epochs: 6, quiet: true })).toThrow(NonFiniteError);
    expect(model.epochsDone).toBe(BAD_EPOCH);
    dense.forward = forward;
    model.train({ epochs: 6 - BAD_EPOCH, quiet: true });
    const once = imageStack(5).train({ epochs: 6, quiet: true });
    expect(sameParameters(model, once)).toBe(true);
    expect(model.metrics).toEqual(once.metrics);
  });

  it('a healthy training gives no warning', () => {
    const model = sequenceStack(3).train({ epochs: 12, quiet: true });
    expect(model.trainingWarnings).toEqual([]);
  });
});
