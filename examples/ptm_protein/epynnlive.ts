// EpyNN's epynnlive/ptm_protein/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- ptm_protein --variant epynnlive [--data DIR | --data FILE.json] [--download]
// Each block is headed by the Python it ports. The peptides: examples/ptm_protein/prepare_dataset.ts
// (EpyNN's .dat files with --data DIR or --download, else generated peptides).
import { Dense, Dropout, EpyNN, Embedding, Flatten, LSTM, type PythonRandom, random, relu, softmax } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, plotNoPath, printPredictions, readPreparedData, settings, writeRead } from '../epynnlive.js';
import { peptideFolder, readPeptideFolder, syntheticPeptides } from './prepare_dataset.js';

export interface PtmEpynnliveOptions extends EpynnliveOptions {
  cacheDir?: string;
}

/**
 * prepare_dataset.py's prepare_dataset(N_SAMPLES) with Python's `random` (continuing its stream): positives
 * (label 0) and negatives (1) one sequence per line, `random.shuffle` each, negatives truncated to the number of
 * positives, `random.shuffle(positive + negative)`, the first N_SAMPLES.
 */
export function prepareDatasetLive(
  N_SAMPLES: number, data: { positive: string[]; negative: string[] }, rng: PythonRandom = random,
): { X: string[][]; Y: number[] } {
  const positive = data.positive.map((x): [string[], number] => [[...x], 0]);
  let negative = data.negative.map((x): [string[], number] => [[...x], 1]);
  rng.shuffle(positive);
  rng.shuffle(negative);
  negative = negative.slice(0, positive.length);
  const dataset = rng.shuffle([...positive, ...negative]).slice(0, N_SAMPLES);
  return { X: dataset.map(([x]) => x), Y: dataset.map(([, y]) => y) };
}

/** train.py, top to bottom. `epochs` overrides the script's epochs (100, 20, 20, 20) for every model. */
export function trainScript(options: PtmEpynnliveOptions = {}): EpynnliveResult {
  const { epochs, seed = 1, quiet = false, samples = 1280, modelPath, cacheDir } = options;
  const { file, dir } = dataOption(options);
  // from settings import se_hPars
  const se_hPars = settings();
  // random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  // download_sequences()   (here: --download, done by the example runner before this script)
  const folder = file === undefined ? peptideFolder(dir, cacheDir) : undefined;

  // X_features, Y_label = prepare_dataset(N_SAMPLES=1280)
  // random.seed(1); X_features, Y_label = prepare_dataset(N_SAMPLES=1280)   (no data folder: generated peptides)
  random.seed(seed);
  const peptides = folder !== undefined ? readPeptideFolder(folder) : syntheticPeptides(samples, seed);
  const { X: X_features, Y: Y_label } = file !== undefined ? readPreparedData(file, 'ptm_protein epynnlive') : prepareDatasetLive(samples, peptides);

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, X_encode=True, Y_encode=True, batch_size=32, relative_size=(2, 1, 0))
  const embedding = new Embedding({ XData: X_features as string[][], YData: Y_label, XEncode: true, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });
  const models: EpyNN[] = [];
  // Each model: model = EpyNN(layers=layers, name=name)
  //             model.initialize(loss='MSE', seed=1, se_hPars=se_hPars.copy()); model.train(epochs=E, init_logs=False)
  const fit = (layers: ConstructorParameters<typeof EpyNN>[0], name: string, E: number): EpyNN => {
    const model = new EpyNN(layers, name);
    model.initialize({ loss: 'MSE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
    model.train({ epochs: epochs ?? E, initLogs: false, quiet });
    models.push(model);
    return model;
  };

  // ### Feed-Forward: name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-03_Dense-2-softmax'; se_hPars['learning_rate'] = 0.001
  // flatten = Flatten(); dropout1 = Dropout(drop_prob=0.2); hidden_dense = Dense(64, relu); dropout2 = Dropout(drop_prob=0.3)
  // dense = Dense(2, softmax); epochs=100; model.plot(path=False)
  se_hPars.learning_rate = 0.001;
  plotNoPath(fit([embedding, new Flatten(), new Dropout({ dropProb: 0.2 }), new Dense({ units: 64, activate: relu }), new Dropout({ dropProb: 0.3 }),
    new Dense({ units: 2, activate: softmax })], 'Flatten_Dropout-02_Dense-64-relu_Dropout-03_Dense-2-softmax', 100), quiet);

  // ### Recurrent: name = 'LSTM-8_Dense-2-softmax'; se_hPars['learning_rate'] = 0.1; se_hPars['softmax_temperature'] = 5
  // lstm = LSTM(8); dense = Dense(2, softmax); epochs=20
  se_hPars.learning_rate = 0.1;
  se_hPars.softmax_temperature = 5;
  fit([embedding, new LSTM({ unitCells: 8 }), new Dense({ units: 2, activate: softmax })], 'LSTM-8_Dense-2-softmax', 20);

  // name = 'LSTM-8-Seq_Flatten_Dense-2-softmax'; same hyperparameters
  // lstm = LSTM(8, sequences=True); flatten = Flatten(); dense = Dense(2, softmax); epochs=20; model.plot(path=False)
  se_hPars.learning_rate = 0.1;
  se_hPars.softmax_temperature = 5;
  plotNoPath(fit([embedding, new LSTM({ unitCells: 8, sequences: true }), new Flatten(), new Dense({ units: 2, activate: softmax })],
    'LSTM-8-Seq_Flatten_Dense-2-softmax', 20), quiet);

  // name = 'LSTM-8-Seq_Flatten_Dropout-05_Dense-64-relu_Dropout-05_Dense-2-softmax'; same hyperparameters
  // layers = [embedding, LSTM(8, sequences=True), Flatten(), Dropout(drop_prob=0.5), Dense(64, relu), Dropout(drop_prob=0.5), Dense(2, softmax)]
  // model.initialize(..., end='\r') (dropped: end); epochs=20; model.plot(path=False)
  se_hPars.learning_rate = 0.1;
  se_hPars.softmax_temperature = 5;
  const last = fit([embedding, new LSTM({ unitCells: 8, sequences: true }), new Flatten(), new Dropout({ dropProb: 0.5 }), new Dense({ units: 64, activate: relu }),
    new Dropout({ dropProb: 0.5 }), new Dense({ units: 2, activate: softmax })], 'LSTM-8-Seq_Flatten_Dropout-05_Dense-64-relu_Dropout-05_Dense-2-softmax', 20);
  plotNoPath(last, quiet);

  // model.write(); model = read_model()
  const model = writeRead(last, modelPath);
  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features, X_encode=True)
  // X_features, _ = prepare_dataset(N_SAMPLES=10)   (the same stream continued)
  const fresh = file !== undefined ? (X_features as string[][]).slice(0, 10) : prepareDatasetLive(10, peptides).X;
  const dset = model.predict(fresh, { XEncode: true });
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);
  return { models, model };
}
