// The playground's plain-TS parts (no DOM): layer specs -> EpyNN layers, stored specs cleaned, the
// check-pass subset, the confusion matrix, the packed MNIST asset, and the default sessions' check pass.
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { Convolution, EpyNN, GRU, LSTM, NDArray, Pooling, RNN } from '../../src/index.js';
import { MNIST_SIZE, checkSubset, makeDataset, parseMnistPack, type MnistPack } from '../../playground/src/datasets.js';
import { buildModel, confusionMatrix } from '../../playground/src/network.js';
import { CATALOG, LAYER_TYPES, buildLayer, cleanSpec, defaultSession, layerSpec, specFromConfig } from '../../playground/src/spec.js';

/** A small fake pack: n digits, digit i has label i % 10 and every pixel = i. */
function fakePack(n: number): Uint8Array {
  const buf = new Uint8Array(8 + n + n * MNIST_SIZE);
  buf.set([0x45, 0x50, 0x4d, 0x4e]);
  new DataView(buf.buffer).setUint32(4, n, true);
  for (let i = 0; i < n; i++) {
    buf[8 + i] = i % 10;
    buf.fill(i, 8 + n + i * MNIST_SIZE, 8 + n + (i + 1) * MNIST_SIZE);
  }
  return buf;
}

describe('layer specs', () => {
  test('every layer type builds with its defaults, and options reach the layer', () => {
    for (const type of LAYER_TYPES) expect(buildLayer(layerSpec(type)).name).toBe(type);
    const conv = buildLayer(layerSpec('Convolution', { unitFilters: 3, filterSize: 4, strides: 2, padding: 1, activate: 'tanh' })) as Convolution;
    expect([conv.d.u, conv.d.fh, conv.d.fw, conv.d.sh, conv.d.sw, conv.d.p]).toEqual([3, 4, 4, 2, 2, 1]);
    expect(conv.activation.activate).toBe('tanh');
    const pool = buildLayer(layerSpec('Pooling', { poolSize: 3, strides: 0, pool: 'mean' })) as Pooling;
    expect([pool.d.ph, pool.d.sh, pool.pool]).toEqual([3, 3, 'mean']); // stride 0 = the window size
    const rnn = buildLayer(layerSpec('RNN', { unitCells: 5, sequences: true })) as RNN;
    expect([rnn.d.u, rnn.sequences, rnn.clipGradients]).toEqual([5, true, true]);
    const lstm = buildLayer(layerSpec('LSTM', { activateForget: 'tanh' })) as LSTM;
    expect(lstm.activation).toMatchObject({ activate_forget: 'tanh' });
    const gru = buildLayer(layerSpec('GRU', { activateReset: 'relu' })) as GRU;
    expect(Object.values(gru.activation)).toContain('relu');
  });

  test('bad option values get the library error that names the layer', () => {
    expect(() => buildLayer(layerSpec('Dense', { units: 0 }))).toThrow(/Dense.*units/);
    expect(() => buildLayer(layerSpec('Dropout', { dropProb: 1.5 }))).toThrow(/Dropout.*dropProb/);
  });

  test('a built layer\'s config gives back its spec (the editor after loading a model)', () => {
    for (const spec of [...defaultSession('mnist').layers, ...defaultSession('dummy_string').layers, layerSpec('GRU', { unitCells: 3 }), layerSpec('Dropout', { dropProb: 0.3 })]) {
      const layer = buildLayer(spec);
      const back = specFromConfig(layer.name, layer.toConfig() as Record<string, unknown>)!;
      expect(back).toBeDefined();
      expect(layer.toConfig()).toEqual(buildLayer(back).toConfig());
    }
    expect(specFromConfig('Convolution', { ...buildLayer(layerSpec('Convolution')).toConfig(), filterSize: [3, 5] })).toBeUndefined();
    expect(specFromConfig('Embedding', {})).toBeUndefined();
  });

  test('specs from storage: unknown types and keys dropped, wrong types replaced by defaults', () => {
    expect(cleanSpec({ type: 'Attention', opts: {} })).toBeUndefined();
    expect(cleanSpec(null)).toBeUndefined();
    const s = cleanSpec({ type: 'Dense', opts: { units: 7, activate: 5, evil: 'x' } })!;
    expect(s.opts).toEqual({ ...CATALOG.Dense.defaults, units: 7 });
  });
});

describe('datasets and networks', () => {
  test('the packed MNIST asset parses gzipped or plain, and makeDataset scales pixels to [0, 1]', async () => {
    const raw = fakePack(30);
    for (const bytes of [gzipSync(raw), raw]) {
      const pack = await parseMnistPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      expect(pack.n).toBe(30);
      expect(Array.from(pack.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      const d = makeDataset({ kind: 'mnist', samples: 20 }, 1, pack);
      const X = d.X as NDArray;
      expect(X.shape).toEqual([20, 28, 28, 1]);
      expect(X.data[5 * MNIST_SIZE + 3]).toBeCloseTo(5 / 255, 15);
    }
    const bad = fakePack(2);
    bad[0] = 0;
    await expect(parseMnistPack(bad.buffer as ArrayBuffer)).rejects.toThrow(/not a packed digits file/);
    await expect(parseMnistPack(fakePack(3).slice(0, 100).buffer as ArrayBuffer)).rejects.toThrow(/100 bytes for 3 digits/);
  });

  test('the check subset holds every class even when the first samples do not', () => {
    const pack: MnistPack = { n: 40, labels: Uint8Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : i % 10)), pixels: new Uint8Array(40 * MNIST_SIZE) };
    const d = makeDataset({ kind: 'mnist', samples: 40 }, 1, pack);
    const sub = checkSubset(d, 8);
    expect(new Set(sub.Y).size).toBe(10);
    expect(sub.Y.slice(0, 8)).toEqual(new Array(8).fill(0));
    expect((sub.X as NDArray).shape[0]).toBe(sub.Y.length);
  });

  test('confusion matrix: rows are true classes, columns predictions', () => {
    const Y = new NDArray(Float64Array.from([1, 0, 0, 1, 0, 1, 1, 0]), [4, 2]);
    expect(confusionMatrix(Y, [0, 1, 0, 0])).toEqual([[2, 0], [1, 1]]); // truths 0, 1, 1, 0
    expect(confusionMatrix(Y, [0, 1, 1, 0])).toEqual([[2, 0], [0, 2]]);
  });

  test.each(['dummy_image', 'dummy_time', 'dummy_string'] as const)('the default %s network passes the check pass and trains one epoch', (kind) => {
    const s = defaultSession(kind);
    s.data.samples = 60;
    const model: EpyNN = buildModel(s);
    model.initialize({ loss: s.train.loss, seed: 1, quiet: true, seHPars: { learning_rate: s.train.learningRate } });
    model.train({ epochs: 1, quiet: true });
    expect(model.metrics.accuracy[1]).toHaveLength(1);
  });
});
