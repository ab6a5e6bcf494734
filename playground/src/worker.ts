// Trains in a Web Worker so the page stays responsive. The model lives here while it trains; after every
// epoch the worker posts its metrics, the confusion matrix on dval and the model as JSON (the page
// rebuilds it with EpyNN.fromJSON to draw filters and feature maps and to predict drawn digits).
//
// Stop: the page sets a flag in a SharedArrayBuffer (available when the page is cross-origin isolated);
// the worker reads it after every batch (train()'s onBatchEnd callback) and asks train() to stop there:
// the epoch ends early, evaluated and counted as done, and Resume trains on from the next epoch.
// The same buffer holds the speed setting (a pause after each batch, in ms).
//
// Threads: train() is one synchronous call, and a browser starts a Web Worker only when the thread that
// created it returns to its event loop, so the library's worker threads, started lazily by train(),
// would join only after the training. The worker awaits startThreads() first: they run when it begins.
import { type Callback, type CallbackEvent, type EpyNN, getBackend, getThreads, setBackend, startThreads, threadStats, threadsNote } from '../../src/index.js';
import { buildModel, confusionMatrix, initializeModel } from './network.js';
import type { Session } from './spec.js';
import type { FromWorker, ToWorker } from './messages.js';

const ctx = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((ev: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker): void => ctx.postMessage(m);

let model: EpyNN | undefined;
let session: Session | undefined;
let stopFlag: Int32Array | undefined;

function postEpoch(m: EpyNN, samplesPerSecond: number): void {
  post({
    type: 'epoch',
    epochsDone: m.epochsDone,
    metrics: m.metrics,
    lrates: m.layers.filter((l) => Object.keys(l.p).length > 0).map((l) => ({ name: l.name, lrate: l.lrate.slice(0, m.epochsDone) })),
    confusion: m.embedding.dval.P ? confusionMatrix(m.embedding.dval.Y!, m.embedding.dval.P) : undefined,
    samplesPerSecond,
    threadsNote: threadsNote(),
    threadsUsed: 1 + threadStats().workers,
    threadStats: threadStats(),
    warnings: [...m.trainingWarnings],
    json: JSON.stringify(m.toJSON()),
  });
}

/** One training batch as the curves show it. */
export interface BatchPoint {
  /** Batches trained since the start of this session (the x axis). */
  step: number;
  epoch: number;
  batch: number;
  cost: number;
  accuracy: number;
}

let step = 0;

/**
 * Trains the current model until session.train.epochs are done (or Stop), through train()'s callbacks:
 * onBatchEnd streams the batch's cost and accuracy, applies the speed setting and asks for a clean stop
 * after the batch when the page set the flag; onEpochEnd posts the epoch's metrics and the model.
 */
function run(): void {
  const m = model!;
  const target = session!.train.epochs;
  const remaining = target - m.epochsDone;
  if (remaining < 1) {
    post({ type: 'done', epochsDone: m.epochsDone });
    return;
  }
  const t0 = performance.now();
  // samples/s of the training steps alone: the time between consecutive batches of one epoch (the
  // evaluation after each epoch and the first batch of each epoch are left out)
  let stepTime = 0;
  let stepSamples = 0;
  let lastBatchEnd: number | undefined;
  let lastPost = 0;
  let lastLive = 0;
  let pending: BatchPoint[] = [];
  let stopped: { epoch: number; batch: number; batches: number } | undefined;
  const size = m.embedding.batchSize ?? m.embedding.dtrain.X.shape[0];
  const rate = (): number => (stepTime > 0 ? stepSamples / (stepTime / 1000) : 0);
  const flush = (ev: CallbackEvent | undefined, now: number): void => {
    if (pending.length) post({ type: 'batches', points: pending });
    pending = [];
    if (ev) post({ type: 'progress', epoch: ev.epoch, epochs: target, batch: ev.batch + 1, batches: ev.batches, samplesPerSecond: rate(), seconds: (now - t0) / 1000 });
    lastPost = now;
  };
  const callbacks: Callback[] = [{
    onEpochBegin: () => {
      lastBatchEnd = undefined;
    },
    onBatchEnd: (ev) => {
      const now = performance.now();
      if (lastBatchEnd !== undefined) {
        stepTime += now - lastBatchEnd;
        stepSamples += size;
      }
      pending.push({ step: step++, epoch: ev.epoch, batch: ev.batch, cost: ev.logs.cost, accuracy: ev.logs.accuracy });
      if (now - lastPost > 120) flush(ev, now);
      // the filters and feature maps follow the training: the model about once a second
      if (now - lastLive > 1000) {
        lastLive = now;
        post({ type: 'live', json: JSON.stringify(m.toJSON()) });
      }
      if (stopFlag && Atomics.load(stopFlag, 0) === 1) {
        stopped = { epoch: ev.epoch, batch: ev.batch + 1, batches: ev.batches };
        ev.stop('batch'); // the epoch ends after this batch: evaluated, reported, counted as done
      } else if (stopFlag) {
        // the speed setting: a pause after each batch (ms), so that a learner can watch
        const delay = Atomics.load(stopFlag, 1);
        if (delay > 0) Atomics.wait(stopFlag, 2, 0, delay);
      }
      lastBatchEnd = performance.now();
    },
    onEpochEnd: () => {
      flush(undefined, performance.now());
      postEpoch(m, rate());
    },
  }];
  m.logger = { tty: false, line: (text) => post({ type: 'log', text }), redraw: () => {} };
  try {
    m.train({ epochs: remaining, initLogs: m.epochsDone === 0, verbose: 1, callbacks, threads: session!.train.threads });
    flush(undefined, performance.now());
    if (stopped) {
      if (stopFlag) Atomics.store(stopFlag, 0, 0);
      post({ type: 'stopped', epochsDone: m.epochsDone, ...stopped, json: JSON.stringify(m.toJSON()) });
    } else post({ type: 'done', epochsDone: m.epochsDone });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

ctx.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    if (msg.type === 'train') {
      session = msg.session;
      stopFlag = msg.stop ? new Int32Array(msg.stop) : undefined;
      // the kernels: WebAssembly SIMD where it validates (the library's default), else TypeScript
      try {
        setBackend(session.train.backend ?? 'wasm');
      } catch {
        setBackend('js');
      }
      model = buildModel(session, msg.mnist, undefined, msg.custom);
      initializeModel(model, session, msg.metrics);
      model.logger = { tty: false, line: (text) => post({ type: 'log', text }), redraw: () => {} };
      const threads = session.train.threads ?? getThreads();
      await startThreads(threads); // fewer: threadsNote() and the training log say why
      post({ type: 'ready', json: JSON.stringify(model.toJSON()), backend: getBackend(), threads });
      run();
    } else if (msg.type === 'resume') {
      if (!model) throw new Error('nothing to resume: train first');
      if (msg.epochs !== undefined) session!.train.epochs = msg.epochs;
      run();
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
