// TF.js export and import without the TF.js runtime (that is checked in interop/): the round trip
// fromTFJS(toTFJS(m)) predicts exactly like m with its parameters rounded to float32, the layout is
// Keras's, and what Keras cannot express is refused by name.
import { describe, expect, it } from 'vitest';
import { lrelu, registerActivation, relu, softmax, type Activation } from '../../src/activation/functions.js';
import { EpyNNError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { GRU } from '../../src/gru/models.js';
import { preprocess } from '../../src/io/portable.js';
import { fromTFJS, toTFJS, type TFJSModelJSON } from '../../src/io/tfjs.js';
import { LSTM } from '../../src/lstm/models.js';
import { EpyNN } from '../../src/network/models.js';
import { Pooling } from '../../src/pooling/models.js';
import { expectClose } from '../helpers/close.js';
import { build, onnxOnlyZoo, samples, zoo } from './export_models.js';

/** A copy of the model's predictions with every parameter rounded to float32 (and softmax T folded like the export). */
function float32Predictions(model: EpyNN, X: NDArray): NDArray {
  const saved = model.layers.map((l) => ({ ...l.p }));
  try {
    for (const l of model.layers) for (const [k, v] of Object.entries(l.p)) l.p[k] = new NDArray(v.data.map(Math.fround), v.shape);
    return model.predict(X).A!;
  } finally {
    model.layers.forEach((l, i) => (l.p = saved[i]));
  }
}

const inputShape = (m: EpyNN): number[] => m.embedding.fs.X!.slice(1);

describe('toTFJS / fromTFJS round trip', () => {
  for (const [name, make] of Object.entries(zoo)) {
    it(`${name}: fromTFJS(toTFJS(m)) predicts like m at float32 precision`, () => {
      const m = make();
      const X = samples(5, inputShape(m), 7);
      const { modelJSON, weightData } = toTFJS(m);
      const back = fromTFJS(JSON.parse(JSON.stringify(modelJSON)) as TFJSModelJSON, weightData);
      const got = back.predict(X).A!;
      // the float64 model vs its import: only float32 rounding of the weights separates them
      expectClose(got, m.predict(X).A!, `${name} vs original`, { rtol: 1e-4, atol: 1e-6 });
      // the same parameters rounded to float32, computed in float64: equal up to the softmax-T fold's rounding
      const T = m.layers[m.layers.length - 1].hPars.softmax_temperature;
      expectClose(got, float32Predictions(m, X), `${name} vs float32 weights`, T === 1 ? {} : { rtol: 1e-6, atol: 1e-7 });
      // exporting the import again gives the same bytes (a fixed point)
      const again = toTFJS(back);
      expect(new Uint8Array(again.weightData)).toEqual(new Uint8Array(weightData));
      expect(again.modelJSON.modelTopology).toEqual(modelJSON.modelTopology);
    });
  }

  it('an imported model continues training with train({ data })', () => {
    const m = zoo.conv_relu_valid();
    const back = fromTFJS(toTFJS(m).modelJSON, toTFJS(m).weightData, { loss: 'CCE' });
    const X = samples(16, inputShape(m), 4);
    const Y = Array.from({ length: 16 }, (_, i) => i % 2);
    back.train({ epochs: 3, data: { XData: X, YData: Y }, quiet: true });
    const loss = back.metrics.CCE[0];
    expect(loss).toHaveLength(3);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[2]).toBeLessThan(loss[0]);
    expect(back.metrics.accuracy[0]).toHaveLength(3);
  });

  it('an imported model continues training in a new network with its layers', () => {
    const m = zoo.lstm_stack();
    const { modelJSON, weightData } = toTFJS(m);
    const back = fromTFJS(modelJSON, weightData);
    const X = samples(16, inputShape(m), 3);
    const Y = Array.from({ length: 16 }, (_, i) => i % 2);
    const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 8 }), ...back.layers.slice(1)], 'continued');
    const before = back.predict(X).A!;
    model.initialize({ loss: 'MSE', params: false, seed: 1, quiet: true });
    expectClose(model.predict(X).A!, before, 'params: false keeps the imported weights');
    model.train({ epochs: 3, quiet: true });
    const loss = model.metrics.MSE[0];
    expect(loss.length).toBe(3);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[2]).toBeLessThan(loss[0]);
  });
});

describe('toTFJS: Keras layout', () => {
  it('writes Keras Sequential layers, ZeroPadding2D before a padded Conv2D, activation layers for lrelu and elu', () => {
    const { modelJSON } = toTFJS(zoo.conv_pad_strides_elu());
    const layers = (modelJSON.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(layers.map((l) => l.class_name)).toEqual(['ZeroPadding2D', 'Conv2D', 'AveragePooling2D', 'Flatten', 'Dense']);
    expect(layers[0].config.batch_input_shape).toEqual([null, 7, 6, 3]);
    expect(layers[1].config).toMatchObject({ kernel_size: [3, 2], strides: [2, 1], padding: 'valid', activation: 'elu' });
    const lrelu = (toTFJS(zoo.conv_default_strides_nobias_lrelu()).modelJSON.modelTopology.config as { layers: typeof layers }).layers;
    expect(lrelu.map((l) => l.class_name)).toEqual(['Conv2D', 'LeakyReLU', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(lrelu[0].config).toMatchObject({ activation: 'linear', use_bias: false });
    expect(lrelu[1].config.alpha).toBe(0.2);
    expect(modelJSON.weightsManifest[0].weights.map((w) => `${w.name} ${w.shape.join('x')}`)).toEqual([
      'conv2d_1/kernel 3x2x3x4', 'conv2d_1/bias 4', 'dense_1/kernel 24x2', 'dense_1/bias 2',
    ]);
  });

  it('puts LSTM gates in Keras order [i | f | c | o] and GRU gates in [z | r | h]', () => {
    const m = zoo.lstm_stack();
    const { modelJSON, weightData } = toTFJS(m);
    const f32 = new Float32Array(weightData);
    const lstm = m.layers[1] as LSTM;
    const u = 4;
    // kernel (3, 16): row 0, the columns of gate k are U_k[0, :]
    ['Ui', 'Uf', 'Ug', 'Uo'].forEach((k, g) => {
      for (let c = 0; c < u; c++) expect(f32[g * u + c]).toBe(Math.fround(lstm.p[k].data[c]));
    });
    expect(modelJSON.weightsManifest[0].weights[0]).toEqual({ name: 'lstm_1/kernel', shape: [3, 16], dtype: 'float32' });
    const g = zoo.gru_stack();
    const gru = g.layers[1] as GRU;
    const bias = toTFJS(g).modelJSON.weightsManifest[0].weights[2];
    expect(bias).toEqual({ name: 'gru_1/bias', shape: [12], dtype: 'float32' });
    const gw = new Float32Array(toTFJS(g).weightData);
    const offset = 3 * 12 + 4 * 12; // after kernel (3, 12) and recurrent_kernel (4, 12)
    ['bz', 'br', 'bhh'].forEach((k, j) => {
      for (let c = 0; c < 4; c++) expect(gw[offset + j * 4 + c]).toBe(Math.fround(gru.p[k].data[c]));
    });
  });

  it('folds the softmax temperature into the weights: W/T, b/T', () => {
    const m = zoo.dense_stack_softmax_T();
    const { modelJSON, weightData } = toTFJS(m);
    const specs = modelJSON.weightsManifest[0].weights;
    const last = m.layers[m.layers.length - 1] as Dense;
    let o = 0;
    for (const s of specs.slice(0, -1)) o += s.shape.reduce((a, b) => a * b, 1);
    const f32 = new Float32Array(weightData);
    for (let i = 0; i < 3; i++) expect(f32[o + i]).toBe(Math.fround(last.p.b.data[i] / 2.5));
  });
});

describe('toTFJS refusals', () => {
  const refuse = (m: () => EpyNN, pattern: RegExp): void => {
    let err: unknown;
    try {
      toTFJS(m());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EpyNNError);
    expect((err as Error).message).toMatch(pattern);
  };
  it('min pooling', () => refuse(() => build('min', [4, 4, 1], [new Pooling({ poolSize: 2, pool: 'min' }), new Flatten(), new Dense({ units: 2 })]), /toTFJS: layer 1 \(Pooling\): min pooling has no Keras layer/));
  it('a custom activation', () => {
    const swish: Activation = (x) => new NDArray(x.data.map((v) => v / (1 + Math.exp(-v))), x.shape);
    registerActivation('swish_export_test', swish);
    refuse(() => build('custom', [3], [new Dense({ units: 2, activate: swish })]), /layer 1 \(Dense\): activate 'swish_export_test' is a custom activation/);
  });
  it('lrelu with alpha > 1 (max(αx, x) is not LeakyReLU)', () => refuse(() => build('lrelu2', [3], [new Dense({ units: 2, activate: lrelu })], { hPars: { LRELU_alpha: 2 } }), /LRELU_alpha = 2/));
  it("elu with alpha != 1 (tfjs-layers's ELU refuses it)", () => refuse(onnxOnlyZoo.dense_elu_alpha, /toTFJS: layer 1 \(Dense\): elu with ELU_alpha = 0.7: TF.js's ELU layer supports alpha = 1 only/));
  it('LSTM gates with different activations', () =>
    refuse(() => build('lstm_mixed', [4, 2], [new LSTM({ unitCells: 2, activateForget: relu }), new Dense({ units: 2, activate: softmax })]), /layer 1 \(LSTM\): the gate activations differ/));
  it('LSTM candidate and memory activations that differ', () =>
    refuse(() => build('lstm_cand', [4, 2], [new LSTM({ unitCells: 2, activateCandidate: relu }), new Dense({ units: 2, activate: softmax })]), /activateCandidate 'relu'; Keras's LSTM uses one activation/));
  it('GRU update and reset activations that differ', () =>
    refuse(() => build('gru_mixed', [4, 2], [new GRU({ unitCells: 2, activateReset: relu }), new Dense({ units: 2, activate: softmax })]), /layer 1 \(GRU\): activateUpdate 'sigmoid' differs from activateReset 'relu'/));
  it('Dropout with axis', () => refuse(() => build('drop_axis', [4, 3], [new Dropout({ dropProb: 0.5, axis: [1] }), new Flatten(), new Dense({ units: 2 })]), /layer 1 \(Dropout\): Dropout with axis \[1\]/));
  it('an uninitialized model', () => {
    const m = new EpyNN([new Embedding(), new Dense({ units: 2 })], 'raw');
    expect(() => toTFJS(m)).toThrow(/toTFJS: the model 'raw' is not initialized/);
  });
});

describe('fromTFJS: the layout of a Python Keras export (tensorflowjs_converter)', () => {
  it('model_config wrapper, InputLayer with batch_shape, weight names with cell scopes and :0', () => {
    const m = build('py', [4, 3], [new LSTM({ unitCells: 3, sequences: true }), new GRU({ unitCells: 2 }), new Dense({ units: 2, activate: softmax })]);
    const { modelJSON, weightData } = toTFJS(m);
    const layers = (modelJSON.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    const renamed: Record<string, string> = { lstm_1: 'lstm', gru_1: 'gru', dense_1: 'dense' };
    const pyLayers = [
      { class_name: 'InputLayer', config: { batch_shape: [null, 4, 3], name: 'input_layer' } },
      ...layers.map((l) => {
        const { batch_input_shape: _, ...config } = l.config;
        return { class_name: l.class_name, config: { ...config, name: renamed[String(l.config.name)] } };
      }),
    ];
    const cell: Record<string, string> = { lstm: 'lstm/lstm_cell', gru: 'gru/gru_cell', dense: 'dense' };
    const py: TFJSModelJSON = {
      format: 'layers-model',
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: pyLayers } } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: modelJSON.weightsManifest[0].weights.map((w) => {
        const [layer, weight] = w.name.split('/');
        return { ...w, name: `${cell[renamed[layer]]}/${weight}:0` };
      }) }],
    };
    const X = samples(4, [4, 3], 5);
    expectClose(fromTFJS(py, weightData).predict(X).A!, fromTFJS(modelJSON, weightData).predict(X).A!, 'Python layout');
    expect(fromTFJS(py, weightData).name).toBe('sequential');
  });
});

describe('fromTFJS refusals', () => {
  const topology = (layers: unknown[]): TFJSModelJSON => ({ modelTopology: { class_name: 'Sequential', config: { name: 't', layers } }, weightsManifest: [{ paths: [], weights: [] }] });
  const input = { batch_input_shape: [null, 4], name: 'in' };
  it('a functional model', () => expect(() => fromTFJS({ modelTopology: { class_name: 'Model', config: {} }, weightsManifest: [] }, new ArrayBuffer(0))).toThrow(/only Sequential models/));
  it('an unknown layer class, by name', () =>
    expect(() => fromTFJS(topology([{ class_name: 'UpSampling2D', config: { ...input } }]), new ArrayBuffer(0))).toThrow(/layer 0 \(UpSampling2D 'in'\): layer class "UpSampling2D" has no EpyNN equivalent/));
  it("GRU with reset_after (Keras 2's default)", () =>
    expect(() => fromTFJS(topology([{ class_name: 'GRU', config: { batch_input_shape: [null, 3, 2], name: 'g', units: 2, reset_after: true, recurrent_activation: 'sigmoid' } }]), new ArrayBuffer(0))).toThrow(/reset_after = true/));
  it("LSTM with TF.js's default hard_sigmoid", () => {
    const m = toTFJS(zoo.lstm_stack());
    const layers = (m.modelJSON.modelTopology.config as { layers: { config: Record<string, unknown> }[] }).layers;
    layers[0].config.recurrent_activation = 'hard_sigmoid';
    expect(() => fromTFJS(m.modelJSON, m.weightData)).toThrow(/layer 0 \(LSTM 'lstm_1'\): recurrent_activation "hard_sigmoid" has no EpyNN equivalent/);
  });
  it('truncated weights and non-float32 weights', () => {
    const m = toTFJS(zoo.dense_identity_relu());
    expect(() => fromTFJS(m.modelJSON, m.weightData.slice(0, 20))).toThrow(/weightData holds 20 bytes but the manifest describes 92 \(the weights file is truncated\)/);
    const json = JSON.parse(JSON.stringify(m.modelJSON)) as TFJSModelJSON;
    json.weightsManifest[0].weights[0].dtype = 'int32';
    expect(() => fromTFJS(json, m.weightData)).toThrow(/dtype "int32"; only float32/);
  });
});

describe('preprocess', () => {
  it('one-hot encodes sequences with the training order and scales like the Embedding', () => {
    const X = [['A', 'C', 'G'], ['G', 'G', 'T'], ['T', 'A', 'C']];
    const model = new EpyNN([new Embedding({ XData: X, YData: [0, 1, 0], XEncode: true, YEncode: true }), new Flatten(), new Dense({ units: 2, activate: softmax })], 'seq');
    model.initialize({ quiet: true, seed: 1 });
    const { modelJSON } = toTFJS(model);
    const meta = modelJSON.userDefinedMetadata!;
    expect(meta.epynn).toMatchObject({ format: 'epynn-ts/preprocess', elements: ['A', 'C', 'G', 'T'], XScale: false, labelColumns: 2, YEncode: true, inputShape: [3, 4] });
    const P = preprocess(meta as never, [['C', 'A', 'T']]);
    expect(P.shape).toEqual([1, 3, 4]);
    expect([...P.data]).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(() => preprocess(meta as never, [['C', 'A', 'X']])).toThrow(/element 'X' of sample 0 was not seen/);
    // the import one-hot encodes raw sequences in predict, as the original does
    const imported = fromTFJS(modelJSON, toTFJS(model).weightData);
    expectClose(imported.predict([['C', 'A', 'T'], ['G', 'T', 'A']]).A!, model.predict([['C', 'A', 'T'], ['G', 'T', 'A']]).A!, 'XEncode import', { rtol: 1e-5, atol: 1e-7 });
    const images = new Embedding({ XData: [[0, 5], [10, 2]], YData: [0, 1], XScale: true });
    const m2 = new EpyNN([images, new Dense({ units: 1 })], 'scaled');
    m2.initialize({ quiet: true, seed: 1 });
    const meta2 = toTFJS(m2).modelJSON.userDefinedMetadata!.epynn!;
    expect(meta2).toMatchObject({ XScale: true, XScaleRange: [0, 10] });
    // the training range, as predict applies it
    expect([...preprocess(meta2, [[2, 4], [6, 10]]).data]).toEqual([0.2, 0.4, 0.6, 1]);
    // range unknown (an older file): over this X, as EpyNN
    expect([...preprocess({ ...meta2, XScaleRange: null }, [[2, 4], [6, 10]]).data]).toEqual([0, 0.25, 0.5, 1]);
    // the import keeps the transformation: predict(raw) of the import equals predict(raw) of the original
    const back = fromTFJS(toTFJS(m2).modelJSON, toTFJS(m2).weightData);
    expectClose(back.predict([[2, 4], [6, 10]]).A!, m2.predict([[2, 4], [6, 10]]).A!, 'XScale import', { rtol: 1e-5, atol: 1e-7 });
    expect(toTFJS(back).modelJSON.userDefinedMetadata!.epynn).toEqual(meta2);
    expect(() => preprocess({ format: 'other' } as never, [[1]])).toThrow(/not epynn-ts preprocessing/);
  });
});

describe('conv import', () => {
  it("Conv2D padding 'same' with stride 1 and an odd kernel imports as a symmetric padding", () => {
    const m = build('c', [5, 5, 1], [new Convolution({ unitFilters: 2, filterSize: 3, strides: 1, padding: 1, activate: relu }), new Flatten(), new Dense({ units: 2, activate: softmax })]);
    const { modelJSON, weightData } = toTFJS(m);
    const layers = (modelJSON.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    const same = { ...modelJSON, modelTopology: { ...modelJSON.modelTopology, config: { name: 'c', layers: [{ class_name: 'Conv2D', config: { ...layers[1].config, batch_input_shape: [null, 5, 5, 1], padding: 'same' } }, ...layers.slice(2)] } } };
    const X = samples(3, [5, 5, 1], 2);
    expectClose(fromTFJS(same, weightData).predict(X).A!, fromTFJS(modelJSON, weightData).predict(X).A!, 'same vs ZeroPadding2D');
  });
});
