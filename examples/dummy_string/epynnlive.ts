// EpyNN's epynnlive/dummy_string/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- dummy_string --variant epynnlive [--data FILE.json]
// Each block is headed by the Python it ports. prepare_dataset.py draws from Python's `random`
// module: here `random` (PythonRandom, CPython's generator bit for bit), so the data are EpyNN's very samples.
import { Dense, EpyNN, Embedding, Flatten, GRU, LSTM, RNN, type PythonRandom, random, softmax } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, plotNoPath, printPredictions, readPreparedData, settings, writeRead } from '../epynnlive.js';

// prepare_dataset.py
// def features_string(N_FEATURES=12): WORDS = ['A', 'T', 'G', 'C']; [random.choice(WORDS) for j in range(N_FEATURES)]
export function featuresString(rng: PythonRandom = random, N_FEATURES = 12): string[] {
  const WORDS = ['A', 'T', 'G', 'C'];
  return Array.from({ length: N_FEATURES }, () => rng.choice(WORDS));
}

// def label_features(features): p_label (0) if features[0] == features[-1], else n_label (1)
export function labelFeatures(features: string[]): number {
  return features[0] === features[features.length - 1] ? 0 : 1;
}

// def prepare_dataset(N_SAMPLES=100): features and labels, then random.shuffle(dataset)
export function prepareDataset(N_SAMPLES = 100, rng: PythonRandom = random): { X_features: string[][]; Y_label: number[] } {
  const dataset: [string[], number][] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const features = featuresString(rng);
    dataset.push([features, labelFeatures(features)]);
  }
  rng.shuffle(dataset);
  return { X_features: dataset.map(([x]) => x), Y_label: dataset.map(([, y]) => y) };
}

/**
 * train.py, top to bottom, with the epochs of the published notebook train.ipynb (50 for the Feed-Forward
 * model, 10 for the recurrent ones; train.py trains each 50). `epochs` overrides them all.
 */
export function trainScript(options: EpynnliveOptions = {}): EpynnliveResult {
  const { epochs, seed = 1, quiet = false, samples = 480, modelPath, logger } = options;
  const { file } = dataOption(options);
  // from settings import se_hPars
  const se_hPars = settings();
  // random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  random.seed(seed);
  const rng = random;

  // X_features, Y_label = prepare_dataset(N_SAMPLES=480)
  let X_features: unknown;
  let Y_label: number[];
  if (file !== undefined) ({ X: X_features, Y: Y_label } = readPreparedData(file, 'dummy_string epynnlive'));
  else ({ X_features, Y_label } = prepareDataset(samples, rng));

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, X_encode=True, Y_encode=True, relative_size=(2, 1, 0))
  const embedding = new Embedding({ XData: X_features as string[][], YData: Y_label, XEncode: true, YEncode: true, relativeSize: [2, 1, 0] });
  const models: EpyNN[] = [];
  // Each model: model = EpyNN(layers=layers, name=name)
  //             model.initialize(loss='BCE', seed=1, se_hPars=se_hPars.copy()); model.train(epochs=50, init_logs=False)
  //             model.plot(path=False)
  const fit = (layers: ConstructorParameters<typeof EpyNN>[0], name: string, notebookEpochs: number): EpyNN => {
    const model = new EpyNN(layers, name);
    if (logger !== undefined) model.logger = logger;
    model.initialize({ loss: 'BCE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
    model.train({ epochs: epochs ?? notebookEpochs, initLogs: false, quiet });
    plotNoPath(model, quiet);
    models.push(model);
    return model;
  };

  // ### Feed-Forward: name = 'Flatten_Dense-2-softmax'; se_hPars['learning_rate'] = 0.001
  // flatten = Flatten(); dense = Dense(2, softmax); layers = [embedding, flatten, dense]
  se_hPars.learning_rate = 0.001;
  fit([embedding, new Flatten(), new Dense({ units: 2, activate: softmax })], 'Flatten_Dense-2-softmax', 50);

  // ### RNN: name = 'RNN-1_Dense-2-softmax'; se_hPars['learning_rate'] = 0.001
  // rnn = RNN(1); dense = Dense(2, softmax); layers = [embedding, rnn, dense]
  se_hPars.learning_rate = 0.001;
  fit([embedding, new RNN({ unitCells: 1 }), new Dense({ units: 2, activate: softmax })], 'RNN-1_Dense-2-softmax', 10);

  // ### LSTM: name = 'LSTM-1_Dense-2-softmax'; se_hPars['learning_rate'] = 0.005
  // lstm = LSTM(1); dense = Dense(2, softmax); layers = [embedding, lstm, dense]
  se_hPars.learning_rate = 0.005;
  fit([embedding, new LSTM({ unitCells: 1 }), new Dense({ units: 2, activate: softmax })], 'LSTM-1_Dense-2-softmax', 10);

  // ### GRU: name = 'GRU-1_Dense-2-softmax'; se_hPars['learning_rate'] = 0.005
  // gru = GRU(1); flatten = Flatten() (unused by the script); dense = Dense(2, softmax); layers = [embedding, gru, dense]
  se_hPars.learning_rate = 0.005;
  const last = fit([embedding, new GRU({ unitCells: 1 }), new Dense({ units: 2, activate: softmax })], 'GRU-1_Dense-2-softmax', 10);

  // model.write(); model = read_model()
  const model = writeRead(last, modelPath);
  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features, X_encode=True)
  const dset = model.predict(prepareDataset(10, rng).X_features, { XEncode: true });
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);
  return { models, model };
}
