// Every way a model file can be wrong gives its own clear error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Activation, registerActivation, sigmoid } from '../../src/activation/functions.js';
import { EpyNNError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { type Initializer, registerInitializer, xavier } from '../../src/initialization/functions.js';
import { setNodeIO } from '../../src/io/adapter.js';
import { type ModelJSON, modelChecksum, modelFromJSON } from '../../src/io/library.js';
import { registerLayer } from '../../src/io/registry.js';
import { EpyNN } from '../../src/network/models.js';
import { nodeFileSystem, readModel } from '../../src/node/fs.js';
import { imageModel } from './models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-io-err-'));
const base = imageModel(1).toJSON();
const clone = (): ModelJSON => JSON.parse(JSON.stringify(base)) as ModelJSON;
/** An edited document with its checksum recomputed, so the check behind the checksum is what fails. */
const signed = (json: ModelJSON): ModelJSON => ({ ...json, checksum: modelChecksum(json) });
const denseIndex = base.layers.findIndex((l) => l.type === 'Dense');

/** A tiny Dense model on 4 features. */
function denseModel(activate: Activation = sigmoid, initialization: Initializer = xavier): EpyNN {
  const X = [[0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]];
  const model = new EpyNN([new Embedding({ XData: X, YData: [0, 1, 0, 1], relativeSize: [1, 0, 0] }), new Dense({ activate, initialization })], 'tiny');
  return model.initialize({ seed: 1, quiet: true });
}

describe('reading a file', () => {
  it('missing file', () => {
    const path = join(dir, 'nope.json');
    expect(() => readModel(path)).toThrow(`readModel: no such file: ${path}`);
  });

  it('no models folder for the default path', () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'epynn-empty-')));
    try {
      expect(() => readModel()).toThrow(/readModel: no folder .*models \(write a model first with model\.write\(\), or pass a path\)/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('truncated file', () => {
    const path = join(dir, 'truncated.json');
    const text = JSON.stringify(base);
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    expect(() => readModel(path)).toThrow(`readModel(${path}): the file is truncated or is not JSON`);
    expect(() => EpyNN.fromJSON(text.slice(0, 100))).toThrow('EpyNN.fromJSON: the file is truncated or is not JSON');
  });

  it('corrupted parameter bytes fail the checksum', () => {
    const json = clone();
    const W = json.layers[denseIndex].params.W;
    const c = W.data[10];
    W.data = W.data.slice(0, 10) + (c === 'A' ? 'B' : 'A') + W.data.slice(11);
    expect(() => modelFromJSON(signed(json))).toThrow(
      new RegExp(`EpyNN.fromJSON: layer ${denseIndex} \\(Dense\\): parameter W: checksum mismatch \\(file says [0-9a-f]{8}, data gives [0-9a-f]{8}\\): the file is corrupted`),
    );
  });

  it('corrupted base64 and missing bytes', () => {
    const bad = clone();
    bad.layers[denseIndex].params.b.data = '!' + bad.layers[denseIndex].params.b.data.slice(1);
    expect(() => modelFromJSON(signed(bad))).toThrow(`layer ${denseIndex} (Dense): parameter b: corrupted data (base64: invalid character "!" at position 0)`);
    const short = clone();
    short.layers[denseIndex].params.W.data = short.layers[denseIndex].params.W.data.slice(16);
    expect(() => modelFromJSON(signed(short))).toThrow('parameter W: data holds 180 bytes but shape (12, 2) needs 192 (8 per value): the file is truncated or corrupted');
  });

  it('unknown format version, and a file that is not a model', () => {
    expect(() => modelFromJSON({ ...clone(), version: 99 })).toThrow(
      'EpyNN.fromJSON: unsupported format version 99; this epynn-ts reads versions 1, 2 and 3 (written by a newer epynn-ts: upgrade)',
    );
    expect(() => EpyNN.fromJSON('{"hello": 1}')).toThrow('EpyNN.fromJSON: not an epynn-ts model (the "format" field must be "epynn-ts/model")');
  });

  it('unknown layer type', () => {
    const json = clone();
    json.layers[2].type = 'Conv3D';
    expect(() => modelFromJSON(signed(json))).toThrow(
      "EpyNN.fromJSON: layer 2 (Conv3D): unknown layer type 'Conv3D'; known: Embedding, Dense, Convolution, Pooling, Flatten, Dropout, RNN, LSTM, GRU",
    );
  });

  it('parameter shape that does not match the architecture', () => {
    const json = clone();
    json.layers[denseIndex].params.W.shape = [2, 12]; // same bytes and checksum, transposed shape
    expect(() => modelFromJSON(signed(json))).toThrow(`EpyNN.fromJSON: layer ${denseIndex} (Dense): parameter W has shape (2, 12) but the architecture needs (12, 2)`);
    const units = clone();
    (units.layers[denseIndex].config as { units: number }).units = 3;
    expect(() => modelFromJSON(signed(units))).toThrow(`EpyNN.fromJSON: layer ${denseIndex} (Dense): d.u is 2 but the architecture gives 3`);
    units.layers[denseIndex].d.u = 3;
    expect(() => modelFromJSON(signed(units))).toThrow(`layer ${denseIndex} (Dense): parameter W has shape (12, 2) but the architecture needs (12, 3)`);
    const missing = clone();
    delete (missing.layers[denseIndex].params as Record<string, unknown>).b;
    expect(() => modelFromJSON(signed(missing))).toThrow(`layer ${denseIndex} (Dense): parameter b is missing`);
    const extra = clone();
    extra.layers[denseIndex].params.Q = extra.layers[denseIndex].params.b;
    expect(() => modelFromJSON(signed(extra))).toThrow(`layer ${denseIndex} (Dense): unexpected parameter Q (the architecture has W, b)`);
  });
});

describe('custom activations, initializers and layers must be registered by name', () => {
  it('an unregistered activation fails on write', () => {
    const cube: Activation = (x, deriv = false) => new NDArray(x.data.map((v) => (deriv ? 3 * v * v : v ** 3)), x.shape);
    const model = denseModel(cube);
    expect(() => model.toJSON()).toThrow(
      "EpyNN.toJSON: layer 1 (Dense): the activation 'cube' (option activate) is not registered by name; call registerActivation('cube', fn) before writing, and again before reading the model",
    );
    expect(() => model.write(join(dir, 'cube.json'))).toThrow("the activation 'cube' (option activate) is not registered by name");
  });

  it('a registered activation round-trips; one unknown when reading fails with its name', () => {
    const square: Activation = (x, deriv = false) => new NDArray(x.data.map((v) => (deriv ? 2 * v : v * v)), x.shape);
    registerActivation('io_square', square);
    const model = denseModel(square);
    const loaded = modelFromJSON(model.toJSON());
    expect((loaded.layers[1] as Dense).activate).toBe(square);
    expect([...loaded.predict([[1, 0, 1, 1]]).A.data]).toEqual([...model.predict([[1, 0, 1, 1]]).A.data]);
    // a reader that never registered it (simulated by another name)
    const json = model.toJSON();
    (json.layers[1].config as { activate: string }).activate = 'io_never_registered';
    expect(() => modelFromJSON(signed(json))).toThrow(/EpyNN\.fromJSON: layer 1 \(Dense\): activation 'io_never_registered' is not registered; known: .*io_square.* \(use registerActivation\)/);
  });

  it('an unregistered initializer fails on write and on read', () => {
    const ones: Initializer = (shape) => new NDArray(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
    expect(() => denseModel(sigmoid, ones).toJSON()).toThrow(
      "EpyNN.toJSON: layer 1 (Dense): the initialization 'ones' is not registered by name; call registerInitializer('ones', fn)",
    );
    registerInitializer('io_ones', ones);
    const json = denseModel(sigmoid, ones).toJSON();
    expect(json.layers[1].config.initialization).toBe('io_ones');
    (json.layers[1].config as { initialization: string }).initialization = 'io_missing';
    expect(() => modelFromJSON(signed(json))).toThrow("EpyNN.fromJSON: layer 1 (Dense): initialization 'io_missing' is not registered");
  });

  it('an unregistered layer class fails on write; registerLayer makes it work', () => {
    class Squash extends Flatten {
      constructor() {
        super();
        this.name = 'Squash';
      }
    }
    const X = [[[0, 1], [1, 0]], [[1, 1], [0, 0]], [[0, 0], [1, 1]]];
    const model = new EpyNN([new Embedding({ XData: X, YData: [0, 1, 0], relativeSize: [1, 0, 0] }), new Squash(), new Dense()], 'custom');
    model.initialize({ seed: 2, quiet: true });
    expect(() => model.toJSON()).toThrow("EpyNN.toJSON: layer 1 (Squash): layer type 'Squash' is not registered; call registerLayer('Squash', Squash) first");
    registerLayer('Squash', Squash);
    const loaded = modelFromJSON(model.toJSON());
    expect(loaded.layers[1]).toBeInstanceOf(Squash);
    expect([...loaded.predict(X).A.data]).toEqual([...model.predict(X).A.data]);
  });
});

describe('without a file system (browser)', () => {
  it('write() and plot() explain what to use instead', () => {
    const model = denseModel();
    setNodeIO(undefined);
    try {
      expect(() => model.write()).toThrow(EpyNNError);
      expect(() => model.write()).toThrow("EpyNN.write: no file system available (browser build, or the core entry was imported in Node). Use model.toJSON() instead, or in Node import from 'epynn-ts'");
      expect(() => model.plot()).toThrow('EpyNN.plot: no file system available (browser build, or the core entry was imported in Node). Use plotSVG(model) instead');
    } finally {
      setNodeIO(nodeFileSystem);
    }
    const path = model.write(join(dir, 'after.json'));
    expect(JSON.parse(readFileSync(path, 'utf8')).model.name).toBe('tiny');
  });
});
