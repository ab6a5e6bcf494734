// Normalization layers and threads: BatchNormalization's statistics are over the whole batch, so a
// model with it trains each batch whole (its evaluation, on the running statistics, is spread over the
// threads); LayerNormalization is per sample and trains in shards. Either way: the same bits for 1, 2
// and 8 threads and for both backends.
import { afterEach, describe, expect, test } from 'vitest';
import {
  BatchNormalization, Convolution, Dense, Embedding, EpyNN, Flatten, LayerNormalization, NDArray, Pooling,
  numpyRng, relu, setThreads, softmax, threadsNote,
} from '../../src/index.js';
import { getBackend, setBackend } from '../../src/commons/backend.js';
import { parallelEngine } from '../../src/network/hooks.js';
import { stats } from '../../src/parallel/engine.js';

afterEach(() => setThreads(undefined));

function images(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  const X = new NDArray(new Float64Array(m * 10 * 10).map(() => rng.uniform()), [m, 10, 10, 1]);
  return { X, y: Array.from({ length: m }, (_, i) => (i * 7) % 3) };
}

type Build = (threads: number) => EpyNN;

const bnCnn: Build = (threads) => {
  const { X, y } = images(160, 1);
  return new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 40, relativeSize: [3, 1, 0] }),
    new Convolution({ unitFilters: 6, filterSize: [3, 3], activate: relu }),
    new BatchNormalization({ momentum: 0.2 }),
    new Pooling({ poolSize: [2, 2] }),
    new Flatten(),
    new Dense({ units: 8, activate: relu }),
    new BatchNormalization({ center: false }),
    new Dense({ units: 3, activate: softmax }),
  ]).initialize({ loss: 'CCE', seed: 7, quiet: true, threads, seHPars: { learning_rate: 0.01 } });
};

const lnCnn: Build = (threads) => {
  const { X, y } = images(160, 2);
  return new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 40, relativeSize: [3, 1, 0] }),
    new Convolution({ unitFilters: 4, filterSize: [3, 3], activate: relu }),
    new LayerNormalization({ axis: [-3, -2, -1] }),
    new Pooling({ poolSize: [2, 2] }),
    new Flatten(),
    new Dense({ units: 8, activate: relu }),
    new LayerNormalization(),
    new Dense({ units: 3, activate: softmax }),
  ]).initialize({ loss: 'CCE', seed: 5, quiet: true, threads, seHPars: { learning_rate: 0.01 } });
};

/** Every parameter (running statistics included), metric and output of a model, as one array of numbers. */
function state(model: EpyNN): number[] {
  const out: number[] = [];
  for (const layer of model.layers) for (const P of Object.values(layer.p)) out.push(...P.data);
  for (const sets of Object.values(model.metrics)) for (const values of sets) out.push(...values);
  out.push(...model.predict(images(50, 9).X).A.data);
  return out;
}

/** Trains `build(threads)`; for threads > 1 again until worker threads computed some work items. */
async function trained(build: Build, threads: number, epochs: number): Promise<{ model: EpyNN; workerItems: number }> {
  for (let attempt = 0; ; attempt++) {
    stats.items = 0;
    stats.here = 0;
    const model = build(threads);
    model.train({ epochs, quiet: true });
    const workerItems = stats.items - stats.here;
    if (threads === 1 || workerItems > 0 || attempt === 40) return { model, workerItems };
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('normalization layers on threads', () => {
  test('BatchNormalization: a training batch is never cut into shards (its statistics are the whole batch\'s)', () => {
    const model = bnCnn(2);
    expect(parallelEngine()!.trainer(model)).toBeUndefined();
    expect(threadsNote()).toBe('running on one thread: the layer BatchNormalization computes statistics over the batch (traits.batchStatistics), so each batch trains whole');
  });

  test('LayerNormalization: the samples stay independent, batches train in shards', () => {
    const trainer = parallelEngine()!.trainer(lnCnn(2));
    expect(trainer).toBeDefined();
    trainer!.close();
  });

  for (const [name, build] of [['BatchNormalization CNN', bnCnn], ['LayerNormalization CNN', lnCnn]] as const) {
    test(`${name}: 1, 2 and 8 threads give the same bits (workers computed some of the work)`, async () => {
      const one = state((await trained(build, 1, 3)).model);
      for (const threads of [2, 8]) {
        const { model, workerItems } = await trained(build, threads, 3);
        expect(workerItems, `${threads} threads: worker items`).toBeGreaterThan(0);
        const s = state(model);
        expect(s.length).toBe(one.length);
        expect(s.every((v, i) => Object.is(v, one[i])), `${threads} threads: the same bits`).toBe(true);
      }
    }, 120_000);

    test(`${name}: the js and wasm backends give the same bits`, () => {
      const before = getBackend();
      try {
        const runs = (['js', 'wasm'] as const).map((backend) => {
          setBackend(backend);
          const model = build(1);
          model.train({ epochs: 2, quiet: true });
          return state(model);
        });
        expect(runs[0].every((v, i) => Object.is(v, runs[1][i]))).toBe(true);
      } finally {
        setBackend(before);
      }
    }, 60_000);
  }

  test('BatchNormalization: the running statistics moved in training and are used in evaluation', () => {
    const model = bnCnn(1);
    const bn = model.layers[2] as BatchNormalization;
    expect(Array.from(bn.p.mean.data).every((v) => v === 0)).toBe(true); // the check pass does not move them
    model.train({ epochs: 2, quiet: true });
    expect(Array.from(bn.p.mean.data).some((v) => v !== 0)).toBe(true);
    // predict: each sample alone gives its row of the batch's output (the running statistics)
    const { X } = images(5, 4);
    const all = model.predict(X).A;
    const first = model.predict(new NDArray(X.data.slice(0, 100), [1, 10, 10, 1])).A;
    expect(Array.from(first.data)).toEqual(Array.from(all.data.slice(0, 3)));
  });
});
