// Normalization layers and threads: BatchNormalization's statistics are over the whole batch, reduced
// over the shards of a training step in shard order (src/parallel: staged steps), so a model with it
// trains in shards like any other; LayerNormalization is per sample and trains in shards. Either way:
// the same bits for 1, 2 and 8 threads and for both backends, and the sharded numbers are the whole
// batch's (equal to an unsharded training at rtol 1e-12; not to its last bits: the shards' sums are
// added in another order than one pass over the batch).
import { afterEach, describe, expect, test } from 'vitest';
import {
  BatchNormalization, Convolution, Dense, Dropout, Embedding, EpyNN, Flatten, GRU, LayerNormalization, NDArray, Pooling,
  memoryOutput, numpyRng, relu, setThreads, softmax, threadsNote,
} from '../../src/index.js';
import { getBackend, setBackend } from '../../src/commons/backend.js';
import { modelForward } from '../../src/network/forward.js';
import { parallelEngine, setParallelEngine } from '../../src/network/hooks.js';
import { stats, testHooks } from '../../src/parallel/engine.js';
import { SHARD_CLAIMS } from '../../src/parallel/protocol.js';
import { shardCount, stageStats } from '../../src/parallel/shards.js';
import { expectClose } from '../helpers/close.js';

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

/** BatchNormalization on the input (layer 1), after Dense (followed by Dropout), and a last partial batch. */
const bnDense: Build = (threads) => {
  const rng = numpyRng(3);
  const m = 180;
  const X = new NDArray(Float64Array.from({ length: m * 12 }, (_, i) => rng.uniform() * (1 + (i % 12)) + (i % 12)), [m, 12]);
  const y = Array.from({ length: m }, (_, i) => (X.data[i * 12] + X.data[i * 12 + 5] > 6 ? 1 : 0) + (i % 3 === 0 ? 1 : 0));
  return new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 48, relativeSize: [2, 1, 0] }),
    new BatchNormalization(),
    new Dense({ units: 10, activate: relu }),
    new BatchNormalization({ momentum: 0.3, scale: false }),
    new Dropout({ dropProb: 0.2 }),
    new Dense({ units: 3, activate: softmax }),
  ]).initialize({ loss: 'CCE', seed: 11, quiet: true, threads, seHPars: { learning_rate: 0.05 } });
};

/** BatchNormalization over a GRU's sequences (m, s, n), twice in a row; 32 samples a batch (4 shards). */
const bnSeq: Build = (threads) => {
  const rng = numpyRng(5);
  const m = 96;
  const X = new NDArray(Float64Array.from({ length: m * 6 * 4 }, () => rng.uniform()), [m, 6, 4]);
  const y = Array.from({ length: m }, (_, i) => (X.data[i * 24] > 0.5 ? 1 : 0));
  return new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] }),
    new GRU({ unitCells: 5, sequences: true }),
    new BatchNormalization({ scale: false, center: false }), // no γ, β: a BatchNormalization after it would cancel them (zero gradients, rounding noise)
    new BatchNormalization({ momentum: 0.5 }),
    new Flatten(),
    new Dense({ units: 2, activate: softmax }),
  ]).initialize({ loss: 'CCE', seed: 13, quiet: true, threads, seHPars: { learning_rate: 0.01 } });
};

/** Runs f without the parallel engine: every training batch whole, on this thread (as before shards). */
function unsharded<T>(f: () => T): T {
  const engine = parallelEngine();
  setParallelEngine(undefined);
  try {
    return f();
  } finally {
    setParallelEngine(engine);
  }
}

const TOL = { rtol: 1e-12, atol: 1e-12 }; // the PyTorch fixtures' tolerance

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
  const sample = model.embedding.fs.X!.slice(1);
  const rng = numpyRng(9);
  const X = new NDArray(Float64Array.from({ length: 50 * sample.reduce((a, b) => a * b, 1) }, () => rng.uniform()), [50, ...sample]);
  out.push(...model.predict(X).A.data);
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
  test('BatchNormalization: training batches are cut into shards (the statistics reduced over them)', () => {
    for (const build of [bnCnn, bnDense]) {
      const trainer = parallelEngine()!.trainer(build(2));
      expect(trainer).toBeDefined();
      trainer!.close();
    }
    expect(threadsNote()).not.toMatch(/statistics over the batch/);
  });

  for (const [name, build] of [['BatchNormalization CNN', bnCnn], ['BatchNormalization Dense', bnDense], ['BatchNormalization sequences', bnSeq]] as const) {
    test(`${name}: a sharded step is the whole batch's step at rtol 1e-12 (output, gradients, batch statistics)`, () => {
      const whole = build(1);
      const sharded = EpyNN.fromJSON(JSON.stringify(whole.toJSON({ includeData: true })));
      const batch = whole.embedding.trainingBatches()[0];
      expect(shardCount(batch.X.shape[0], 1000)).toBeGreaterThan(2); // really cut
      whole.setTraining(true);
      const A = modelForward(whole, batch.X);
      let dX = whole.trainingLoss(batch.Y!, A, true);
      for (let i = whole.layers.length - 1; i >= 1; i--) {
        dX = whole.layers[i].backward(dX);
        whole.layers[i].computeGradients();
      }
      sharded.setTraining(true);
      const trainer = parallelEngine()!.trainer(sharded)!;
      const As = trainer.step(batch.X, batch.Y!);
      trainer.close();
      expectClose(As, A, 'A', TOL);
      let norms = 0;
      whole.layers.forEach((layer, i) => {
        const other = sharded.layers[i];
        for (const [k, G] of Object.entries(layer.g)) expectClose(other.g[k], G, `layer ${i} ${k}`, TOL);
        if (layer instanceof BatchNormalization) {
          norms++;
          const bn = other as BatchNormalization;
          expectClose(bn.fc.mu, layer.fc.mu, `layer ${i} batch mean`, TOL);
          expectClose(bn.fc.var, layer.fc.var, `layer ${i} batch variance`, TOL);
          expect(bn.statRows).toBe(layer.statRows);
          expect(bn.runningDue).toBe(true);
        }
      });
      expect(norms).toBe(2);
    });

    test(`${name}: trained in shards, equal to the whole-batch training at rtol 1e-12 (running statistics included)`, () => {
      const whole = unsharded(() => {
        const model = build(1);
        model.train({ epochs: 2, quiet: true });
        return model;
      });
      const sharded = build(1);
      sharded.train({ epochs: 2, quiet: true });
      const [a, b] = [state(sharded), unsharded(() => state(whole))];
      expect(a.length).toBe(b.length);
      expectClose(new NDArray(Float64Array.from(a), [a.length]), new NDArray(Float64Array.from(b), [b.length]), 'state', TOL);
      const bn = sharded.layers.find((l) => l instanceof BatchNormalization)!;
      expect(Array.from(bn.p.mean.data).some((v) => v !== 0)).toBe(true); // the running statistics moved
    });
  }

  test('BatchNormalization: a backward stage uses the caches its thread kept, or computes the forward again: the same bits', () => {
    const runs = [false, true].map((recompute) => {
      stageStats.backward = 0;
      stageStats.recomputed = 0;
      stageStats.recompute = recompute;
      try {
        const model = bnDense(1);
        model.train({ epochs: 2, quiet: true });
        return { s: state(model), backward: stageStats.backward, recomputed: stageStats.recomputed };
      } finally {
        stageStats.recompute = false;
      }
    });
    expect(runs[0].backward).toBeGreaterThan(0);
    expect(runs[0].recomputed).toBe(0); // one thread holds every shard's caches
    expect(runs[1].recomputed).toBe(runs[1].backward);
    expect(runs[1].s.every((v, i) => Object.is(v, runs[0].s[i]))).toBe(true);
  });

  test('LayerNormalization: the samples stay independent, batches train in shards', () => {
    const trainer = parallelEngine()!.trainer(lnCnn(2));
    expect(trainer).toBeDefined();
    trainer!.close();
  });

  for (const [name, build] of [['BatchNormalization CNN', bnCnn], ['BatchNormalization Dense', bnDense], ['BatchNormalization sequences', bnSeq], ['LayerNormalization CNN', lnCnn]] as const) {
    test(`${name}: 1, 2 and 8 threads give the same bits (workers computed some of the work)`, async () => {
      setThreads(undefined, { force: true }); // 8 threads even on a machine with fewer cores (afterEach puts it back)
      const one = state((await trained(build, 1, 3)).model);
      for (const threads of [2, 8]) {
        const { model, workerItems } = await trained(build, threads, 3);
        expect(workerItems, `${threads} threads: worker items`).toBeGreaterThan(0);
        const s = state(model);
        expect(s.length).toBe(one.length);
        expect(s.every((v, i) => Object.is(v, one[i])), `${threads} threads: the same bits`).toBe(true);
      }
    }, 120_000);

    if (build === bnSeq) continue; // the backends: the CNN and Dense cases
    test(`${name}: the js and wasm backends give the same bits, on 1 and 2 threads`, async () => {
      const before = getBackend();
      try {
        const runs: number[][] = [];
        for (const backend of ['js', 'wasm'] as const) {
          for (const threads of [1, 2]) {
            setBackend(backend);
            const { model, workerItems } = await trained(build, threads, 2);
            if (threads > 1) expect(workerItems, `${backend}, ${threads} threads: worker items`).toBeGreaterThan(0);
            runs.push(state(model));
          }
        }
        for (const run of runs.slice(1)) expect(run.every((v, i) => Object.is(v, runs[0][i]))).toBe(true);
      } finally {
        setBackend(before);
      }
    }, 120_000);
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

  test('BatchNormalization: a worker that claims a shard in a stage and stops never hangs training: the rest runs here, the same bits', async () => {
    const one = state((await trained(bnCnn, 1, 2)).model);
    await trained(bnCnn, 2, 1); // workers up
    const model = bnCnn(2);
    const log = memoryOutput();
    model.logger = log;
    let opened = 0;
    testHooks.stallMs = 300;
    testHooks.beforeOpen = (ctl, gen) => {
      // the 6th generation: the first step's backward stage of the second BatchNormalization (it
      // needs Z, D, B and the gradients of the stages before, copied to the calling thread's buffers).
      // "A worker" claims shard 0 before it opens and is never heard of again
      if (++opened === 6) Atomics.store(ctl, SHARD_CLAIMS + 0, gen);
    };
    try {
      const t0 = Date.now();
      model.train({ epochs: 2, initLogs: false, verbose: 100 });
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      delete testHooks.stallMs;
      delete testHooks.beforeOpen;
    }
    expect(opened).toBeGreaterThanOrEqual(6);
    expect(log.lines.filter((l) => l.startsWith('NOTE: running on one thread: a worker thread stopped'))).toHaveLength(1);
    const s = state(model);
    expect(s.every((v, i) => Object.is(v, one[i]))).toBe(true);
  }, 120_000);
});
