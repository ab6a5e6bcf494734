// Node-only file helpers: model files and SVG plots, written atomically (temp file + rename).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EpyNNError } from '../commons/errors.js';
import { type PlotOptions, plotSVG } from '../commons/plot.js';
import { type NodeIO, type WriteOptions, setNodeIO } from '../io/adapter.js';
import { modelFromJSON, modelToJSON, parseModelJSON } from '../io/library.js';
import type { EpyNN } from '../network/models.js';

/** Default folders, relative to the working directory (as EpyNN). */
export const MODELS_DIR = 'models';
/** Default folder of `model.plot()`: plots/ under the current directory. */
export const PLOTS_DIR = 'plots';

/**
 * Writes `text` to `path` so that a reader never sees a partial file: the bytes go to a temporary
 * file in the same folder, are flushed to disk, then renamed over `path` (atomic on POSIX and NTFS).
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes the model as JSON (docs/FORMAT.md); default `models/<uname>.json`. Returns the path. */
export function writeModel(model: EpyNN, path?: string, options: WriteOptions = {}): string {
  const file = path ?? join(MODELS_DIR, `${model.uname}.json`);
  const text = JSON.stringify(modelToJSON(model, options));
  writeFileAtomic(file, text);
  return file;
}

/** The newest `.json` file in `dir` (by modification time, then name). */
export function newestModelFile(dir = MODELS_DIR): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    throw new EpyNNError(`readModel: no folder ${resolve(dir)} (write a model first with model.write(), or pass a path)`);
  }
  const files = names.map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t || (b.f < a.f ? -1 : 1));
  if (files.length === 0) throw new EpyNNError(`readModel: no model file (*.json) in ${resolve(dir)}`);
  return files[0].f;
}

/** Reads a model written by model.write(); default: the newest file in `models/`. */
export function readModel(path?: string): EpyNN {
  const file = path ?? newestModelFile();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EpyNNError(code === 'ENOENT' ? `readModel: no such file: ${file}` : `readModel: cannot read ${file}: ${(err as Error).message}`);
  }
  const where = `readModel(${file})`;
  return modelFromJSON(parseModelJSON(text, where), where);
}

/** Writes an SVG document; returns the path. */
export function writeSVG(svg: string, path: string): string {
  writeFileAtomic(path, svg);
  return path;
}

/** Writes the model's training curves; default `plots/<uname>.svg`. Returns the path. */
export function writePlot(model: EpyNN, { path, ...chart }: PlotOptions = {}): string {
  return writeSVG(plotSVG(model, chart), path ?? join(PLOTS_DIR, `${model.uname}.svg`));
}

export const nodeFileSystem: NodeIO = { writeModel, writePlot };
setNodeIO(nodeFileSystem);
