// Node-only files of the interchange formats: TF.js (folder with model.json + weights) and ONNX.
// Each file is written durably by writeFileAtomic (temporary file, every byte, fsync, rename).
import { checkOptions } from '../commons/checks.js';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EpyNNError } from '../commons/errors.js';
import { toONNX } from '../io/onnx.js';
import { TFJS_WEIGHTS_FILE, type TFJSModelJSON, fromTFJS, toTFJS } from '../io/tfjs.js';
import type { EpyNN } from '../network/models.js';
import { writeFileAtomic } from './fs.js';


/** Largest model.json / weights file readTFJS reads (1 GiB). */
const MAX_BYTES = 2 ** 30;

function readBytes(file: string, where: string): Uint8Array {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EpyNNError(code === 'ENOENT' ? `${where}: no such file: ${file}` : `${where}: cannot read ${file}: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new EpyNNError(`${where}: ${file} is not a regular file`);
  if (st.size > MAX_BYTES) throw new EpyNNError(`${where}: ${file} holds ${st.size} bytes, more than the ${MAX_BYTES} read`);
  return new Uint8Array(readFileSync(file));
}

/**
 * Writes the model in the TF.js Layers format into the folder `dir` (created if needed):
 * `model.json` and `group1-shard1of1.bin`, loadable with `tf.loadLayersModel('file://dir/model.json')`
 * (tfjs-node) or over HTTP in a browser. Returns the path of model.json. The weights file is
 * written before model.json, so a model.json on disk always has its weights.
 */
export function writeTFJS(model: EpyNN, dir: string): string {
  if (typeof dir !== 'string' || dir === '') throw new EpyNNError(`writeTFJS: dir must be a folder path, got ${JSON.stringify(dir)}`);
  const { modelJSON, weightData } = toTFJS(model);
  writeFileAtomic(join(dir, TFJS_WEIGHTS_FILE), new Uint8Array(weightData), 'writeTFJS');
  const file = join(dir, 'model.json');
  writeFileAtomic(file, JSON.stringify(modelJSON), 'writeTFJS');
  return file;
}

/**
 * Reads a TF.js Layers model (a folder holding model.json, or the path of model.json itself; the
 * weight shards are read from the manifest's paths next to it) as an EpyNN model. See fromTFJS.
 */
export function readTFJS(path: string, options?: { loss?: string }): EpyNN {
  options = checkOptions('readTFJS', options, ['loss'], { call: 'readTFJS', lead: 'path, ', primary: 'loss', example: "'MSE'" });
  const where = 'readTFJS';
  if (typeof path !== 'string' || path === '') throw new EpyNNError(`${where}: path must be a folder or a model.json path, got ${JSON.stringify(path)}`);
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'model.json');
  } catch {
    // reported by readBytes
  }
  const text = new TextDecoder().decode(readBytes(file, where));
  let json: TFJSModelJSON;
  try {
    json = JSON.parse(text) as TFJSModelJSON;
  } catch (err) {
    throw new EpyNNError(`${where}: ${file} is not JSON (${(err as Error).message})`);
  }
  const manifest = Array.isArray(json?.weightsManifest) ? json.weightsManifest : [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of Array.isArray(group.paths) ? group.paths : []) {
      if (typeof p !== 'string' || p.includes('/') || p.includes('\\') || p === '..' || p === '.' || basename(p) !== p) {
        throw new EpyNNError(`${where}: weight file ${JSON.stringify(p)} in ${file} must be a plain file name next to model.json`);
      }
      shards.push(readBytes(join(dirname(resolve(file)), p), where));
    }
  }
  const total = shards.reduce((n, s) => n + s.length, 0);
  const weights = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    weights.set(s, o);
    o += s.length;
  }
  return fromTFJS(json, weights, options);
}

/** Writes the model as ONNX (opset 13, float32) to `path`; returns the path. See toONNX. */
export function writeONNX(model: EpyNN, path: string): string {
  if (typeof path !== 'string' || path === '') throw new EpyNNError(`writeONNX: path must be a file path, got ${JSON.stringify(path)}`);
  writeFileAtomic(path, toONNX(model), 'writeONNX');
  return path;
}
