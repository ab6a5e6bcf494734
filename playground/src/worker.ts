// Trains in a Web Worker so the page stays responsive. The model lives here while it trains; after every
// epoch the worker posts its metrics, the confusion matrix on dval and the model as JSON (the page
// rebuilds it with EpyNN.fromJSON to draw filters and feature maps and to predict drawn digits).
//
// Stop: the page sets a flag in a SharedArrayBuffer (available when the page is cross-origin isolated);
// the worker reads it after every batch (a callback of train()) and stops training cleanly there: the
// epoch is evaluated and counts as done, and Resume continues from it.
import { type Callback, type EpyNN, getBackend, getThreads, setBackend, threadsNote } from '../../src/index.js';
import { buildModel, confusionMatrix } from './network.js';
import { type Session, trainHPars } from './spec.js';
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
    warnings: [...m.trainingWarnings],
    json: JSON.stringify(m.toJSON()),
  });
}

/** Trains the current model until session.train.epochs are done (or Stop). */
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
  let stopped = false;
  const rate = (): number => (stepTime > 0 ? stepSamples / (stepTime / 1000) : 0);
  // The library's callback seam: progress after every batch, the epoch's results after every epoch,
  // and Stop as a clean stop after the current batch (the epoch is evaluated and counts as done;
  // Resume continues from there)
  const callbacks: Callback[] = [{
    onEpochBegin: () => {
      lastBatchEnd = undefined;
    },
    onBatchEnd: (e) => {
      const now = performance.now();
      if (lastBatchEnd !== undefined) {
        stepTime += now - lastBatchEnd;
        stepSamples += e.model.embedding.batchDtrain[e.batch]?.X.shape[0] ?? 0;
      }
      if (now - lastPost > 150) {
        lastPost = now;
        post({ type: 'progress', epoch: e.epoch, epochs: target, batch: e.batch + 1, batches: e.batches, samplesPerSecond: rate(), seconds: (now - t0) / 1000 });
      }
      lastBatchEnd = performance.now();
      if (stopFlag && Atomics.load(stopFlag, 0) === 1) {
        stopped = true;
        e.stop('batch');
      }
    },
    onEpochEnd: (e) => postEpoch(e.model, rate()),
  }];
  m.logger = { tty: false, line: (text) => post({ type: 'log', text }), redraw: () => {} };
  try {
    m.train({ epochs: remaining, initLogs: m.epochsDone === 0, verbose: 1, callbacks });
    if (stopped) {
      if (stopFlag) Atomics.store(stopFlag, 0, 0);
      post({ type: 'stopped', epochsDone: m.epochsDone });
    } else post({ type: 'done', epochsDone: m.epochsDone });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

ctx.onmessage = (ev) => {
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
      model = buildModel(session, msg.mnist);
      const { loss, seed } = session.train;
      model.logger = { tty: false, line: (text) => post({ type: 'log', text }), redraw: () => {} };
      model.initialize({ loss, seed, metrics: msg.metrics, seHPars: trainHPars(session.train) });
      post({ type: 'ready', json: JSON.stringify(model.toJSON()), backend: getBackend(), threads: getThreads() });
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
