// parsePreparedData / readPreparedData: the prepared-data JSON the epynnlive examples read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { EpyNNError, NDArray, parsePreparedData, readPreparedData } from '../../src/node/index.js';
import { throwsWith } from '../helpers/errors.js';

test('numbers as { shape, data }, strings with dtype str, nested arrays, under data or at the top', () => {
  const a = parsePreparedData({ X_features: { shape: [2, 2], data: [1, 2, 3, 4] }, Y_label: [0, 1] });
  expect(a.X).toBeInstanceOf(NDArray);
  expect((a.X as NDArray).toNested()).toEqual([[1, 2], [3, 4]]);
  const s = parsePreparedData(JSON.stringify({ data: { X_features: { shape: [2, 2], data: ['A', 'T', 'G', 'C'], dtype: 'str' }, Y_label: [1, 0] } }));
  expect(s).toEqual({ X: [['A', 'T'], ['G', 'C']], Y: [1, 0] });
  expect(parsePreparedData({ X_features: [[true, false]], Y_label: [0] }).X).toEqual([[true, false]]);
  const dir = mkdtempSync(join(tmpdir(), 'prepared-'));
  try {
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ X_features: [[1]], Y_label: [1] }));
    expect(readPreparedData(join(dir, 'd.json')).Y).toEqual([1]);
    throwsWith(() => readPreparedData(join(dir, 'missing.json')), EpyNNError, 'readPreparedData', 'missing.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throwsWith(() => parsePreparedData('{'), EpyNNError, 'not JSON');
  throwsWith(() => parsePreparedData({ X_features: [[1]] }), EpyNNError, 'Y_label');
  throwsWith(() => parsePreparedData({ X_features: { shape: [3, 2], data: ['A'], dtype: 'str' }, Y_label: [] }), EpyNNError, 'n*s');
});
