// Save / load: identical predictions, identical continued training, shared hyperparameters.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpyNN } from '../../src/network/models.js';
import { readModel, writeModel } from '../../src/node/fs.js';
import { FORMAT_NAME, FORMAT_VERSION, modelChecksum, modelFromJSON, type ModelJSON } from '../../src/io/library.js';
import { imageData, imageModel, sequenceData, sequenceModel } from './models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-io-'));

/** Exact equality of two Float64Arrays, NaN included (bitwise on the values). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function expectSameParameters(a: EpyNN, b: EpyNN): void {
  expect(b.layers.map((l) => l.name)).toEqual(a.layers.map((l) => l.name));
  a.layers.forEach((layer, i) => {
    expect(Object.keys(b.layers[i].p).sort()).toEqual(Object.keys(layer.p).sort());
    for (const [k, v] of Object.entries(layer.p)) {
      expect(b.layers[i].p[k].shape, `${layer.name}.${k}`).toEqual(v.shape);
      expect(sameBits(b.layers[i].p[k].data, v.data), `${layer.name}.${k}`).toBe(true);
    }
  });
}

describe('round trip of a model holding every layer type', () => {
  it('image model (Embedding, Convolution, Pooling, Dropout, Flatten, Dense): same parameters and predictions', () => {
    const model = imageModel(3);
    model.train({ epochs: 3, quiet: true });
    const path = model.write(join(dir, 'image.json'));
    const loaded = readModel(path);
    expectSameParameters(model, loaded);
    const X = imageData(7, 99).X;
    const a = model.predict(X);
    const b = loaded.predict(X);
    expect(sameBits(b.A.data, a.A.data)).toBe(true);
    expect([...b.P.data]).toEqual([...a.P.data]);
    // metrics history, including the NaN of an undefined precision
    expect(loaded.metrics).toEqual(model.metrics);
    expect(Object.values(model.metrics).flat(2).some(Number.isNaN)).toBe(true);
    expect([loaded.name, loaded.uname, loaded.loss, loaded.seed, loaded.epochsDone]).toEqual([model.name, model.uname, 'CCE', 3, 3]);
  });

  it('sequence model (RNN, LSTM, GRU, Dropout, Dense, XEncode): same predictions, element map and options', () => {
    const model = sequenceModel(5);
    model.train({ epochs: 2, quiet: true });
    const text = JSON.stringify(model); // JSON.stringify uses model.toJSON()
    const loaded = EpyNN.fromJSON(text);
    expectSameParameters(model, loaded);
    const X = sequenceData(9, 42).X;
    const a = model.predict(X, { XEncode: true });
    const b = loaded.predict(X, { XEncode: true });
    expect(sameBits(b.A.data, a.A.data)).toBe(true);
    expect([...loaded.embedding.e2i]).toEqual([...model.embedding.e2i]);
    expect(loaded.embedding.labelColumns).toBe(2);
    expect(loaded.layers.map((l) => l.toConfig())).toEqual(model.layers.map((l) => l.toConfig()));
    // predictions only: the training data is not stored by default
    expect(loaded.embedding.dtrain.active).toBe(false);
    expect(text).not.toContain('"dtrain"');
  });

  it('keeps the sharing of seHPars: inherited layers share the model object, own seHPars stay separate', () => {
    const model = sequenceModel(2);
    const loaded = modelFromJSON(model.toJSON());
    const [emb, rnn, lstm, gru] = loaded.layers;
    expect(rnn.seHPars).toBe(loaded.seHPars);
    expect(gru.seHPars).toBe(loaded.seHPars);
    expect(emb.seHPars).toBe(loaded.seHPars);
    expect(lstm.seHPars).not.toBe(loaded.seHPars);
    expect(lstm.seHPars?.learning_rate).toBe(0.05);
    expect(loaded.seHPars.learning_rate).toBe(0.2);
    expect(loaded.inheritedHPars.has(lstm)).toBe(false);
    expect(loaded.inheritedHPars.size).toBe(5);
  });

  it('writes a documented header and bit-exact base64 parameters', () => {
    const model = imageModel(1);
    const json = model.toJSON();
    expect(json.format).toBe(FORMAT_NAME);
    expect(json.version).toBe(FORMAT_VERSION);
    const W = json.layers[1].params.W;
    expect(W.dtype).toBe('float64le');
    // independent oracle: Node's Buffer reads the same little-endian doubles
    const buf = Buffer.from(W.data, 'base64');
    const values = Array.from({ length: buf.length / 8 }, (_, i) => buf.readDoubleLE(i * 8));
    expect(values).toEqual([...model.layers[1].p.W.data]);
  });

  it('an uninitialized model round-trips its architecture', () => {
    const { X } = imageData(10, 1);
    const json = imageModel(1).toJSON();
    const edited = { ...json, model: { ...json.model, initialized: false }, layers: json.layers.map((l) => ({ ...l, params: {} })) } as ModelJSON;
    const blank = modelFromJSON({ ...edited, checksum: modelChecksum(edited) });
    expect(blank.initialized).toBe(false);
    expect(() => blank.predict(X)).toThrow('EpyNN.predict: the model is not initialized');
    expect(blank.layers.map((l) => l.toConfig())).toEqual(imageModel(1).layers.map((l) => l.toConfig()));
  });
});

describe('training continues exactly after a save and a load', () => {
  for (const [name, make] of [['image', imageModel], ['sequence', sequenceModel]] as const) {
    it(`${name}: 4 epochs + write/read + 4 epochs equals 8 epochs in one go (batches shuffled, dropout on)`, () => {
      const once = make(7).train({ epochs: 8, quiet: true });

      const first = make(7).train({ epochs: 4, quiet: true });
      const path = writeModel(first, join(dir, `${name}-4.json`), { includeData: true });
      const second = readModel(path).train({ epochs: 4, quiet: true });

      expect(second.epochsDone).toBe(8);
      expectSameParameters(once, second);
      expect(second.metrics).toEqual(once.metrics);
      expect(Object.values(second.metrics)[0][0]).toHaveLength(8);
    });
  }

  it('the data round-trips bit-exactly with includeData', () => {
    const model = imageModel(4);
    const loaded = EpyNN.fromJSON(JSON.stringify(model.toJSON({ includeData: true })));
    for (const k of ['dtrain', 'dval', 'dtest'] as const) {
      expect(sameBits(loaded.embedding[k].X.data, model.embedding[k].X.data)).toBe(true);
      expect(loaded.embedding[k].X.shape).toEqual(model.embedding[k].X.shape);
      expect([...loaded.embedding[k].Y!.data]).toEqual([...model.embedding[k].Y!.data]);
    }
  });
});

describe('default paths and atomic writes', () => {
  it('write() defaults to models/<uname>.json and readModel() reads the newest file there', () => {
    const cwd = process.cwd();
    const work = mkdtempSync(join(tmpdir(), 'epynn-cwd-'));
    process.chdir(work);
    try {
      const a = imageModel(1);
      const pa = a.write();
      expect(pa).toBe(join('models', `${a.uname}.json`));
      const b = sequenceModel(1);
      b.uname = `${b.uname}_later`;
      const pb = b.write();
      expect(readModel().uname).toBe(b.uname);
      expect(JSON.parse(readFileSync(pb, 'utf8')).model.uname).toBe(b.uname);
      // no temporary file is left behind
      expect(readdirSync('models').sort()).toEqual([`${a.uname}.json`, `${b.uname}.json`].sort());
    } finally {
      process.chdir(cwd);
    }
  });
});
