// Embedding inputs (issue #10 item 4, the Embedding part): nested arrays, an NDArray, or an array of
// NDArrays (what EpyNN's captcha prepare_dataset returns) give the same datasets; embeddingCheck and
// embeddingEncode are EpyNN's embedding_check and embedding_encode.
import { describe, expect, test } from 'vitest';
import { Dense, EpyNN, Embedding, NDArray, array } from '../../src/index.js';
import { embeddingCheck, embeddingEncode } from '../../src/embedding/models.js';

const nested = Array.from({ length: 9 }, (_, i) => [[i, i + 1], [i * 2, 1 - i]]);
const labels = Array.from({ length: 9 }, (_, i) => i % 3);

describe('Embedding accepts nested arrays, an NDArray, or an array of NDArrays', () => {
  const fromNested = new Embedding({ XData: nested, YData: labels, YEncode: true });
  test.each([
    ['an NDArray', () => new Embedding({ XData: array(nested), YData: array(labels), YEncode: true })],
    ['an array of NDArrays', () => new Embedding({ XData: nested.map((x) => array(x)), YData: labels, YEncode: true })],
    ['one-hot labels as an array of NDArrays', () => new Embedding({ XData: nested.map((x) => array(x)), YData: labels.map((y) => array([0, 1, 2].map((k) => +(k === y)))) })],
  ])('%s gives the same datasets as nested arrays', (_name, make) => {
    const e = make();
    for (const k of ['dtrain', 'dval', 'dtest'] as const) {
      expect(e[k].X.shape).toEqual(fromNested[k].X.shape);
      expect([...e[k].X.data]).toEqual([...fromNested[k].X.data]);
      expect(e[k].active).toBe(fromNested[k].active);
      if (fromNested[k].active) expect([...(e[k].Y as NDArray).data]).toEqual([...(fromNested[k].Y as NDArray).data]);
    }
  });

  test("the caller's arrays are copied, never mutated or aliased", () => {
    const samples = nested.map((x) => array(x));
    const before = samples.map((x) => [...x.data]);
    const e = new Embedding({ XData: samples, YData: labels, XScale: true });
    expect(samples.map((x) => [...x.data])).toEqual(before);
    e.dtrain.X.data[0] = 99;
    expect(samples[0].data[0]).toBe(0);
  });

  test('a model trains and predicts on an array of NDArrays', () => {
    const X = nested.map((x) => array(x.flat()));
    const model = new EpyNN([new Embedding({ XData: X, YData: labels.map((y) => y % 2) }), new Dense()], 'ndarrays');
    model.train({ epochs: 2, quiet: true, initLogs: false });
    expect(model.predict(X.slice(0, 3)).A.shape).toEqual([3, 1]);
  });
});

describe('embeddingCheck and embeddingEncode', () => {
  test('embeddingCheck converts and checks; embeddingEncode one-hot encodes X and Y', () => {
    const layer = new Embedding();
    const checked = embeddingCheck(['ab', 'ba'], [0, 1], true);
    expect(checked.X).toEqual([['a', 'b'], ['b', 'a']]);
    const { X, Y } = embeddingEncode(layer, checked.X, checked.Y, true, true);
    expect(X.shape).toEqual([2, 2, 2]);
    expect([...X.data]).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
    expect([...(Y as NDArray).data]).toEqual([1, 0, 0, 1]);
    expect(layer.d.e).toBe(2);
    expect([...layer.e2i]).toEqual([['a', 0], ['b', 1]]);
  });

  test('embeddingEncode with XScale keeps the training range on the layer', () => {
    const layer = new Embedding();
    const { X } = embeddingEncode(layer, array([[2, 4], [6, 10]]), undefined, false, false, true);
    expect([...X.data]).toEqual([0, 0.25, 0.5, 1]);
    expect(layer.XScaleRange).toEqual([2, 10]);
  });
});
