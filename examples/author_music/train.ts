// Guitar clips by author: feed-forward, RNN and GRU networks (EpyNN epynnlive/author_music/train.py).
import { Dense, Dropout, EpyNN, Embedding, Flatten, GRU, RNN, relu, seHPars, softmax, type Layer } from '../../src/node/index.js';
import type { Fetcher } from '../download.js';
import { type Example, type ExampleOptions, checkExampleOptions, EPYNNLIVE_OPTIONS, unknownVariant } from '../types.js';
import { trainScript } from './epynnlive.js';
import { type MusicClipOptions, downloadMusic, musicFolder, prepareDataset } from './prepare_dataset.js';

export interface AuthorMusicOptions extends ExampleOptions, MusicClipOptions {
  /** Download EpyNN's guitar archive into `cacheDir` first (network!). @default false */
  download?: boolean;
  /** @default datasets/author_music */
  cacheDir?: string;
  /** Replaces fetch for the download (tests). */
  fetcher?: Fetcher;
}

const variants = {
  dense: 'Flatten -> Dense(64, relu) -> Dropout(0.5) -> Dense(2, softmax), MSE, lr 0.01, softmax T 5',
  rnn: 'RNN(1, sequences) -> Flatten -> Dense(64, relu) -> Dropout(0.5) -> Dense(2, softmax), MSE, lr 0.01',
  gru: 'GRU(1, sequences) -> Flatten -> Dense(64, relu) -> Dropout(0.5) -> Dense(2, softmax), MSE, lr 0.01',
  epynnlive: "EpyNN's train.py line for line (compat: 'epynn'): its Dense, RNN(1) and GRU(1) models, 10, 3 and 5 epochs; writes models/ (--data FILE.json: prepared data)",
};

/** Printed after the recurrent variants on the synthetic clips: why they stay near the majority class. */
export const RNN_NOTE =
  "Note: the recurrent variants (EpyNN's RNN(1) for 3 epochs, GRU(1) for 5) do not learn the synthetic task: " +
  'their dval accuracy stays near the majority class (about 0.5-0.55). One cell squeezes each step of a ' +
  '1,000-step clip into one number, and a few epochs are too few for the head to use it. What learns it: ' +
  '--variant dense (the default, about 0.75 in 10 epochs).';

/** EpyNN's epochs per variant. */
const EPOCHS: Record<string, number> = { dense: 10, rnn: 3, gru: 5 };

export async function run(options: AuthorMusicOptions = {}): Promise<EpyNN> {
  checkExampleOptions('author_music', options, ['cacheDir', 'fetcher', 'time', 'samplingRate', ...EPYNNLIVE_OPTIONS], { readsData: true });
  let {
    epochs, seed = 1, quiet = false, variant = 'dense', samples = 256, dataDir, download = false, cacheDir, fetcher, time, samplingRate,
  } = options;
  if (typeof variant !== 'string' || !Object.hasOwn(variants, variant)) throw unknownVariant('author_music', variant, Object.keys(variants));
  if (download && dataDir === undefined) cacheDir = await downloadMusic(cacheDir, fetcher);
  if (variant === 'epynnlive') return trainScript({ ...options, cacheDir }).model;
  const { X, Y, source } = prepareDataset(samples, seed, musicFolder(dataDir, cacheDir), { time, samplingRate });

  const embedding = new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 16, relativeSize: [2, 1, 0] });

  const head = (): Layer[] => [new Flatten(), new Dense({ units: 64, activate: relu }), new Dropout({ dropProb: 0.5 }), new Dense({ units: 2, activate: softmax })];
  let layers: Layer[];
  let name: string;
  let temperature = 1;
  if (variant === 'dense') {
    name = 'Flatten_Dense-64-relu_Dropout05_Dense-2-softmax';
    layers = head();
    temperature = 5;
  } else if (variant === 'rnn') {
    name = 'RNN-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax';
    layers = [new RNN({ unitCells: 1, sequences: true }), ...head()];
  } else {
    name = 'GRU-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax';
    layers = [new GRU({ unitCells: 1, sequences: true }), ...head()];
  }

  const model = new EpyNN([embedding, ...layers], name);
  if (!quiet) model.logger.line(`author_music: ${X.length} clips from ${source}`);
  model.initialize({
    loss: 'MSE', seed, metrics: ['accuracy', 'recall', 'precision'],
    seHPars: { ...seHPars, learning_rate: 0.01, softmax_temperature: temperature }, quiet,
  });
  model.train({ epochs: epochs ?? EPOCHS[variant], initLogs: !quiet, quiet });

  if (!quiet) {
    // Predict ten held-out clips (the first ones of dval)
    const ntrain = embedding.dtrain.X.shape[0];
    const fresh = X.slice(ntrain, ntrain + 10);
    if (fresh.length > 0) {
      const dset = model.predict(fresh, { XEncode: true });
      model.logger.line('\nid prediction (0 = true author) label probabilities');
      dset.ids.forEach((n) => model.logger.line(`${n} ${dset.P.data[n]} ${Y[ntrain + n]} [${dset.A.data[2 * n].toFixed(4)}, ${dset.A.data[2 * n + 1].toFixed(4)}]`));
    }
    if (variant !== 'dense' && /synthetic/.test(source)) model.logger.line(`\n${RNN_NOTE}`);
  }
  return model;
}

export const example: Example = {
  name: 'author_music',
  description: 'Guitar clips (WAV, 1 s at 10 kHz, or 1 kHz synthetic; 16 levels): true author or not? Feed-forward, RNN and GRU',
  variants,
  data: 'WAV files (every *.wav under DIR)',
  run,
};
