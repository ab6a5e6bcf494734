// The training embedding's transformation goes with the model: predict() on raw data applies the
// training data's scaling range and element map; a model read from a file without data trains again
// once given data (setData / train({ data })).
import { describe, expect, test } from 'vitest';
import { sigmoid, softmax, tanh } from '../../src/activation/functions.js';
import { EpyNNError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import '../../src/io/library.js'; // registers the JSON format
import { EpyNN } from '../../src/network/models.js';

/** Features in [100, 300] (far from [0, 1]): the label is whether the first exceeds the second. */
function raw(n: number, seed: number) {
  const rng = seededRng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: 3 }, () => 100 + 200 * rng.uniform()));
  const Y = X.map((x) => (x[0] > x[1] ? 1 : 0));
  return { X, Y };
}

function scaledModel(seed = 1) {
  const { X, Y } = raw(120, seed);
  const emb = new Embedding({ XData: X, YData: Y, XScale: true, YEncode: true, batchSize: 10 });
  const model = new EpyNN([emb, new Dense({ units: 8, activate: tanh }), new Dense({ units: 2, activate: softmax })], 'scaled');
  model.initialize({ loss: 'MSE', seed: 2, seHPars: { learning_rate: 0.5 }, quiet: true });
  model.train({ epochs: 30, quiet: true });
  return { model, X, Y };
}

const params = (m: EpyNN) => m.layers.map((l) => Object.fromEntries(Object.entries(l.p).map(([k, v]) => [k, Array.from(v.data)])));

describe('predict applies the training embedding transformation', () => {
  test('XScale: raw data is scaled with the training min/max, not its own', () => {
    const { model, X } = scaledModel();
    const [min, max] = model.embedding.XScaleRange!;
    expect(min).toBe(Math.min(...X.flat()));
    expect(max).toBe(Math.max(...X.flat()));
    const XNew = raw(40, 9).X;
    const byHand = XNew.map((x) => x.map((v) => (v - min) / (max - min)));
    const auto = model.predict(XNew);
    const manual = model.predict(byHand, { XScale: false });
    expect(Array.from(auto.A.data)).toEqual(Array.from(manual.A.data));
    // one sample alone works (scaling over itself would be a different, wrong input)
    expect(Array.from(model.predict([XNew[0]]).A.data)).toEqual(Array.from(manual.A.data.subarray(0, 2)));
    // and it predicts well: above the majority class on new data
    const truth = raw(40, 9).Y;
    const correct = truth.filter((y, i) => auto.P.data[i] === y).length;
    const majority = Math.max(truth.filter((y) => y === 1).length, truth.filter((y) => y === 0).length);
    expect(correct).toBeGreaterThan(majority);
  });

  test('explicit XScale: true without a training range scales over the new X (EpyNN)', () => {
    const { X, Y } = raw(60, 4);
    const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true }), new Dense({ units: 2, activate: softmax })], 'plain');
    model.initialize({ quiet: true, seed: 1 });
    const XNew = new NDArray(Float64Array.from([1, 2, 3, 5, 6, 9]), [2, 3]);
    const scaled = new NDArray(XNew.data.map((v) => (v - 1) / 8), [2, 3]);
    expect(Array.from(model.predict(XNew, { XScale: true }).A.data)).toEqual(Array.from(model.predict(scaled).A.data));
  });

  test("compat: 'epynn' follows EpyNN's arguments: no transformation unless asked, XScale over the new X", () => {
    const { X, Y } = raw(60, 4);
    const model = new EpyNN([new Embedding({ XData: X, YData: Y, XScale: true, YEncode: true }), new Dense({ units: 2, activate: softmax })], 'compat');
    model.initialize({ quiet: true, seed: 1, compat: 'epynn' });
    const XNew = [[100, 200, 300], [150, 120, 290]];
    const asGiven = model.predict(XNew);
    expect(Array.from(asGiven.A.data)).toEqual(Array.from(model.predict(XNew, { XScale: false }).A.data));
    const own = XNew.map((x) => x.map((v) => (v - 100) / 200));
    expect(Array.from(model.predict(XNew, { XScale: true }).A.data)).toEqual(Array.from(model.predict(own).A.data));
  });

  test('XEncode: sequences are one-hot encoded with the training element map', () => {
    const words = ['abc', 'cab', 'bca', 'aab', 'bbc', 'cca', 'abb', 'cac'];
    const XData = Array.from({ length: 48 }, (_, i) => words[i % words.length]);
    const YData = XData.map((w) => (w[0] === 'a' ? 1 : 0));
    const emb = new Embedding({ XData, YData, XEncode: true, YEncode: true });
    const model = new EpyNN([emb, new Flatten(), new Dense({ units: 2, activate: softmax })], 'words');
    model.initialize({ quiet: true, seed: 1 });
    const e = [...emb.e2i.keys()];
    expect(e).toEqual(['a', 'b', 'c']);
    const oneHot = ['cab'].map((w) => [...w].map((c) => e.map((x) => (x === c ? 1 : 0))));
    expect(Array.from(model.predict(['cab']).A.data)).toEqual(Array.from(model.predict(oneHot, { XEncode: false }).A.data));
    expect(() => model.predict(['abz'])).toThrow(/element 'z' of sample 0 was not seen/);
  });

  test('the scaling range is saved with the model and used after reading', () => {
    const { model } = scaledModel();
    const again = EpyNN.fromJSON(JSON.stringify(model.toJSON()));
    expect(again.embedding.XScaleRange).toEqual(model.embedding.XScaleRange);
    const XNew = raw(10, 5).X;
    expect(Array.from(again.predict(XNew).A.data)).toEqual(Array.from(model.predict(XNew).A.data));
    // a file without the range (older writer): predict says what to pass instead of guessing
    const json = model.toJSON();
    delete json.embedding.XScaleRange;
    json.version = 1; // older writers wrote version 1, without the whole-document checksum
    delete json.checksum;
    const old = EpyNN.fromJSON(json);
    expect(() => old.predict(XNew)).toThrow(/training data's range is unknown.*\{ XScale: false \}/);
  });
});

describe('continue training after reading a model written without data', () => {
  test('train() without data says how to give it data', () => {
    const { model } = scaledModel();
    const read = EpyNN.fromJSON(model.toJSON());
    expect(() => read.train({ epochs: 1, quiet: true })).toThrow(EpyNNError);
    expect(() => read.train({ epochs: 1, quiet: true })).toThrow(/model\.train\(\{ epochs, data: \{ XData, YData \} \}\) or model\.setData/);
  });

  test('train({ data }) continues exactly as the original model would', () => {
    const { model, X, Y } = scaledModel();
    const read = EpyNN.fromJSON(model.toJSON());
    read.train({ epochs: 3, quiet: true, data: { XData: X, YData: Y } });
    model.train({ epochs: 3, quiet: true });
    expect(read.epochsDone).toBe(33);
    expect(params(read)).toEqual(params(model));
    expect(read.metrics.accuracy).toEqual(model.metrics.accuracy);
  });

  test('setData then train, with labels missing a class still one-hot over the model outputs', () => {
    const { model, X, Y } = scaledModel();
    const read = EpyNN.fromJSON(model.toJSON());
    const ones = X.filter((_, i) => Y[i] === 1);
    read.setData({ XData: ones, YData: ones.map(() => 1) });
    expect(read.embedding.dtrain.Y!.shape[1]).toBe(2);
    read.train({ epochs: 1, quiet: true });
    expect(read.epochsDone).toBe(31);
  });

  test('data that does not fit the model is a clear error', () => {
    const { model } = scaledModel();
    const read = EpyNN.fromJSON(model.toJSON());
    const X2 = Array.from({ length: 30 }, (_, i) => [i, 30 - i]);
    expect(() => read.setData({ XData: X2, YData: X2.map((_, i) => i % 2) })).toThrow(
      'EpyNN.setData: XData samples have shape (2,) but the model was built for (3,)',
    );
    expect(read.embedding.dtrain.active).toBe(false); // unchanged: still the data-less model
    const sig = new EpyNN([new Embedding({ XData: [[0], [1], [2], [3]], YData: [0, 1, 0, 1] }), new Dense({ units: 1, activate: sigmoid })], 's');
    sig.initialize({ quiet: true, seed: 1 });
    expect(() => sig.setData({ XData: [[0], [1], [2]], YData: [[0, 1], [1, 0], [0, 1]] })).toThrow(
      'EpyNN.setData: YData has 2 label column(s) but the model outputs 1',
    );
  });
});
