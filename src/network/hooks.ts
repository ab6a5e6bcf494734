// The doors of an EpyNN model to its file formats and to the file system. The network does not
// import src/io at run time: src/io knows the network (it builds models) and fills these slots when
// it is loaded (src/io/library.ts registers the JSON format; the Node entry, src/node/fs.ts, the
// file helpers). So `io -> network` is the only runtime direction between the two folders.
import { EpyNNError } from '../errors.js';
import type { PlotOptions } from '../commons/plot.js';
import type { ModelJSON, ReplicaJSONOptions, ToJSONOptions } from '../io/library.js';
import type { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/** Options of `model.write()` (those of `toJSON`). */
export interface WriteOptions extends ToJSONOptions {}

/** What the Node entry provides; each function returns the path it wrote. */
export interface NodeIO {
  /** Writes the model's JSON to `path` (default models/<uname>.json) and returns the path. */
  writeModel(model: EpyNN, path?: string, options?: WriteOptions): string;
  /** Writes the model's SVG chart (default plots/<uname>.svg) and returns the path. */
  writePlot(model: EpyNN, options?: PlotOptions): string;
}

/** Our JSON format (docs/FORMAT.md), as registered by src/io/library.ts. */
export interface ModelFormat {
  toJSON(model: EpyNN, options: ReplicaJSONOptions): ModelJSON;
  fromJSON(json: ModelJSON | string): EpyNN;
}

let adapter: NodeIO | undefined;
let format: ModelFormat | undefined;

/** Registers (or with undefined, removes) the file-system adapter. Called by the Node entry on import. */
export function setNodeIO(io: NodeIO | undefined): void {
  adapter = io;
}

/** The registered adapter, or a clear error for `where` (e.g. 'EpyNN.write'). */
export function nodeIO(where: string, instead: string): NodeIO {
  if (adapter === undefined) {
    throw new EpyNNError(
      `${where}: no file system available (browser build, or the core entry was imported in Node). ` +
        `Use ${instead} instead, or in Node import from 'epynn-ts' (its Node entry registers the file helpers)`,
    );
  }
  return adapter;
}

/** @internal Called once by src/io/library.ts when it is loaded. */
export function setModelFormat(f: ModelFormat): void {
  format = f;
}

/** The registered JSON format, or a clear error for `where`. */
export function modelFormat(where: string): ModelFormat {
  if (format === undefined) {
    throw new EpyNNError(`${where}: the model file format is not loaded; import from 'epynn-ts' (or 'epynn-ts/core'), which loads it`);
  }
  return format;
}

/**
 * Training one batch in shards (src/parallel): `step` runs forward and backward of every shard (on this
 * thread and on worker threads) and leaves the sum of the shards' gradients in each layer's `g`, in a
 * fixed order; the training loop then updates (network/update.ts: clipping where a layer declares it, the optimizer).
 */
export interface ShardedTrainer {
  /** Forward and backward of one batch in shards; returns the network output for the whole batch. */
  step(X: NDArray, Y: NDArray): NDArray;
  /** Ends the train() call: drops the data copied for it (the workers stay, idle). */
  close(): void;
}

/** What src/parallel provides to the network (registered when it is loaded). */
export interface ParallelEngine {
  /** A sharded trainer for one train() call, or undefined to train each batch whole (compat mode, layers whose traits forbid shards). */
  trainer(model: EpyNN): ShardedTrainer | undefined;
  /**
   * The forward pass of many samples, `batch` at a time, spread over the threads; undefined when it
   * runs here as one thread does (modelForwardBatched then runs it; the outputs are the same).
   */
  forward(model: EpyNN, X: NDArray, batch: number, phase: 'evaluation' | 'prediction'): NDArray | undefined;
}

let parallel: ParallelEngine | undefined;

/** @internal Called once by src/parallel/engine.ts when it is loaded. */
export function setParallelEngine(p: ParallelEngine | undefined): void {
  parallel = p;
}

/** The registered parallel engine, if any (without it everything runs on this thread, unsharded). */
export function parallelEngine(): ParallelEngine | undefined {
  return parallel;
}
