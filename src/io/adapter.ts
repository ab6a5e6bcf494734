// The file-system hooks behind model.write() and model.plot(). The core never imports fs: the
// Node entry (src/node/index.ts) registers an adapter when imported; in a browser there is none.
import { EpyNNError } from '../commons/errors.js';
import type { PlotOptions } from '../commons/plot.js';
import type { EpyNN } from '../network/models.js';
import type { ToJSONOptions } from './library.js';

export interface WriteOptions extends ToJSONOptions {}

/** What the Node entry provides; each function returns the path it wrote. */
export interface NodeIO {
  writeModel(model: EpyNN, path?: string, options?: WriteOptions): string;
  writePlot(model: EpyNN, options?: PlotOptions): string;
}

let adapter: NodeIO | undefined;

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
