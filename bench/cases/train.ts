// The CNN training step (samples/s) and resident memory across epochs of CNN training.
//   Convolution(32, 3×3, strides 1, relu) -> Pooling(2×2 max) -> Flatten -> Dense(10, softmax), CCE, SGD
import { NDArray } from '../../src/commons/ndarray.js';
import type { EpyNN } from '../../src/network/models.js';
import { naiveTrainStep } from '../reference.js';
import { threadNote, timeThreads, timeTrainStep } from '../threads.js';
import { threadStats } from '../../src/parallel/engine.js';
import { randomArray, time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';
import { convFlops } from './conv.js';

export const BATCH = 32;
export const CLASSES = 10;

/** N samples of 28×28×1 in [0, 1) with labels i mod 10. */
export function cnnData(N: number, seed = 5): { X: NDArray; Y: number[] } {
  const X = new NDArray(randomArray(N * 28 * 28, seed).map(Math.abs), [N, 28, 28, 1]);
  const Y = Array.from({ length: N }, (_, i) => i % CLASSES);
  return { X, Y };
}

/** The CNN of the issue, initialized (EpyNN's check step included) on N samples, batches of 32. */
export async function cnnModel(N: number, quiet = true): Promise<EpyNN> {
  // Loaded here, not at the top: a broken layer module fails these cases only, not the whole bench
  const { Convolution, Dense, Embedding, EpyNN, Flatten, Pooling, relu, softmax } = await import('../../src/index.js');
  const { X, Y } = cnnData(N);
  const embedding = new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: BATCH, relativeSize: [1, 0, 0] });
  const model = new EpyNN([
    embedding,
    new Convolution({ unitFilters: 32, filterSize: 3, strides: 1, activate: relu }),
    new Pooling({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: CLASSES, activate: softmax }),
  ], 'bench_cnn');
  model.initialize({ loss: 'CCE', seed: 1, seHPars: { learning_rate: 0.01 }, metrics: ['accuracy'], quiet });
  return model;
}

/**
 * Matrix-product FLOPs of one training step as model.train() runs it: conv fwd + dW (the gradient
 * with respect to the network input is not computed in training), dense fwd + dX + dW.
 */
export const trainStepFlops = (): number =>
  2 * convFlops({ id: '', m: BATCH, h: 28, w: 28, d: 1, u: 32, f: 3, s: 1, p: 0 }) + 3 * 2 * BATCH * 13 * 13 * 32 * CLASSES;

async function trainStep(o: BenchOptions): Promise<Row[]> {
  const model = await cnnModel(BATCH);
  const batch = model.embedding.trainingBatches()[0];
  // One batch exactly as model.train() runs it (src/network/training.ts): the sharded step of
  // src/parallel on 1 and 2 threads (4 shards of 8 samples; no gradient for the network input)
  const ref = naiveTrainStep(BATCH, 28, 32, 3, CLASSES);
  const refT = time(() => ref.step(), { runs: 5, warmup: 1, budgetMs: 2000 });
  return o.threads.map((threads): Row => {
    const ours = timeTrainStep(model, batch.X, batch.Y!, threads, o);
    const sps = (BATCH * 1000) / ours.median;
    const goal = threads === 1 ? 3000 : 5000;
    return {
      case: 'CNN train step', threads, ours: ours.median, ref: refT.median, refKind: 'plain loops (tests naive conv/pool + loops)',
      flops: trainStepFlops(), samples: BATCH,
      ...(threads <= 2 ? { target: `≥ ${goal.toLocaleString('en-US')} samples/s (${threads} thread${threads > 1 ? 's' : ''})`, met: sps >= goal } : {}),
      note: `Conv(32,3×3,relu)→Pool(2)→Flatten→Dense(10,softmax), CCE, SGD, batch 32; ${threadNote(ours, threads)}`,
    };
  });
}

/**
 * Evaluation as model.evaluate() and predict() run it: forward only over 512 samples, in chunks of 32
 * spread over the threads, against the training step measured alongside on as many threads (issue 13:
 * ≥ 3× its samples/s).
 */
async function evaluation(o: BenchOptions): Promise<Row[]> {
  const { modelForwardBatched } = await import('../../src/network/forward.js');
  const N = 512;
  const model = await cnnModel(BATCH);
  const X = cnnData(N, 9).X;
  const batch = model.embedding.trainingBatches()[0];
  return o.threads.map((threads): Row => {
    const train = timeTrainStep(model, batch.X, batch.Y!, threads, o);
    model.threads = threads;
    const ours = timeThreads(() => modelForwardBatched(model, X), threads, { ...o, runs: o.runs });
    const ratio = (N / ours.median) / (BATCH / train.median);
    return {
      case: 'CNN evaluation', threads, ours: ours.median, samples: N, flops: (N / BATCH) * convFlops({ id: '', m: BATCH, h: 28, w: 28, d: 1, u: 32, f: 3, s: 1, p: 0 }),
      target: '≥ 3× the train step samples/s', met: ratio >= 3,
      note: `forward only, 512 samples; ${ratio.toFixed(2)}× the train step measured alongside (${((BATCH * 1000) / train.median).toFixed(0)} samples/s); ${threadNote(ours, threads)}`,
    };
  });
}

/**
 * Resident memory across epochs of train(), per thread count: after a warm-up (10 epochs, 3 quick, and
 * until worker threads have computed shards: a worker's heap and WebAssembly memory fill during its
 * first epochs), then `epochs` more. The warm-up's own growth is in the note.
 */
async function memory(o: BenchOptions): Promise<Row[]> {
  const epochs = o.quick ? 10 : 50;
  const warmEpochs = o.quick ? 3 : 10;
  const N = 320; // 10 batches of 32 per epoch
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
  const rows: Row[] = [];
  for (const threads of o.threads) {
    const model = await cnnModel(N);
    model.threads = threads;
    const rss0 = process.memoryUsage().rss;
    const items0 = threadStats().workerItems;
    let warm = 0;
    const t1 = performance.now();
    while (warm < warmEpochs || (threads > 1 && threadStats().workerItems === items0 && performance.now() - t1 < 10_000)) {
      model.train({ epochs: 1, quiet: true, initLogs: false });
      warm++;
    }
    const rss1 = process.memoryUsage().rss;
    const heap1 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let e = 0; e < epochs; e++) model.train({ epochs: 1, quiet: true, initLogs: false });
    const rssN = process.memoryUsage().rss;
    const heapN = process.memoryUsage().heapUsed;
    const ms = (performance.now() - t0) / epochs;
    const growth = (rssN - rss1) / rss1;
    rows.push({
      case: `CNN RSS over ${epochs} epochs`, threads,
      note: `after ${warm} warm-up epochs (RSS ${mb(rss0)} → ${mb(rss1)}): RSS ${mb(rss1)} → ${mb(rssN)} (${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)}%), heap ${mb(heap1)} → ${mb(heapN)}, ${ms.toFixed(0)} ms/epoch (${N} samples + evaluation)`,
      target: 'RSS flat (< +10%)', met: growth < 0.1,
    });
  }
  return rows;
}

/** The bigger CNN of issue 28, initialized on N samples (all for training), batches of 64. */
export async function bigCnnModel(N: number): Promise<EpyNN> {
  const { Convolution, Dense, Embedding, EpyNN, Flatten, Pooling, relu, softmax } = await import('../../src/index.js');
  const { X, Y } = cnnData(N);
  const embedding = new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: BIG_BATCH, relativeSize: [1, 0, 0] });
  const model = new EpyNN([
    embedding,
    new Convolution({ unitFilters: 32, filterSize: 3, strides: 1, activate: relu }),
    new Pooling({ poolSize: 2 }),
    new Convolution({ unitFilters: 64, filterSize: 3, strides: 1, activate: relu }),
    new Pooling({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 128, activate: relu }),
    new Dense({ units: CLASSES, activate: softmax }),
  ], 'bench_big_cnn');
  // EpyNN's default initialization (normal) with random pixels: a rate of 0.01 diverges within an epoch
  model.initialize({ loss: 'CCE', seed: 1, seHPars: { learning_rate: 1e-4 }, metrics: ['accuracy'], quiet: true });
  return model;
}

export const BIG_BATCH = 64;

/** Samples of the bigger CNN's epoch (10 batches of 64; 4 with --quick). */
export const bigEpochSamples = (o: BenchOptions): number => (o.quick ? 256 : 640);

/**
 * Matrix-product FLOPs of the bigger CNN over one epoch of N samples as train() runs it: per training
 * sample conv1 fwd + dW (no dX for the network input), conv2 fwd + dX + dW, the Dense layers fwd + dX + dW;
 * then the forward of the evaluation over the N samples.
 */
export function bigCnnFlops(N: number): number {
  const conv1 = convFlops({ id: '', m: 1, h: 28, w: 28, d: 1, u: 32, f: 3, s: 1, p: 0 });
  const conv2 = convFlops({ id: '', m: 1, h: 13, w: 13, d: 32, u: 64, f: 3, s: 1, p: 0 });
  const dense = 2 * (5 * 5 * 64 * 128 + 128 * CLASSES);
  return N * (2 * conv1 + 3 * conv2 + 3 * dense) + N * (conv1 + conv2 + dense);
}

/**
 * The bigger CNN (issue 28): Conv(32, 3×3, relu) → Pool 2 → Conv(64, 3×3, relu) → Pool 2 → Flatten →
 * Dense(128, relu) → Dense(10, softmax), CCE, SGD, batch 64, timed as train() runs an epoch: the
 * sharded steps over the epoch's batches, then the per-epoch evaluation of the training set (forward
 * only). samples/s counts the training samples. Epochs of ~1–2 s: one warm-up epoch (more until the
 * workers computed shards), then ≥ 5 timed epochs.
 */
async function bigCnn(o: BenchOptions): Promise<Row[]> {
  const N = bigEpochSamples(o);
  const model = await bigCnnModel(N);
  const epoch = (): void => {
    model.train({ epochs: 1, quiet: true, initLogs: false });
  };
  const rows: Row[] = [];
  for (const threads of o.threads) {
    model.threads = threads;
    const items0 = threadStats().workerItems;
    const t1 = performance.now();
    let warm = 0;
    do {
      epoch();
      warm++;
    } while (threads > 1 && threadStats().workerItems === items0 && performance.now() - t1 < 10_000);
    const w0 = threadStats().workerItems;
    const t = time(epoch, { runs: 5, warmup: 0 });
    const share = threads > 1 ? `; ${threadStats().workerItems > w0 ? 'workers computed shards' : 'workers idle'}` : '';
    rows.push({
      case: 'bigger CNN epoch', threads, ours: t.median, samples: N, flops: bigCnnFlops(N),
      note: `Conv(32,3×3)→Pool→Conv(64,3×3)→Pool→Dense(128)→Dense(10), batch 64: ${N} samples + evaluation of them; ${warm} warm-up epoch(s)${share}`,
    });
  }
  return rows;
}

export const trainCases: BenchCase[] = [
  { name: 'train step', run: trainStep },
  { name: 'evaluation', run: evaluation },
  { name: 'bigger CNN epoch', run: bigCnn },
  { name: 'memory', isolated: true, run: memory },
];
