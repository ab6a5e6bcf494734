// Prepared data as EpyNN's prepare_dataset.py returns it, in JSON: `{ X_features, Y_label }` (or the same under
// `data`). Browser-safe (a string or a parsed object); `readPreparedData(path)` in the Node entry reads a file.
import { show } from './checks.js';
import { EpyNNError } from '../errors.js';
import { NDArray } from './ndarray.js';

/** Features and labels of prepared data: X an NDArray (numbers) or nested arrays (strings, ragged data). */
export interface PreparedData {
  /** `X_features`: an NDArray for `{ shape, data }` numbers, else the nested arrays as given. */
  X: NDArray | unknown[];
  /** `Y_label`: one label per sample. */
  Y: number[];
}

/**
 * Parses prepared data: `{ "X_features": ..., "Y_label": [...] }` (or the same under `"data"`, as the
 * fixtures keep it), the JSON of what a prepare_dataset.py returned. `X_features` is either nested arrays
 * or `{ "shape": [...], "data": [...] }` row-major (numbers, or strings with `"dtype": "str"`, 2-D: one list
 * of strings per sample). `where` names the caller in errors.
 */
export function parsePreparedData(input: string | object, where = 'parsePreparedData'): PreparedData {
  let json: any = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (err) {
      throw new EpyNNError(`${where}: the prepared data is not JSON: ${(err as Error).message}`);
    }
  }
  if (json === null || typeof json !== 'object') throw new EpyNNError(`${where}: expected { X_features, Y_label }, got ${show(json)}`);
  const d = json.data ?? json;
  const X = d?.X_features;
  const Y = d?.Y_label;
  if (X === undefined || !Array.isArray(Y)) throw new EpyNNError(`${where}: expected { X_features, Y_label } (Y_label a list), got keys ${show(Object.keys(d ?? {}))}`);
  if (Y.some((y) => typeof y !== 'number' || !Number.isFinite(y))) throw new EpyNNError(`${where}: Y_label must hold finite numbers, got ${show(Y.find((y) => typeof y !== 'number' || !Number.isFinite(y)))}`);
  if (Array.isArray(X)) return { X, Y };
  if (X === null || typeof X !== 'object' || !Array.isArray(X.shape) || !Array.isArray(X.data)) {
    throw new EpyNNError(`${where}: X_features must be nested arrays or { shape, data }, got ${show(X)}`);
  }
  if (X.dtype === 'str') {
    const [n, s] = X.shape as number[];
    if (X.shape.length !== 2 || n * s !== X.data.length) throw new EpyNNError(`${where}: string X_features must be 2-D { shape: [n, s] } with n*s values, got shape ${show(X.shape)} and ${X.data.length} values`);
    return { X: Array.from({ length: n }, (_, i) => X.data.slice(i * s, (i + 1) * s)), Y };
  }
  if ((X.data as unknown[]).some((v) => typeof v !== 'number')) throw new EpyNNError(`${where}: X_features.data must hold numbers (or use dtype "str")`);
  return { X: new NDArray(Float64Array.from(X.data as number[]), X.shape), Y };
}
