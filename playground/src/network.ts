// Shared by the page and the worker: a session's network, and the confusion matrix of predictions.
import { EpyNN, Embedding, type NDArray, optimizerFromConfig } from '../../src/index.js';
import { type CustomData, type Dataset, type MnistPack, makeDataset } from './datasets.js';
import { buildLayer, type Session, trainHPars } from './spec.js';

/** dtrain : dval : dtest (dval is the last fifth of the samples, never trained on). */
export const RELATIVE_SIZE: [number, number, number] = [4, 1, 0];

/** The network of a session: the Embedding holds the data (or `data`), the other layers come from the specs. */
export function buildModel(s: Session, mnist?: MnistPack, given?: Pick<Dataset, 'X' | 'Y' | 'XEncode'>, custom?: CustomData): EpyNN {
  const data = given ?? makeDataset(s.data, s.train.seed, mnist, custom);
  const embedding = new Embedding({
    XData: data.X, YData: data.Y, XEncode: data.XEncode, YEncode: true, batchSize: s.train.batchSize, relativeSize: RELATIVE_SIZE,
  });
  return new EpyNN([embedding, ...s.layers.map(buildLayer)], s.layers.map((l) => l.type).join('_'));
}

/** cm[truth][predicted] counts from one-hot labels Y (n, k) and decisions P (n,). */
export function confusionMatrix(Y: NDArray, P: NDArray | ArrayLike<number>): number[][] {
  const [n, k] = Y.shape;
  const p = 'data' in P ? P.data : P;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) {
    let truth = 0;
    for (let j = 1; j < k; j++) if (Y.data[i * k + j] > Y.data[i * k + truth]) truth = j;
    cm[truth][p[i]]++;
  }
  return cm;
}

/** EpyNN's initialize with the session's loss, seed, hyperparameters and optimizer (the worker, the page and the tests alike). */
export function initializeModel(m: EpyNN, s: Session, metrics: string[]): EpyNN {
  const optimizer = optimizerFromConfig('playground', s.train.optimizer ?? 'epynn_sgd', {});
  return m.initialize({ loss: s.train.loss, seed: s.train.seed, metrics, quiet: true, seHPars: trainHPars(s.train), optimizer });
}
