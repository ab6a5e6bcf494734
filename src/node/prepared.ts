// Reading prepared data files (Node): see parsePreparedData in src/commons/prepared.ts.
import { readFileSync } from 'node:fs';
import { EpyNNError } from '../errors.js';
import { type PreparedData, parsePreparedData } from '../commons/prepared.js';

/**
 * Reads a prepared-data JSON file, `{ "X_features", "Y_label" }` (what a prepare_dataset.py returned; see
 * `parsePreparedData` for the format). `where` names the caller in errors.
 */
export function readPreparedData(path: string, where = 'readPreparedData'): PreparedData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EpyNNError(`${where}: cannot read the data file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parsePreparedData(text, `${where} (${path})`);
}
