import { describe, expect, test } from 'vitest';
import { relu, sigmoid, softmax, tanh } from '../../src/activation/functions.js';
import { EpyNNError } from '../../src/errors.js';
import { memoryOutput } from '../../src/commons/logs.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { EpyNN } from '../../src/network/models.js';
import { modelForward, modelForwardBatched } from '../../src/network/forward.js';
import { modelBackward } from '../../src/network/backward.js';
import { withMode } from '../../src/network/mode.js';
import { BARE_MODE } from '../../src/commons/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Pooling } from '../../src/pooling/models.js';
import { seededRng } from '../../src/commons/rng.js';
import { defaultHPars } from '../../src/settings.js';

function data(n = 60, seed = 3) {
  const rng = seededRng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.uniform()));
  const Y = X.map((x) => (x[0] + x[1] > x[2] + x[3] ? 0 : 1));
  return { X, Y };
}

function model(seed: number | undefined = 1, out = memoryOutput()) {
  const { X, Y } = data();
  const emb = new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8, relativeSize: [2, 1, 1] });
  const m = new EpyNN([emb, new Dense({ units: 6, activate: tanh }), new Dense({ units: 2, activate: softmax })], 'tiny');
  m.logger = out;
  m.initialize({ loss: 'CCE', seed, seHPars: { learning_rate: 0.1 }, metrics: ['accuracy', 'recall'] });
  return m;
}

const params = (m: EpyNN) => m.layers.map((l) => Object.fromEntries(Object.entries(l.p).map(([k, v]) => [k, Array.from(v.data)])));

describe('EpyNN model', () => {
  test('the same seed gives identical weights, batches and metrics', () => {
    const a = model(5);
    const b = model(5);
    expect(params(a)).toEqual(params(b));
    a.train({ epochs: 4, initLogs: false });
    b.train({ epochs: 4, initLogs: false });
    expect(params(a)).toEqual(params(b));
    expect(a.metrics).toEqual(b.metrics);
    const c = model(6);
    expect(params(c)).not.toEqual(params(model(5)));
  });

  test('seed 0 is a valid seed: deterministic, and layers get distinct seeds', () => {
    const a = model(0);
    const b = model(0);
    expect(params(a)).toEqual(params(b));
    expect(a.layers.map((l) => l.o.seed)).toEqual([1, 2, 3]);
  });

  test('it learns, and a second train() continues for exactly that many epochs', () => {
    const m = model(2);
    m.train({ epochs: 6, initLogs: false });
    expect(m.metrics.accuracy[0].length).toBe(6);
    expect(m.metrics.CCE[1].length).toBe(6);
    m.train({ epochs: 4, initLogs: false });
    expect(m.epochsDone).toBe(10);
    expect(m.metrics.accuracy[0].length).toBe(10);
    expect(m.metrics.accuracy[2].length).toBe(10); // dtest is active with relativeSize [2, 1, 1]
    const loss = m.metrics.CCE[0];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    expect(m.metrics.accuracy[0][9]).toBeGreaterThan(0.8);
  });

  test('the caller hyperparameters are copied, never mutated', () => {
    const { X, Y } = data();
    const mine = defaultHPars({ learning_rate: 0.3 });
    const snapshot = { ...mine };
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()]);
    m.initialize({ seHPars: mine, quiet: true });
    m.train({ epochs: 2, initLogs: false, quiet: true });
    expect(mine).toEqual(snapshot);
    expect(m.seHPars.epochs).toBe(2);
    expect(m.layers[1].lrate).toEqual([0.3, 0.3]);
  });

  test('train() initializes with defaults when needed', () => {
    const { X, Y } = data();
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()]);
    m.train({ epochs: 2, quiet: true });
    expect(m.initialized).toBe(true);
    expect(Object.keys(m.metrics)).toEqual(['accuracy', 'MSE']);
  });

  test('predict returns outputs and decisions; one-hot labels take the argmax', () => {
    const m = model(1);
    m.train({ epochs: 3, initLogs: false });
    const dset = m.predict(data(5, 99).X);
    expect(dset.A.shape).toEqual([5, 2]);
    expect(dset.P.shape).toEqual([5]);
    for (let i = 0; i < 5; i++) expect(dset.P.data[i]).toBe(dset.A.data[2 * i] >= dset.A.data[2 * i + 1] ? 0 : 1);
  });

  test('evaluation in chunks gives the same outputs as one forward pass', () => {
    const rng = seededRng(8);
    const imgs = new NDArray(Float64Array.from({ length: 23 * 6 * 6 * 2 }, () => rng.uniform()), [23, 6, 6, 2]);
    const m = new EpyNN([new Embedding({ XData: imgs, YData: Array.from({ length: 23 }, (_, i) => i % 2), YEncode: true }),
      new Convolution({ unitFilters: 3, filterSize: 3, strides: 1, activate: relu }), new Pooling(), new Flatten(), new Dense({ units: 2, activate: softmax })]);
    m.initialize({ quiet: true, seed: 3 });
    const whole = Array.from(modelForward(m, imgs).data);
    const chunked = modelForwardBatched(m, imgs, 5);
    expect(chunked.shape).toEqual([23, 2]);
    expect(Array.from(chunked.data)).toEqual(whole);
  });

  test('training skips the gradient w.r.t. the network input, and nothing else changes', () => {
    const rng = seededRng(9);
    const imgs = new NDArray(Float64Array.from({ length: 10 * 6 * 6 * 1 }, () => rng.uniform()), [10, 6, 6, 1]);
    const build = () => {
      const m = new EpyNN([new Embedding({ XData: imgs, YData: Array.from({ length: 10 }, (_, i) => i % 2), YEncode: true, relativeSize: [1, 0, 0] }),
        new Convolution({ unitFilters: 3, filterSize: 3, strides: 1, activate: relu }), new Flatten(), new Dense({ units: 2, activate: softmax })]);
      m.initialize({ quiet: true, seed: 4 });
      return m;
    };
    const [a, b] = [build(), build()];
    const X = a.embedding.dtrain.X;
    const Y = a.embedding.dtrain.Y!;
    for (const [m, inputGradient] of [[a, true], [b, false]] as const) {
      // the mode of train()'s steps (without reused outputs): the layer after the Embedding skips dX when inputGradient is false
      const dX = withMode(m, 'training', { inputGradient }, () => {
        const A = m.forward(X);
        return modelBackward(m, m.trainingLoss(Y, A, true), { inputGradient });
      });
      expect(dX.shape).toEqual(inputGradient ? [10, 6, 6, 1] : [0]);
    }
    expect(params(b)).toEqual(params(a));
    expect(a.layers[1].bc.dX?.shape).toEqual([10, 6, 6, 1]);
    expect(b.layers[1].bc.dX).toBeUndefined();
    expect(b.layers[1].bs.dX).toEqual([10, 6, 6, 1]); // recorded by the check pass
    expect(b.layers[1].skipDX).toBe(false); // the mode is put back after the pass
    expect(b.layers[1].mode).toBe(BARE_MODE);
  });

  test('training reuses layer output buffers between batches, never arrays handed to the user', () => {
    const rng = seededRng(12);
    const imgs = new NDArray(Float64Array.from({ length: 24 * 6 * 6 * 1 }, () => rng.uniform()), [24, 6, 6, 1]);
    const m = new EpyNN([new Embedding({ XData: imgs, YData: Array.from({ length: 24 }, (_, i) => i % 2), YEncode: true, batchSize: 8, relativeSize: [1, 0, 0] }),
      new Convolution({ unitFilters: 3, filterSize: 3, strides: 1, activate: relu }), new Pooling(), new Flatten(), new Dense({ units: 2, activate: softmax })]);
    m.initialize({ quiet: true, seed: 2 });
    const conv = m.layers[1];
    // predictions belong to the caller: later training must not write into them
    const dset = m.predict(imgs);
    const before = Array.from(dset.A.data);
    // predict is forward-only: a relu Convolution keeps A, not Z, and is back to normal afterwards
    expect(conv.fc.Z).toBeUndefined();
    expect(conv.fc.A).toBeDefined();
    expect((conv as Convolution).forwardOnly).toBe(false);
    m.train({ epochs: 2, quiet: true });
    expect(Array.from(dset.A.data)).toEqual(before);
    expect((conv as Convolution).forwardOnly).toBe(false);
    expect(m.layers.every((l) => !l.reuseOutputs && !l.training)).toBe(true); // train() leaves batch mode
    // two training batches in a row hand out the same buffers (zeroed first)
    conv.reuseOutputs = true;
    const Z1 = conv.outputArray('Z', [2, 2]);
    Z1.data.fill(7);
    const Z2 = conv.outputArray('Z', [2, 2]);
    expect(Z2.data).toBe(Z1.data);
    expect(Array.from(Z2.data)).toEqual([0, 0, 0, 0]);
    expect(conv.outputArray('Z', [3, 2]).data).not.toBe(Z1.data); // a new size gets a new buffer
    conv.reuseOutputs = false;
    expect(conv.outputArray('Z', [3, 2]).data).not.toBe(conv.outputArray('Z', [3, 2]).data);
  });

  test('single-column outputs are rounded half to even', () => {
    const { X, Y } = data();
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense({ activate: sigmoid })]);
    m.initialize({ quiet: true, seed: 1 });
    const dset = m.predict(X.slice(0, 7));
    expect(dset.P.shape).toEqual([7, 1]);
    for (let i = 0; i < 7; i++) expect(dset.P.data[i]).toBe(dset.A.data[i] > 0.5 ? 1 : 0);
  });

  test('reports: init logs, progress and the metrics table; quiet prints nothing', () => {
    const out = memoryOutput();
    const m = model(1, out);
    m.train({ epochs: 3 });
    const text = out.lines.join('\n');
    expect(text).toContain('--- EpyNN Check OK! ---');
    expect(text).toContain('Model architecture and shapes');
    expect(text).toMatch(/Epoch 2 - Batch \d+\/\d+ - Accuracy: [\d.]+ Cost: [\d.]+/);
    expect(text).toMatch(/accuracy\s*\|/);
    expect(text).toContain('dtest');
    const q = model(1);
    const lines = memoryOutput();
    q.logger = lines;
    q.train({ epochs: 2, quiet: true });
    expect(lines.lines).toEqual([]);
  });
});

describe('EpyNN rejects bad models with clear errors', () => {
  const { X, Y } = data();
  test('the first layer must be an Embedding', () => {
    expect(() => new EpyNN([new Dense()])).toThrow(/the first layer must be an Embedding/);
    expect(() => new EpyNN([])).toThrow(/non-empty array/);
  });
  test('CCE needs a softmax output, and CCE/BCE/MSLE refuse tanh', () => {
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense({ activate: sigmoid })]);
    expect(() => m.initialize({ loss: 'CCE', quiet: true })).toThrow(/CCE can not be used with sigmoid activation/);
    const t = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense({ activate: tanh })]);
    expect(() => t.initialize({ loss: 'BCE', quiet: true })).toThrow(/BCE .*tanh/);
  });
  test('unknown metric', () => {
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()]);
    expect(() => m.initialize({ metrics: ['accuracy', 'auc'], quiet: true })).toThrow(/unknown metric 'auc'/);
  });
  test('softmax on any layer but Dense is rejected', () => {
    const imgs = Array.from({ length: 12 }, (_, i) => Array.from({ length: 6 }, (_, h) => Array.from({ length: 6 }, (_, w) => [((i + h * w) % 7) / 7])));
    const m = new EpyNN([new Embedding({ XData: imgs, YData: imgs.map((_, i) => i % 2), YEncode: true }),
      new Convolution({ unitFilters: 2, filterSize: 3, activate: softmax }), new Flatten(), new Dense({ units: 2, activate: softmax })]);
    expect(() => m.initialize({ quiet: true })).toThrow(/Softmax can not be used with Convolution, only with Dense/);
  });
  test('a failing check names the layer, the stage, and its known dimensions and shapes', () => {
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense({ units: 3, activate: relu }), new Pooling()]);
    let err: unknown;
    try {
      m.initialize({ quiet: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EpyNNError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/EpyNN check failed in Pooling\.computeShapes\(\)/);
    expect(msg).toMatch(/Known dimensions/);
    expect(msg).toMatch(/Known forward shapes/);
    expect(msg).toMatch(/Known backward shapes/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
  test('bad train options', () => {
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()]);
    expect(() => m.train({ epochs: 0, quiet: true })).toThrow(/epochs must be a positive integer, got 0/);
    expect(() => m.train({ epochs: 2, verbose: -1, quiet: true })).toThrow(/verbose must be a positive integer/);
  });
  test('predict before initialize', () => {
    const m = new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()]);
    expect(() => m.predict(X)).toThrow(/not initialized/);
  });
});

describe('batchReport and plot({ path: false })', () => {
  test('batchReport prints the progress line of a batch in a training loop of your own', () => {
    const out = memoryOutput();
    const m = model(2, out);
    out.lines.length = 0;
    const batches = m.embedding.trainingBatches();
    const A = m.forward(batches[1].X);
    m.batchReport(batches[1], A);
    expect(out.lines.length).toBe(1);
    expect(out.lines[0]).toMatch(new RegExp(`^Epoch 0 - Batch 1/${batches.length - 1} - Accuracy: [0-9.]+ Cost: [0-9.]+ - TIME: `));
  });
  test('batchReport rejects a batch that is not one of the embedding\'s training batches', () => {
    const m = model(2);
    const b = m.embedding.trainingBatches()[0];
    const copy = Object.assign(Object.create(Object.getPrototypeOf(b)), b);
    expect(() => m.batchReport(copy, m.forward(b.X))).toThrow(/EpyNN\.batchReport: batch must be one of model\.embedding\.batchDtrain/);
  });
  test('plot({ path: false }) prints the terminal chart to the logger and writes no file', () => {
    const out = memoryOutput();
    const m = model(3, out);
    m.train({ epochs: 3, initLogs: false });
    out.lines.length = 0;
    const chart = m.plot({ path: false });
    expect(out.lines).toEqual([chart]);
    expect(chart).toContain('tiny: accuracy and CCE per epoch');
  });
});
