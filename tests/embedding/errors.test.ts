import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Embedding } from '../../src/embedding/models.js';

const X = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]];
const Y = [0, 1, 0, 1, 0, 1];

describe('Embedding rejects bad input with clear errors', () => {
  test('X/Y length mismatch', () => {
    expect(() => new Embedding({ XData: X, YData: [0, 1] })).toThrow(/XData and YData must have the same number of samples, got 6 and 2/);
  });
  test('empty data', () => {
    expect(() => new Embedding({ XData: [], YData: [] })).toThrow(/XData is empty/);
  });
  test('ragged samples', () => {
    expect(() => new Embedding({ XData: [[1, 2], [3]], YData: [0, 1] })).toThrow(/XData must be numeric with one shape for every sample: .*ragged/);
    expect(() => new Embedding({ XData: ['ACG', 'AC'], XEncode: true })).toThrow(/ragged sequences: sample 0 has length 3, sample 1 has length 2/);
  });
  test('YEncode labels that are not 0..k-1', () => {
    expect(() => new Embedding({ XData: X, YData: [0, 1, 2, 5, 0, 1], YEncode: true })).toThrow(/YEncode needs labels 0\.\.3 \(4 distinct labels\), got 5/);
    expect(() => new Embedding({ XData: X, YData: [0, 1, 0.5, 1, 0, 1], YEncode: true })).toThrow(/got 0.5/);
  });
  test('negative or all-zero relativeSize', () => {
    expect(() => new Embedding({ XData: X, YData: Y, relativeSize: [2, -1, 0] })).toThrow(/relativeSize must be three non-negative numbers/);
    expect(() => new Embedding({ XData: X, YData: Y, relativeSize: [0, 0, 0] })).toThrow(/relativeSize must not be all zero/);
  });
  test('batchSize < 1 or larger than dtrain', () => {
    expect(() => new Embedding({ XData: X, YData: Y, batchSize: 0 })).toThrow(/batchSize must be an integer >= 1 .* got 0/);
    expect(() => new Embedding({ XData: X, YData: Y, batchSize: 1.5 })).toThrow(/got 1.5/);
    expect(() => new Embedding({ XData: X, YData: Y, batchSize: 5 })).toThrow(/batchSize 5 is larger than dtrain \(4 samples\)/);
  });
  test('XScale on constant data', () => {
    expect(() => new Embedding({ XData: [[1, 1], [1, 1]], YData: [0, 1], XScale: true })).toThrow(/XScale needs at least two distinct feature values, got constant data/);
  });
  test('errors are EpyNNErrors', () => {
    expect(() => new Embedding({ XData: [], YData: [] })).toThrow(EpyNNError);
  });
});

describe('Embedding behaviour', () => {
  test('the caller data is not mutated', () => {
    const XA = NDArray.from(X);
    const before = XA.data.slice();
    const emb = new Embedding({ XData: XA, YData: Y, XScale: true });
    emb.dtrain.X.data[0] = 99;
    expect(XA.data).toEqual(before);
  });
  test('strings are split into characters and predict-time maps are kept', () => {
    const emb = new Embedding({ XData: ['CAT', 'ACT', 'TAC'], YData: [0, 1, 0], XEncode: true, relativeSize: [1, 0, 0] });
    expect([...emb.e2i.keys()]).toEqual(['A', 'C', 'T']);
    expect(emb.dtrain.X.shape).toEqual([3, 3, 3]);
    expect([...emb.i2e.values()]).toEqual(['A', 'C', 'T']);
  });
  test('mini-batches: the remainder that does not fill a batch is dropped, reshuffled each epoch', () => {
    const XX = Array.from({ length: 10 }, (_, i) => [i]);
    const emb = new Embedding({ XData: XX, YData: XX.map((_, i) => i % 2), batchSize: 3, relativeSize: [1, 0, 0] });
    emb.seed(4);
    const seen1 = emb.trainingBatches().map((b) => Array.from(b.X.data));
    expect(seen1.length).toBe(3);
    expect(seen1.flat().length).toBe(9);
    expect(new Set(seen1.flat()).size).toBe(9);
    const seen2 = emb.trainingBatches().map((b) => Array.from(b.X.data));
    expect(seen2.flat()).not.toEqual(seen1.flat());
    // labels follow their samples
    for (const b of emb.batchDtrain) for (let i = 0; i < 3; i++) expect(b.Y!.data[i]).toBe(b.X.data[i] % 2);
  });
  test('the same seed gives the same batches', () => {
    const XX = Array.from({ length: 20 }, (_, i) => [i]);
    const make = () => {
      const emb = new Embedding({ XData: XX, YData: XX.map((_, i) => i % 2), batchSize: 4, relativeSize: [1, 0, 0] });
      emb.seed(9);
      return [emb.trainingBatches(), emb.trainingBatches()].map((bs) => bs.map((b) => Array.from(b.X.data)));
    };
    expect(make()).toEqual(make());
    expect(seededRng(1).permutation(8)).toEqual(seededRng(1).permutation(8));
  });
});
