/**
 * epynn-ts for Node.js: everything in `epynn-ts/core`, plus files — `model.write()`, `readModel()`,
 * `model.plot()`, and TF.js / ONNX files (`writeTFJS`, `readTFJS`, `writeONNX`).
 *
 * @example
 * ```js
 * import { EpyNN, Dense, Embedding, readModel } from 'epynn-ts';
 * ```
 * @module epynn-ts
 */
// epynn-ts for Node: everything in the core entry, plus files (model.write(), readModel(), model.plot()).
// Importing this module registers the file-system adapter used by EpyNN.write and EpyNN.plot.
export * from '../index.js';
export {
  MAX_MODEL_BYTES, MAX_NAME_LENGTH, MODELS_DIR, PLOTS_DIR, type ReadOptions, defaultPath, makeFolders, newestModelFile, readModel, refuseSystemPath, removeStaleTemps, safeFileName,
  writeFileAtomic, writeModel, writePlot, writeSVG, writeTarget,
} from './fs.js';
export { TFJS_SHARDS_KEY, type TFJSShardRecord, readTFJS, refuseOverwrite, writeONNX, writeTFJS } from './formats.js';
export { readPreparedData } from './prepared.js';
export { readPyTorch, writeFolderAtomic, writePyTorch } from './pytorch.js';
