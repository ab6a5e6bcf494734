/**
 * The library without the file system, for browsers (and Node): layers, the network, models as JSON
 * strings, plots as SVG strings, TF.js and ONNX in memory. In Node, import `epynn-ts`, which adds files.
 *
 * @example
 * ```js
 * import { EpyNN, Dense, Embedding } from 'epynn-ts/core';
 * ```
 * @module epynn-ts/core
 */
// epynn-ts public API: the one entry point (runs in Node and in browsers; Node-only helpers live in src/node).
export { EpyNNError, ShapeError, StateError } from './errors.js';
export { FileWriteError, ModelFileError, NonFiniteError } from './errors.js';
export { type Backend, getBackend, setBackend } from './commons/backend.js';
export {
  NDArray, type Shape, type Nested, array, toNested, zeros, zerosLike, ones, full, reshape, fmt, size, sameShape,
  map, map2, add, sub, mul, scale, sum, sumAxis0, transpose, argmax, dot, roundHalfEven,
} from './commons/ndarray.js';
export { type SliceIndex, stack, concatenate, expandDims, linspace, arange, BoolArray, countNonzero } from './commons/ndarray.js';
export {
  type Element, type Elements, type ElementToIdx, type IdxToElement, oneHotEncode, oneHotEncodeSequence, oneHotDecodeSequence,
  encodeDataset, scaleFeatures, indexElementsAuto, padding,
} from './commons/io.js';
export { type Rng, type RngState, restoreRng, seededRng } from './commons/rng.js';
export type { ChoiceOptions } from './commons/rng.js';
export { NumpyRng, type NumpyRngState, numpyRng } from './commons/numpy_rng.js';
export { PythonRandom, type PythonRandomState, random } from './commons/python_random.js';
export { crLog, crSin, crCos } from './commons/libm.js';
/** Math.exp, expm1, tanh, log, log1p, pow, sin and cos with the same bits on every JavaScript engine (fdlibm's algorithms, as Node 20 computes Math.*). */
export * as fdlibm from './fdlibm.js';
export { type PreparedData, parsePreparedData } from './commons/prepared.js';
export { RandomState, type RandomStateState, type RandomStateTuple, type Size, np } from './commons/random_state.js';
export {
  Layer, DataSet, sgdUpdate, optimizerUpdate, type LayerTraits, type Mode, type Phase, BARE_MODE, DEFAULT_TRAITS, INDEPENDENT_TRAITS, CLIPPING_TRAITS,
} from './commons/models.js';
// The seams of training (docs/CONCEPTS.md "Seams"): optimizers and callbacks
export { type Optimizer, type UpdateArgs, epynnSGD, checkOptimizer } from './commons/optimizer.js';
export {
  type SGDOptions, type AdamOptions, type RMSpropOptions, type AdagradOptions, sgd, adam, adamw, rmsprop, adagrad, OPTIMIZERS, type OptimizerFactory, optimizerFromConfig, registerOptimizer, optimizerNames,
} from './optimizers/index.js';
export { CLIP_NORM_EPS, clipByGlobalNorm, clipByValue, parameterGradients } from './optimizers/clip.js';
export { type Callback, type CallbackEvent, type CallbackHook, type StopWhen, type History, CALLBACK_HOOKS } from './callbacks/callback.js';
export {
  type MonitorMode, type EarlyStoppingOptions, type EarlyStopping, type ModelCheckpointOptions, type ModelCheckpoint, type ReduceLROnPlateauOptions,
  type ReduceLROnPlateau, earlyStopping, modelCheckpoint, reduceLROnPlateau, monitorDirection,
} from './callbacks/index.js';
export { E_SAFE, hadamard, clipGradient } from './commons/maths.js';
export { type Loss, MSE, MAE, MSLE, CCE, BCE, lossFunctions } from './commons/loss.js';
export { type Metric, accuracy, recall, precision, fscore, specificity, NPV, metricsFunctions, evaluateMetric } from './commons/metrics.js';
export { type Schedule, type ScheduleArgs, scheduleLrate, scheduleFunctions, steady, exp_decay, lin_decay } from './commons/schedule.js';
export { type Output, defaultOutput, silentOutput, memoryOutput } from './commons/logs.js';
export { type HPars, seHPars, defaultHPars } from './settings.js';
export {
  type Activation, identity, relu, lrelu, elu, sigmoid, tanh, softmax, activationBackward,
  registerActivation, getActivation, activationName, nameOf,
} from './activation/functions.js';
export {
  type Initializer, xavier, orthogonal, registerInitializer, getInitializer, initializerName,
} from './initialization/functions.js';

export { Embedding, type EmbeddingOptions } from './embedding/models.js';
export { Convolution, type ConvolutionOptions } from './convolution/models.js';
export { Dense, type DenseOptions } from './dense/models.js';
export { Flatten, type FlattenOptions } from './flatten/models.js';
export { Pooling, type PoolingOptions, type PoolName, POOLS } from './pooling/models.js';
export { Dropout, type DropoutOptions } from './dropout/models.js';
export { BatchNormalization, type BatchNormalizationOptions } from './batchnorm/models.js';
export { LayerNormalization, type LayerNormalizationOptions, type LayerNormAxis } from './layernorm/models.js';
export { RNN, type RNNOptions, type RNNConfig } from './rnn/models.js';
export { LSTM, type LSTMOptions, type LSTMConfig } from './lstm/models.js';
export { GRU, type GRUOptions, type GRUConfig } from './gru/models.js';

export { EpyNN, type EpyNNOptions, type InitializeOptions, type TrainOptions, type PredictOptions } from './network/models.js';
export { type ModelSummary, type LayerSummaryRow, modelSummary, formatBytes } from './network/summary.js';

// Models as JSON (browser-safe), the layer registry, plots as SVG strings
export {
  type ModelJSON, type LayerJSON, type ArrayJSON, type DataSetJSON, type ToJSONOptions,
  FORMAT_NAME, FORMAT_VERSION, modelToJSON, modelFromJSON, parseModelJSON, encodeArray, decodeArray,
} from './io/library.js';
export { type LayerClass, registerLayer, getLayerClass, layerTypes } from './io/registry.js';
export { type NodeIO, type WriteOptions, setNodeIO } from './io/adapter.js';
export {
  type Series, type ChartOptions, type PlotOptions, lineChartSVG, metricSeries, plotSVG, terminalChart, modelTerminalChart, niceTicks,
} from './commons/plot.js';

// Interchange formats over one portable description (src/io/portable.ts): TF.js (export and import), ONNX (export)
export {
  type PortableModel, type PortableLayer, type PortableActivation, type Preprocessing, describeModel, buildModel, preprocess,
} from './io/portable.js';
export { type TFJSModelJSON, type TFJSArtifacts, type TFJSWeightSpec, TFJS_WEIGHTS_FILE, checkManifest, toTFJS, fromTFJS } from './io/tfjs.js';
export { MAX_PARAMETERS, MAX_SAMPLE_VALUES, type ReadLimits } from './io/limits.js';
export { ONNX_OPSET, ONNX_IR_VERSION, toONNX } from './io/onnx.js';
export {
  PYTORCH_FILES, PYTORCH_FORMAT, PYTORCH_VERSION, type PyTorchHPars, type PyTorchOptions, type PyTorchSidecar, type PyTorchTrainLayer, type PyTorchOptimizer,
  checkPyTorchSidecar, fromPyTorch, toPyTorch, optimizerSlots,
} from './io/pytorch.js';
export { decodeNpy, decodeNpz, encodeNpy, encodeNpz } from './io/npy.js';

// Data parallelism over worker threads (training, evaluation, predict): the thread count
export { setThreads, getThreads, threadsForced, threadsNote, threadStats, startThreads } from './parallel/engine.js';
