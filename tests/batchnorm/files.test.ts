// Normalization layers in whole models: written and read with their running statistics (the same
// predictions, training continues on the same bits), and refused by compat: 'epynn'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BatchNormalization, Convolution, Dense, EpyNN, EpyNNError, Embedding, Flatten, LayerNormalization, ModelFileError, NDArray, Pooling,
  adam, numpyRng, relu, softmax,
} from '../../src/index.js';
import { BARE_MODE } from '../../src/commons/models.js';
import { modelChecksum } from '../../src/io/library.js';
import type { ModelJSON } from '../../src/io/library.js';
import { readModel, writeModel } from '../../src/node/index.js';
import { expectClose } from '../helpers/close.js';
import { throwsWith } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-norm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function images(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  const X = new NDArray(new Float64Array(m * 8 * 8).map(() => rng.uniform()), [m, 8, 8, 1]);
  return { X, y: Array.from({ length: m }, (_, i) => (i * 5) % 3) };
}

function model(): EpyNN {
  const { X, y } = images(90, 3);
  return new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 30, relativeSize: [2, 1, 0] }),
    new Convolution({ unitFilters: 4, filterSize: 3, strides: 1, activate: relu }),
    new BatchNormalization({ momentum: 0.25, epsilon: 1e-4 }),
    new Pooling({ poolSize: 2 }),
    new LayerNormalization({ axis: [-3, -2, -1], center: false }),
    new Flatten(),
    new Dense({ units: 6, activate: relu }),
    new BatchNormalization({ scale: false }),
    new LayerNormalization(),
    new Dense({ units: 3, activate: softmax }),
  ], 'norm');
}

/** An edited document with its checksum recomputed, so the check behind the checksum is what fails. */
const signed = (json: ModelJSON): ModelJSON => ({ ...json, checksum: modelChecksum(json) });

const bits = (a: ArrayLike<number>): number[] => Array.from(a);

describe('normalization layers in model files', () => {
  test('JSON round trip: options, running statistics, predictions, and training continues on the same bits', () => {
    const a = model().initialize({ loss: 'CCE', seed: 2, quiet: true, seHPars: { learning_rate: 0.01 } });
    a.train({ epochs: 2, quiet: true });
    const json = JSON.stringify(a.toJSON({ includeData: true }));
    const b = EpyNN.fromJSON(json);
    const bn = b.layers[2] as BatchNormalization;
    expect(bn).toBeInstanceOf(BatchNormalization);
    expect(bn.toConfig()).toEqual({ momentum: 0.25, epsilon: 1e-4, center: true, scale: true });
    expect((b.layers[4] as LayerNormalization).toConfig()).toEqual({ epsilon: 1e-5, center: false, scale: true, axis: [-3, -2, -1] });
    expect(Object.keys(bn.p)).toEqual(['gamma', 'beta', 'mean', 'var']);
    expect(Object.keys(b.layers[7].p)).toEqual(['beta', 'mean', 'var']);
    expect(Object.keys(b.layers[4].p)).toEqual(['gamma']);
    a.layers.forEach((layer, i) => {
      for (const [k, P] of Object.entries(layer.p)) expect(bits(b.layers[i].p[k].data), `layer ${i} p.${k}`).toEqual(bits(P.data));
    });
    expect(bits((a.layers[2] as BatchNormalization).p.mean.data).some((v) => v !== 0)).toBe(true);
    const { X } = images(7, 11);
    expect(bits(b.predict(X).A.data)).toEqual(bits(a.predict(X).A.data));
    a.train({ epochs: 2, quiet: true });
    b.train({ epochs: 2, quiet: true });
    a.layers.forEach((layer, i) => {
      for (const [k, P] of Object.entries(layer.p)) expect(bits(b.layers[i].p[k].data), `after more training: layer ${i} p.${k}`).toEqual(bits(P.data));
    });
  });

  test('with Adam: the optimizer moves γ and β only (its state has no running statistics); written, read and trained on: the same bits', () => {
    const a = model().initialize({ loss: 'CCE', seed: 3, quiet: true, optimizer: adam(), seHPars: { learning_rate: 0.001 } });
    a.train({ epochs: 2, quiet: true });
    const bn = a.layers[2] as BatchNormalization;
    expect(Object.keys(bn.s).sort()).toEqual(['beta', 'gamma']);
    expect(Object.keys(a.layers[7].s)).toEqual(['beta']);
    expect(Object.keys(a.layers[4].s)).toEqual(['gamma']);
    // the model file keeps the optimizer state: train 2 + write + read + train 1 = train 3, bit for bit
    const b = EpyNN.fromJSON(JSON.stringify(a.toJSON({ includeData: true })));
    a.train({ epochs: 1, quiet: true });
    b.train({ epochs: 1, quiet: true });
    a.layers.forEach((layer, i) => {
      for (const [k, P] of Object.entries(layer.p)) expect(bits(b.layers[i].p[k].data), `layer ${i} p.${k}`).toEqual(bits(P.data));
    });
  });

  test('a training forward or backward on a shard needs the whole batch\'s statistics and sums (the engine hands them over)', () => {
    const layer = new BatchNormalization();
    const X = new NDArray(Float64Array.from({ length: 12 }, (_, i) => i % 5), [4, 3]);
    layer.computeShapes(X);
    layer.initializeParameters();
    layer.mode = Object.freeze({ ...BARE_MODE, phase: 'training', shard: true });
    throwsWith(() => layer.forward(X), EpyNNError, "BatchNormalization: a training forward on a shard of a batch needs the whole batch's statistics (presetStatistics, set by the parallel engine)");
    const red = layer.batchReduction();
    red.presetStatistics({ mean: new Float64Array(3), variance: new Float64Array(3).fill(1), rows: 8 });
    layer.forward(X);
    throwsWith(() => layer.backward(X), EpyNNError, "BatchNormalization: a training backward on a shard of a batch needs the whole batch's sums");
  });

  test('two shards with the reduced statistics and sums give the whole batch\'s forward, backward and gradients', () => {
    const rng = numpyRng(4);
    const shape = [6, 2, 2, 3];
    const X = new NDArray(Float64Array.from({ length: 72 }, () => 3 + rng.uniform()), shape);
    const dA = new NDArray(Float64Array.from({ length: 72 }, () => rng.uniform() - 0.5), shape);
    const make = (): BatchNormalization => {
      const layer = new BatchNormalization();
      layer.computeShapes(X);
      layer.initializeParameters();
      layer.p.gamma.data.set([0.5, 2, -1]);
      layer.p.beta.data.set([0.1, 0, 0.3]);
      layer.training = true;
      return layer;
    };
    const whole = make();
    const A = whole.forward(X);
    const dX = whole.backward(dA);
    whole.computeGradients();
    // the shards: rows 0-2 and 3-5, their sums added in shard order as the engine does
    const halves = [0, 1].map(() => make());
    const rows = (T: NDArray, h: number): NDArray => new NDArray(T.data.slice(h * 36, (h + 1) * 36), [3, 2, 2, 3]);
    const red = halves.map((l) => l.batchReduction());
    const add = (f: (h: number, out: Float64Array) => void, div: number): Float64Array => {
      const parts = [0, 1].map((h) => {
        const out = new Float64Array(3);
        f(h, out);
        return out;
      });
      return parts[0].map((v, c) => (v + parts[1][c]) / div);
    };
    const R = 24; // m·h·w
    const mean = add((h, out) => red[h].inputSums(rows(X, h), undefined, out), R);
    const variance = add((h, out) => red[h].inputSums(rows(X, h), mean, out), R);
    halves.forEach((l) => (l.mode = Object.freeze({ ...l.mode, shard: true })));
    red.forEach((r) => r.presetStatistics({ mean, variance, rows: R }));
    const As = halves.map((l, h) => l.forward(rows(X, h)).data.slice());
    const s1 = new Float64Array(3);
    const s2 = new Float64Array(3);
    const parts = halves.map((_, h) => {
      const a = new Float64Array(3);
      const b = new Float64Array(3);
      red[h].gradientSums(rows(dA, h), a, b);
      return [a, b];
    });
    for (let c = 0; c < 3; c++) {
      s1[c] = parts[0][0][c] + parts[1][0][c];
      s2[c] = parts[0][1][c] + parts[1][1][c];
    }
    red.forEach((r) => r.presetGradientSums({ s1, s2, rows: R }));
    const dXs = halves.map((l, h) => l.backward(rows(dA, h)).data.slice());
    halves.forEach((l) => l.computeGradients());
    const TOL = { rtol: 1e-12, atol: 1e-12 };
    expectClose(new NDArray(Float64Array.from([...As[0], ...As[1]]), shape), A, 'A', TOL);
    expectClose(new NDArray(Float64Array.from([...dXs[0], ...dXs[1]]), shape), dX, 'dX', TOL);
    expectClose(new NDArray(mean, [3]), whole.fc.mu, 'mean', TOL);
    expectClose(new NDArray(variance, [3]), whole.fc.var, 'variance', TOL);
    for (const k of ['dgamma', 'dbeta']) {
      const g = halves[0].g[k].data.map((v, c) => v + halves[1].g[k].data[c]);
      expectClose(new NDArray(g, [3]), whole.g[k], k, TOL);
    }
    // the model's own layer takes the batch's statistics and moves its running ones with them
    const model = make();
    model.batchReduction().acceptStatistics(mean, variance, R);
    model.g = whole.g;
    model.updateParameters();
    whole.updateParameters();
    expectClose(model.p.mean, whole.p.mean, 'running mean', TOL);
    expectClose(model.p.var, whole.p.var, 'running var', TOL);
    expect(Array.from(model.p.mean.data).some((v) => v !== 0)).toBe(true);
  });

  test('LayerNormalization over the channels of every position of a map (fc.mu of m·h·w groups): JSON round trip', () => {
    const { X, y } = images(40, 5);
    const a = new EpyNN([
      new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 10 }),
      new Convolution({ unitFilters: 3, filterSize: 3, strides: 1, activate: relu }),
      new LayerNormalization(),
      new Flatten(),
      new Dense({ units: 3, activate: softmax }),
    ]).initialize({ loss: 'CCE', seed: 6, quiet: true, seHPars: { learning_rate: 0.01 } });
    a.train({ epochs: 1, quiet: true });
    expect(a.layers[2].fs.mu[0] % 36).toBe(0); // m·6·6 groups of the last forward (m: that pass's samples)
    const b = EpyNN.fromJSON(JSON.stringify(a.toJSON({ includeData: true })));
    const { X: T } = images(4, 13);
    expect(bits(b.predict(T).A.data)).toEqual(bits(a.predict(T).A.data));
  });

  test('written to disk and read back (writeModel / readModel)', () => {
    const a = model().initialize({ loss: 'CCE', seed: 4, quiet: true, seHPars: { learning_rate: 0.01 } });
    a.train({ epochs: 1, quiet: true });
    const path = join(dir, 'norm.json');
    writeModel(a, path);
    const b = readModel(path);
    const { X } = images(5, 12);
    expect(bits(b.predict(X).A.data)).toEqual(bits(a.predict(X).A.data));
  });

  test('a file whose running variance is missing, or of the wrong shape, is refused naming the field', () => {
    const a = model().initialize({ loss: 'CCE', seed: 2, quiet: true });
    const doc = a.toJSON();
    delete (doc.layers[2].params as Record<string, unknown>).var;
    throwsWith(() => EpyNN.fromJSON(signed(doc)), ModelFileError, 'EpyNN.fromJSON: layer 2 (BatchNormalization): parameter var is missing');
    const doc2 = a.toJSON();
    doc2.layers[2].params.mean = doc2.layers[7].params.mean; // (6,) for (4,)
    throwsWith(() => EpyNN.fromJSON(signed(doc2)), ModelFileError, 'parameter mean has shape (6,) but the architecture needs (4,)');
  });
});

describe("compat: 'epynn' refuses the layers EpyNN does not have", () => {
  test.each([['BatchNormalization', () => new BatchNormalization()], ['LayerNormalization', () => new LayerNormalization()]] as const)('%s', (name, make) => {
    const X = Array.from({ length: 8 }, (_, i) => [i % 3, i % 2, (i * 3) % 5]);
    const m = new EpyNN([new Embedding({ XData: X, YData: X.map((x) => x[0] % 2) }), new Dense({ units: 3 }), make(), new Dense()]);
    throwsWith(() => m.initialize({ compat: 'epynn', seed: 1, quiet: true }), EpyNNError, `EpyNN.initialize: compat 'epynn' reproduces EpyNN, which has no ${name} (layer 2); remove the layer or initialize without compat`);
    expect(m.initialized).toBe(false);
    expect(m.compat).toBeUndefined();
    // a file claiming compat with such a layer
    const doc = m.initialize({ seed: 1, quiet: true }).toJSON();
    doc.model.compat = 'epynn';
    throwsWith(() => EpyNN.fromJSON(signed(doc)), ModelFileError, `which has no ${name} (layer 2)`);
  });
});
