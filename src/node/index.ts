// epynn-ts for Node: everything in the core entry, plus files (model.write(), readModel(), model.plot()).
// Importing this module registers the file-system adapter used by EpyNN.write and EpyNN.plot.
export * from '../index.js';
export {
  MAX_MODEL_BYTES, MODELS_DIR, PLOTS_DIR, type ReadOptions, newestModelFile, readModel, removeStaleTemps, writeFileAtomic, writeModel, writePlot, writeSVG,
} from './fs.js';
export { readTFJS, writeONNX, writeTFJS } from './formats.js';
export { readPyTorch, writeFolderAtomic, writePyTorch } from './pytorch.js';
