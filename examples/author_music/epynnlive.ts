// EpyNN's epynnlive/author_music/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- author_music --variant epynnlive [--data DIR | --data FILE.json] [--download]
// Each block is headed by the Python it ports. The clips: examples/author_music/prepare_dataset.ts
// (EpyNN's WAV files with --data DIR or --download, else synthetic recordings).
import { Dense, Dropout, EpyNN, Embedding, Flatten, GRU, RNN, type PythonRandom, random, relu, softmax } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, printPredictions, readPreparedData, settings, writeRead } from '../epynnlive.js';
import { type MusicClipOptions, musicFolder, prepareDataset, readMusicFolder } from './prepare_dataset.js';

export interface AuthorMusicEpynnliveOptions extends EpynnliveOptions, MusicClipOptions {
  cacheDir?: string;
}

/**
 * prepare_dataset.py's prepare_dataset(N_SAMPLES) with Python's `random` (continuing its stream): every clip of
 * every WAV file (label 0 under true/, 1 otherwise), `random.shuffle(dataset)`, the first N_SAMPLES. (EpyNN lists
 * the files with glob, in the file system's order; here in sorted order.)
 */
export function prepareDatasetLive(
  N_SAMPLES: number, data: { clips: ArrayLike<number>[]; labels: number[] }, rng: PythonRandom = random,
): { X: number[][]; Y: number[] } {
  const order = rng.shuffle(Array.from({ length: data.clips.length }, (_, i) => i)).slice(0, N_SAMPLES);
  return { X: order.map((i) => Array.from(data.clips[i])), Y: order.map((i) => data.labels[i]) };
}

/** train.py, top to bottom. `epochs` overrides the script's epochs (10, 3, 5) for every model. */
export function trainScript(options: AuthorMusicEpynnliveOptions = {}): EpynnliveResult {
  const { epochs, seed = 1, quiet = false, samples = 256, modelPath, cacheDir, time, samplingRate } = options;
  const clip = { time, samplingRate }; // clips_music(wav_file, TIME=1, SAMPLING_RATE=10000) unless given
  const { file, dir } = dataOption(options);
  // from settings import se_hPars
  const se_hPars = settings();
  // random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  // download_music()   (here: --download, done by the example runner before this script)
  const folder = file === undefined ? musicFolder(dir, cacheDir) : undefined;

  // X_features, Y_label = prepare_dataset(N_SAMPLES=256)
  // random.seed(1); X_features, Y_label = prepare_dataset(N_SAMPLES=256)   (no data folder: generated clips)
  random.seed(seed);
  let music: { clips: ArrayLike<number>[]; labels: number[] } | undefined;
  if (file === undefined) {
    if (folder !== undefined) music = readMusicFolder(folder, clip);
    else {
      const synthetic = prepareDataset(samples, seed, undefined, clip);
      music = { clips: synthetic.X, labels: synthetic.Y };
    }
  }
  const { X: X_features, Y: Y_label } = file !== undefined ? readPreparedData(file, 'author_music epynnlive') : prepareDatasetLive(samples, music!);

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, X_encode=True, Y_encode=True, batch_size=16, relative_size=(2, 1, 0))
  const embedding = new Embedding({ XData: X_features as number[][], YData: Y_label, XEncode: true, YEncode: true, batchSize: 16, relativeSize: [2, 1, 0] });
  const models: EpyNN[] = [];
  // Each model: model = EpyNN(layers=layers, name=name)
  //             model.initialize(loss='MSE', seed=1, metrics=['accuracy', 'recall', 'precision'], se_hPars=se_hPars.copy())
  //             model.train(epochs=E, init_logs=False)
  const fit = (layers: ConstructorParameters<typeof EpyNN>[0], name: string, E: number): EpyNN => {
    const model = new EpyNN(layers, name);
    model.initialize({ loss: 'MSE', seed, metrics: ['accuracy', 'recall', 'precision'], seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
    model.train({ epochs: epochs ?? E, initLogs: false, quiet });
    models.push(model);
    return model;
  };

  // ### Feed-Forward: name = 'Flatten_Dense-64-relu_Dense-2-softmax'
  // se_hPars['learning_rate'] = 0.01; se_hPars['softmax_temperature'] = 5
  // layers = [embedding, Flatten(), Dense(64, relu), Dropout(0.5), Dense(2, softmax)]; epochs=10
  se_hPars.learning_rate = 0.01;
  se_hPars.softmax_temperature = 5;
  fit([embedding, new Flatten(), new Dense({ units: 64, activate: relu }), new Dropout({ dropProb: 0.5 }), new Dense({ units: 2, activate: softmax })],
    'Flatten_Dense-64-relu_Dense-2-softmax', 10);

  // ### Recurrent: name = 'RNN-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax'
  // se_hPars['learning_rate'] = 0.01; se_hPars['softmax_temperature'] = 1
  // layers = [embedding, RNN(1, sequences=True), Flatten(), Dense(64, relu), Dropout(0.5), Dense(2, softmax)]; epochs=3
  se_hPars.learning_rate = 0.01;
  se_hPars.softmax_temperature = 1;
  fit([embedding, new RNN({ unitCells: 1, sequences: true }), new Flatten(), new Dense({ units: 64, activate: relu }), new Dropout({ dropProb: 0.5 }),
    new Dense({ units: 2, activate: softmax })], 'RNN-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax', 3);

  // name = 'GRU-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax'
  // se_hPars['learning_rate'] = 0.01; se_hPars['softmax_temperature'] = 1
  // layers = [embedding, GRU(1, sequences=True), Flatten(), Dense(64, relu), Dropout(0.5), Dense(2, softmax)]; epochs=5
  se_hPars.learning_rate = 0.01;
  se_hPars.softmax_temperature = 1;
  const last = fit([embedding, new GRU({ unitCells: 1, sequences: true }), new Flatten(), new Dense({ units: 64, activate: relu }), new Dropout({ dropProb: 0.5 }),
    new Dense({ units: 2, activate: softmax })], 'GRU-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax', 5);

  // model.write(); model = read_model()
  const model = writeRead(last, modelPath);
  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features, X_encode=True)
  const fresh = file !== undefined ? (X_features as number[][]).slice(0, 10) : prepareDatasetLive(10, music!).X;
  const dset = model.predict(fresh, { XEncode: true });
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);
  return { models, model };
}
