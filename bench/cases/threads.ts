// The layer cases as train() runs them, on 1 and 2 threads (--threads): a small network around each
// layer, one batch per step (the sharded step of src/parallel: shards over the threads, gradients
// summed in shard order, the update).
//   conv S3–S5: Embedding → Pooling 1×1 (takes the skipped dX) → Convolution (fwd + dX + dW) →
//               global max Pooling → Flatten, MSE: the convolution's GFLOP/s in a training step
//   Dense:      Embedding → Dense(64, relu) → Dense(10, softmax), CCE, 784 features
//   RNN/LSTM/GRU: Embedding → layer(32 cells) → Dense(2, softmax), CCE, 20 steps × 16 features
import { NDArray } from '../../src/commons/ndarray.js';
import type { Layer } from '../../src/commons/models.js';
import { randomArray, time } from '../timing.js';
import { modelUpdate } from '../../src/network/update.js';
import { threadNote, timeTrainStep } from '../threads.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';
import { SHAPES, type ConvShape, convFlops, describeShape } from './conv.js';

async function modelFor(X: NDArray, classes: number, layers: Layer[], loss: string) {
  const { EpyNN, Embedding } = await import('../../src/index.js');
  const m = X.shape[0];
  // One-hot labels of `classes` columns (more classes than samples is fine: some columns stay 0)
  const Y = Array.from({ length: m }, (_, i) => Array.from({ length: classes }, (_, k) => (k === i % classes ? 1 : 0)));
  const model = new EpyNN([new Embedding({ XData: X, YData: Y, batchSize: m, relativeSize: [1, 0, 0] }), ...layers], 'bench_threads');
  model.initialize({ loss, seed: 1, quiet: true, seHPars: { learning_rate: 1e-4 } });
  const batch = model.embedding.trainingBatches()[0];
  return { model, X: batch.X, Y: batch.Y! };
}

function rows(name: string, o: BenchOptions, run: (threads: number) => Row): Row[] {
  return o.threads.map((t) => ({ ...run(t), case: name, threads: t }));
}

async function conv(c: ConvShape, o: BenchOptions): Promise<Row[]> {
  const { Convolution, Flatten, Pooling, identity } = await import('../../src/index.js');
  const oh = Math.floor((c.h + 2 * c.p - c.f) / c.s) + 1;
  const ow = Math.floor((c.w + 2 * c.p - c.f) / c.s) + 1;
  const X = new NDArray(randomArray(c.m * c.h * c.w * c.d, 1).map(Math.abs), [c.m, c.h, c.w, c.d]);
  const { model, X: bx, Y } = await modelFor(X, c.u, [
    new Pooling({ poolSize: 1 }),
    new Convolution({ unitFilters: c.u, filterSize: c.f, strides: c.s, padding: c.p, activate: identity }),
    new Pooling({ poolSize: [oh, ow] }),
    new Flatten(),
  ], 'MSE');
  const flops = 3 * convFlops(c);
  const hard = c.id === 'S3' || c.id === 'S4' || c.id === 'S5';
  return rows(`conv ${c.id} fwd+bwd in train()`, o, (t) => {
    const r = timeTrainStep(model, bx, Y, t, o);
    const gf = flops / r.median / 1e6;
    const goal = t === 1 ? 8 : 14;
    return {
      case: '', ours: r.median, flops, samples: c.m,
      ...(hard && t <= 2 ? { target: `≥ ${goal} GFLOP/s (${t} thread${t > 1 ? 's' : ''})`, met: gf >= goal } : {}),
      note: `${describeShape(c)}, fwd + dX + dW inside a sharded step (plus 1×1 and global pooling); ${threadNote(r, t)}`,
    };
  });
}

async function dense(o: BenchOptions): Promise<Row[]> {
  const { Dense, relu, softmax } = await import('../../src/index.js');
  const X = new NDArray(randomArray(32 * 784, 4).map(Math.abs), [32, 784]);
  const { model, X: bx, Y } = await modelFor(X, 10, [new Dense({ units: 64, activate: relu }), new Dense({ units: 10, activate: softmax })], 'CCE');
  return rows('Dense 784→64→10 in train()', o, (t) => {
    const r = timeTrainStep(model, bx, Y, t, o);
    return { case: '', ours: r.median, samples: 32, flops: 3 * 2 * 32 * (784 * 64 + 64 * 10), note: `m=32; ${threadNote(r, t)}` };
  });
}

async function recurrent(kind: 'RNN' | 'LSTM' | 'GRU', o: BenchOptions): Promise<Row[]> {
  const lib = await import('../../src/index.js');
  const X = new NDArray(randomArray(32 * 20 * 16, 6), [32, 20, 16]);
  const Ctor = lib[kind] as unknown as new (opts: object) => Layer;
  const { model, X: bx, Y } = await modelFor(X, 2, [new Ctor({ unitCells: 32 }), new lib.Dense({ units: 2, activate: lib.softmax })], 'CCE');
  return rows(`${kind} s=20 e=16 u=32 in train()`, o, (t) => {
    const r = timeTrainStep(model, bx, Y, t, o);
    return { case: '', ours: r.median, samples: 32, note: `m=32, + Dense(2, softmax); ${threadNote(r, t)}` };
  });
}

/**
 * A BatchNormalization CNN: Embedding → Convolution(16, 3×3, relu) → BatchNormalization → Pooling 2×2 →
 * Flatten → Dense(32, relu) → BatchNormalization → Dense(10, softmax), m=64 28×28 images. Its steps are
 * staged (the statistics reduced over the shards); the 'whole batch' row is the step without shards, on
 * the calling thread alone (how such models trained before the cross-shard reduction).
 */
async function batchnorm(o: BenchOptions): Promise<Row[]> {
  const { BatchNormalization, Convolution, Dense, Flatten, Pooling, relu, softmax } = await import('../../src/index.js');
  const { modelBackward } = await import('../../src/network/backward.js');
  const { withMode } = await import('../../src/network/mode.js');
  const X = new NDArray(randomArray(64 * 28 * 28, 7).map(Math.abs), [64, 28, 28, 1]);
  const { model, X: bx, Y } = await modelFor(X, 10, [
    new Convolution({ unitFilters: 16, filterSize: 3, activate: relu }),
    new BatchNormalization(),
    new Pooling({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 32, activate: relu }),
    new BatchNormalization(),
    new Dense({ units: 10, activate: softmax }),
  ], 'CCE');
  const name = 'BatchNorm CNN m=64 28×28 in train()';
  const whole = time(() => {
    withMode(model, 'training', { reuseOutputs: true, inputGradient: false }, () => {
      const A = model.forward(bx);
      modelBackward(model, model.trainingLoss(Y, A, true), { inputGradient: false, update: false });
      modelUpdate(model, { summedShards: false });
    });
  }, { runs: Math.max(o.runs, 9), warmup: Math.max(o.warmup, 5) });
  return [
    { case: `${name}, whole batch`, ours: whole.median, samples: 64, threads: 1, note: 'each batch whole on the calling thread (no shards)' },
    ...rows(name, o, (t) => {
      const r = timeTrainStep(model, bx, Y, t, o);
      return { case: '', ours: r.median, samples: 64, note: `staged step: BatchNorm statistics reduced over the shards; ${threadNote(r, t)}` };
    }),
  ];
}

export const threadCases: BenchCase[] = [
  ...SHAPES.filter((c) => ['S3', 'S4', 'S5'].includes(c.id)).map((c) => ({ name: `threads conv ${c.id}`, run: (o: BenchOptions) => conv(c, o) })),
  { name: 'threads dense', run: dense },
  ...(['RNN', 'LSTM', 'GRU'] as const).map((k) => ({ name: `threads ${k}`, run: (o: BenchOptions) => recurrent(k, o) })),
  { name: 'threads batchnorm', run: batchnorm },
];
