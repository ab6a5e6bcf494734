// Optimizer state: in the model file (format version 3), through the epoch snapshots, the same bits for
// any thread count and either backend; older files still read; compat refuses; bad options are named.
import { afterEach, describe, expect, test } from 'vitest';
import {
  Convolution, Dense, Dropout, Embedding, EpyNN, EpyNNError, Flatten, LSTM, ModelFileError, NDArray, type Optimizer, Pooling,
  adagrad, adam, adamw, getBackend, numpyRng, registerOptimizer, relu, rmsprop, setBackend, setThreads, sgd, softmax,
} from '../../src/index.js';
import { modelChecksum, type ModelJSON } from '../../src/io/library.js';
import { stats } from '../../src/parallel/engine.js';

afterEach(() => setThreads(undefined));

function images(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  return { X: new NDArray(new Float64Array(m * 8 * 8).map(() => rng.uniform()), [m, 8, 8, 1]), y: Array.from({ length: m }, (_, i) => (i * 7) % 3) };
}

/** A CNN with Dropout (random draws) and an LSTM-free head; `opt` for the model, Adam by default. */
function cnn(threads: number, opt: Optimizer = adam({ amsgrad: true }), extra: { clipNorm?: number } = {}): EpyNN {
  const { X, y } = images(96, 3);
  const model = new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] }),
    new Convolution({ unitFilters: 4, filterSize: 3, strides: 1, activate: relu }),
    new Pooling({ poolSize: 2 }),
    new Flatten(),
    new Dropout({ dropProb: 0.2 }),
    new Dense({ units: 3, activate: softmax }),
  ]);
  return model.initialize({ loss: 'CCE', seed: 11, quiet: true, threads, optimizer: opt, seHPars: { learning_rate: 0.01 }, ...extra });
}

/** Parameters, optimizer state and steps, metrics: everything training changes. */
function state(model: EpyNN): unknown {
  return {
    p: model.layers.map((l) => Object.fromEntries(Object.entries(l.p).map(([k, P]) => [k, Array.from(P.data)]))),
    s: model.layers.map((l) => Object.fromEntries(Object.entries(l.s).map(([k, s]) => [k, Array.from(s)]))),
    steps: model.layers.map((l) => l.steps),
    metrics: model.metrics,
  };
}

async function trained(build: () => EpyNN, epochs: number, threads: number): Promise<EpyNN> {
  for (let attempt = 0; ; attempt++) {
    stats.items = 0;
    stats.here = 0;
    const model = build();
    model.train({ epochs, quiet: true });
    if (threads === 1 || stats.items - stats.here > 0 || attempt === 40) return model;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the state in the model file', () => {
  test('train 10 = train 5, write, read, train 5: the same bits (Adam with AMSGrad, clipping, a layer with its own optimizer)', () => {
    const build = (): EpyNN => cnn(1, adam({ amsgrad: true }), { clipNorm: 1 });
    const straight = build();
    straight.layers[5].optimizer = rmsprop({ centered: true, momentum: 0.5 });
    straight.initialize({ loss: 'CCE', seed: 11, quiet: true, threads: 1, optimizer: adam({ amsgrad: true }), seHPars: { learning_rate: 0.01 }, clipNorm: 1 });
    straight.train({ epochs: 10, quiet: true });

    const half = build();
    half.layers[5].optimizer = rmsprop({ centered: true, momentum: 0.5 });
    half.initialize({ loss: 'CCE', seed: 11, quiet: true, threads: 1, optimizer: adam({ amsgrad: true }), seHPars: { learning_rate: 0.01 }, clipNorm: 1 });
    half.train({ epochs: 5, quiet: true });
    const json = half.toJSON({ includeData: true });
    expect(json.version).toBe(3);
    expect(json.model.optimizer).toEqual({ name: 'adam', config: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: true } });
    expect(json.model.clipNorm).toBe(1);
    expect(json.layers[5].optimizer?.name).toBe('rmsprop');
    expect(json.layers[1].optimizerState?.steps).toBe(10); // 5 epochs of 2 batches
    const back = EpyNN.fromJSON(JSON.stringify(json));
    expect(back.optimizer.name).toBe('adam');
    expect(back.layers[5].optimizer.name).toBe('rmsprop');
    expect(back.layers[1].s.W.length).toBe(3 * back.layers[1].p.W.data.length); // m, v, vmax
    back.train({ epochs: 5, quiet: true });
    expect(state(back)).toEqual(state(straight));
  });

  test('a version-2 file (before optimizers) reads with EpyNN SGD and trains as before', () => {
    const model = cnn(1, sgd());
    model.initialize({ loss: 'CCE', seed: 11, quiet: true, threads: 1 }); // the default: EpyNN's SGD
    model.train({ epochs: 1, quiet: true });
    const json = model.toJSON({ includeData: true }) as ModelJSON & { model: Record<string, unknown> };
    const old = JSON.parse(JSON.stringify(json)) as ModelJSON;
    old.version = 2;
    delete old.model.optimizer;
    delete old.model.clipNorm;
    delete old.model.clipValue;
    for (const l of old.layers) {
      delete l.optimizer;
      delete l.optimizerState;
    }
    old.checksum = modelChecksum(old);
    const back = EpyNN.fromJSON(old);
    expect(back.optimizer.epynn).toBe(true);
    const again = EpyNN.fromJSON(json);
    back.train({ epochs: 2, quiet: true });
    again.train({ epochs: 2, quiet: true });
    const { steps: stepsBack, ...rest } = state(back) as { steps: number[] };
    const { steps: stepsAgain, ...restAgain } = state(again) as { steps: number[] };
    expect(rest).toEqual(restAgain); // plain SGD: the same numbers
    expect(stepsBack[1]).toBe(4); // the version-2 file had no update count: counted from the reading
    expect(stepsAgain[1]).toBe(6);
  });

  test('a file whose state does not fit, or with an unknown optimizer, is refused', () => {
    const model = cnn(1);
    model.train({ epochs: 1, quiet: true });
    const json = model.toJSON();
    const bad = JSON.parse(JSON.stringify(json)) as ModelJSON;
    bad.layers[1].optimizerState!.s.W = json.layers[1].optimizerState!.s.b;
    bad.checksum = modelChecksum(bad);
    expect(() => EpyNN.fromJSON(bad)).toThrow(ModelFileError);
    expect(() => EpyNN.fromJSON(bad)).toThrow(/layer 1 \(Convolution\): optimizerState\.s\.W has shape \(12,\), the optimizer 'adam' keeps 3 × 36 = 108 values for it/);
    const unknown = JSON.parse(JSON.stringify(json)) as ModelJSON;
    unknown.model.optimizer = { name: 'lion', config: {} };
    unknown.checksum = modelChecksum(unknown);
    expect(() => EpyNN.fromJSON(unknown)).toThrow(/model\.optimizer: unknown optimizer 'lion'; known: epynn_sgd, sgd, adam, adamw, rmsprop, adagrad/);
  });

  test('an optimizer of your own is written once registered', () => {
    const mine = (config: Record<string, unknown> = {}): Optimizer => ({
      name: 'halving_sgd', slots: 0, epynn: false, config: { k: (config.k as number | undefined) ?? 0.5 },
      update({ p, g, lr }) {
        for (let i = 0; i < p.length; i++) p[i] -= ((config.k as number | undefined) ?? 0.5) * lr * g[i];
      },
    });
    const model = cnn(1, mine());
    expect(() => model.toJSON()).toThrow(/the optimizer 'halving_sgd' is not registered; call registerOptimizer\('halving_sgd', factory\) first/);
    registerOptimizer('halving_sgd', mine);
    expect(EpyNN.fromJSON(model.toJSON()).optimizer.config).toEqual({ k: 0.5 });
    expect(() => registerOptimizer('adam', mine)).toThrow(/'adam' is one of the library's optimizers/);
  });
});

describe('threads and backends', () => {
  test('Adam trains to the same bits on 1 and 2 threads, on either backend (the update stays on this thread)', async () => {
    const before = getBackend();
    try {
      const results: unknown[] = [];
      for (const backend of ['js', 'wasm'] as const) {
        setBackend(backend);
        const one = await trained(() => cnn(1), 3, 1);
        const two = await trained(() => cnn(2), 3, 2);
        expect(stats.items - stats.here).toBeGreaterThan(0);
        expect(state(two)).toEqual(state(one));
        results.push(state(one));
      }
    } finally {
      setBackend(before);
    }
  });

  test('an LSTM with clipping and AdamW: 1 and 2 threads the same bits', async () => {
    const build = (threads: number) => (): EpyNN => {
      const rng = numpyRng(5);
      const X = new NDArray(new Float64Array(64 * 6 * 3).map(() => rng.uniform()), [64, 6, 3]);
      const model = new EpyNN([
        new Embedding({ XData: X, YData: Array.from({ length: 64 }, (_, i) => i % 2), YEncode: true, batchSize: 32 }),
        new LSTM({ unitCells: 4, clipGradients: true }),
        new Dense({ units: 2, activate: softmax }),
      ]);
      return model.initialize({ loss: 'CCE', seed: 4, quiet: true, threads, optimizer: adamw(), clipValue: 0.5 });
    };
    const one = await trained(build(1), 3, 1);
    const two = await trained(build(2), 3, 2);
    expect(state(two)).toEqual(state(one));
  });
});

describe('refusals', () => {
  test("compat: 'epynn' refuses any optimizer but EpyNN's SGD, and global clipping", () => {
    for (const opt of [sgd(), adam(), adamw(), rmsprop(), adagrad()]) {
      expect(() => cnn(1).initialize({ quiet: true, compat: 'epynn', optimizer: opt })).toThrow(EpyNNError);
      expect(() => cnn(1).initialize({ quiet: true, compat: 'epynn', optimizer: opt })).toThrow(new RegExp(`compat: 'epynn' trains with EpyNN's SGD only .*got optimizer '${opt.name}'`));
    }
    expect(() => cnn(1).initialize({ quiet: true, compat: 'epynn', clipNorm: 1 })).toThrow(/compat: 'epynn' has no global gradient clipping .* got clipNorm 1/);
  });

  test('bad options are named', () => {
    expect(() => adam({ beta1: 1 })).toThrow(/adam: beta1 must be < 1, got 1/);
    expect(() => adam({ beta: 0.9 } as never)).toThrow(/adam: unknown option 'beta'/);
    expect(() => sgd({ nesterov: true })).toThrow(/sgd: nesterov needs a momentum > 0/);
    expect(() => sgd({ momentum: -0.1 })).toThrow(/sgd: momentum must be >= 0/);
    expect(() => rmsprop({ alpha: Number.NaN })).toThrow(/rmsprop: alpha must be a finite number/);
    expect(() => adagrad({ epsilon: '1' } as never)).toThrow(/adagrad: epsilon must be a number/);
    expect(() => cnn(1).initialize({ quiet: true, clipNorm: 0 })).toThrow(/EpyNN\.initialize: clipNorm must be > 0, got 0/);
    expect(() => cnn(1).initialize({ quiet: true, clipValue: -1 })).toThrow(/EpyNN\.initialize: clipValue must be > 0/);
  });

  test('the options object is not mutated, and the optimizer is frozen', () => {
    const o = { beta1: 0.8 };
    const a = adam(o);
    expect(o).toEqual({ beta1: 0.8 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.config)).toBe(true);
  });
});
