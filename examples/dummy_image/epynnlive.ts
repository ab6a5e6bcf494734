// EpyNN's epynnlive/dummy_image/train.py, ported line for line (its architectures, its settings.py
// hyperparameters, epochs and seeds), in compat: 'epynn' mode so that the same data gives EpyNN's numbers.
// Run: npm run example -- dummy_image --variant epynnlive [--data FILE.json]
// Each block is headed by the Python it ports.
import {
  Convolution, Dense, Dropout, EpyNN, Embedding, Flatten, NDArray, Pooling, type PythonRandom, type RandomState, np, random, relu, softmax, zerosLike,
} from '../../src/node/index.js';
import {
  type EpynnliveOptions, type EpynnliveResult, dataOption, printPredictions, readPreparedData, settings, writeRead,
} from '../epynnlive.js';
import { DataFileError } from '../types.js';

export type { EpynnliveOptions, EpynnliveResult };

// ---------------------------------------------------------------------------------------------------
// prepare_dataset.py. Python's `random` and the legacy `np.random`: `random` (CPython's generator) and
// `np.random` (NumPy's legacy RandomState), bit for bit, so the images are EpyNN's very pixels.

/** The two generators prepare_dataset.py draws from: Python's `random` module and `np.random`. */
export interface Generators {
  random: PythonRandom;
  np: { random: RandomState };
}

// def features_image(WIDTH=28, HEIGHT=28):
export function featuresImage(rng: Generators = { random, np }, WIDTH = 28, HEIGHT = 28): { features: NDArray; maskOnFeatures: NDArray } {
  // DEPTH = 1; N_FEATURES = WIDTH * HEIGHT * DEPTH; N_TONES = 16; GSCALE = [i for i in range(N_TONES)]
  const DEPTH = 1;
  const N_FEATURES = WIDTH * HEIGHT * DEPTH;
  const N_TONES = 16;
  const GSCALE = Array.from({ length: N_TONES }, (_, i) => i);
  // features = [random.choice(GSCALE) for j in range(N_FEATURES)]
  // features = np.array(features).reshape(HEIGHT, WIDTH, DEPTH)
  const features = new NDArray(Float64Array.from({ length: N_FEATURES }, () => rng.random.choice(GSCALE)), [HEIGHT, WIDTH, DEPTH]);
  // mask_on_features = features.copy()
  // mask_on_features[np.random.randint(0, HEIGHT)] = np.zeros_like(features[0])
  // mask_on_features[:, np.random.randint(0, WIDTH)] = np.zeros_like(features[:, 0])
  const maskOnFeatures = features.copy();
  maskOnFeatures.assign(zerosLike(features.row(0)), rng.np.random.randint(0, HEIGHT));
  maskOnFeatures.assign(zerosLike(features.slice(null, 0)), null, rng.np.random.randint(0, WIDTH));
  // features = random.choice([features, mask_on_features])
  const chosen = rng.random.choice([features, maskOnFeatures]);
  return { features: chosen, maskOnFeatures };
}

const sum = (x: NDArray): number => x.data.reduce((a, b) => a + b, 0);

// def label_features(features, mask_on_features):
export function labelFeatures(features: NDArray, maskOnFeatures: NDArray): number {
  // p_label = 0; n_label = 1
  const p_label = 0;
  const n_label = 1;
  // if np.sum(features) == np.sum(mask_on_features): label = p_label  elif ...: label = n_label
  return sum(features) === sum(maskOnFeatures) ? p_label : n_label;
}

// def prepare_dataset(N_SAMPLES=100):
export function prepareDataset(N_SAMPLES = 100, rng: Generators = { random, np }): { X_features: NDArray[]; Y_label: number[] } {
  // X_features = []; Y_label = []
  let X_features: NDArray[] = [];
  let Y_label: number[] = [];
  // for i in range(N_SAMPLES): features, mask_on_features = features_image(); label = label_features(...)
  for (let i = 0; i < N_SAMPLES; i++) {
    const { features, maskOnFeatures } = featuresImage(rng);
    const label = labelFeatures(features, maskOnFeatures);
    X_features.push(features);
    Y_label.push(label);
  }
  // dataset = list(zip(X_features, Y_label)); random.shuffle(dataset); X_features, Y_label = zip(*dataset)
  const dataset = X_features.map((x, i) => [x, Y_label[i]] as const);
  rng.random.shuffle(dataset as (readonly [NDArray, number])[]);
  X_features = dataset.map(([x]) => x);
  Y_label = dataset.map(([, y]) => y);
  return { X_features, Y_label };
}

/** Stacks (H, W, D) images into one (N, H, W, D) array (what EpyNN's embedding does with np.array). */
export function stackImages(images: NDArray[]): NDArray {
  const n = images.length;
  const shape = images[0].shape;
  const out = new Float64Array(n * images[0].size);
  images.forEach((im, i) => out.set(im.data, i * im.size));
  return new NDArray(out, [n, ...shape]);
}

/** Reads `{ X_features, Y_label }` as EpyNN's prepare_dataset returned it (live_dummy_image.json's `data`). */
export function readDataset(path: string): { X: NDArray; Y: number[] } {
  const { X, Y } = readPreparedData(path, 'dummy_image epynnlive');
  if (!(X instanceof NDArray)) throw new DataFileError(`dummy_image epynnlive: X_features in ${path} must be { shape, data }`);
  return { X, Y };
}

/** train.py, top to bottom. `epochs` overrides the script's 100 (for a quick run). */
export function trainScript(options: EpynnliveOptions = {}): EpynnliveResult {
  const { epochs = 100, seed = 1, randomSeed = 0, quiet = false, samples = 750, modelPath, logger } = options;
  const { file } = dataOption(options);

  // ########################## CONFIGURE ##########################
  // from settings import se_hPars
  const se_hPars = settings();
  // random.seed(1); np.random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  // (the published notebook train.ipynb seeds random.seed(0), train.py random.seed(1): the notebook's here)
  random.seed(randomSeed);
  np.random.seed(seed);
  const rng: Generators = { random, np };

  // ############################ DATASET ##########################
  // X_features, Y_label = prepare_dataset(N_SAMPLES=750)
  let X_features: NDArray;
  let Y_label: number[];
  if (file !== undefined) ({ X: X_features, Y: Y_label } = readDataset(file));
  else {
    const prepared = prepareDataset(samples, rng);
    X_features = stackImages(prepared.X_features);
    Y_label = prepared.Y_label;
  }

  // ####################### BUILD AND TRAIN MODEL #################
  // embedding = Embedding(X_data=X_features, Y_data=Y_label, X_scale=True, Y_encode=True,
  //                       batch_size=32, relative_size=(2, 1, 0))
  const embedding = new Embedding({
    XData: X_features,
    YData: Y_label,
    XScale: true,
    YEncode: true,
    batchSize: 32,
    relativeSize: [2, 1, 0],
  });

  // ### Feed-Forward
  // name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax'
  let name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax';
  // se_hPars['learning_rate'] = 0.01
  se_hPars.learning_rate = 0.01;
  // flatten = Flatten(); dropout1 = Dropout(drop_prob=0.2); hidden_dense = Dense(64, relu)
  // dropout2 = Dropout(drop_prob=0.5); dense = Dense(2, softmax)
  let flatten = new Flatten();
  const dropout1 = new Dropout({ dropProb: 0.2 });
  const hidden_dense = new Dense({ units: 64, activate: relu });
  const dropout2 = new Dropout({ dropProb: 0.5 });
  let dense = new Dense({ units: 2, activate: softmax });
  // layers = [embedding, flatten, dropout1, hidden_dense, dropout2, dense]
  let layers = [embedding, flatten, dropout1, hidden_dense, dropout2, dense];
  // model = EpyNN(layers=layers, name=name)
  let model = new EpyNN(layers, name);
  if (logger !== undefined) model.logger = logger;
  // model.initialize(loss='MSE', seed=1, se_hPars=se_hPars.copy())
  model.initialize({ loss: 'MSE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
  // model.train(epochs=100, init_logs=False)
  model.train({ epochs, initLogs: false, quiet });
  const feedForward = model;

  // ### Convolutional Neural Network
  // name = 'Convolution-6-4_Pooling-2-Max_Flatten_Dense-2-softmax'   (the published notebook train.ipynb names
  // the same model 'Convolution-6-2_Pooling-3-3-Max_Flatten_Dense-2-softmax': its name here, so that the table matches)
  name = 'Convolution-6-2_Pooling-3-3-Max_Flatten_Dense-2-softmax';
  // se_hPars['learning_rate'] = 0.001
  se_hPars.learning_rate = 0.001;
  // convolution = Convolution(unit_filters=6, filter_size=(4, 4), activate=relu)
  const convolution = new Convolution({ unitFilters: 6, filterSize: [4, 4], activate: relu });
  // pooling = Pooling(pool_size=(2, 2))
  const pooling = new Pooling({ poolSize: [2, 2] });
  // flatten = Flatten(); dense = Dense(2, softmax)
  flatten = new Flatten();
  dense = new Dense({ units: 2, activate: softmax });
  // layers = [embedding, convolution, pooling, flatten, dense]
  layers = [embedding, convolution, pooling, flatten, dense] as typeof layers;
  // model = EpyNN(layers=layers, name=name)
  model = new EpyNN(layers, name);
  if (logger !== undefined) model.logger = logger;
  // model.initialize(loss='MSE', seed=1, se_hPars=se_hPars.copy())
  model.initialize({ loss: 'MSE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
  // model.train(epochs=100, init_logs=False)
  model.train({ epochs, initLogs: false, quiet });
  const cnn = model;

  // ### Write/read model
  // model.write(); model = read_model()
  model = writeRead(model, modelPath);

  // ### Predict
  // X_features, _ = prepare_dataset(N_SAMPLES=10)
  const fresh = prepareDataset(10, rng);
  // dset = model.predict(X_features)
  const dset = model.predict(stackImages(fresh.X_features));
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);

  return { models: [feedForward, cnn], model };
}
