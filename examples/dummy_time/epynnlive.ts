// EpyNN's epynnlive/dummy_time/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- dummy_time --variant epynnlive [--data FILE.json]
// Each block is headed by the Python it ports. prepare_dataset.py's `random` and `np.random`:
// `random` (CPython's generator) and `np.random` (NumPy's legacy RandomState), bit for bit, so the data are EpyNN's.
import { Dense, Dropout, EpyNN, Embedding, Flatten, NDArray, RNN, type PythonRandom, type RandomState, crSin, np, random, relu, softmax } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, plotNoPath, printPredictions, readPreparedData, settings, writeRead } from '../epynnlive.js';

/** The two generators prepare_dataset.py draws from: Python's `random` module and `np.random`. */
export interface Generators {
  random: PythonRandom;
  np: { random: RandomState };
}

/** np.sin: the correctly rounded sine (C's sin, as NumPy calls it, on all but rare inputs). */
const sin = crSin;

// prepare_dataset.py
// def features_time(TIME=1, SAMPLING_RATE=128):
export function featuresTime(rng: Generators = { random, np }, TIME = 1, SAMPLING_RATE = 128): { features: Float64Array; white_noise: Float64Array } {
  // N_FEATURES = TIME * SAMPLING_RATE; features = np.linspace(0, TIME, N_FEATURES, endpoint=False)
  const N_FEATURES = TIME * SAMPLING_RATE;
  const step = TIME / N_FEATURES;
  let features: Float64Array = Float64Array.from({ length: N_FEATURES }, (_, i) => i * step);
  // signal_frequency = random.uniform(0, SAMPLING_RATE // 4)
  const signal_frequency = rng.random.uniform(0, Math.floor(SAMPLING_RATE / 4));
  // features = np.sin(2 * np.pi * signal_frequency * features)
  const w = 2 * Math.PI * signal_frequency;
  features = features.map((t) => sin(w * t));
  // white_noise = np.random.normal(0, scale=0.5, size=N_FEATURES)
  const white_noise = rng.np.random.normal(0, 0.5, N_FEATURES).data;
  // features = random.choice([features + white_noise, white_noise])
  const signal = features.map((v, i) => v + white_noise[i]);
  features = rng.random.choice([signal, white_noise]);
  return { features, white_noise };
}

// def label_features(features, white_noise): p_label (0) if any(features != white_noise), else n_label (1)
export function labelFeatures(features: Float64Array, white_noise: Float64Array): number {
  return features.some((v, i) => v !== white_noise[i]) ? 0 : 1;
}

// def prepare_dataset(N_SAMPLES=100): features (expand_dims(features, 1)) and labels, then random.shuffle(dataset)
export function prepareDataset(N_SAMPLES = 100, rng: Generators = { random, np }): { X_features: NDArray[]; Y_label: number[] } {
  const dataset: [NDArray, number][] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const { features, white_noise } = featuresTime(rng);
    const label = labelFeatures(features, white_noise);
    dataset.push([new NDArray(features, [features.length, 1]), label]);
  }
  rng.random.shuffle(dataset);
  return { X_features: dataset.map(([x]) => x), Y_label: dataset.map(([, y]) => y) };
}

/** (N_FEATURES, 1) samples stacked into (N, N_FEATURES, 1). */
export function stack(samples: NDArray[]): NDArray {
  const out = new Float64Array(samples.length * samples[0].size);
  samples.forEach((s, i) => out.set(s.data, i * s.size));
  return new NDArray(out, [samples.length, ...samples[0].shape]);
}

/** train.py, top to bottom. `epochs` overrides the script's 100 for every model. */
export function trainScript(options: EpynnliveOptions = {}): EpynnliveResult {
  const { epochs = 100, seed = 1, quiet = false, samples = 1024, modelPath, logger } = options;
  const { file } = dataOption(options);
  // from settings import se_hPars
  const se_hPars = settings();
  // random.seed(1); np.random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  random.seed(seed);
  np.random.seed(seed);
  const rng: Generators = { random, np };

  // X_features, Y_label = prepare_dataset(N_SAMPLES=1024)
  let X_features: NDArray;
  let Y_label: number[];
  if (file !== undefined) {
    const d = readPreparedData(file, 'dummy_time epynnlive');
    X_features = d.X instanceof NDArray ? d.X : new NDArray(Float64Array.from((d.X as number[][][]).flat(2)), [d.X.length, (d.X[0] as unknown[]).length, 1]);
    Y_label = d.Y;
  } else {
    const p = prepareDataset(samples, rng);
    X_features = stack(p.X_features);
    Y_label = p.Y_label;
  }

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, Y_encode=True, relative_size=(2, 1, 0))
  let embedding = new Embedding({ XData: X_features, YData: Y_label, YEncode: true, relativeSize: [2, 1, 0] });
  const models: EpyNN[] = [];
  // Each model: model = EpyNN(layers=layers, name=name)
  //             model.initialize(loss='MSE', seed=1, se_hPars=se_hPars.copy()); model.train(epochs=100, init_logs=False)
  const fit = (layers: ConstructorParameters<typeof EpyNN>[0], name: string): EpyNN => {
    const model = new EpyNN(layers, name);
    if (logger !== undefined) model.logger = logger;
    model.initialize({ loss: 'MSE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
    model.train({ epochs, initLogs: false, quiet });
    models.push(model);
    return model;
  };

  // ### Feed-Forward: name = 'Flatten_Dense-64-relu_Dense-2-softmax'; se_hPars['learning_rate'] = 0.005
  // flatten = Flatten(); hidden_dense = Dense(64, relu); dense = Dense(2, softmax); model.plot(path=False)
  se_hPars.learning_rate = 0.005;
  plotNoPath(fit([embedding, new Flatten(), new Dense({ units: 64, activate: relu }), new Dense({ units: 2, activate: softmax })],
    'Flatten_Dense-64-relu_Dense-2-softmax'), quiet);

  // ### Dropout: name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax'; se_hPars['learning_rate'] = 0.005
  // [embedding, Flatten(), Dropout(drop_prob=0.2), Dense(64, relu), Dropout(drop_prob=0.5), Dense(2, softmax)]; model.plot(path=False)
  se_hPars.learning_rate = 0.005;
  plotNoPath(fit([embedding, new Flatten(), new Dropout({ dropProb: 0.2 }), new Dense({ units: 64, activate: relu }),
    new Dropout({ dropProb: 0.5 }), new Dense({ units: 2, activate: softmax })], 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax'), quiet);

  // ### Recurrent: name = 'RNN-10_Flatten_Dense-2-softmax'; se_hPars['learning_rate'] = 0.01; se_hPars['softmax_temperature'] = 5
  // rnn = RNN(10); dense = Dense(2, softmax); layers = [embedding, rnn, dense]
  se_hPars.learning_rate = 0.01;
  se_hPars.softmax_temperature = 5;
  fit([embedding, new RNN({ unitCells: 10 }), new Dense({ units: 2, activate: softmax })], 'RNN-10_Flatten_Dense-2-softmax');

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, Y_encode=True, batch_size=32, relative_size=(2, 1, 0))
  embedding = new Embedding({ XData: X_features, YData: Y_label, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });
  // name = 'RNN-10_Flatten_Dense-2-softmax'; same hyperparameters; rnn = RNN(10); dense = Dense(2, softmax)
  // model.initialize(..., end='\r') (dropped: end); model.plot(path=False)
  se_hPars.learning_rate = 0.01;
  se_hPars.softmax_temperature = 5;
  const last = fit([embedding, new RNN({ unitCells: 10 }), new Dense({ units: 2, activate: softmax })], 'RNN-10_Flatten_Dense-2-softmax');
  plotNoPath(last, quiet);

  // model.write(); model = read_model()
  const model = writeRead(last, modelPath);
  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features)
  const dset = model.predict(stack(prepareDataset(10, rng).X_features));
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);
  return { models, model };
}
