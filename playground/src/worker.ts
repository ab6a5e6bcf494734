// Trains in a Web Worker so the page stays responsive. The model lives here while it trains; after every
// epoch the worker posts its metrics, the confusion matrix on dval and the model as JSON (the page
// rebuilds it with EpyNN.fromJSON to draw filters and feature maps and to predict drawn digits).
//
// Stop: the page sets a flag in a SharedArrayBuffer (available when the page is cross-origin isolated);
// the worker reads it after every batch and abandons the epoch, which Resume then trains again.
import { type EpyNN, type Output, getBackend, getThreads, setBackend, threadStats, threadsNote } from '../../src/index.js';
import { buildModel, confusionMatrix } from './network.js';
import { type Session, trainHPars } from './spec.js';
import type { FromWorker, ToWorker } from './messages.js';

const ctx = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((ev: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker): void => ctx.postMessage(m);

class Stopped extends Error {}

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
    threadsUsed: threadStats().workerItems > 0 ? (m.threads ?? getThreads()) : 1,
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
  const ntrain = m.embedding.dtrain.X.shape[0];
  const nbatches = Math.ceil(ntrain / (m.embedding.batchSize ?? ntrain));
  const t0 = performance.now();
  // samples/s of the training steps alone: the time between consecutive batches of one epoch (the
  // evaluation after each epoch and the first batch of each epoch are left out)
  let stepTime = 0;
  let stepSamples = 0;
  let lastBatchEnd: number | undefined;
  let lastEpoch = m.epochsDone;
  let batch = 0;
  let lastPost = 0;
  const rate = (): number => (stepTime > 0 ? stepSamples / (stepTime / 1000) : 0);
  const output: Output = {
    tty: true, // redraw is then called after every batch
    line: (text) => post({ type: 'log', text }),
    redraw: () => {
      const now = performance.now();
      if (m.epochsDone !== lastEpoch) {
        lastEpoch = m.epochsDone;
        batch = 0;
        lastBatchEnd = undefined;
        postEpoch(m, rate());
      }
      batch++;
      if (lastBatchEnd !== undefined) {
        stepTime += now - lastBatchEnd;
        stepSamples += Math.min(m.embedding.batchSize ?? ntrain, ntrain - (batch - 1) * (m.embedding.batchSize ?? ntrain));
      }
      if (now - lastPost > 150) {
        lastPost = now;
        post({ type: 'progress', epoch: m.e, epochs: target, batch, batches: nbatches, samplesPerSecond: rate(), seconds: (now - t0) / 1000 });
      }
      lastBatchEnd = performance.now();
      if (stopFlag && Atomics.load(stopFlag, 0) === 1) throw new Stopped('stopped');
    },
  };
  m.logger = output;
  try {
    m.train({ epochs: remaining, initLogs: m.epochsDone === 0, verbose: 1 });
    postEpoch(m, rate());
    post({ type: 'done', epochsDone: m.epochsDone });
  } catch (err) {
    if (err instanceof Stopped) {
      if (stopFlag) Atomics.store(stopFlag, 0, 0);
      post({ type: 'stopped', epochsDone: m.epochsDone, epoch: m.e, batch, batches: nbatches, json: JSON.stringify(m.toJSON()) });
    } else post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
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
