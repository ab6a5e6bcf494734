// EpyNN's epynnlive/dummy_boolean/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- dummy_boolean --variant epynnlive [--data FILE.json]
// Each block is headed by the Python it ports. prepare_dataset.py draws from Python's `random` module: here
// `random` (PythonRandom, CPython's generator bit for bit), so the data are EpyNN's very samples.
import { Dense, EpyNN, Embedding, type PythonRandom, random } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, plotNoPath, printPredictions, readPreparedData, writeRead } from '../epynnlive.js';

// prepare_dataset.py
// def features_boolean(N_FEATURES=11): features = [random.choice([True, False]) for j in range(N_FEATURES)]
export function featuresBoolean(rng: PythonRandom = random, N_FEATURES = 11): boolean[] {
  return Array.from({ length: N_FEATURES }, () => rng.choice([true, false]));
}

// def label_features(features): p_label = 0 if more True than False, n_label = 1 if fewer
export function labelFeatures(features: boolean[]): number {
  const p_label = 0;
  const n_label = 1;
  const t = features.filter((f) => f).length;
  return t > features.length - t ? p_label : n_label;
}

// def prepare_dataset(N_SAMPLES=100): features and labels, then random.shuffle(dataset)
export function prepareDataset(N_SAMPLES = 100, rng: PythonRandom = random): { X_features: boolean[][]; Y_label: number[] } {
  const dataset: [boolean[], number][] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const features = featuresBoolean(rng);
    dataset.push([features, labelFeatures(features)]);
  }
  rng.shuffle(dataset);
  return { X_features: dataset.map(([x]) => x), Y_label: dataset.map(([, y]) => y) };
}

/** NumPy reads booleans as 0/1. */
const asNumbers = (X: boolean[][]): number[][] => X.map((s) => s.map(Number));

/** train.py, top to bottom. `epochs` overrides the script's 100. */
export function trainScript(options: EpynnliveOptions = {}): EpynnliveResult {
  const { epochs = 100, seed = 1, quiet = false, samples = 50, modelPath, logger } = options;
  const { file } = dataOption(options);

  // random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory(clear=True))
  random.seed(seed);
  const rng = random;

  // X_features, Y_label = prepare_dataset(N_SAMPLES=50)
  let X_features: unknown;
  let Y_label: number[];
  if (file !== undefined) ({ X: X_features, Y: Y_label } = readPreparedData(file, 'dummy_boolean epynnlive'));
  else {
    const p = prepareDataset(samples, rng);
    X_features = asNumbers(p.X_features);
    Y_label = p.Y_label;
  }

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, relative_size=(2, 1, 0))
  const embedding = new Embedding({ XData: X_features as number[][], YData: Y_label, relativeSize: [2, 1, 0] });

  // name = 'Perceptron_Dense-1-sigmoid'; dense = Dense()
  const name = 'Perceptron_Dense-1-sigmoid';
  const dense = new Dense();
  // model = EpyNN(layers=[embedding, dense], name=name)
  let model = new EpyNN({ layers: [embedding, dense], name });
  if (logger !== undefined) model.logger = logger;
  // model.train(epochs=100)   (EpyNN's train() first calls initialize() with its defaults: no seed)
  model.train({ epochs, quiet, compat: 'epynn' });
  const perceptron = model;
  // model.plot(path=False)
  plotNoPath(model, quiet);

  // model.write(); model = read_model()
  model = writeRead(model, modelPath);

  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features)
  const fresh = asNumbers(prepareDataset(10, rng).X_features);
  const dset = model.predict(fresh);
  // for n, pred, probs, features in zip(dset.ids, dset.P, dset.A, dset.X): print(n, pred, probs, features)
  printPredictions(dset, quiet, (i) => `[${fresh[i].join(' ')}]`);
  return { models: [perceptron], model };
}
